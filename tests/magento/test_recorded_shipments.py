"""Shipments added and changed after migration, on the simulator (the real
store runs the same scenario)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._recorded_shipments import recorded_shipments
from ._scenario import source_store


def test_later_and_changed_shipments_of_a_migrated_order(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    recorded_shipments(source_store(), make_cart(sim))
