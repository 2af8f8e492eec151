"""State in one SQLite file (standard library only): the embedded default.

A ``smart_update`` a month later, in a new process, continues where the full
migration stopped. WAL journaling keeps each ``put`` durable against a
crashed process without an fsync per entity; writes are batched into one
transaction per call.

It stays on the standard library's ``sqlite3`` rather than becoming
``SQLStateStore`` on a file: the default state must need nothing installed
(SQLAlchemy is an extra), and one file per migration needs no migration id in
every key. The migration lock is an ``flock`` on ``<file>-lock`` beside it,
which the kernel releases when the holder dies: SQLite's own locks last one
transaction, and a migration is many.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from .._exceptions import StateError
from ._base import FailureRecord, RunRecord, StateStore, SyncRecord, SyncStatus
from ._checkpoints import Checkpointer
from ._clean_kinds import CleanKinds
from ._lock import FileLock
from ._sqlite_schema import SCHEMA_VERSION, create_schema
from ._target_ids import TargetIds

__all__ = ["SQLiteStateStore"]

#: Keys a user stores with ``set_meta`` live in ``meta`` under this prefix,
#: apart from the store's own (``schema_version``).
_USER_META = "user:"
_MEMORY = ("", ":memory:")

#: How long opening waits for other processes creating or upgrading the same
#: file, and how long one statement waits for another process's write.
_OPEN_TIMEOUT = 60.0
_BUSY_TIMEOUT = 30.0

#: Pages the log may hold before the store's own connection checkpoints (about
#: 40 MB). The checkpoint thread copies the log after each burst of writes, but
#: under writes that never pause (a full migration) the copy trails them and the
#: log cannot start over: this bounds it, ten times SQLite's default.
_LOG_BOUND = 10_000

_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
_PAGE = 2000  # records per page when listing


_COLUMNS = "kind, source_id, target_id, status, fingerprint, owned, parent_id, dropped"

#: What ``put_pending`` writes, as ``_put_rows`` compares a row: target_id,
#: status, owned, parent_id, dropped.
_PENDING_ROW = (None, "pending", 1, None, None)


def _row_to_record(row: tuple[Any, ...]) -> SyncRecord:
    kind, source_id, target_id, status, fingerprint, owned, parent_id, dropped = row
    return SyncRecord(
        kind=kind,
        source_id=source_id,
        target_id=target_id,
        status=cast(SyncStatus, status),
        fingerprint=fingerprint,
        owned=bool(owned),
        parent_id=parent_id,
        dropped=tuple(dropped.split(",")) if dropped else (),
    )


class SQLiteStateStore(StateStore):
    """State kept in the SQLite database at ``path`` (created when missing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_TIMEOUT
            )
        except sqlite3.Error as error:
            raise StateError(f"cannot open the state file {self.path}: {error}") from error
        try:
            wal = self._open()
        except BaseException:
            self._db.close()
            raise
        # The log is copied into the file by a thread of its own (_checkpoints).
        self._checkpoints: Checkpointer | None = None
        if wal and self.path not in _MEMORY:
            self._db.execute(f"PRAGMA wal_autocheckpoint={_LOG_BOUND}")
            self._checkpoints = Checkpointer(self.path)
        # An in-memory database is this object's alone: its lock file is too.
        self._private = tempfile.mkdtemp(prefix="cartmigrate-") if self.path in _MEMORY else None
        lock_path = os.path.join(self._private, "lock") if self._private else f"{self.path}-lock"
        self._lock = FileLock(lock_path)
        self._target_ids = TargetIds()  # kept while the lock is held
        self._clean = CleanKinds()  # kinds with no failure, known while the lock is held
        # The last put_pending's ids (its kind's), while the lock is held and
        # until the next write: a create's result need not read them back.
        self._pended: tuple[str, frozenset[str]] | None = None
        # This store's open intent, while the lock is held: (row id, kind,
        # the ids it holds, which have no row in entity_map).
        self._intent: tuple[int, str, frozenset[str]] | None = None

    def _open(self) -> bool:
        """Create or check the schema, safely when other processes open the file too;
        True if the file is in WAL mode (some file systems refuse it).

        Several processes opening one new file race to switch it to WAL and to
        create the tables; each step waits for the others (SQLite's busy
        timeout, and a bounded retry when SQLite gives up at once, as it does
        on a journal-mode switch), and the schema is written in one
        ``BEGIN IMMEDIATE`` transaction so nobody sees half of it.
        """
        deadline = time.monotonic() + _OPEN_TIMEOUT
        pause = 0.01
        while True:
            try:
                mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                self._db.execute("PRAGMA synchronous=NORMAL")
                version = create_schema(self._db)
                break
            except sqlite3.OperationalError as error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                busy = "locked" in str(error) or "busy" in str(error)
                if not busy or time.monotonic() > deadline:
                    raise StateError(f"cannot open the state file {self.path}: {error}") from error
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
            except sqlite3.DatabaseError as error:  # not a database, corrupt...
                raise StateError(f"cannot open the state file {self.path}: {error}") from error
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path} was written by a newer cartmigrate (state schema {version},"
                f" this version reads up to {SCHEMA_VERSION}); upgrade cartmigrate"
            )
        return str(mode).lower() == "wal"

    def _wrote(self) -> None:
        """A write was committed: the checkpoint thread copies the log soon."""
        if self._checkpoints is not None and not self._checkpoints.wrote():
            self._checkpoints = None  # it could not start: SQLite's own, again
            self._db.execute("PRAGMA wal_autocheckpoint=1000")

    def __repr__(self) -> str:
        return f"SQLiteStateStore({self.path!r})"

    def _write(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._db:  # one transaction
            self._db.execute("BEGIN")
            self._db.executemany(sql, rows)
        self._wrote()

    def _rows_of(
        self, select: str, kind: str, source_ids: Sequence[str], where: str = ""
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of ``SELECT select FROM entity_map WHERE ...`` for these source ids,
        in chunks that stay under SQLite's limit on query variables."""
        ids = list(source_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(
                f"SELECT {select} FROM entity_map WHERE kind=? AND source_id IN ({marks}){where}",
                (kind, *chunk),
            ).fetchall()

    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        self._settle()
        return {row[1]: _row_to_record(row) for row in self._rows_of(_COLUMNS, kind, source_ids)}

    def _synced_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        return self._target_ids.look_up(kind, source_ids, self._ask_target_ids)

    def _kept_target_ids(self, kind: str) -> Mapping[str, str] | None:
        return self._target_ids.kept(kind)

    def _will_look_up(self, kinds: Iterable[str]) -> None:
        self._target_ids.expect(kinds)

    def _ask_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        # Filtered by SQLite, so the rows are the answer as they come.
        where = " AND status='synced' AND target_id IS NOT NULL"
        return dict(self._rows_of("source_id, target_id", kind, source_ids, where))

    def _stamps(
        self, kind: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[SyncStatus, str | None, bool]]:
        self._settle()
        return {
            sid: (cast(SyncStatus, status), stamp, bool(dropped))
            for sid, status, stamp, dropped in self._rows_of(
                "source_id, status, fingerprint, dropped IS NOT NULL", kind, source_ids
            )
        }

    def _clean_synced(self, kind: str, source_ids: Sequence[str]) -> int:
        where = " AND status='synced' AND dropped IS NULL"
        return sum(n for (n,) in self._rows_of("COUNT(*)", kind, source_ids, where))

    def _off_token(self, kind: str, tokens: Mapping[str, str], labels: Sequence[str]) -> set[str]:
        # Each id with its token as a row of VALUES, joined to its record:
        # SQLite compares them, and only the few ids out of step come back.
        held = " OR ".join("instr(e.fingerprint, ?) > 0" for _ in labels) or "0"
        items = list(tokens.items())
        per = (_CHUNK * 2 - len(labels) - 1) // 2
        off: set[str] = set()
        for start in range(0, len(items), per):
            chunk = items[start : start + per]
            rows = ",".join(["(?,?)"] * len(chunk))
            query = (
                f"WITH v(sid, token) AS (VALUES {rows}) SELECT v.sid FROM v"
                " LEFT JOIN entity_map e ON e.kind=? AND e.source_id=v.sid"
                " WHERE e.source_id IS NULL OR NOT (e.status='synced'"
                " AND e.dropped IS NULL AND e.fingerprint IS NOT NULL"
                " AND substr(e.fingerprint, -length(v.token)) = v.token"
                f" AND ({held}))"
            )
            args = [*itertools.chain.from_iterable(chunk), kind, *labels]
            off.update(sid for (sid,) in self._db.execute(query, args))
        return off

    def _source_ids(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[str]:
        """Page by page in source-id order, as ``records``, but ids only."""
        self._settle()
        condition = "" if status is None else " AND status=?"
        args: tuple[str, ...] = (kind,) if status is None else (kind, status)
        after = ""
        while True:
            rows = self._db.execute(
                f"SELECT source_id FROM entity_map WHERE kind=?{condition}"
                " AND source_id > ? ORDER BY source_id LIMIT ?",
                (*args, after, _PAGE * 10),
            ).fetchall()
            for (source_id,) in rows:
                yield source_id
            if len(rows) < _PAGE * 10:
                return
            after = rows[-1][0]

    def _recount(self, statuses: Mapping[str, Mapping[str, str | None]]) -> None:
        """Keep ``entity_counts`` right for rows about to be written, in the
        write's transaction: per kind, the statuses the rows have now (one
        query per 500 ids) out, the ones they get (None: deleted) in."""
        for kind, new in statuses.items():
            delta: dict[str, int] = {}
            for status, n in self._rows_of("status, COUNT(*)", kind, list(new), " GROUP BY status"):
                delta[status] = delta.get(status, 0) - n
            for status in new.values():
                if status is not None:
                    delta[status] = delta.get(status, 0) + 1
            self._add_counts(kind, delta)

    def _add_counts(self, kind: str, delta: Mapping[str, int]) -> None:
        self._db.executemany(
            "INSERT INTO entity_counts VALUES (?, ?, ?)"
            " ON CONFLICT (kind, status) DO UPDATE SET n = n + excluded.n",
            [(kind, status, n) for status, n in delta.items() if n],
        )

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction for id-map rows and their counts. IMMEDIATE: it reads
        before it writes, and a read transaction another process's write
        overtook could not become a write one (SQLite would refuse at once)."""
        self._pended = None  # whatever this writes, those rows may change
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                yield
        except BaseException:
            self._target_ids.drop()  # whatever was written, nothing kept is sure
            raise
        self._wrote()

    def _write_counted(
        self, sql: str, rows: Sequence[Sequence[Any]], statuses: Mapping[str, Mapping[str, Any]]
    ) -> None:
        if not rows:
            return
        with self._writing():
            self._recount(statuses)
            self._db.executemany(sql, rows)

    def put(self, records: Iterable[SyncRecord]) -> None:
        latest: dict[tuple[str, str], tuple[Any, ...]] = {}
        for r in records:  # the last write of a row in the batch is the one kept
            latest[r.kind, r.source_id] = (
                r.kind,
                r.source_id,
                r.target_id,
                r.status,
                r.fingerprint,
                int(r.owned),
                r.parent_id,
                ",".join(r.dropped) or None,
            )
        by_kind: dict[str, list[tuple[Any, ...]]] = {}
        for row in latest.values():
            by_kind.setdefault(row[0], []).append(row)
        if not by_kind:
            return
        pended, intent = self._pended, self._intent  # (_writing forgets the first)
        with self._writing():
            for kind, rows in by_kind.items():
                absent = intent[2] if intent is not None and intent[1] == kind else frozenset()
                self._put_rows(
                    kind, rows, pended[1] if pended and pended[0] == kind else None, absent
                )
            if intent is not None:
                # What the result did not write stays pending, as a row.
                written = {row[1] for row in by_kind.get(intent[1], ())}
                self._close_intent(intent, [sid for sid in intent[2] if sid not in written])
        self._intent = None
        for kind, rows in by_kind.items():
            self._target_ids.written(
                kind, ((row[1], row[2] if row[3] == "synced" else None) for row in rows)
            )

    def _put_rows(
        self,
        kind: str,
        rows: Sequence[tuple[Any, ...]],
        pended: frozenset[str] | None = None,
        absent: frozenset[str] = frozenset(),
    ) -> None:
        """Write one kind's rows (one per id) and keep its counts, in the
        caller's transaction.

        A row whose only change is its fingerprint (a restamp: most of what a
        smart update writes) is updated in place: a replaced row rewrites its
        index entries too, which doubles the pages a commit writes to the WAL
        when the rows are spread over a large map (3.4 against 1.5 ms per 100
        rows in a 130k-row map).

        ``pended``: ids whose rows are as the last ``put_pending`` wrote them
        (nothing wrote since, under the lock): not read back, which spares a
        create's result a query per batch. ``absent``: those of them held by
        the open intent, which have no row yet: inserted, never updated.
        """
        columns = "source_id, target_id, status, owned, parent_id, dropped"
        ids = [r[1] for r in rows]
        known = pended.union(absent) if pended else absent
        now: dict[str, tuple[Any, ...]] = {}
        if known:
            now = dict.fromkeys(known.intersection(ids), _PENDING_ROW)
            ids = [sid for sid in ids if sid not in now]
        if ids:
            now.update((row[0], row[1:]) for row in self._rows_of(columns, kind, ids))
        delta: dict[str, int] = {}
        restamps: list[tuple[Any, ...]] = []
        replaced: list[tuple[Any, ...]] = []
        for row in rows:
            delta[row[3]] = delta.get(row[3], 0) + 1
            old = now.get(row[1])
            if old is None:
                replaced.append(row)
                continue
            delta[old[1]] = delta.get(old[1], 0) - 1
            if old == (row[2], row[3], row[5], row[6], row[7]) and row[1] not in absent:
                restamps.append((row[4], kind, row[1]))
            else:
                replaced.append(row)
        self._db.executemany(
            "UPDATE entity_map SET fingerprint=? WHERE kind=? AND source_id=?", restamps
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO entity_map VALUES (?, ?, ?, ?, ?, ?, ?, ?)", replaced
        )
        self._add_counts(kind, delta)

    def put_pending(self, kind: str, source_ids: Sequence[str]) -> None:
        """The intent of a create, durable before its request.

        Holding the lock, the ids with no record yet (a create's usual batch)
        are written as one row of ``intents``, which the result deletes in the
        transaction that writes their records: a row per entity, written once,
        where a pending row and then its replacement wrote each twice (with
        its index entries). Whatever reads the id map first turns an open
        intent into pending rows (``_settle``), so every reader sees them.
        Ids with a record, and every id written without the lock, become
        pending rows at once, as before.
        """
        if not source_ids:
            return
        self._settle()  # an intent whose result never came: its rows first
        ids = list(dict.fromkeys(source_ids))
        held = self._target_ids.held
        intent: tuple[int, str, frozenset[str]] | None = None
        with self._writing():
            now = dict(self._rows_of("source_id, status", kind, ids)) if held else {}
            rows = [sid for sid in ids if sid in now] if held else ids
            if rows:
                self._recount({kind: dict.fromkeys(rows, "pending")})
                self._pending_rows(kind, rows)
            fresh = [sid for sid in ids if sid not in now] if held else []
            if fresh:
                self._add_counts(kind, {"pending": len(fresh)})
                cursor = self._db.execute(
                    "INSERT INTO intents (kind, source_ids) VALUES (?, ?)",
                    (kind, json.dumps(fresh)),
                )
                intent = (cast(int, cursor.lastrowid), kind, frozenset(fresh))
        self._intent = intent
        self._target_ids.written(kind, ((sid, None) for sid in ids))
        if held:  # the only writer: the rows are as written
            self._pended = (kind, frozenset(ids))

    def _pending_rows(self, kind: str, source_ids: Iterable[str]) -> None:
        """Pending rows for these ids, as ``_PENDING_ROW`` (in the caller's transaction)."""
        self._db.executemany(
            "INSERT OR REPLACE INTO entity_map VALUES (?, ?, NULL, 'pending', NULL, 1, NULL, NULL)",
            [(kind, sid) for sid in source_ids],
        )

    def _close_intent(self, intent: tuple[int, str, frozenset[str]], rest: Sequence[str]) -> None:
        """Delete the intent, its ``rest`` written as pending rows (in the caller's
        transaction). Counted as pending already: the counts stay."""
        self._pending_rows(intent[1], rest)
        self._db.execute("DELETE FROM intents WHERE id=?", (intent[0],))

    def _settle(self) -> None:
        """Open intents as pending rows, before the id map is read or changed.

        Holding the lock, only this store's own intent can be open: nobody
        else writes. Without it, another store's may be (one running, or one
        that died between a create's request and its result): asked of the
        file, and written as rows by whichever store reads first. That is
        safe beside a holder whose result comes later: its result replaces
        the rows and deletes an intent already gone, and the counts, which
        held those ids as pending all along, do not change.
        """
        if self._target_ids.held:
            intent = self._intent
            if intent is not None:
                with self._db:
                    self._db.execute("BEGIN IMMEDIATE")
                    self._close_intent(intent, sorted(intent[2]))
                self._intent = None
                self._wrote()
            return
        self._settle_file()

    def _settle_file(self) -> None:
        """Every intent in the file as pending rows (another store's included)."""
        if not self._db.execute("SELECT EXISTS (SELECT 1 FROM intents)").fetchone()[0]:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for intent_id, kind, ids in self._db.execute(
                "SELECT id, kind, source_ids FROM intents"
            ).fetchall():
                self._close_intent((intent_id, kind, frozenset()), json.loads(ids))
        self._intent = None
        self._wrote()

    def discard(self, kind: str, source_ids: Sequence[str]) -> None:
        self._settle()
        self._write_counted(
            "DELETE FROM entity_map WHERE kind=? AND source_id=?",
            [(kind, sid) for sid in source_ids],
            {kind: dict.fromkeys(source_ids)},
        )
        self._target_ids.written(kind, ((sid, None) for sid in source_ids))

    def records(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[SyncRecord]:
        condition = "" if status is None else " AND status=?"
        return self._pages(condition, (kind,) if status is None else (kind, status))

    def unfinished(self, kind: str) -> Iterator[SyncRecord]:
        return self._pages(" AND (status != 'synced' OR dropped IS NOT NULL)", (kind,))

    def _pages(self, condition: str, args: tuple[str, ...]) -> Iterator[SyncRecord]:
        """Records page by page in source-id order: memory stays flat at any size,
        and callers may write between pages (keyset paging sees no cursor reset).
        The first page is small and each next one larger, up to ``_PAGE``: a
        caller that takes a few (a sample) builds a few records, not a page."""
        self._settle()
        after = ""
        size = 16
        while True:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM entity_map WHERE kind=?{condition}"
                " AND source_id > ? ORDER BY source_id LIMIT ?",
                (*args, after, size),
            ).fetchall()
            for row in rows:
                yield _row_to_record(row)
            if len(rows) < size:
                return
            after = rows[-1][1]
            size = min(_PAGE, size * 4)

    def count(self, kind: str, *, status: SyncStatus | None = None) -> int:
        # Kept with every write (``_recount``): one indexed read at any size.
        if status is None:
            row = self._db.execute("SELECT SUM(n) FROM entity_counts WHERE kind=?", (kind,))
        else:
            row = self._db.execute(
                "SELECT SUM(n) FROM entity_counts WHERE kind=? AND status=?", (kind, status)
            )
        return int(row.fetchone()[0] or 0)

    def source_id_for(self, kind: str, target_id: str) -> str | None:
        row = self._db.execute(
            "SELECT source_id FROM entity_map WHERE kind=? AND target_id=?", (kind, target_id)
        ).fetchone()
        return None if row is None else str(row[0])

    def put_failures(self, failures: Iterable[FailureRecord]) -> None:
        failures = list(failures)
        self._clean.dirty({f.kind for f in failures})
        self._write(
            "INSERT INTO failures VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, source_id)"
            " DO UPDATE SET message=excluded.message, field=excluded.field,"
            " error=excluded.error, attempts=failures.attempts + 1",
            ((f.kind, f.source_id, f.message, f.field, f.error, f.attempts) for f in failures),
        )

    def clear_failures(self, kind: str, source_ids: Sequence[str]) -> None:
        # Called after every batch that succeeded, almost always with nothing
        # to clear: one indexed look-up instead of a transaction of deletes,
        # and none while the lock is held and the kind is known clean.
        if not source_ids or self._clean.known(kind):
            return
        if not self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM failures WHERE kind=?)", (kind,)
        ).fetchone()[0]:
            self._clean.clean(kind)
            return
        self._write(
            "DELETE FROM failures WHERE kind=? AND source_id=?",
            ((kind, sid) for sid in source_ids),
        )

    def failures(self, kind: str | None = None) -> list[FailureRecord]:
        sql = "SELECT kind, source_id, message, field, error, attempts FROM failures"
        rows = (
            self._db.execute(sql + " WHERE kind=?", (kind,))
            if kind is not None
            else self._db.execute(sql)
        )
        return [
            FailureRecord(kind=k, source_id=s, message=m, field=f, error=e, attempts=a)
            for k, s, m, f, e, a in rows.fetchall()
        ]

    def get_cursor(self, kind: str) -> dt.datetime | None:
        row = self._db.execute("SELECT value FROM cursors WHERE kind=?", (kind,)).fetchone()
        return None if row is None else dt.datetime.fromisoformat(row[0])

    def set_cursor(self, kind: str, value: dt.datetime | None) -> None:
        if value is None:
            self._write("DELETE FROM cursors WHERE kind=?", [(kind,)])
        else:
            self._write("INSERT OR REPLACE INTO cursors VALUES (?, ?)", [(kind, value.isoformat())])

    def start_run(self, call: str, started_at: dt.datetime, *, dry_run: bool = False) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (call, started_at, dry_run) VALUES (?, ?, ?)",
            (call, started_at.isoformat(), int(dry_run)),
        )
        return int(cast(int, cursor.lastrowid))

    def finish_run(self, run_id: int, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at=?, summary=? WHERE id=?",
            (finished_at.isoformat(), json.dumps(summary, default=str), run_id),
        )
        self._wrote()

    def runs(self) -> list[RunRecord]:
        rows = self._db.execute(
            "SELECT id, call, started_at, finished_at, dry_run, summary FROM runs ORDER BY id"
        ).fetchall()
        return [
            RunRecord(
                id=run_id,
                call=call,
                started_at=dt.datetime.fromisoformat(started),
                finished_at=None if finished is None else dt.datetime.fromisoformat(finished),
                dry_run=bool(dry_run),
                summary=json.loads(summary),
            )
            for run_id, call, started, finished, dry_run, summary in rows
        ]

    def forget(self, kinds: Iterable[str]) -> None:
        names = [(kind,) for kind in kinds]
        self._target_ids.forget(kind for (kind,) in names)  # (before: a failed delete asks again)
        self._clean.dirty(kind for (kind,) in names)
        self._settle()
        with self._writing():
            for table in ("entity_map", "entity_counts", "failures", "cursors", "intents"):
                self._db.executemany(f"DELETE FROM {table} WHERE kind=?", names)

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (_USER_META + key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(_USER_META + key, value)])

    def acquire_lock(self, holder: str, *, wait: float = 0.0) -> None:
        self._lock.acquire(f"the state {self.path}", holder, wait)
        self._intent = None
        try:  # a holder that died between a create's request and its result
            self._settle_file()
        except BaseException:
            self._lock.release()
            raise
        self._target_ids.hold()  # no other store writes the state now
        self._clean.hold()

    def release_lock(self) -> None:
        self._target_ids.drop()
        self._clean.drop()
        self._pended = self._intent = None  # (an intent left open stays in the file)
        self._lock.release()

    def close(self) -> None:
        self.release_lock()
        if self._checkpoints is not None:  # first: the last connection copies the rest
            self._checkpoints.close()
        self._db.close()
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
