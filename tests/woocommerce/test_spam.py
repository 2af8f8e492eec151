"""Rejected reviews on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from cartmigrate.connectors.woocommerce import WooCommerceCart

from ._spam import rejected_reviews_are_read


def test_rejected_reviews_are_read(cart: WooCommerceCart) -> None:
    rejected_reviews_are_read(cart)
