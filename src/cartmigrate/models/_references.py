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

from ._base import Entity, _copy_with
from ._catalog import Category, Manufacturer, Product, Variant
from ._customers import Customer
from ._orders import Order, OrderLine
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


#: The fields of each type that hold references (``lines``: its lines'
#: product and variant), as ``_reference_triples`` reads them.
_REFERRING: dict[type[Entity], frozenset[str]] = {
    Category: frozenset({"parent_id"}),
    Product: frozenset({"category_ids", "manufacturer_id", "grouped_product_ids"}),
    Order: frozenset({"customer_id", "lines"}),
    Review: frozenset({"product_id", "customer_id"}),
}


#: The types each type's references point to (``_reference_triples``' kinds).
_POINTED_TO: dict[type[Entity], frozenset[type[Entity]]] = {
    Category: frozenset({Category}),
    Product: frozenset({Category, Manufacturer, Product}),
    Order: frozenset({Customer, Product, Variant}),
    Review: frozenset({Product, Customer}),
}


def pointed_to(kind: type[Entity]) -> frozenset[type[Entity]]:
    """The types that references held by a ``kind`` point to."""
    for base, kinds in _POINTED_TO.items():
        if issubclass(kind, base):
            return kinds
    return frozenset()


def referring_fields(kind: type[Entity]) -> frozenset[str]:
    """The fields of ``kind`` that hold references to other entities."""
    for base, fields in _REFERRING.items():
        if issubclass(kind, base):
            return fields
    return frozenset()


def _reference_triples(entity: Entity) -> list[tuple[str, type[Entity], str]]:
    """``references_of`` as plain (field, kind, id) tuples, for hot paths.

    The engine and the memory cart look at every reference of every entity
    written; building a ``Reference`` for each cost more than the look-up.
    """
    found: list[tuple[str, type[Entity], str]] = []
    if isinstance(entity, Order):
        if entity.customer_id is not None:
            found.append(("customer_id", Customer, entity.customer_id))
        for line in entity.lines:
            if line.product_id is not None:
                found.append(("lines.product_id", Product, line.product_id))
            if line.variant_id is not None:
                found.append(("lines.variant_id", Variant, line.variant_id))
    elif isinstance(entity, Product):
        found.extend([("category_ids", Category, c) for c in entity.category_ids])
        if entity.manufacturer_id is not None:
            found.append(("manufacturer_id", Manufacturer, entity.manufacturer_id))
        if entity.grouped_product_ids:
            found.extend([("grouped_product_ids", Product, p) for p in entity.grouped_product_ids])
    elif isinstance(entity, Category):
        if entity.parent_id is not None:
            found.append(("parent_id", Category, entity.parent_id))
    elif isinstance(entity, Review):
        if entity.product_id is not None:
            found.append(("product_id", Product, entity.product_id))
        if entity.customer_id is not None:
            found.append(("customer_id", Customer, entity.customer_id))
    return found


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
        for child_id in entity.grouped_product_ids:
            yield Reference("grouped_product_ids", Product, child_id)
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
    return _rewrite(entity, resolve, {})


def _rewrite(entity: E, resolve: Resolver, also: dict[str, Any]) -> tuple[E, list[Reference]]:
    """``rewrite_references``, also setting the fields in ``also`` in the same copy.

    The engine rewrites every entity it writes, so when every resolved id is
    a string (what the id fields hold anyway) the copy skips the converters;
    ``also`` (``{"id": None}`` for a create) must already be converted.
    """
    dropped: list[Reference] = []
    converted = True  # every resolved id is already what the converter makes

    def one(field: str, kind: type[Entity], value: str | None) -> str | None:
        nonlocal converted
        if value is None:
            return None
        target = resolve(kind, value)
        if target is None:
            dropped.append(Reference(field, kind, value))
        elif type(target) is not str:
            converted = False
        return target

    changes: dict[str, Any] = dict(also)
    lines: list[tuple[OrderLine, dict[str, Any]]] = []
    if isinstance(entity, Category):
        changes["parent_id"] = one("parent_id", Category, entity.parent_id)
    elif isinstance(entity, Product):
        resolved = (one("category_ids", Category, c) for c in entity.category_ids)
        changes["category_ids"] = tuple(c for c in resolved if c is not None)
        changes["manufacturer_id"] = one("manufacturer_id", Manufacturer, entity.manufacturer_id)
        if entity.grouped_product_ids:
            children = (one("grouped_product_ids", Product, p) for p in entity.grouped_product_ids)
            changes["grouped_product_ids"] = tuple(p for p in children if p is not None)
    elif isinstance(entity, Order):
        changes["customer_id"] = one("customer_id", Customer, entity.customer_id)
        for line in entity.lines:
            line_changes = {
                "product_id": one("lines.product_id", Product, line.product_id),
                "variant_id": one("lines.variant_id", Variant, line.variant_id),
            }
            lines.append((line, line_changes))
    elif isinstance(entity, Review):
        changes["product_id"] = one("product_id", Product, entity.product_id)
        changes["customer_id"] = one("customer_id", Customer, entity.customer_id)
    if not changes:
        return entity, dropped
    copy: Callable[..., Any] = _copy_with if converted else _evolve
    if isinstance(entity, Order):
        changes["lines"] = tuple(copy(line, line_changes) for line, line_changes in lines)
    return copy(entity, changes), dropped


def _evolve(instance: Any, changes: dict[str, Any]) -> Any:
    return attrs.evolve(instance, **changes)
