"""The simulator and carts talking to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator


@pytest.fixture
def sim() -> MagentoSimulator:
    return MagentoSimulator()


@pytest.fixture
def make_cart() -> Iterator[Any]:
    carts: list[MagentoCart] = []

    def make(sim: MagentoSimulator, **options: Any) -> MagentoCart:
        cart = MagentoCart(sim.url, sim.token, transport=sim.transport, **options)
        carts.append(cart)
        return cart

    yield make
    for cart in carts:
        cart.close()
