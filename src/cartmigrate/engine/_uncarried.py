"""Source values the target cannot take, said entity by entity.

Shopify computes a product's stock from its variants, so a product-level
quantity on the source (a WooCommerce variable product managing stock on the
parent: "9 left") has nowhere to go there; an order status no standard
status stands for reaches the target as a raw string it may not know. Such
a value is not an error — the rest of the entity migrates — but it must not
vanish without a word: each is a warning naming the entity, the field and
the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from ..connectors import Cart
from ..mapping import MappingRules
from ..models import Entity, Order, OrderStatus, Product
from ..models._base import _fields_of
from ._report import Notice

__all__ = ["chosen_statuses", "on_create", "on_update"]


def chosen_statuses(rules: MappingRules) -> frozenset[str]:
    """The order statuses ``rules`` map to: a custom one among them was chosen
    for the target, so it is no unmapped status to warn about."""
    return frozenset(str(v) for v in rules.value_maps.get("order.status", {}).values())


def _custom_status(order: Order, target: Cart, chosen: Collection[str]) -> Notice | None:
    # A raw status the order-status map leads to was chosen on purpose (the
    # target has that custom status): only one nobody mapped is news.
    if isinstance(order.status, OrderStatus) or order.status in chosen:
        return None
    return Notice(
        entity=order.kind,
        source_id=order.id,
        field="status",
        message=f"the custom status {order.status!r} has no mapping to a standard one;"
        f" {target.name} gets it as is and may not know it"
        f" (map it: MappingRules(order_status={{{order.status!r}: ...}}))",
    )


def _derived(entity: Entity, field: str, target: Cart, value: object, seen: object) -> Notice:
    own = f" (the target holds {seen!r})" if seen is not None else ""
    why = (
        f"{target.name} computes a product's {field} from its variants"
        if isinstance(entity, Product) and entity.variants
        else f"{target.name} computes {field} itself"
    )
    return Notice(
        entity=entity.kind,
        source_id=entity.id,
        field=field,
        message=f"{why}: the source's {value!r}{own} is not carried;"
        " keep it per variant on the source to have it synced",
    )


#: Per model class, each field's default (a value equal to it is no value).
_DEFAULTS: dict[type, dict[str, Any]] = {}


def _defaults(kind: type[Entity]) -> dict[str, Any]:
    found = _DEFAULTS.get(kind)
    if found is None:
        found = _DEFAULTS[kind] = {n: a.default for n, a in _fields_of(kind).items()}
    return found


def _value(entity: Entity, field: str) -> object:
    """``field`` of ``entity``; ``"variants.weight"``: the variants' values that are set."""
    head, _, inner = field.partition(".")
    value = getattr(entity, head, None)
    if inner and isinstance(value, tuple):
        held = (getattr(item, inner, None) for item in value)
        return tuple(v for v in held if v not in (None, "", (), {}))
    return value


def on_create(
    target: Cart, entities: Sequence[Entity], chosen: Collection[str] = ()
) -> list[Notice]:
    """What of these (mapped source) entities a create cannot carry; ``chosen``:
    the statuses the order-status map leads to."""
    notices: list[Notice] = []
    for entity in entities:
        defaults = _defaults(type(entity))
        for field in sorted(target.derived_fields(entity)):
            value = getattr(entity, field, None)
            if value is not None and value != defaults.get(field):
                notices.append(_derived(entity, field, target, value, None))
        for field, reason in target.unstored_fields(entity).items():
            value = _value(entity, field)
            if value not in (None, "", (), {}) and value != defaults.get(field):
                notices.append(
                    Notice(
                        entity=entity.kind,
                        source_id=entity.id,
                        field=field,
                        message=f"{target.name} has nowhere to keep it ({reason}); not carried",
                    )
                )
        if isinstance(entity, Order):
            notice = _custom_status(entity, target, chosen)
            if notice is not None:
                notices.append(notice)
    return notices


def on_update(
    target: Cart,
    source: Entity,
    on_target: Entity,
    selected: Iterable[str],
    derived: frozenset[str],
    changed: Iterable[str],
    chosen: Collection[str] = (),
) -> list[Notice]:
    """What of the selected fields an update cannot carry: fields the target
    computes that differ, and a changed order status no standard one names."""
    defaults = _defaults(type(source))
    notices = [
        _derived(source, field, target, getattr(source, field), getattr(on_target, field))
        for field in selected
        if field in derived
        # No value of its own on the source (a parent that leaves stock to its
        # variants): nothing is left behind, whatever the target computed.
        and getattr(source, field) not in (None, defaults.get(field))
        and getattr(source, field) != getattr(on_target, field)
    ]
    if isinstance(source, Order) and "status" in changed:
        notice = _custom_status(source, target, chosen)
        if notice is not None:
            notices.append(notice)
    return notices
