"""Which entities of a memory store changed since a time, without a scan.

A platform answers "updated since" from an index; ``MemoryCart`` scanned its
whole store for it, which made an incremental read of a large store cost in
proportion to the store instead of to what changed. This keeps, per type,
each write's time stamp in time order (a write stamped by the store's clock
goes at the end, at no cost) and each entity's place in the store's own
order, so a read ``since`` a time finds its candidates by bisection and
returns them as a scan would: in store order.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping

__all__ = ["ModifiedIndex"]


class ModifiedIndex:
    """When each entity of one type was written, and where it stands.

    The log keeps superseded writes until it holds twice the store, then the
    owner ``rebuild``\\ s it from the store; ``changed_since`` returns every
    entity written at or after a time, some since written again earlier (a
    clock set back) or removed: the caller checks each one's ``updated_at``.
    """

    __slots__ = ("_ids", "_next", "_place", "_stamps", "_undated")

    def __init__(self) -> None:
        self._stamps: list[dt.datetime] = []  # every write's time stamp, in time order
        self._ids: list[str] = []  # the entity each of those writes stamped
        self._undated: set[str] = set()  # written without a time stamp: always candidates
        self._place: dict[str, int] = {}  # id -> its position in the store's order
        self._next = 0

    def __len__(self) -> int:
        return len(self._ids)

    def put(self, entity_id: str, updated_at: dt.datetime | None) -> None:
        if entity_id not in self._place:
            self._place[entity_id] = self._next
            self._next += 1
        if updated_at is None:
            self._undated.add(entity_id)
            return
        self._undated.discard(entity_id)
        at = bisect.bisect_right(self._stamps, updated_at)
        self._stamps.insert(at, updated_at)
        self._ids.insert(at, entity_id)

    def remove(self, entity_id: str) -> None:
        # Added again later, it goes to the end of the store's order, as in a dict.
        self._place.pop(entity_id, None)
        self._undated.discard(entity_id)

    def rebuild(self, stamps: Mapping[str, dt.datetime | None]) -> None:
        """Start again from the store: id -> its ``updated_at``, in store order."""
        self._place = {entity_id: n for n, entity_id in enumerate(stamps)}
        self._next = len(self._place)
        dated = sorted((at, entity_id) for entity_id, at in stamps.items() if at is not None)
        self._stamps = [at for at, _ in dated]
        self._ids = [entity_id for _, entity_id in dated]
        self._undated = {entity_id for entity_id, at in stamps.items() if at is None}

    def changed_since(self, since: dt.datetime) -> list[str]:
        """Ids written at or after ``since`` (and any undated), in store order."""
        start = bisect.bisect_left(self._stamps, since)
        place = self._place
        found = {entity_id for entity_id in self._ids[start:] if entity_id in place}
        found |= self._undated
        return sorted(found, key=place.__getitem__)
