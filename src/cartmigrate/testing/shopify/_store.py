"""The simulated shop: everything it holds, and the rules Shopify applies when
it changes (catalogue in ``_catalog``, customers and orders in ``_sales``)."""

from __future__ import annotations

from ._catalog import CatalogStore
from ._records import UserError, gid, parse_gid
from ._sales import SalesStore

__all__ = ["Store", "UserError", "gid", "parse_gid"]


class Store(CatalogStore, SalesStore):
    """Everything the shop holds; every method is called under the simulator's lock."""
