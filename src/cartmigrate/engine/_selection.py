"""The engine's ``entities=`` and ``fields=`` options: their types, the default
field selection, and how names resolve to entity types (with what depends on them).

They are unions of read-only mappings and iterables, so what users build in a
variable passes ``mypy --strict`` as inferred: ``{Product: ["quantity"]}`` is a
``dict[type[Product], list[str]]``, which a ``Mapping[type[Entity], ...]``
alone would refuse (mapping keys are invariant). A dict that mixes names and
classes infers as ``dict[object, ...]``: annotate it
``dict[type[Entity] | str, list[str]]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

import attrs

from .._exceptions import ConfigurationError
from ..models import (
    ENTITY_TYPES,
    Category,
    Customer,
    Entity,
    Manufacturer,
    Order,
    Product,
    Review,
    Variant,
)

__all__ = ["DEFAULT_FIELDS", "EntitySelector", "FieldSelection"]

#: Which entity types a call handles: classes or their lower-case names.
EntitySelector: TypeAlias = Iterable[type[Entity] | str]

_Fields = Iterable[str]

#: Which fields ``smart_update`` writes, per type: ``{Product: ["quantity"]}``.
FieldSelection: TypeAlias = (
    Mapping[type[Entity] | str, _Fields]
    | Mapping[type[Entity], _Fields]
    | Mapping[str, _Fields]
    | Mapping[type[Category], _Fields]
    | Mapping[type[Manufacturer], _Fields]
    | Mapping[type[Product], _Fields]
    | Mapping[type[Variant], _Fields]
    | Mapping[type[Customer], _Fields]
    | Mapping[type[Order], _Fields]
    | Mapping[type[Review], _Fields]
)

#: What ``smart_update`` keeps in step unless told otherwise: stock, and where
#: an order is in its life. Everything else stays as the target's users left it.
DEFAULT_FIELDS: Mapping[type[Entity], tuple[str, ...]] = {
    Product: ("quantity", "stock_status"),
    Variant: ("quantity", "stock_status"),
    Order: ("status", "status_history", "shipments"),
}

_ALL_KINDS: tuple[type[Entity], ...] = (*ENTITY_TYPES, Variant)
_KINDS_BY_NAME: dict[str, type[Entity]] = {k.kind: k for k in _ALL_KINDS}


#: Which types hold references to which: remigrating a type remigrates these.
_DEPENDENTS: dict[type[Entity], tuple[type[Entity], ...]] = {
    Category: (Product,),
    Manufacturer: (Product,),
    Product: (Order, Review),
    Customer: (Order, Review),
}


def _with_dependents(kinds: Sequence[type[Entity]]) -> list[type[Entity]]:
    """``kinds`` and every type that refers to one of them, in dependency order."""
    wanted = set(kinds)
    pending = list(kinds)
    while pending:
        for dependent in _DEPENDENTS.get(pending.pop(), ()):
            if dependent not in wanted:
                wanted.add(dependent)
                pending.append(dependent)
    return [kind for kind in ENTITY_TYPES if kind in wanted]


def _resolve_kind(value: type[Entity] | str) -> type[Entity]:
    if isinstance(value, str):
        kind = _KINDS_BY_NAME.get(value.strip().lower())
        if kind is None:
            raise ConfigurationError(
                f"unknown entity type {value!r}; known: {', '.join(_KINDS_BY_NAME)}"
            )
        return kind
    if value not in _KINDS_BY_NAME.values():
        raise ConfigurationError(f"{value!r} is not a cartmigrate entity type")
    return value


def _selected_fields(fields: FieldSelection | None) -> dict[type[Entity], tuple[str, ...]]:
    if fields is None:
        return dict(DEFAULT_FIELDS)
    selection: dict[type[Entity], tuple[str, ...]] = {}
    for key, names in fields.items():
        kind = _resolve_kind(key)
        known = attrs.fields_dict(kind)
        chosen = tuple(names) if not isinstance(names, str) else (names,)
        for name in chosen:
            if name not in known or name in ("id", "extra", "variants"):
                raise ConfigurationError(
                    f"{kind.__name__} has no selectable field {name!r};"
                    f" choose from: {', '.join(n for n in known if n not in ('id', 'extra'))}"
                )
        selection[kind] = chosen
    return selection
