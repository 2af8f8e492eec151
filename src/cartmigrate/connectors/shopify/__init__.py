"""Shopify, through the Admin GraphQL API: ``ShopifyCart("my-shop", token)``.

See docs/connectors/shopify.md.
"""

from __future__ import annotations

from ._cart import LIMITATIONS, ShopifyCart

__all__ = ["LIMITATIONS", "ShopifyCart"]
