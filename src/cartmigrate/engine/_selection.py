"""The types of the engine's ``entities=`` and ``fields=`` options.

They are unions of read-only mappings and iterables, so what users build in a
variable passes ``mypy --strict`` as inferred: ``{Product: ["quantity"]}`` is a
``dict[type[Product], list[str]]``, which a ``Mapping[type[Entity], ...]``
alone would refuse (mapping keys are invariant). A dict that mixes names and
classes infers as ``dict[object, ...]``: annotate it
``dict[type[Entity] | str, list[str]]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

from ..models import Category, Customer, Entity, Manufacturer, Order, Product, Review, Variant

__all__ = ["EntitySelector", "FieldSelection"]

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
