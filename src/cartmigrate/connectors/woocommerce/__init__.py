"""WooCommerce (REST API v3) connector; see docs/connectors/woocommerce.md."""

from __future__ import annotations

from ._cart import WooCommerceCart

__all__ = ["WooCommerceCart"]
