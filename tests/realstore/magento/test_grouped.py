"""Grouped products on the real Magento 2.4.7 store: written with their
children's links, read back with their children, their children changed.
The scenario is the offline tests' (``tests/magento/_grouped.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._grouped import grouped_round_trip

from .._stores import RealStore
from .conftest import Raw


def test_a_grouped_product_is_written_with_its_children_and_read_back(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    grouped_round_trip(make_cart(), lambda sku: raw.get(f"products/{sku}"))
