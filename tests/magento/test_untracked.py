"""Untracked stock on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from ._untracked import tracking_changes_on_update, untracked_stock_reads_untracked


def test_untracked_stock_reads_untracked(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    untracked_stock_reads_untracked(make_cart(sim), "sim")


def test_tracking_changes_on_update(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    tracking_changes_on_update(make_cart(sim), "sim")


def test_tracking_changes_on_update_without_msi(make_cart: Callable[..., MagentoCart]) -> None:
    # Without MSI the flags ride on the same stock item save as the quantity.
    tracking_changes_on_update(make_cart(MagentoSimulator(msi=False)), "legacy")
