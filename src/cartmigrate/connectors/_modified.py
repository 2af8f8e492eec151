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
import operator
from collections.abc import Mapping

__all__ = ["ModifiedIndex"]


class ModifiedIndex:
    """When each entity of one type was written, and where it stands.

    The log keeps superseded writes until it holds twice the store, then the
    owner ``rebuild``\\ s it from the store; ``changed_since`` returns every
    entity written at or after a time, some since written again earlier (a
    clock set back) or removed: the caller checks each one's ``updated_at``.
    """

    __slots__ = ("_log", "_next", "_place", "_sorted", "_undated")

    def __init__(self) -> None:
        # Every write's (time stamp, entity), in time order once sorted: a
        # write goes at the end, and the log is sorted when read if one went
        # there out of order (a source's own time stamps, a clock set back).
        self._log: list[tuple[dt.datetime, str]] = []
        self._sorted = True
        self._undated: set[str] = set()  # written without a time stamp: always candidates
        self._place: dict[str, int] = {}  # id -> its position in the store's order
        self._next = 0

    def __len__(self) -> int:
        return len(self._log)

    def put(self, entity_id: str, updated_at: dt.datetime | None) -> None:
        if entity_id not in self._place:
            self._place[entity_id] = self._next
            self._next += 1
        if updated_at is None:
            self._undated.add(entity_id)
            return
        self._undated.discard(entity_id)
        log = self._log
        if self._sorted and log and updated_at < log[-1][0]:
            self._sorted = False
        log.append((updated_at, entity_id))

    def remove(self, entity_id: str) -> None:
        # Added again later, it goes to the end of the store's order, as in a dict.
        self._place.pop(entity_id, None)
        self._undated.discard(entity_id)

    def rebuild(self, stamps: Mapping[str, dt.datetime | None]) -> None:
        """Start again from the store: id -> its ``updated_at``, in store order."""
        self._place = {entity_id: n for n, entity_id in enumerate(stamps)}
        self._next = len(self._place)
        self._log = [(at, entity_id) for entity_id, at in stamps.items() if at is not None]
        self._sorted = False
        self._undated = {entity_id for entity_id, at in stamps.items() if at is None}

    def changed_since(self, since: dt.datetime) -> list[str]:
        """Ids written at or after ``since`` (and any undated), in store order."""
        log = self._log
        if not self._sorted:
            log.sort(key=_stamp)  # stable: writes of one time stamp stay in order
            self._sorted = True
        start = bisect.bisect_left(log, since, key=_stamp)
        place = self._place
        found = {entity_id for _, entity_id in log[start:] if entity_id in place}
        found |= self._undated
        return sorted(found, key=place.__getitem__)


_stamp = operator.itemgetter(0)
