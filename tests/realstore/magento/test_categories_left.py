"""Categories a product left, on the real Magento 2.4.7 store.

The scenario is the simulator's (``tests/magento/_categories_left.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.magento._categories_left import categories_left_are_left

from .._stores import RealStore


def test_a_category_a_product_left_is_left(
    real_magento: RealStore, make_cart: Callable[..., Any]
) -> None:
    real_magento.reset()
    try:
        categories_left_are_left(make_cart(), "real")
    finally:
        real_magento.reset()
