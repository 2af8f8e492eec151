"""What prestashop cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from typing import Any

from cartmigrate import Product
from tests.woocommerce._catalog import migrate_to_a_target_that_cannot_keep_them


def test_semantics_the_target_cannot_keep_are_warned_about_and_converge(cart: Any) -> None:
    warned = migrate_to_a_target_that_cannot_keep_them(cart)
    assert ("c1", "weight") not in warned  # PrestaShop keeps it


def test_a_virtual_prestashop_product_is_read_as_virtual(sim: Any, cart: Any) -> None:
    created = cart.create(Product(name="Gift card", sku="GIFT", price="10"))
    assert cart.get(Product, created.id).virtual is False
    sim.shop.tables["products"][int(created.id)]["is_virtual"] = "1"
    assert cart.get(Product, created.id).virtual is True
