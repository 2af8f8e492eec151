"""A Magento customer whose default billing address is its default shipping
one too, beside other addresses: one scenario, on the simulator and the
real store. The models take a customer's second address for its shipping
one, so that read is said, naming the customer and ``addresses``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cartmigrate import Customer
from cartmigrate.connectors.magento import MagentoCart


def _address(street: str, *, default: bool) -> dict[str, Any]:
    return {
        "firstname": "Ada",
        "lastname": "Byron",
        "street": [street],
        "city": "London",
        "postcode": "N1 9GU",
        "country_id": "GB",
        "telephone": "020 7946 0000",
        "default_billing": default,
        "default_shipping": default,
    }


def shared_default_said(cart: MagentoCart, post: Callable[[str, Any], Any]) -> None:
    body = {
        "customer": {
            "email": "ada.shared@example.com",
            "firstname": "Ada",
            "lastname": "Byron",
            "website_id": 1,
            "addresses": [
                _address("1 Home Street", default=False),
                _address("2 Main Street", default=True),
            ],
        }
    }
    created = post("customers", body)
    cart.take_not_read()
    read = cart.get(Customer, str(created["id"]))
    assert read is not None
    assert [a.line1 for a in read.addresses] == ["2 Main Street", "1 Home Street"]
    [(kind, source_id, field, message)] = cart.take_not_read()
    assert (kind, source_id, field) == (Customer, str(created["id"]), "addresses")
    assert "default shipping" in message
