"""Untracked and out of stock, into the real Magento 2.4.7 store. The scenario
is the offline test's (``tests/magento/_untracked_sold_out.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._untracked_sold_out import untracked_sold_out

from .._stores import RealStore


def test_an_untracked_sold_out_product_is_not_for_sale_on_magento(
    real_magento: RealStore, make_cart: Any
) -> None:
    real_magento.reset()
    untracked_sold_out(make_cart())
