"""An offline Shopify Admin GraphQL API for tests and demos.

    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    sim = ShopifySimulator(schema=load_schema("admin_schema_2026-01_public.graphql.gz"))
    cart = ShopifyCart("example", "shpat_simulated", transport=sim.transport)

Needs graphql-core (the ``test`` extra).
"""

from __future__ import annotations

from ._deprecations import Deprecation, deprecated_uses
from ._schema import load_schema
from ._sim import FAULT_KINDS, RecordedRequest, ShopifySimulator, capture_requests

__all__ = [
    "FAULT_KINDS",
    "Deprecation",
    "RecordedRequest",
    "ShopifySimulator",
    "capture_requests",
    "deprecated_uses",
    "load_schema",
]
