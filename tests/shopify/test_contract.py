"""The shared connector contract, run against ShopifyCart on the simulator.

After each contract test, every document the connector sent, with its
variables, is checked against the official 2025-01 Admin schema.
"""

from __future__ import annotations

from collections.abc import Iterator

import graphql
import pytest

from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import CartContract, FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import assert_documents_valid, make_cart


class TestShopifyContract(CartContract):
    @pytest.fixture
    def cart(
        self, sim: ShopifySimulator, clock: FakeClock, schema: graphql.GraphQLSchema
    ) -> Iterator[ShopifyCart]:
        with make_cart(sim, clock) as shop:
            yield shop  # type: ignore[misc]
        assert_documents_valid(schema, sim)  # asserts on every document sent
