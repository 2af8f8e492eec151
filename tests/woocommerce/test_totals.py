"""Computed order totals on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from cartmigrate.connectors.woocommerce import WooCommerceCart

from ._totals import computed_totals_are_reported


def test_computed_totals_are_reported(cart: WooCommerceCart) -> None:
    computed_totals_are_reported(cart)
