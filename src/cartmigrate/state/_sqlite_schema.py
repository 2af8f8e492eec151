"""The SQLite state file's tables, and how a file of an older schema is upgraded.

Kept apart from the store, as ``_sql_schema`` is for the SQL store: what the
file holds, and each version's step, read in one place.
"""

from __future__ import annotations

import sqlite3

__all__ = ["SCHEMA_VERSION", "create_schema"]

#: 2: ``entity_counts`` keeps how many records of each kind and status there
#: are, written in the transaction of every write to ``entity_map``, so a
#: call's reconciliation reads a count instead of counting the id map. A file
#: of schema 1 is counted once when this version opens it; an older version
#: refuses a file of schema 2 (its writes would not keep the counts).
#: 3: ``intents`` holds a create's intent as one row per batch (its ids, not
#: yet in ``entity_map``), and the target-id index leaves out rows without
#: one. An older version refuses the file: it would not see those ids as
#: pending, and would create them again.
SCHEMA_VERSION = 3

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    """
CREATE TABLE IF NOT EXISTS entity_map (
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT,
    status TEXT NOT NULL,
    fingerprint TEXT,
    owned INTEGER NOT NULL,
    parent_id TEXT,
    dropped TEXT,
    PRIMARY KEY (kind, source_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entity_map_target ON entity_map (kind, target_id)
    WHERE target_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS entity_map_unfinished ON entity_map (kind, source_id)
    WHERE status != 'synced' OR dropped IS NOT NULL;
CREATE TABLE IF NOT EXISTS entity_counts (
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, status)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failures (
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    message TEXT NOT NULL,
    field TEXT,
    error TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (kind, source_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS intents (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    source_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (kind TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    call TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    dry_run INTEGER NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}'
);
"""
)


def create_schema(db: sqlite3.Connection) -> int:
    """Create what is missing and upgrade an older file, in one ``BEGIN
    IMMEDIATE`` transaction (nobody sees half of it); return the file's
    schema version (a newer one than this module's is the caller's to refuse)."""
    db.execute("BEGIN IMMEDIATE")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:  # a new file
        version = SCHEMA_VERSION
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    else:
        version = int(row[0])
    upgraded = version < SCHEMA_VERSION
    if version == 1:  # written before the counts were kept: count it once
        db.execute(
            "INSERT INTO entity_counts"
            " SELECT kind, status, COUNT(*) FROM entity_map GROUP BY kind, status"
        )
        version = 2
    if version == 2:  # the target-id index kept every pending row too
        db.execute("DROP INDEX entity_map_target")
        db.execute(
            "CREATE INDEX entity_map_target ON entity_map (kind, target_id)"
            " WHERE target_id IS NOT NULL"
        )
        version = 3
    if upgraded:
        db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
    db.execute("COMMIT")
    return version
