"""The SQL state store's tables, and the statements written for them by hand.

Every table is keyed by the migration id first, so one database holds the
state of many migrations side by side and every look-up of one migration
stays inside its own part of each index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ._base import SyncRecord, SyncStatus

__all__ = [
    "SCHEMA_VERSION",
    "UNFINISHED",
    "advisory_key",
    "keep_counts",
    "record_of",
    "update_indexes",
]

#: One more whenever a table or column changes; a store refuses a newer one.
SCHEMA_VERSION = 1

_meta = sa.MetaData()
_schema = sa.Table(
    "cartmigrate_schema",
    _meta,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
#: What makes a record unfinished (retried by the next call), as SQL.
UNFINISHED = "status <> 'synced' OR dropped IS NOT NULL"

_map = sa.Table(
    "cartmigrate_entity_map",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(50), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Column("target_id", sa.String(255)),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("fingerprint", sa.Text),
    sa.Column("owned", sa.Boolean, nullable=False),
    sa.Column("parent_id", sa.String(255)),
    sa.Column("dropped", sa.Text),
    # The target id first: then the primary key is the only index that begins
    # with (migration, kind), and a look-up by source id searches it on all
    # three columns (see ``_pg_look_up``).
    sa.Index("cartmigrate_entity_map_by_target", "target_id", "migration", "kind"),
    # What a call retries (``unfinished``), without reading every record: the
    # condition is written as the query writes it, so the planner sees the
    # query is inside the index.
    sa.Index(
        "cartmigrate_entity_map_unfinished",
        "migration",
        "kind",
        "source_id",
        postgresql_where=sa.text(UNFINISHED),
        sqlite_where=sa.text(UNFINISHED),
    ),
)

#: The index the target id had before: it began with (migration, kind).
_OLD_TARGET_INDEX = "cartmigrate_entity_map_target"
#: How many records of each kind and status a migration has, kept by triggers
#: on ``cartmigrate_entity_map`` in the transaction of every write, by any
#: version and any client: a call's reconciliation reads a count instead of
#: counting its part of the id map (200 ms per count at 1M records).
_counts = sa.Table(
    "cartmigrate_entity_counts",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(50), primary_key=True),
    sa.Column("status", sa.String(10), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
_failures = sa.Table(
    "cartmigrate_failures",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(50), primary_key=True),
    sa.Column("source_id", sa.String(255), primary_key=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("field", sa.String(255)),
    sa.Column("error", sa.String(255), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
)
_cursors = sa.Table(
    "cartmigrate_cursors",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(50), primary_key=True),
    sa.Column("value", sa.String(64), nullable=False),
)
_runs = sa.Table(
    "cartmigrate_runs",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("migration", sa.String(200), nullable=False, index=True),
    sa.Column("call", sa.String(50), nullable=False),
    sa.Column("started_at", sa.String(64), nullable=False),
    sa.Column("finished_at", sa.String(64)),
    sa.Column("dry_run", sa.Boolean, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
)
_user_meta = sa.Table(
    "cartmigrate_meta",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
#: Who holds each migration's lock, for the error a second worker gets. The
#: lock itself is the advisory lock; a row left by a dead holder is overwritten.
_holders = sa.Table(
    "cartmigrate_lock_holders",
    _meta,
    sa.Column("migration", sa.String(200), primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("since", sa.String(64), nullable=False),
)

#: The id map's upsert on PostgreSQL: a batch in one statement, whatever its size.
_UNNESTED = (
    "kind",
    "source_id",
    "target_id",
    "status",
    "fingerprint",
    "owned",
    "parent_id",
    "dropped",
)
_PG_PUT = sa.text(
    "INSERT INTO cartmigrate_entity_map (migration, kind, source_id, target_id, status,"
    " fingerprint, owned, parent_id, dropped)"
    " SELECT :migration, * FROM unnest(CAST(:kind AS text[]), CAST(:source_id AS text[]),"
    " CAST(:target_id AS text[]), CAST(:status AS text[]), CAST(:fingerprint AS text[]),"
    " CAST(:owned AS boolean[]), CAST(:parent_id AS text[]), CAST(:dropped AS text[]))"
    " ON CONFLICT (migration, kind, source_id) DO UPDATE SET target_id = EXCLUDED.target_id,"
    " status = EXCLUDED.status, fingerprint = EXCLUDED.fingerprint, owned = EXCLUDED.owned,"
    " parent_id = EXCLUDED.parent_id, dropped = EXCLUDED.dropped"
)


def _pg_look_up(columns: str, where: str = "") -> sa.TextClause:
    """One type's rows for a list of source ids, on PostgreSQL: each id joined
    to its row (``LATERAL ... LIMIT 1``), so the primary key is searched on
    all three of its columns.

    Asked as ``source_id = ANY(:ids)``, PostgreSQL read every row of the type
    and filtered while its statistics did not know the migration (a new one,
    or one grown since the table was last analysed, which on a table shared
    by many migrations may be never): it estimated one row for the migration
    and type, so reading them all looked cheaper than one search per id. Each
    batch's look-up then grew with the state: 4 ms for 100 ids among 20,000.
    One id at a time, a search costs no more than a read of that one row, so
    the planner keeps the id in the search, provided no other index begins
    with (migration, kind): it read the target-id index that did, and
    filtered (35 ms for 100 ids among 5,000).
    """
    return sa.text(
        "SELECT e.* FROM unnest(CAST(:ids AS text[])) AS v(sid) CROSS JOIN LATERAL"
        f" (SELECT {columns} FROM cartmigrate_entity_map WHERE migration = :migration"
        f" AND kind = :kind AND source_id = v.sid{where} LIMIT 1) AS e"
    )


_RECORD_COLUMNS = (
    _map.c.kind,
    _map.c.source_id,
    _map.c.target_id,
    _map.c.status,
    _map.c.fingerprint,
    _map.c.owned,
    _map.c.parent_id,
    _map.c.dropped,
)
_PG_RECORDS = _pg_look_up(", ".join(column.name for column in _RECORD_COLUMNS))
_PG_TARGET_IDS = _pg_look_up(
    "source_id, target_id", " AND status = 'synced' AND target_id IS NOT NULL"
)


def advisory_key(name: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock``, stable across processes."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def record_of(row: Sequence[Any]) -> SyncRecord:
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


#: The name ``cartmigrate_schema`` keeps once the counts are kept (its version 1).
_COUNTS = "counts"

_PG_COUNTED = """
CREATE OR REPLACE FUNCTION cartmigrate_count_{event}() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO cartmigrate_entity_counts (migration, kind, status, n)
    SELECT migration, kind, status, SUM(n) FROM ({rows}) AS changed
    GROUP BY migration, kind, status HAVING SUM(n) <> 0
    ON CONFLICT (migration, kind, status)
    DO UPDATE SET n = cartmigrate_entity_counts.n + EXCLUDED.n;
    RETURN NULL;
