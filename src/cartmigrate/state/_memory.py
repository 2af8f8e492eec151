"""State held in dictionaries: the default, for one process and for dry runs."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from ._base import FailureRecord, RunRecord, StateStore, SyncRecord, SyncStatus
from ._lock import Holder, locked_error

__all__ = ["MemoryStateStore"]


class MemoryStateStore(StateStore):
    """Keeps everything in memory; gone when the process ends.

    Use ``SQLiteStateStore`` for anything that must survive a restart. Its
    migration lock excludes the other threads of this process, which are the
    only ones that can see it.
    """

    def __init__(self) -> None:
        self._records: dict[str, dict[str, SyncRecord]] = {}
        self._by_target: dict[str, dict[str, str]] = {}
        self._failures: dict[tuple[str, str], FailureRecord] = {}
        self._cursors: dict[str, dt.datetime] = {}
        self._runs: list[RunRecord] = []
        self._meta: dict[str, str] = {}
        self._lock = threading.Lock()
        self._holder = Holder(None, None)
        self._owner: int | None = None

    def acquire_lock(self, holder: str, *, wait: float = 0.0) -> None:
        if wait < 0:
            raise ValueError(f"wait must be >= 0 seconds, not {wait!r}")
        taken = self._lock.acquire(timeout=wait) if wait > 0 else self._lock.acquire(False)
        if not taken:
            raise locked_error("this in-memory state", self._holder)
        self._owner = threading.get_ident()
        self._holder = Holder(holder, dt.datetime.now(dt.UTC))

    def release_lock(self) -> None:
        # The store is shared by the threads that use it: the thread that took
        # the lock is its holder.
        if self._owner == threading.get_ident():
            self._owner = None
            self._holder = Holder(None, None)
            self._lock.release()

    def get_meta(self, key: str) -> str | None:
        return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value

    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        table = self._records.get(kind, {})
        return {sid: table[sid] for sid in source_ids if sid in table}

    def _clean_synced(self, kind: str, source_ids: Sequence[str]) -> int:
        table = self._records.get(kind, {})
        return sum(
            1
            for sid in source_ids
            if (record := table.get(sid)) is not None
            and record.status == "synced"
            and not record.dropped
        )

    def put(self, records: Iterable[SyncRecord]) -> None:
        for record in records:
            table = self._records.setdefault(record.kind, {})
            by_target = self._by_target.setdefault(record.kind, {})
            old = table.get(record.source_id)
            if old is not None and old.target_id is not None:
                by_target.pop(old.target_id, None)
            table[record.source_id] = record
            if record.target_id is not None:
                by_target[record.target_id] = record.source_id

    def discard(self, kind: str, source_ids: Sequence[str]) -> None:
        table = self._records.get(kind, {})
        by_target = self._by_target.get(kind, {})
        for sid in source_ids:
            record = table.pop(sid, None)
            if record is not None and record.target_id is not None:
                by_target.pop(record.target_id, None)

    def records(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[SyncRecord]:
        for record in list(self._records.get(kind, {}).values()):
            if status is None or record.status == status:
                yield record

    def count(self, kind: str, *, status: SyncStatus | None = None) -> int:
        if status is None:
            return len(self._records.get(kind, {}))
        return super().count(kind, status=status)

    def source_id_for(self, kind: str, target_id: str) -> str | None:
        return self._by_target.get(kind, {}).get(target_id)

    def put_failures(self, failures: Iterable[FailureRecord]) -> None:
        for failure in failures:
            key = (failure.kind, failure.source_id)
            old = self._failures.get(key)
            attempts = old.attempts + 1 if old is not None else failure.attempts
            self._failures[key] = attrs.evolve(failure, attempts=attempts)

    def clear_failures(self, kind: str, source_ids: Sequence[str]) -> None:
        for sid in source_ids:
            self._failures.pop((kind, sid), None)

    def failures(self, kind: str | None = None) -> list[FailureRecord]:
        return [f for f in self._failures.values() if kind is None or f.kind == kind]

    def get_cursor(self, kind: str) -> dt.datetime | None:
        return self._cursors.get(kind)

    def set_cursor(self, kind: str, value: dt.datetime | None) -> None:
        if value is None:
            self._cursors.pop(kind, None)
        else:
            self._cursors[kind] = value

    def start_run(self, call: str, started_at: dt.datetime, *, dry_run: bool = False) -> int:
        run = RunRecord(id=len(self._runs) + 1, call=call, started_at=started_at, dry_run=dry_run)
        self._runs.append(run)
        return run.id

    def finish_run(self, run_id: int, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        run = self._runs[run_id - 1]
        self._runs[run_id - 1] = attrs.evolve(run, finished_at=finished_at, summary=dict(summary))

    def runs(self) -> list[RunRecord]:
        return list(self._runs)

    def forget(self, kinds: Iterable[str]) -> None:
        for kind in kinds:
            self._records.pop(kind, None)
            self._by_target.pop(kind, None)
            self._cursors.pop(kind, None)
            for key in [key for key in self._failures if key[0] == kind]:
                del self._failures[key]
