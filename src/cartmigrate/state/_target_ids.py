"""The target ids of synced records, kept in memory while a store holds the lock.

Translating references asks the state for the target id of every entity an
entity points to: an order its customer, products and variants. Asked of
SQLite or PostgreSQL, that is a seventh of a migration between two memory
stores, and most of it asks again for what this call wrote or asked a batch
ago. A store that holds the migration lock is the only one writing its
state, so what it wrote and read stays true until it writes again: it keeps
the answers here, and changes them with each of its writes once they are
committed. Without the lock (another store may write) it keeps nothing.
Only the kinds asked for, or announced by the engine as about to be asked
for, are kept: orders and reviews, which nothing points to, would be most of
it for no look-up. The announcement matters: a full migration writes every
customer before the first order asks for one, and a kind first kept at that
ask would miss each batch's new customers, one query per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = ["TargetIds"]

#: Entries kept at most (about 150 bytes each); past it, the store starts again.
_KEPT = 100_000


class TargetIds:
    """Source id -> target id of synced records, per kind, while the lock is held."""

    __slots__ = ("_by_kind", "_expected", "_size")

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[str, str]] | None = None  # None: not held
        self._expected: frozenset[str] = frozenset()
        self._size = 0

    def hold(self) -> None:
        """The lock was taken: start keeping answers (from nothing)."""
        self._by_kind, self._size, self._expected = {}, 0, frozenset()

    def drop(self) -> None:
        """The lock was released, or a write failed: keep nothing."""
        self._by_kind, self._size, self._expected = None, 0, frozenset()

    def expect(self, kinds: Iterable[str]) -> None:
        """These kinds will be asked for: keep what is written of them from now on."""
        if self._by_kind is not None:
            self._expected = self._expected.union(kinds)
            for kind in self._expected:
                self._by_kind.setdefault(kind, {})

    @property
    def held(self) -> bool:
        """Whether the store holds the lock (and so keeps what it writes)."""
        return self._by_kind is not None

    def kept(self, kind: str) -> Mapping[str, str] | None:
        """What is kept of ``kind`` (every entry true, not every synced id),
        while the lock is held and the kind is kept; else None."""
        return None if self._by_kind is None else self._by_kind.get(kind)

    def look_up(
        self,
        kind: str,
        source_ids: Sequence[str],
        ask: Callable[[str, Sequence[str]], dict[str, str]],
    ) -> dict[str, str]:
        """``ask``'s answer for these ids, asking it only for those not known."""
        by_kind = self._by_kind
        if by_kind is None:
            return ask(kind, sorted(source_ids))  # (in index order: fewer pages visited)
        known = by_kind.setdefault(kind, {})
        # Set operations, not a loop per id: a batch's references are many.
        # (set.difference(dict) walks the set; an intersection would walk the dict.)
        wanted = set(source_ids)
        missing = wanted.difference(known)
        found = ask(kind, sorted(missing)) if missing else {}
        hits = wanted - missing
        answer = {sid: known[sid] for sid in hits}
        answer.update(found)
        self._keep(kind, found.items())
        return answer

    def written(self, kind: str, rows: Iterable[tuple[str, str | None]]) -> None:
        """Committed rows of ``kind``: (source id, target id where synced, else None)."""
        by_kind = self._by_kind
        known = None if by_kind is None else by_kind.get(kind)
        if known is None:
            return  # a kind not asked for: nothing kept of it to change
        kept: list[tuple[str, str]] = []
        for source_id, target_id in rows:
            if target_id is not None:
                kept.append((source_id, target_id))
            elif known.pop(source_id, None) is not None:
                self._size -= 1
        self._keep(kind, kept)

    def forget(self, kinds: Iterable[str]) -> None:
        by_kind = self._by_kind
        if by_kind is not None:
            for kind in kinds:
                self._size -= len(by_kind.pop(kind, {}))
                if kind in self._expected:  # (still to be asked for: keep its writes)
                    by_kind[kind] = {}

    def _keep(self, kind: str, pairs: Iterable[tuple[str, str]]) -> None:
        by_kind = self._by_kind
        if by_kind is None:
            return
        known = by_kind.setdefault(kind, {})
        before = len(known)
        known.update(pairs)
        self._size += len(known) - before
        if self._size > _KEPT:  # start again: the next look-ups ask the store
            self._by_kind, self._size = {kind: {} for kind in self._expected}, 0
