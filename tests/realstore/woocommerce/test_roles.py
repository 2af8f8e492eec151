"""Customers of another WordPress role, on the real WooCommerce 7.9 store.

The scenario is the simulator's (``tests/woocommerce/_roles.py``); here a
created customer is made a shop manager in the store's database, as a
member of staff who bought from the shop is.
"""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate.connectors.woocommerce import WooCommerceCart
from tests.woocommerce._roles import staff_are_customers_too

from .._stores import RealStore


def test_staff_who_bought_are_customers_too(
    real_woocommerce: RealStore,
    woo: WooCommerceCart,
    woo_db: Callable[[str], list[list[str]]],
) -> None:
    real_woocommerce.reset()

    def make_staff(id: str) -> None:
        woo_db(
            "UPDATE wp_usermeta SET meta_value = 'a:1:{s:12:\"shop_manager\";b:1;}'"
            f" WHERE user_id = {int(id)} AND meta_key = 'wp_capabilities'"
        )
        assert woo_db(
            f"SELECT meta_value FROM wp_usermeta WHERE user_id = {int(id)}"
            " AND meta_key = 'wp_capabilities'"
        ) == [['a:1:{s:12:"shop_manager";b:1;}']]

    staff_are_customers_too(woo, make_staff)
