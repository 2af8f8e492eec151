"""Untracked and out of stock, into Magento (scenario in ``_untracked_sold_out``)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._untracked_sold_out import untracked_sold_out


def test_an_untracked_sold_out_product_is_not_for_sale_on_magento(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    untracked_sold_out(make_cart(sim))
