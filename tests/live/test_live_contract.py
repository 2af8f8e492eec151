"""Opt-in: the contract suite against real stores.

Deselected by default (``-m "not live"`` in pyproject); ``-m live`` selects
it, and nothing here touches the network unless credentials are set:

    CARTMIGRATE_WC_URL=https://staging.example.com CARTMIGRATE_WC_KEY=ck_... \\
    CARTMIGRATE_WC_SECRET=cs_... python -m pytest -m live tests/live

    CARTMIGRATE_SHOPIFY_SHOP=my-dev-store CARTMIGRATE_SHOPIFY_TOKEN=shpat_... \\
    python -m pytest -m live tests/live

Use a staging or development store: the suite creates products, customers and
orders, and deletes what it created when each test ends.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import pytest

from cartmigrate import Cart, Created, Entity, EntityNotFound
from cartmigrate.connectors import ForwardingCart
from cartmigrate.testing import CartContract

pytestmark = pytest.mark.live

E = TypeVar("E", bound=Entity)


class _Tracking(ForwardingCart):
    """Forwards to a real cart and remembers what it created, to clean up after."""

    def __init__(self, inner: Cart) -> None:
        super().__init__(inner)
        self.created: list[tuple[type[Entity], str]] = []

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        created = self.inner.create(entity, source_ref=source_ref)
        self.created.append((type(entity), created.id))
        return created

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[Any]:
        results = self.inner.create_many(entities, source_refs=source_refs)
        for entity, result in zip(entities, results, strict=True):
            if isinstance(result, Created):
                self.created.append((type(entity), result.id))
        return results

    def cleanup(self) -> None:
        for kind, entity_id in reversed(self.created):
            with contextlib.suppress(EntityNotFound):
                self.inner.delete(kind, entity_id)
        self.inner.close()


def _env(*names: str) -> list[str] | None:
    values = [os.environ.get(name, "") for name in names]
    return values if all(values) else None


WOO = _env("CARTMIGRATE_WC_URL", "CARTMIGRATE_WC_KEY", "CARTMIGRATE_WC_SECRET")
SHOPIFY = _env("CARTMIGRATE_SHOPIFY_SHOP", "CARTMIGRATE_SHOPIFY_TOKEN")


@pytest.mark.skipif(
    WOO is None,
    reason="set CARTMIGRATE_WC_URL, _KEY and _SECRET to run "
    "the contract suite against a real WooCommerce store",
)
class TestLiveWooCommerce(CartContract):
    @pytest.fixture
    def cart(self) -> Iterator[Cart]:
        from cartmigrate.connectors.woocommerce import WooCommerceCart

        assert WOO is not None
        url, key, secret = WOO
        tracking = _Tracking(WooCommerceCart(url, key, secret))
        yield tracking
        tracking.cleanup()


@pytest.mark.skipif(
    SHOPIFY is None,
    reason="set CARTMIGRATE_SHOPIFY_SHOP and _TOKEN to run "
    "the contract suite against a real Shopify store",
)
class TestLiveShopify(CartContract):
    order_number_preserved = False  # Shopify numbers orders itself (#1001, ...)

    @pytest.fixture
    def cart(self) -> Iterator[Cart]:
        from cartmigrate.connectors.shopify import ShopifyCart

        assert SHOPIFY is not None
        shop, token = SHOPIFY
        tracking = _Tracking(ShopifyCart(shop, token))
        yield tracking
        tracking.cleanup()
