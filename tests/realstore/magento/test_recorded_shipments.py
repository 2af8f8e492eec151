"""Shipments added and changed after migration, on the real Magento 2.4.7
store. The scenario is the offline test's (``tests/magento/_recorded_shipments.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._recorded_shipments import recorded_shipments

from .._stores import RealStore
from .test_write import source_store


def test_later_and_changed_shipments_of_a_migrated_order(
    real_magento: RealStore, make_cart: Any
) -> None:
    real_magento.reset()
    recorded_shipments(source_store(13, orders=2), make_cart())
