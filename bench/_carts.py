"""Carts for the benchmarks: a source that streams, a target that forgets.

Together they leave the engine (and its state store) as the only thing in
the process that could hold a store in memory, which is what the memory
scenario measures.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar, cast

from cartmigrate import (
    Capabilities,
    Cart,
    Category,
    Created,
    Customer,
    Manufacturer,
    Order,
    Product,
    Review,
)
from cartmigrate.models import ENTITY_TYPES, Entity
from cartmigrate.testing import StoreGenerator

__all__ = ["DiscardCart", "StreamingCart", "store_of"]

E = TypeVar("E", bound=Entity)


def store_of(size: int, *, seed: int = 7) -> StoreGenerator:
    """A store of about ``size`` top-level entities, shaped like a real shop.

    Orders dominate (65 %), then customers (20 %), products (10 %, each with
    three variants) and reviews (5 %); a small category tree and a few brands.
    """
    categories = max(5, min(200, size // 500))
    manufacturers = max(3, min(50, size // 2000))
    products = max(1, size // 10)
    customers = max(1, size // 5)
    reviews = max(1, size // 20)
    orders = max(1, size - categories - manufacturers - products - customers - reviews)
    return StoreGenerator(
        seed=seed,
        categories=categories,
        manufacturers=manufacturers,
        products=products,
        customers=customers,
        orders=orders,
        reviews=reviews,
    )


class StreamingCart(Cart):
    """A read-only source that builds every entity when it is read.

    ``get`` rebuilds the one entity asked for, so nothing is kept between
    calls. It cannot read incrementally (it has no clock to filter by).
    """

    name = "stream"

    def __init__(self, generator: StoreGenerator) -> None:
        self.generator = generator
        self.requests = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads=ENTITY_TYPES, writes=(), batch_size=100)

    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self.requests += 1
        g = self.generator
        streams: dict[type[Entity], Iterator[Any]] = {
            Category: g.iter_categories(),
            Manufacturer: g.iter_manufacturers(),
            Product: g.iter_products(),
            Customer: g.iter_customers(),
            Order: g.iter_orders(),
            Review: g.iter_reviews(),
        }
        # Count one request per page of 100, as a paginated API would.
        stream = streams[kind]
        while page := list(itertools.islice(stream, 100)):
            self.requests += 1
            yield from cast(list[E], page)

    def get(self, kind: type[E], id: str) -> E | None:
        self.requests += 1
        return cast(E | None, self.generator.entity(kind, id))

    def count(self, kind: type[Entity]) -> int | None:
        g = self.generator
        counts: dict[type[Entity], int] = dict(
            zip(
                ENTITY_TYPES,
                (g.categories, g.manufacturers, g.products, g.customers, g.orders, g.reviews),
                strict=True,
            )
        )
        return counts.get(kind)

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        raise NotImplementedError("the streaming source is read-only")

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        raise NotImplementedError("the streaming source is read-only")

    def delete(self, kind: type[Entity], id: str) -> None:
        raise NotImplementedError("the streaming source is read-only")


class DiscardCart(Cart):
    """A target that answers every create with fresh ids and keeps nothing."""

    name = "discard"

    def __init__(self) -> None:
        self._next = 0
        self.requests = 0

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(reads=ENTITY_TYPES, writes=ENTITY_TYPES, batch_size=100)

    def _id(self) -> str:
        self._next += 1
        return str(self._next)

    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self.requests += 1
        return iter(())

    def get(self, kind: type[E], id: str) -> E | None:
        self.requests += 1
        return None

    def find(self, kind: type[E], natural_key: str) -> E | None:
        self.requests += 1
        return None

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        self.requests += 1
        variants = entity.variants if isinstance(entity, Product) else ()
        return Created(id=self._id(), variant_ids=[self._id() for _ in variants])

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self.requests += 1

    def delete(self, kind: type[Entity], id: str) -> None:
        self.requests += 1
