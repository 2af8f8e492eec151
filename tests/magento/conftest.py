"""The simulator and carts talking to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
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


class SimRest:
    """Plain REST calls to the simulator in the default store view's scope,
    independent of the cart under test (the real store's tests have ``Raw``)."""

    def __init__(self, sim: MagentoSimulator) -> None:
        self.client = httpx.Client(
            base_url=sim.url + "/rest/V1/",
            headers={"Authorization": f"Bearer {sim.token}"},
            transport=sim.transport,
        )

    def get(self, path: str) -> Any:
        return self.client.get(path).raise_for_status().json()

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, json=body).raise_for_status().json()

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, json=body).raise_for_status().json()


@pytest.fixture
def rest(sim: MagentoSimulator) -> Iterator[SimRest]:
    calls = SimRest(sim)
    yield calls
    calls.client.close()
