"""Which fields of an entity point to other entities, and how to rewrite them.

Ids are only meaningful on the cart they came from, so every reference must
be translated before an entity is written elsewhere. Keeping the list of
references here, next to the models, means the engine and every connector
agree on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import attrs

from ._base import Entity
from ._catalog import Category, Manufacturer, Product, Variant
from ._customers import Customer
from ._orders import Order
from ._reviews import Review

__all__ = ["Reference", "references_of", "rewrite_references"]

E = TypeVar("E", bound=Entity)


@attrs.define(frozen=True)
class Reference:
    """One id held by ``field`` of an entity, pointing to an entity of ``kind``."""

    field: str
    kind: type[Entity]
    id: str


#: Resolves (kind, id on the source) to the id on the target, or None.
Resolver = Callable[[type[Entity], str], str | None]


def references_of(entity: Entity) -> Iterator[Reference]:
    """Every reference ``entity`` holds."""
    if isinstance(entity, Category):
        if entity.parent_id is not None:
            yield Reference("parent_id", Category, entity.parent_id)
    elif isinstance(entity, Product):
        for category_id in entity.category_ids:
            yield Reference("category_ids", Category, category_id)
        if entity.manufacturer_id is not None:
            yield Reference("manufacturer_id", Manufacturer, entity.manufacturer_id)
    elif isinstance(entity, Order):
        if entity.customer_id is not None:
            yield Reference("customer_id", Customer, entity.customer_id)
        for line in entity.lines:
            if line.product_id is not None:
                yield Reference("lines.product_id", Product, line.product_id)
            if line.variant_id is not None:
                yield Reference("lines.variant_id", Variant, line.variant_id)
    elif isinstance(entity, Review):
        if entity.product_id is not None:
            yield Reference("product_id", Product, entity.product_id)
        if entity.customer_id is not None:
            yield Reference("customer_id", Customer, entity.customer_id)


def rewrite_references(entity: E, resolve: Resolver) -> tuple[E, list[Reference]]:
    """``entity`` with every reference resolved; unresolvable ones are dropped.

    Returns the rewritten entity and the references that had to be dropped.
    """
    dropped: list[Reference] = []

    def one(field: str, kind: type[Entity], value: str | None) -> str | None:
        if value is None:
            return None
        target = resolve(kind, value)
        if target is None:
            dropped.append(Reference(field, kind, value))
        return target

    changes: dict[str, Any] = {}
    if isinstance(entity, Category):
        changes["parent_id"] = one("parent_id", Category, entity.parent_id)
    elif isinstance(entity, Product):
        resolved = (one("category_ids", Category, c) for c in entity.category_ids)
        changes["category_ids"] = tuple(c for c in resolved if c is not None)
        changes["manufacturer_id"] = one("manufacturer_id", Manufacturer, entity.manufacturer_id)
    elif isinstance(entity, Order):
        changes["customer_id"] = one("customer_id", Customer, entity.customer_id)
        changes["lines"] = tuple(
            attrs.evolve(
                line,
                product_id=one("lines.product_id", Product, line.product_id),
                variant_id=one("lines.variant_id", Variant, line.variant_id),
            )
            for line in entity.lines
        )
    elif isinstance(entity, Review):
        changes["product_id"] = one("product_id", Product, entity.product_id)
        changes["customer_id"] = one("customer_id", Customer, entity.customer_id)
    if not changes:
        return entity, dropped
    return attrs.evolve(entity, **changes), dropped
