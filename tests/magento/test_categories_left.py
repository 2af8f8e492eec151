"""Categories a product left, on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from ._categories_left import categories_left_are_left


def test_a_category_a_product_left_is_left(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    categories_left_are_left(make_cart(sim), "sim")