END $$
;;DROP TRIGGER IF EXISTS cartmigrate_count_{event} ON cartmigrate_entity_map
;;CREATE TRIGGER cartmigrate_count_{event} AFTER {event} ON cartmigrate_entity_map
REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION cartmigrate_count_{event}()
"""
_NEW = "SELECT migration, kind, status, 1 AS n FROM new_rows"
_OLD = "SELECT migration, kind, status, -1 AS n FROM old_rows"

#: PostgreSQL: one statement-level trigger per event, each over the rows the
#: statement changed (a transition table), so a batch's write adds one
#: statement, not one per row; a status that did not change writes nothing.
_PG_COUNT_TRIGGERS = [
    statement
    for event, rows, tables in (
        ("insert", _NEW, "NEW TABLE AS new_rows"),
        ("delete", _OLD, "OLD TABLE AS old_rows"),
        ("update", f"{_NEW} UNION ALL {_OLD}", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    )
    for statement in _PG_COUNTED.format(event=event, rows=rows, tables=tables).split(";;")
]

_SQLITE_ADD = (
    "INSERT INTO cartmigrate_entity_counts VALUES ({row}.migration, {row}.kind, {row}.status,"
    " {n}) ON CONFLICT (migration, kind, status) DO UPDATE SET n = n + {n};"
)
#: SQLite has no statement-level triggers: one per row (none for a row whose
#: status stays: a restamp, most of a smart update's writes). Created if not
#: there, never dropped and made again: Python's sqlite3 runs DDL outside the
#: opening transaction, and a store writing while another one opens would
#: write uncounted rows between the drop and the create.
_SQLITE_COUNT_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS cartmigrate_count_insert AFTER INSERT"
    " ON cartmigrate_entity_map BEGIN " + _SQLITE_ADD.format(row="NEW", n=1) + " END",
    "CREATE TRIGGER IF NOT EXISTS cartmigrate_count_delete AFTER DELETE"
    " ON cartmigrate_entity_map BEGIN " + _SQLITE_ADD.format(row="OLD", n=-1) + " END",
    "CREATE TRIGGER IF NOT EXISTS cartmigrate_count_update AFTER UPDATE"
    " ON cartmigrate_entity_map WHEN OLD.status IS NOT NEW.status BEGIN "
    + _SQLITE_ADD.format(row="OLD", n=-1)
    + " "
    + _SQLITE_ADD.format(row="NEW", n=1)
    + " END",
]


def update_indexes(db: sa.Connection) -> None:
    """Tables an earlier version made: their target-id index, which began
    with (migration, kind), replaced by one beginning with the target id,
    and the index of unfinished records added. Once per database; asked of
    the catalog first, so no DDL and no table lock after that. Other
    workers' writes wait for the new indexes to be built (seconds per
    million rows)."""
    names = {index["name"] for index in sa.inspect(db).get_indexes(_map.name)}
    if _OLD_TARGET_INDEX in names:
        db.execute(sa.text(f"DROP INDEX {_OLD_TARGET_INDEX}"))
    for index in _map.indexes:
        if index.name not in names:
            index.create(db)


def keep_counts(db: sa.Connection, dialect: str) -> None:
    """Triggers that keep ``cartmigrate_entity_counts``, and the counts of
    what is there already: once per database, in the creating transaction
    (the triggers' creation holds off other writers until it commits, so
    nothing is written uncounted). Writes by earlier versions are counted
    too: the database keeps the counts, not the client."""
    done = db.execute(sa.select(_schema.c.version).where(_schema.c.name == _COUNTS)).scalar()
    if done is not None:
        return
    for statement in _PG_COUNT_TRIGGERS if dialect == "postgresql" else _SQLITE_COUNT_TRIGGERS:
        db.execute(sa.text(statement))
    db.execute(sa.delete(_counts))
    counted = sa.select(_map.c.migration, _map.c.kind, _map.c.status, sa.func.count())
    db.execute(
        sa.insert(_counts).from_select(
            ["migration", "kind", "status", "n"],
            counted.group_by(_map.c.migration, _map.c.kind, _map.c.status),
        )
    )
    # Two stores opening a new SQLite file may both get here: the second's
    # count is as right as the first's, and its mark is already there.
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.execute(dialect_insert(_schema).values(name=_COUNTS, version=1).on_conflict_do_nothing())
