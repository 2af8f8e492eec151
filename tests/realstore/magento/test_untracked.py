"""Untracked stock, on the real Magento 2.4.7 store.

The scenario is the simulator's (``tests/magento/_untracked.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.magento._untracked import tracking_changes_on_update, untracked_stock_reads_untracked

from .._stores import RealStore


def test_untracked_stock_reads_untracked(
    real_magento: RealStore, make_cart: Callable[..., Any]
) -> None:
    real_magento.reset()
    try:
        untracked_stock_reads_untracked(make_cart(), "real")
    finally:
        real_magento.reset()


def test_tracking_changes_on_update(real_magento: RealStore, make_cart: Callable[..., Any]) -> None:
    real_magento.reset()
    try:
        tracking_changes_on_update(make_cart(), "real")
    finally:
        real_magento.reset()
