"""Helpers for the real-store tests: lost answers, the store's own truth, sample data."""

from __future__ import annotations

import collections
import decimal
import re
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import httpx

from cartmigrate import Cart, Entity, Order, Product, WriteOutcomeUnknown
from cartmigrate.connectors import ForwardingCart
from cartmigrate.connectors._base import WriteResult
from cartmigrate.testing import generate_store

from .conftest import URL, sql

E = TypeVar("E", bound=Entity)

#: Images the store can download (WordPress blocks every host but 127.0.0.1 here).
IMAGES = tuple(
    f"{URL}/placeholder-src/{name}.jpg"
    for name in ("album-1", "beanie-2", "beanie-with-logo-1", "belt-2", "cap-2", "hoodie-2")
)


class LoseCreates(ForwardingCart):
    """Creates of ``kind`` lose their answer: before the store got them (``sent=False``)
    or after it wrote them (``sent=True``), ``times`` times."""

    def __init__(self, inner: Cart, kind: type[Entity], *, sent: bool, times: int = 1) -> None:
        super().__init__(inner)
        self.kind = kind
        self.sent = sent
        self.times = times

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        if not entities or type(entities[0]) is not self.kind or self.times <= 0:
            return self.inner.create_many(entities, source_refs=source_refs)
        self.times -= 1
        if self.sent:
            self.inner.create_many(entities, source_refs=source_refs)
        return [WriteOutcomeUnknown("test: the answer was lost") for _ in entities]


def api(store_credentials: dict[str, str], path: str, **params: Any) -> Any:
    """One GET of the store's REST API, outside the connector (the store's truth)."""
    response = httpx.get(
        f"{URL}/wp-json/wc/v3/{path}",
        params=params,
        auth=(store_credentials["WOO_CK"], store_credentials["WOO_CS"]),
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def order_count() -> int:
    return int(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'shop_order'")[0][0])


def source_refs_of(post_type: str) -> list[str]:
    """Every ``_cartmigrate_source_ref`` on posts of ``post_type`` (duplicates kept)."""
    rows = sql(
        "SELECT m.meta_value FROM wp_postmeta m JOIN wp_posts p ON p.ID = m.post_id"
        f" WHERE p.post_type = '{post_type}' AND m.meta_key = '_cartmigrate_source_ref'"
    )
    return [row[0] for row in rows]


def customer_refs() -> list[str]:
    return [
        row[0]
        for row in sql(
            "SELECT meta_value FROM wp_usermeta WHERE meta_key = '_cartmigrate_source_ref'"
        )
    ]


def stock_levels() -> dict[str, str]:
    """SKU -> stock of every product and variation, from the database."""
    rows = sql(
        "SELECT s.meta_value, q.meta_value FROM wp_postmeta s JOIN wp_postmeta q"
        " ON q.post_id = s.post_id AND q.meta_key = '_stock'"
        " WHERE s.meta_key = '_sku' AND s.meta_value <> ''"
    )
    return {row[0]: row[1] for row in rows}


def email_settings() -> dict[str, str]:
    """Each WooCommerce e-mail's "enabled" setting, from the options table."""
    rows = sql(
        "SELECT option_name, option_value FROM wp_options"
        " WHERE option_name LIKE 'woocommerce\\_%\\_settings'"
    )
    found: dict[str, str] = {}
    for name, value in rows:
        marker = 's:7:"enabled";s:'
        if marker in value:
            found[name] = value.split(marker, 1)[1].split('"')[1]
    return found


def small_store(seed: int = 3, **sizes: int) -> list[Entity]:
    """A synthetic store the real one can take: reachable images, no brands (7.9)."""
    sizes = {
        "products": 8,
        "customers": 5,
        "orders": 10,
        "categories": 4,
        "manufacturers": 0,
        "reviews": 5,
        **sizes,
    }
    entities = generate_store(seed=seed, **sizes)
    out: list[Entity] = []
    simple_ids: set[str | None] = set()
    for position, entity in enumerate(entities):
        if isinstance(entity, Product):
            simple = position % 2 == 0  # half of them simple products, with stock
            entity = attrs.evolve(
                entity,
                variants=[] if simple else entity.variants,
                price=entity.price or decimal.Decimal("12.50"),
                manufacturer_id=None,
                images=[IMAGES[position % len(IMAGES)]] if entity.images else [],
            )
        elif isinstance(entity, Order):
            entity = attrs.evolve(
                entity,
                lines=[
                    attrs.evolve(line, variant_id=None) if line.product_id in simple_ids else line
                    for line in entity.lines
                ],
            )
        if isinstance(entity, Product) and not entity.variants:
            simple_ids.add(entity.id)
        out.append(entity)
    return out


#: Orders in one batch: about 85 ms each on this store, so ~3.5 s of PHP work.
CRASH_ORDERS = 40


def crash_store() -> list[Entity]:
    """The store the crash tests migrate: few products, one big batch of orders."""
    return small_store(
        seed=11, products=5, customers=4, orders=CRASH_ORDERS, categories=2, reviews=0
    )


class CountingTransport(httpx.HTTPTransport):
    """Counts requests by (method, route) on their way to the store."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: collections.Counter[tuple[str, str]] = collections.Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = request.url.path.split("/wp-json/", 1)[-1]
        route = re.sub(r"/\d+", "/{id}", route)
        self.counts[(request.method, route)] += 1
        return super().handle_request(request)

    def total(self, method: str | None = None) -> int:
        return sum(n for (m, _), n in self.counts.items() if method in (None, m))
