"""State in a SQL database through SQLAlchemy Core: one database for an agency.

``SQLStateStore("postgresql+psycopg://user@host/db", migration="shop-42")``
keeps the state of migration ``shop-42``; every row carries the migration id,
so one database holds hundreds of migrations side by side. PostgreSQL (through
psycopg 3: ``pip install 'cartmigrate[postgres]'``) is what it is made for;
SQLite URLs work through the same code, for trying it out and for tests.

- Writes are batched: one ``INSERT ... ON CONFLICT DO UPDATE`` executed for
  many rows (SQLAlchemy sends them as multi-row statements), one transaction
  per call of the engine's, never a round trip per entity.
- The id map's primary key (migration, kind, source id) serves the engine's
  look-ups; a second index (migration, kind, target id) serves
  ``source_id_for``. Listing pages by key, so memory stays flat.
- The schema is versioned (``cartmigrate_schema``): a newer one is refused, an
  older one upgraded on open; creating it takes a transaction-scoped advisory
  lock, so several workers opening a new database at once are safe.
- The migration lock is a PostgreSQL session advisory lock held on its own
  connection: when the holder dies its connection closes and the server
  releases the lock, nothing to expire or guess. On SQLite it is an ``flock``
  on a file beside the database, one per migration (as ``SQLiteStateStore``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .._exceptions import ConfigurationError, StateError
from ._base import FailureRecord, RunRecord, StateStore, SyncRecord, SyncStatus
from ._clean_kinds import CleanKinds
from ._lock import FileLock, Holder, locked_error, poll
from ._sql_import import import_sqlite_file
from ._sql_schema import (
    _PG_PUT,
    _PG_RECORDS,
    _PG_TARGET_IDS,
    _RECORD_COLUMNS,
    _UNNESTED,
    SCHEMA_VERSION,
    UNFINISHED,
    _counts,
    _cursors,
    _failures,
    _holders,
    _map,
    _meta,
    _runs,
    _schema,
    _user_meta,
    advisory_key,
    keep_counts,
    record_of,
    update_indexes,
)
from ._target_ids import TargetIds

__all__ = ["SQLStateStore"]

_CHUNK = 500  # ids per IN (...) look-up
_PAGE = 2000  # records per page when listing
_OPEN_TIMEOUT = 60.0
_NAME_WAIT = 1.0


class SQLStateStore(StateStore):
    """The state of migration ``migration`` in the database at ``url``.

    ``url`` is a SQLAlchemy URL: ``postgresql+psycopg://user:pw@host/db`` (a
    plain ``postgresql://`` means psycopg 3 too) or ``sqlite:///path.db``.
    The tables (``cartmigrate_*``) are created when missing. ``engine_options``
    go to ``sqlalchemy.create_engine`` (pool sizes, say).
    """

    def __init__(
        self, url: str, *, migration: str, engine_options: Mapping[str, Any] | None = None
    ) -> None:
        if not isinstance(migration, str) or not migration.strip() or len(migration) > 200:
            raise ConfigurationError(
                f"migration must be a non-empty id of at most 200 characters, not {migration!r}"
            )
        self.migration = migration
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            # Not echoed: a URL carries a password.
            raise ConfigurationError("not a database URL (see SQLStateStore)") from None
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self._url = parsed
        self._dialect = parsed.get_backend_name()
        if self._dialect not in ("postgresql", "sqlite"):
            raise ConfigurationError(
                f"SQLStateStore runs on PostgreSQL and SQLite, not {self._dialect!r}"
                " (its migration lock needs the database's own lock)"
            )
        if self._dialect == "sqlite" and parsed.database in (None, "", ":memory:"):
            raise ConfigurationError(
                "an in-memory SQLite database loses the state with its connection:"
                " give a file (sqlite:///path.db), or use MemoryStateStore"
            )
        options: dict[str, Any] = {"pool_pre_ping": True}
        if self._dialect == "sqlite":
            options["connect_args"] = {"timeout": 30.0}
        options.update(engine_options or {})
        try:
            self._engine = sa.create_engine(parsed, **options)
        except (sa.exc.ArgumentError, ImportError) as error:
            raise ConfigurationError(f"cannot use {self!r}: {error}") from error
        if self._dialect == "sqlite":
            sa.event.listen(self._engine, "connect", _sqlite_pragmas)
        # Reads in autocommit: no BEGIN before a look-up, no ROLLBACK after it
        # (each read is one statement; the engine reads between its own writes).
        self._reader = self._engine.execution_options(isolation_level="AUTOCOMMIT")
        self._lock_connection: sa.Connection | None = None
        self._lock_key = 0  # set on opening, from the schema the tables are in
        self._file_lock: FileLock | None = None
        self._target_ids = TargetIds()  # kept while the lock is held
        self._clean = CleanKinds()  # kinds with no failure, known while the lock is held
        if self._dialect == "sqlite":
            digest = hashlib.sha256(migration.encode()).hexdigest()[:16]
            self._file_lock = FileLock(f"{parsed.database}-lock-{digest}")
        try:
            self._open()
        except BaseException:
            self._engine.dispose()
            raise

    def __repr__(self) -> str:
        shown = self._url.render_as_string(hide_password=True)
        return f"SQLStateStore({shown!r}, migration={self.migration!r})"

    # -- opening -------------------------------------------------------------
    def _open(self) -> None:
        """Create or check the schema; safe when several workers open at once."""
        deadline = time.monotonic() + _OPEN_TIMEOUT
        while True:
            try:
                version = self._create_schema()
                break
            except sa.exc.OperationalError as error:
                if self._dialect != "sqlite" or time.monotonic() > deadline:
                    raise StateError(f"cannot open {self!r}: {error.orig}") from error
                time.sleep(0.05)  # another process is creating the same file's tables
            except sa.exc.DBAPIError as error:
                raise StateError(f"cannot open {self!r}: {error.orig}") from error
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self!r} was written by a newer cartmigrate (state schema {version},"
                f" this version reads up to {SCHEMA_VERSION}); upgrade cartmigrate"
            )

    def _create_schema(self) -> int:
        with self._engine.begin() as db:
            if self._dialect == "postgresql":
                # Advisory locks belong to the database, not to a schema: keys
                # name the schema, so two schemas' tables never share a lock.
                where = str(db.execute(sa.text("SELECT current_schema()")).scalar())
                self._lock_key = advisory_key(f"cartmigrate migration {where}.{self.migration}")
                # Held to the end of this transaction: one creator at a time.
                db.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": advisory_key(f"cartmigrate schema {where}")},
                )
            _meta.create_all(db)
            update_indexes(db)
            keep_counts(db, self._dialect)
            self._upsert(db, _schema, [{"name": "state", "version": SCHEMA_VERSION}], update=())
            version = db.execute(
                sa.select(_schema.c.version).where(_schema.c.name == "state")
            ).scalar_one()
        return int(version)

    # -- writing -------------------------------------------------------------
    def _insert(self, table: sa.Table) -> Any:
        dialect = postgresql if self._dialect == "postgresql" else sqlite
        return dialect.insert(table)

    def _upsert(
        self,
        db: sa.Connection,
        table: sa.Table,
        rows: Sequence[Mapping[str, Any]],
        *,
        update: Iterable[str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Insert ``rows`` in one executemany; on a key already there, update
        ``update`` (default: every non-key column), or nothing (``()``)."""
        if not rows:
            return
        keys = [c.name for c in table.primary_key.columns]
        statement = self._insert(table)
        names = [c.name for c in table.columns if c.name not in keys] if update is None else update
        changes = {name: statement.excluded[name] for name in names}
        changes.update(extra or {})
        if changes:
            statement = statement.on_conflict_do_update(index_elements=keys, set_=changes)
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        db.execute(statement, list(rows))

    def _unique(self, rows: Iterable[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
        """The last row for each key: one statement must not update a row twice."""
        return list({tuple(row[k] for k in key): row for row in rows}.values())

    def put(self, records: Iterable[SyncRecord]) -> None:
        rows = self._unique(
            (
                {
                    "migration": self.migration,
                    "kind": r.kind,
                    "source_id": r.source_id,
                    "target_id": r.target_id,
                    "status": r.status,
                    "fingerprint": r.fingerprint,
                    "owned": r.owned,
                    "parent_id": r.parent_id,
                    "dropped": ",".join(r.dropped) or None,
                }
                for r in records
            ),
            "kind",
            "source_id",
        )
        if not rows:
            return
        try:
            with self._engine.begin() as db:
                if self._dialect == "postgresql":
                    # One statement for the whole batch, its columns as arrays.
                    columns = {name: [row[name] for row in rows] for name in _UNNESTED}
                    db.execute(_PG_PUT, {"migration": self.migration, **columns})
                else:
                    self._upsert(db, _map, rows)
        except BaseException:
            self._target_ids.drop()  # whatever was written, nothing kept is sure
            raise
        for kind in {row["kind"] for row in rows}:
            self._target_ids.written(
                kind,
                (
                    (row["source_id"], row["target_id"] if row["status"] == "synced" else None)
                    for row in rows
                    if row["kind"] == kind
                ),
            )

    def put_pending(self, kind: str, source_ids: Sequence[str]) -> None:
        self.put(SyncRecord(kind=kind, source_id=sid, status="pending") for sid in source_ids)

    def discard(self, kind: str, source_ids: Sequence[str]) -> None:
        self._target_ids.written(kind, ((sid, None) for sid in source_ids))  # (before: sure)
        with self._engine.begin() as db:
            for chunk in _chunks(source_ids):
                db.execute(
                    sa.delete(_map).where(self._of(_map, kind), self._in(_map.c.source_id, chunk))
                )

    # -- reading ---------------------------------------------------------------
    def _in(self, column: sa.Column[Any], ids: list[str]) -> sa.ColumnElement[bool]:
        """``column IN ids``; on PostgreSQL ``= ANY(array)``, one parameter
        whatever the count, so the statement is planned once, not per size."""
        if self._dialect == "postgresql":
            return column == sa.any_(sa.bindparam(None, ids, type_=postgresql.ARRAY(sa.String)))
        return column.in_(ids)

    def _of(self, table: sa.Table, kind: str) -> sa.ColumnElement[bool]:
        return sa.and_(table.c.migration == self.migration, table.c.kind == kind)

    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        found: dict[str, SyncRecord] = {}
        with self._reader.connect() as db:
            for chunk in _chunks(source_ids):
                rows = self._rows_for_ids(db, kind, chunk, _PG_RECORDS, _RECORD_COLUMNS)
                found.update((row[1], record_of(row)) for row in rows)
        return found

    def _rows_for_ids(
        self,
        db: sa.Connection,
        kind: str,
        chunk: list[str],
        pg_look_up: sa.TextClause,
        columns: Sequence[sa.Column[Any]],
        *where: sa.ColumnElement[bool],
    ) -> Iterable[Sequence[Any]]:
        """``columns`` of ``kind``'s rows for these source ids (and ``where``):
        on PostgreSQL ``pg_look_up``, written to search by id whatever the
        statistics know (see ``_sql_schema._pg_look_up``)."""
        if self._dialect == "postgresql":
            args = {"ids": chunk, "migration": self.migration, "kind": kind}
            return db.execute(pg_look_up, args)
        return db.execute(
            sa.select(*columns).where(
                self._of(_map, kind), self._in(_map.c.source_id, chunk), *where
            )
        )

    def _synced_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        return self._target_ids.look_up(kind, source_ids, self._ask_target_ids)

    def _kept_target_ids(self, kind: str) -> Mapping[str, str] | None:
        return self._target_ids.kept(kind)

    def _will_look_up(self, kinds: Iterable[str]) -> None:
        self._target_ids.expect(kinds)

    def _ask_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._reader.connect() as db:
            for chunk in _chunks(source_ids):
                rows = self._rows_for_ids(
                    db,
                    kind,
                    chunk,
                    _PG_TARGET_IDS,
                    (_map.c.source_id, _map.c.target_id),
                    _map.c.status == "synced",
                    _map.c.target_id.is_not(None),
                )
                found.update((str(s), str(t)) for s, t in rows)
        return found

    def records(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[SyncRecord]:
        return self._pages(kind, None if status is None else _map.c.status == status)

    def unfinished(self, kind: str) -> Iterator[SyncRecord]:
        return self._pages(kind, sa.text(f"({UNFINISHED})"))  # (as the index's, word for word)

    def _pages(
        self, kind: str, condition: sa.ColumnElement[bool] | sa.TextClause | None
    ) -> Iterator[SyncRecord]:
        """Page by page in source-id order (keyset): flat memory, and callers may
        write between pages; each page is its own short read."""
        after = ""
        while True:
            query = sa.select(*_RECORD_COLUMNS).where(
                self._of(_map, kind), _map.c.source_id > after
            )
            if condition is not None:
                query = query.where(condition)
            with self._reader.connect() as db:
                rows = db.execute(query.order_by(_map.c.source_id).limit(_PAGE)).all()
            for row in rows:
                yield record_of(row)
            if len(rows) < _PAGE:
                return
            after = rows[-1][1]

    def count(self, kind: str, *, status: SyncStatus | None = None) -> int:
        # Kept by the database with every write (``keep_counts``): a few rows.
        query = sa.select(sa.func.coalesce(sa.func.sum(_counts.c.n), 0)).where(
            self._of(_counts, kind)
        )
        if status is not None:
            query = query.where(_counts.c.status == status)
        with self._reader.connect() as db:
            return int(db.execute(query).scalar_one())

    def source_id_for(self, kind: str, target_id: str) -> str | None:
        query = sa.select(_map.c.source_id).where(
            self._of(_map, kind), _map.c.target_id == target_id
        )
        with self._reader.connect() as db:
            found = db.execute(query.limit(1)).scalar()
        return None if found is None else str(found)

    # -- failures ------------------------------------------------------------
    def put_failures(self, failures: Iterable[FailureRecord]) -> None:
        rows = self._unique(
            (
                {
                    "migration": self.migration,
                    "kind": f.kind,
                    "source_id": f.source_id,
                    "message": f.message,
                    "field": f.field,
                    "error": f.error,
                    "attempts": f.attempts,
                }
                for f in failures
            ),
            "kind",
            "source_id",
        )
        self._clean.dirty({row["kind"] for row in rows})
        with self._engine.begin() as db:
            self._upsert(
                db,
                _failures,
                rows,
                update=("message", "field", "error"),
                extra={"attempts": _failures.c.attempts + 1},
            )

    def clear_failures(self, kind: str, source_ids: Sequence[str]) -> None:
        if not source_ids or self._clean.known(kind):
            return  # (known clean while the lock is held: no transaction at all)
        with self._engine.begin() as db:
            # Almost always nothing to clear: one indexed look-up first.
            exists = sa.select(_failures.c.kind).where(self._of(_failures, kind)).limit(1)
            if db.execute(exists).first() is None:
                self._clean.clean(kind)
                return
            for chunk in _chunks(source_ids):
                db.execute(
                    sa.delete(_failures).where(
                        self._of(_failures, kind), self._in(_failures.c.source_id, chunk)
                    )
                )

    def failures(self, kind: str | None = None) -> list[FailureRecord]:
        query = sa.select(
            _failures.c.kind,
            _failures.c.source_id,
            _failures.c.message,
            _failures.c.field,
            _failures.c.error,
            _failures.c.attempts,
        ).where(_failures.c.migration == self.migration)
        if kind is not None:
            query = query.where(_failures.c.kind == kind)
        with self._reader.connect() as db:
            rows = db.execute(query.order_by(_failures.c.kind, _failures.c.source_id)).all()
        return [
            FailureRecord(kind=k, source_id=s, message=m, field=f, error=e, attempts=a)
            for k, s, m, f, e, a in rows
        ]

    # -- cursors, runs, meta -------------------------------------------------
    def get_cursor(self, kind: str) -> dt.datetime | None:
        with self._reader.connect() as db:
            value = db.execute(sa.select(_cursors.c.value).where(self._of(_cursors, kind))).scalar()
        return None if value is None else dt.datetime.fromisoformat(value)

    def set_cursor(self, kind: str, value: dt.datetime | None) -> None:
        with self._engine.begin() as db:
            if value is None:
                db.execute(sa.delete(_cursors).where(self._of(_cursors, kind)))
            else:
                row = {"migration": self.migration, "kind": kind, "value": value.isoformat()}
                self._upsert(db, _cursors, [row])

    def start_run(self, call: str, started_at: dt.datetime, *, dry_run: bool = False) -> int:
        with self._engine.begin() as db:
            result = db.execute(
                sa.insert(_runs).values(
                    migration=self.migration,
                    call=call,
                    started_at=started_at.isoformat(),
                    dry_run=dry_run,
                    summary="{}",
                )
            )
            return int(cast(Sequence[Any], result.inserted_primary_key)[0])

    def finish_run(self, run_id: int, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        with self._engine.begin() as db:
            db.execute(
                sa.update(_runs)
                .where(_runs.c.id == run_id, _runs.c.migration == self.migration)
                .values(
                    finished_at=finished_at.isoformat(), summary=json.dumps(summary, default=str)
                )
            )

    def runs(self) -> list[RunRecord]:
        query = (
            sa.select(
                _runs.c.id,
                _runs.c.call,
                _runs.c.started_at,
                _runs.c.finished_at,
                _runs.c.dry_run,
                _runs.c.summary,
            )
            .where(_runs.c.migration == self.migration)
            .order_by(_runs.c.id)
        )
        with self._reader.connect() as db:
            rows = db.execute(query).all()
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

    def get_meta(self, key: str) -> str | None:
        query = sa.select(_user_meta.c.value).where(
            _user_meta.c.migration == self.migration, _user_meta.c.key == key
        )
        with self._reader.connect() as db:
            value = db.execute(query).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self._engine.begin() as db:
            self._upsert(
                db, _user_meta, [{"migration": self.migration, "key": key, "value": value}]
            )

    def forget(self, kinds: Iterable[str]) -> None:
        names = list(kinds)
        self._target_ids.forget(names)  # (before: a failed delete leaves them asked again)
        self._clean.dirty(names)
        with self._engine.begin() as db:
            for table in (_map, _failures, _cursors, _counts):
                db.execute(
                    sa.delete(table).where(
                        table.c.migration == self.migration, table.c.kind.in_(names)
                    )
                )

    # -- moving in -----------------------------------------------------------
    def import_sqlite(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Copy a ``SQLiteStateStore`` file's state into this migration, which must
        have none yet: the next call continues where the file's last call stopped.
        Returns how many records, failures, cursors, runs and meta values it copied."""
        return import_sqlite_file(path, self)

    def count_everything(self) -> int:
        """How many rows of any kind this migration has (0: a new migration)."""
        total = 0
        with self._reader.connect() as db:
            for table in (_map, _failures, _cursors, _runs, _user_meta):
                query = sa.select(sa.func.count()).select_from(table)
                total += int(
                    db.execute(query.where(table.c.migration == self.migration)).scalar_one()
                )
        return total

    # -- the migration lock --------------------------------------------------
    def acquire_lock(self, holder: str, *, wait: float = 0.0) -> None:
        what = f"migration {self.migration!r}"
        if self._file_lock is not None:
            self._file_lock.acquire(what, holder, wait)
            self._target_ids.hold()  # no other store writes the migration now
            self._clean.hold()
            return
        if self._lock_connection is not None:
            raise locked_error(what, self._holder())
        key = {"key": self._lock_key}
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = poll(
                lambda: bool(
                    connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), key).scalar()
                ),
                wait,
            )
            if not taken:
                raise locked_error(what, self._holder(wait_for_name=True))
            row = {
                "migration": self.migration,
                "holder": holder,
                "since": dt.datetime.now(dt.UTC).isoformat(),
            }
            self._upsert(connection, _holders, [row])
        except BaseException:
            _discard(connection)
            raise
        self._lock_connection = connection
        self._target_ids.hold()  # no other store writes the migration now
        self._clean.hold()

    def _holder(self, *, wait_for_name: bool = False) -> Holder:
        query = sa.select(_holders.c.holder, _holders.c.since).where(
            _holders.c.migration == self.migration
        )

        def read() -> Holder:
            with self._reader.connect() as db:
                row = db.execute(query).first()
            if row is None:
                return Holder(None, None)
            return Holder(row[0], dt.datetime.fromisoformat(row[1]))

        found = read()
        if found.name is None and wait_for_name:
            # A holder writes its name just after taking the lock.
            poll(lambda: read().name is not None, _NAME_WAIT)
            found = read()
        return found

    def release_lock(self) -> None:
        self._target_ids.drop()
        self._clean.drop()
        if self._file_lock is not None:
            self._file_lock.release()
            return
        connection, self._lock_connection = self._lock_connection, None
        if connection is None:
            return
        try:
            connection.execute(sa.delete(_holders).where(_holders.c.migration == self.migration))
            connection.execute(
                sa.text("SELECT pg_advisory_unlock(:key)"),
                {"key": self._lock_key},
            )
        except BaseException:
            _discard(connection)
            raise
        connection.close()

    def close(self) -> None:
        try:
            self.release_lock()
        finally:
            self._engine.dispose()


def _discard(connection: sa.Connection) -> None:
    """Close the database session itself, not back into the pool: the server
    then drops every advisory lock it held."""
    try:
        connection.invalidate()
    finally:
        connection.close()


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    items = list(ids)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
