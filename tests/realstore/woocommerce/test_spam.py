"""Rejected (spam) reviews, on the real WooCommerce 7.9 store.

The scenario is the simulator's (``tests/woocommerce/_spam.py``).
"""

from __future__ import annotations

from cartmigrate.connectors.woocommerce import WooCommerceCart
from tests.woocommerce._spam import rejected_reviews_are_read

from .._stores import RealStore


def test_rejected_reviews_are_read(real_woocommerce: RealStore, woo: WooCommerceCart) -> None:
    real_woocommerce.reset()
    rejected_reviews_are_read(woo)
