"""Customers of another role on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._roles import staff_are_customers_too


def test_staff_who_bought_are_customers_too(
    cart: WooCommerceCart, sim: WooCommerceSimulator
) -> None:
    def make_staff(id: str) -> None:
        sim.store.customers[int(id)]["role"] = "shop_manager"

    staff_are_customers_too(cart, make_staff)
