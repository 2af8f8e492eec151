"""The real Magento store, its cart, and raw REST access for checking what it holds.

The whole folder runs in one process, serially, against one store: tests that
need the baseline reset it (about 3 s), and the sample catalogue (1,999
products) is read once per session, by ``seeded_migration``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from cartmigrate import MemoryCart, Report, SyncEngine
from cartmigrate.connectors.magento import MagentoCart

from .._stores import RealStore


class Raw:
    """Plain REST calls to the store, independent of the connector under test."""

    def __init__(self, store: RealStore) -> None:
        credentials = store.credentials
        self.base = credentials["MAGENTO_REST"].rstrip("/")
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {credentials['MAGENTO_ACCESS_TOKEN']}"},
            timeout=120,
        )

    def get(self, path: str, **params: Any) -> Any:
        response = self._client.get(f"{self.base}/{path}", params=params)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: Any) -> Any:
        response = self._client.post(f"{self.base}/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def put(self, path: str, body: Any) -> Any:
        response = self._client.put(f"{self.base}/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def search(self, path: str, *filters: tuple[str, str, str], size: int = 1000) -> list[Any]:
        items: list[Any] = []
        page = 1
        while True:
            params: dict[str, Any] = {
                "searchCriteria[pageSize]": size,
                "searchCriteria[currentPage]": page,
            }
            for group, (field, value, condition) in enumerate(filters):
                prefix = f"searchCriteria[filter_groups][{group}][filters][0]"
                params[f"{prefix}[field]"] = field
                params[f"{prefix}[value]"] = value
                params[f"{prefix}[condition_type]"] = condition
            body = self.get(path, **params)
            items += body.get("items") or []
            if not body.get("items") or page * size >= body["total_count"]:
                return items
            page += 1

    def stock(self) -> dict[str, tuple[float, int]]:
        """Every SKU's (quantity, status) at the default source."""
        return {
            raw["sku"]: (raw["quantity"], raw["status"])
            for raw in self.search("inventory/source-items", ("source_code", "default", "eq"))
        }

    def salable(self, sku: str) -> float:
        return float(self.get(f"inventory/get-product-salable-quantity/{sku}/1"))

    def close(self) -> None:
        self._client.close()


@pytest.fixture(scope="session")
def raw(real_magento: RealStore) -> Iterator[Raw]:
    client = Raw(real_magento)
    yield client
    client.close()


@pytest.fixture
def make_cart(real_magento: RealStore) -> Iterator[Any]:
    carts: list[MagentoCart] = []

    def make(**options: Any) -> MagentoCart:
        credentials = real_magento.credentials
        cart = MagentoCart(
            credentials["MAGENTO_REST"], credentials["MAGENTO_ACCESS_TOKEN"], **options
        )
        carts.append(cart)
        return cart

    yield make
    for cart in carts:
        cart.close()


@pytest.fixture(scope="session")
def seeded_migration(real_magento: RealStore) -> tuple[MemoryCart, Report, int]:
    """The seeded store with its sample catalogue, migrated into memory once per session.

    Returns the memory cart, the report and the requests the Magento cart sent.
    """
    real_magento.reset()
    credentials = real_magento.credentials
    with MagentoCart(credentials["MAGENTO_REST"], credentials["MAGENTO_ACCESS_TOKEN"]) as cart:
        memory = MemoryCart()
        report = SyncEngine(cart, memory).full_migrate()
        return memory, report, cart.requests
