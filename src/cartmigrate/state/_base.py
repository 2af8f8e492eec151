"""What the engine remembers between calls, and the interface that keeps it.

The id map (source id -> target id) is permanent: a re-run consults it
first, which is what makes every call safe to repeat. It is a keyed table,
never a blob, so it scales to millions of entities.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from ._lock import default_holder

__all__ = ["FailureRecord", "RunRecord", "StateStore", "SyncRecord", "SyncStatus"]

#: ``pending``: a create was about to be sent; whether it landed is unknown
#: until the target is asked. ``synced``: the target acknowledged it.
#: ``failed``: the target refused the create; nothing exists there.
SyncStatus = Literal["pending", "synced", "failed"]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.define(frozen=True, kw_only=True)
class SyncRecord:
    """One source entity and what the migration did with it."""

    kind: str
    source_id: str
    target_id: str | None = None
    status: SyncStatus = "pending"
    #: Fingerprint of the mapped source entity when it was last written.
    fingerprint: str | None = None
    #: True when this migration created the target entity (remigrate deletes
    #: it); False when it adopted one that was already there.
    owned: bool = True
    #: For a variant: its product's target id, which updates need.
    parent_id: str | None = None
    #: Fields whose references could not be resolved when written; the engine
    #: repairs them once the referenced entities exist on the target.
    dropped: tuple[str, ...] = attrs.field(default=(), converter=_names)


@attrs.define(frozen=True, kw_only=True)
class FailureRecord:
    """Why an entity failed last time; kept until a later call succeeds."""

    kind: str
    source_id: str
    message: str
    field: str | None = None
    error: str = "CartMigrateError"
    attempts: int = 1


@attrs.define(frozen=True, kw_only=True)
class RunRecord:
    """One call of the engine, for the history."""

    id: int
    call: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    dry_run: bool = False
    summary: Mapping[str, Any] = attrs.field(factory=dict)


class StateStore(abc.ABC):
    """Where the id map, cursors, failures and run history live.

    Implementations must make ``put`` durable before returning: the engine
    relies on it to record an intent before each create and a result after.
    They must also hold a *migration lock* (``acquire_lock``/``release_lock``)
    that excludes every other holder on the same state, in any process, and
    that the database or the operating system drops when its holder dies.
    ``cartmigrate.testing.StateStoreContract`` checks all of it.
    """

    # -- the id map -------------------------------------------------------
    @abc.abstractmethod
    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        """The records of these source ids that exist, by source id."""

    @abc.abstractmethod
    def put(self, records: Iterable[SyncRecord]) -> None:
        """Insert or replace records, all at once (one transaction)."""

    def put_pending(self, kind: str, source_ids: Sequence[str]) -> None:
        """Record the intent to create these entities, all at once, durably.

        The engine calls this before every create batch; a store can write
        the rows without building records.
        """
        self.put(SyncRecord(kind=kind, source_id=sid, status="pending") for sid in source_ids)

    @abc.abstractmethod
    def records(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[SyncRecord]:
        """Every record of ``kind`` (optionally of one status), in no set order."""

    def unfinished(self, kind: str) -> Iterator[SyncRecord]:
        """Records still needing work: not synced, or synced with dropped references."""
        for record in self.records(kind):
            if record.status != "synced" or record.dropped:
                yield record

    def _synced_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        """Target ids of those source ids that are synced: what references resolve to.

        The engine asks this for every reference of every entity it writes;
        a store can answer it without building whole records.
        """
        return {
            sid: record.target_id
            for sid, record in self.get(kind, source_ids).items()
            if record.status == "synced" and record.target_id is not None
        }

    def _kept_target_ids(self, kind: str) -> Mapping[str, str] | None:
        """Target ids of synced records of ``kind`` this store keeps in memory,
        or None if it keeps none.

        Every entry must be true (the record is synced, with that target id);
        not every synced record need be there. The engine resolves a batch's
        references from it first and asks ``_synced_target_ids`` only for
        those it lacks: with every id at hand (a full migration, which wrote
        them), a batch asks nothing. Valid until the store's next write.
        """
        return None

    def _will_look_up(self, kinds: Iterable[str]) -> None:  # noqa: B027 - optional hint
        """A hint, given once the lock is held: the call will ask
        ``_synced_target_ids`` for these kinds.

        A store that keeps answers while it holds the lock can keep what it
        writes of them from now on, before the first ask: a full migration
        writes every customer before an order asks for one. Others ignore it.
        """

    def _stamps(
        self, kind: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[SyncStatus, str | None, bool]]:
        """Status, fingerprint and whether references were dropped, of these records.

        What the engine decides a batch from: most entities of a smart
        update are unchanged, and need no whole record. A store can answer
        it with tuples from one query.
        """
        return {
            sid: (record.status, record.fingerprint, bool(record.dropped))
            for sid, record in self.get(kind, source_ids).items()
        }

    def _clean_synced(self, kind: str, source_ids: Sequence[str]) -> int:
        """How many of these records are synced with every reference written.

        A batch of a type whose fields nothing compares needs nothing more when
        all of it is: one count, where ``_stamps`` answers a row per id. A
        store can count them in one query.
        """
        return sum(
            1
            for status, _, dropped in self._stamps(kind, source_ids).values()
            if status == "synced" and not dropped
        )

    def _off_token(self, kind: str, tokens: Mapping[str, str], labels: Sequence[str]) -> set[str]:
        """The ids of ``tokens`` whose record does not show its entity in step:
        not synced with every reference written, or a stamp that does not end
        with the id's token or holds none of ``labels``.

        A smart update of a source with change tokens decides most of a
        batch from this: the rest (usually a few ids, or none) is decided
        row by row. A store can answer it in one query, sending each id's
        token, where ``_stamps`` answers a row per id.
        """
        stamps = self._stamps(kind, list(tokens))
        return {
            sid
            for sid, token in tokens.items()
            if not _shown_by_token(stamps.get(sid), token, labels)
        }

    def _source_ids(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[str]:
        """The source ids of ``records(kind, status=status)``; a store can list
        them without building records."""
        for record in self.records(kind, status=status):
            yield record.source_id

    def discard(self, kind: str, source_ids: Sequence[str]) -> None:  # noqa: B027 - optional
        """Forget these records (of entities that never reached the target).

        A store that cannot delete rows may keep them: the engine then looks
        for those entities again on each call, at the cost of one request.
        """

    @abc.abstractmethod
    def source_id_for(self, kind: str, target_id: str) -> str | None:
        """Which source entity a target entity was mapped from, if any."""

    def count(self, kind: str, *, status: SyncStatus | None = None) -> int:
        return sum(1 for _ in self.records(kind, status=status))

    # -- failures ---------------------------------------------------------
    @abc.abstractmethod
    def put_failures(self, failures: Iterable[FailureRecord]) -> None:
        """Record failures; a repeated failure counts one more attempt."""

    @abc.abstractmethod
    def clear_failures(self, kind: str, source_ids: Sequence[str]) -> None:
        """Forget failures of entities that have now succeeded."""

    @abc.abstractmethod
    def failures(self, kind: str | None = None) -> list[FailureRecord]:
        """Failures still open, for one kind or all."""

    # -- cursors ----------------------------------------------------------
    @abc.abstractmethod
    def get_cursor(self, kind: str) -> dt.datetime | None:
        """Where the next incremental read of ``kind`` starts."""

    @abc.abstractmethod
    def set_cursor(self, kind: str, value: dt.datetime | None) -> None: ...

    # -- runs -------------------------------------------------------------
    @abc.abstractmethod
    def start_run(self, call: str, started_at: dt.datetime, *, dry_run: bool = False) -> int:
        """Open a run in the history; return its id."""

    @abc.abstractmethod
    def finish_run(
        self, run_id: int, finished_at: dt.datetime, summary: Mapping[str, Any]
    ) -> None: ...

    @abc.abstractmethod
    def runs(self) -> list[RunRecord]:
        """The history, oldest first."""

    # -- metadata ---------------------------------------------------------
    @abc.abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A small value stored under ``key`` by ``set_meta``, or None.

        For whoever uses the state (e.g. to bind it to its source and target);
        the store keeps its own bookkeeping, such as its schema version, apart.
        """

    @abc.abstractmethod
    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, durably, replacing what was there."""

    # -- the migration lock -----------------------------------------------
    @abc.abstractmethod
    def acquire_lock(self, holder: str, *, wait: float = 0.0) -> None:
        """Take this migration's lock, or raise ``MigrationLocked`` naming its holder.

        ``holder`` is recorded for the error a second caller gets (who and
        since when). ``wait`` is how many seconds to keep trying; 0 means try
        once. Not re-entrant: a store holding the lock refuses a second
        acquire. The lock must exclude every other store object on the same
        state, in this process or another, and must be released by the
        database or the operating system when the holder dies.
        """

    @abc.abstractmethod
    def release_lock(self) -> None:
        """Release the lock if this store holds it; otherwise do nothing."""

    @contextlib.contextmanager
    def lock(self, *, holder: str | None = None, wait: float = 0.0) -> Iterator[None]:
        """The migration lock for a ``with`` block (what the engine uses)."""
        self.acquire_lock(holder if holder is not None else default_holder(), wait=wait)
        try:
            yield
        finally:
            self.release_lock()

    # -- lifecycle --------------------------------------------------------
    @abc.abstractmethod
    def forget(self, kinds: Iterable[str]) -> None:
        """Drop records, failures and cursors of these kinds (history stays)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources; a store is also a context manager."""

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _shown_by_token(
    found: tuple[SyncStatus, str | None, bool] | None, token: str, labels: Sequence[str]
) -> bool:
    """Whether a record's (status, stamp, dropped) shows its entity in step by ``token``."""
    if found is None:
        return False
    status, stamp, dropped = found
    return (
        status == "synced"
        and not dropped
        and stamp is not None
        and stamp.endswith(token)
        and any(label in stamp for label in labels)
    )
