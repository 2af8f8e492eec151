"""The kinds a store knows to have no failure recorded, while it holds the lock.

The engine clears the failures of every batch that succeeded, and almost
always there are none to clear: asking costs a query per batch, and for
``SQLStateStore`` a transaction's round trips to PostgreSQL. A store that
holds the migration lock is the only writer of its failures, so once it has
seen a kind with none, it knows that until it records one of that kind.
Without the lock it knows nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CleanKinds"]


class CleanKinds:
    """Kinds with no failure recorded, known while the lock is held."""

    __slots__ = ("_kinds",)

    def __init__(self) -> None:
        self._kinds: set[str] | None = None  # None: not held

    def hold(self) -> None:
        """The lock was taken: nothing known yet."""
        self._kinds = set()

    def drop(self) -> None:
        """The lock was released: know nothing."""
        self._kinds = None

    def known(self, kind: str) -> bool:
        """Whether ``kind`` is known to have no failure recorded."""
        return self._kinds is not None and kind in self._kinds

    def clean(self, kind: str) -> None:
        """``kind`` was seen with no failure recorded."""
        if self._kinds is not None:
            self._kinds.add(kind)

    def dirty(self, kinds: Iterable[str]) -> None:
        """Failures of these kinds may be written: no longer known clean.
        Called before the write, so a failed write leaves nothing wrongly known."""
        if self._kinds is not None:
            self._kinds.difference_update(kinds)
