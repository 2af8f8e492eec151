"""A deletion during a read, on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate import Product
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from ._live_read import PAGE, a_deletion_during_a_read_skips_nothing


def test_a_deletion_during_a_read_skips_nothing(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    cart = make_cart(sim)
    for n in range(PAGE + 20):
        cart.create(Product(name=f"Live {n}", sku=f"LIVE-{n}", price="5", quantity=1))
    a_deletion_during_a_read_skips_nothing(cart, lambda id: cart.delete(Product, id))
