"""Shopify, through the Admin GraphQL API: ``ShopifyCart("my-shop", token)``, or
``ShopifyCart("my-shop", client_id=..., client_secret=...)``.

See docs/connectors/shopify.md.
"""

from __future__ import annotations

from ._cart import LIMITATIONS, ShopifyCart
from ._shop import DEFAULT_API_VERSION
from ._stock import StockConflict

__all__ = ["DEFAULT_API_VERSION", "LIMITATIONS", "ShopifyCart", "StockConflict"]
