"""An offline Shopify Admin GraphQL API for tests and demos.

    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    sim = ShopifySimulator(schema=load_schema("admin_schema_2025-01.json.gz"))
    cart = ShopifyCart("example", "shpat_simulated", transport=sim.transport)

Needs graphql-core (the ``test`` extra).
"""

from __future__ import annotations

from ._schema import load_schema
from ._sim import FAULT_KINDS, RecordedRequest, ShopifySimulator

__all__ = ["FAULT_KINDS", "RecordedRequest", "ShopifySimulator", "load_schema"]
