"""An order's computed tax and total, on the real WooCommerce 7.9 store.

The scenario is the simulator's (``tests/woocommerce/_totals.py``).
"""

from __future__ import annotations

from cartmigrate.connectors.woocommerce import WooCommerceCart
from tests.woocommerce._totals import computed_totals_are_reported

from .._stores import RealStore


def test_computed_totals_are_reported(real_woocommerce: RealStore, woo: WooCommerceCart) -> None:
    real_woocommerce.reset()
    computed_totals_are_reported(woo)
