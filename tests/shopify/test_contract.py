"""The shared connector contract, run against ShopifyCart on the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import CartContract, FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import make_cart


class TestShopifyContract(CartContract):
    @pytest.fixture
    def cart(self, sim: ShopifySimulator, clock: FakeClock) -> Iterator[ShopifyCart]:
        with make_cart(sim, clock) as shop:
            yield shop  # type: ignore[misc]
