"""Finding an interrupted create again on a target that keeps no source reference.

A target declaring ``capabilities.source_refs=False`` (many platforms, the
CSV-style carts users write) cannot say which of its entities a lost create
made. Looking one up by natural key finds it only for types that have one,
and cannot tell it from an entity that was there before. Its content can:
the entity our create sent, references translated to the target's ids, is
compared field by field with the target's entities that no source entity of
the state owns yet, so the search is scoped to what this migration may have
created. A match is the create that landed; the target's own fields (ids,
time stamps, ``extra``, what it derives) are left out of the comparison, and
a reference may be missing on the target (the create had to drop it, its
entity was not migrated then) but not point elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..connectors import Cart
from ..models import Entity, Order, references_of
from ..state import StateStore

__all__ = ["ContentIndex"]

_TARGET_OWN = frozenset({"id", "created_at", "updated_at", "extra"})
#: Values a platform assigns itself whatever the create sent: most number
#: orders their own way (WooCommerce's number is its id), so the number
#: cannot tell which order a lost create made.
_ASSIGNED: dict[type[Entity], frozenset[str]] = {Order: frozenset({"number"})}


def content(entity: Entity, derived: frozenset[str]) -> dict[str, Any]:
    """What identifies ``entity`` by its content: its fields, less the target's own."""

    def strip(value: Any, top: bool) -> Any:
        if isinstance(value, dict):
            return {
                k: strip(v, False)
                for k, v in value.items()
                if k not in _TARGET_OWN
                and not k.endswith(("_id", "_ids"))  # references: compared apart
                and not (top and k in derived)
            }
        if isinstance(value, list):
            return [strip(v, False) for v in value]
        return value

    # Values as the models hold them (Decimal("0.00") == Decimal("0")), not as text.
    fields = attrs.asdict(entity, recurse=True)
    for name in _ASSIGNED.get(type(entity), ()):
        fields.pop(name, None)
    stripped: dict[str, Any] = strip(fields, True)
    return stripped


def _alike(sent: dict[str, Any], held: dict[str, Any]) -> bool:
    """Each field the create sent is on the target as sent. A field it left
    empty may hold what the platform filled in (WooCommerce gives a review
    its customer's e-mail)."""
    return all(value is None or held.get(name) == value for name, value in sent.items())


class ContentIndex:
    """The target's unowned entities with their content, read once per type and call."""

    def __init__(self, target: Cart, state: StateStore) -> None:
        self._target = target
        self._state = state
        self._by_kind: dict[type[Entity], list[tuple[dict[str, Any], Entity]]] = {}

    def match(
        self, kind: type[Entity], payload: Entity, is_free: Callable[[Entity], bool]
    ) -> Entity | None:
        """A target entity with ``payload``'s content that no source entity owns
        (each one handed out once, so two identical creates find two entities)."""
        held = self._by_kind.get(kind)
        if held is None:
            held = self._by_kind[kind] = [
                (content(entity, self._target.derived_fields(entity)), entity)
                for entity in self._target.read(kind)
                if entity.id is not None  # whose it is, ``is_free`` says
            ]
        # Compared as the target would have stored it (a title folded into the body...).
        stored = self._target.as_stored(payload)
        sent = content(stored, self._target.derived_fields(stored))
        for position, (fields, found) in enumerate(held):
            if _alike(sent, fields) and _same_references(payload, found) and is_free(found):
                del held[position]
                return found
        return None


def _same_references(payload: Entity, found: Entity) -> bool:
    """Each reference of ``found`` is the payload's, or missing (dropped at create)."""
    for ref in references_of(found):
        top = ref.field.split(".")[0].split("[")[0]
        sent = getattr(payload, top, None)
        if isinstance(sent, tuple) and top.endswith("_ids"):
            if ref.id not in sent:
                return False
        elif isinstance(sent, str) and sent != ref.id:
            return False
    return True
