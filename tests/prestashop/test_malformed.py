"""A malformed record read beside an entity (an address of a customer) fails
that entity alone, as an ``InvalidEntity`` naming the field where it was."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from cartmigrate import Customer
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing.prestashop import PrestaShopSimulator


def test_a_bad_address_fails_its_customer_naming_the_field(
    sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        if request.url.path != "/api/addresses" or not response.content.startswith(b"{"):
            return response
        body = json.loads(response.content)
        for row in body.get("addresses", []):
            row["city"] = ["not", "a", "city"]
        return httpx.Response(200, json=body)

    good = {c.id: c for c in make_cart(sim).read(Customer)}
    cart = make_cart(sim, transport=httpx.MockTransport(handle))
    read = {c.id for c in cart.read(Customer)}
    unreadable = cart.take_unreadable()
    with_addresses = {i for i, c in good.items() if c.addresses}
    assert with_addresses and read == set(good) - with_addresses
    assert {(k, i) for k, i, _ in unreadable} == {(Customer, i) for i in with_addresses}
    assert all(e.field == "addresses[0].city" for _, _, e in unreadable), unreadable
