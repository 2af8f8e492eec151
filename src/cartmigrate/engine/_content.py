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

import json
from collections.abc import Callable
from typing import Any

from ..connectors import Cart
from ..models import Entity, plain, references_of
from ..state import StateStore

__all__ = ["ContentIndex"]

_TARGET_OWN = frozenset({"id", "created_at", "updated_at", "extra"})


def content_key(entity: Entity, derived: frozenset[str]) -> str:
    """What identifies ``entity`` by its content, as one comparable text."""

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

    return json.dumps(strip(plain(entity), True), sort_keys=True, default=str)


class ContentIndex:
    """The target's unowned entities by content, built once per type and call."""

    def __init__(self, target: Cart, state: StateStore) -> None:
        self._target = target
        self._state = state
        self._by_kind: dict[type[Entity], dict[str, list[Entity]]] = {}

    def match(
        self, kind: type[Entity], payload: Entity, is_free: Callable[[Entity], bool]
    ) -> Entity | None:
        """A target entity with ``payload``'s content that no source entity owns
        (each one handed out once, so two identical creates find two entities)."""
        index = self._by_kind.get(kind)
        if index is None:
            index = self._by_kind[kind] = {}
            for entity in self._target.read(kind):
                if entity.id is None or self._state.source_id_for(kind.kind, entity.id):
                    continue
                key = content_key(entity, self._target.derived_fields(entity))
                index.setdefault(key, []).append(entity)
        candidates = index.get(content_key(payload, self._target.derived_fields(payload)), [])
        for found in candidates:
            if _same_references(payload, found) and is_free(found):
                candidates.remove(found)
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
