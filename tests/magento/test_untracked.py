"""Untracked stock on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from ._untracked import untracked_stock_reads_untracked


def test_untracked_stock_reads_untracked(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    untracked_stock_reads_untracked(make_cart(sim), "sim")
