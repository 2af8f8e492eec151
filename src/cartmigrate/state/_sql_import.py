"""Moving a migration's state from a ``SQLiteStateStore`` file into a SQL database.

An agency that started with one SQLite file per shop moves to one database
for all of them without migrating anything again: the id map, intents, open
failures, cursors, run history and metadata are copied as they are, so the
next call on the SQL store continues exactly where the last call on the file
stopped. The file is only read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from typing import TYPE_CHECKING, cast

from .._exceptions import StateError
from ._base import FailureRecord, SyncRecord, SyncStatus

if TYPE_CHECKING:
    from ._sql import SQLStateStore

__all__ = ["import_sqlite_file"]

#: The SQLiteStateStore schema versions this reads.
#: (2 adds entity_counts, which an import does not need; 3 the intents of
#: creates whose result never came, imported as the pending records they are.)
_READS = (1, 2, 3)
_BATCH = 2000


def import_sqlite_file(path: str | os.PathLike[str], into: SQLStateStore) -> dict[str, int]:
    """Copy the state in the SQLite file at ``path`` into ``into`` (which must
    hold nothing yet for its migration); return how many rows of each table."""
    if into.count_everything():
        raise StateError(
            f"{into!r} already holds state: import only into a migration that has none"
        )
    if not os.path.isfile(path):
        raise StateError(f"no state file at {os.fspath(path)}")
    db = sqlite3.connect(f"file:{os.fspath(path)}?mode=ro", uri=True)
    try:
        return _copy(db, into, os.fspath(path))
    except sqlite3.Error as error:
        raise StateError(f"cannot read the state file {os.fspath(path)}: {error}") from error
    finally:
        db.close()


def _copy(db: sqlite3.Connection, into: SQLStateStore, path: str) -> dict[str, int]:
    row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version not in _READS:
        raise StateError(f"{path} has state schema {version}; this version imports {_READS}")
    counts = {"records": 0, "failures": 0, "cursors": 0, "runs": 0, "meta": 0}
    rows = db.execute(
        "SELECT kind, source_id, target_id, status, fingerprint, owned, parent_id, dropped"
        " FROM entity_map ORDER BY kind, source_id"
    )
    while batch := rows.fetchmany(_BATCH):
        into.put(
            SyncRecord(
                kind=kind,
                source_id=source_id,
                target_id=target_id,
                status=cast(SyncStatus, status),
                fingerprint=fingerprint,
                owned=bool(owned),
                parent_id=parent_id,
                dropped=tuple(dropped.split(",")) if dropped else (),
            )
            for kind, source_id, target_id, status, fingerprint, owned, parent_id, dropped in batch
        )
        counts["records"] += len(batch)
    if version >= 3:
        for kind, ids in db.execute("SELECT kind, source_ids FROM intents ORDER BY id"):
            pending = [
                SyncRecord(kind=kind, source_id=sid, status="pending") for sid in json.loads(ids)
            ]
            into.put(pending)
            counts["records"] += len(pending)
    failures = [
        FailureRecord(kind=k, source_id=s, message=m, field=f, error=e, attempts=a)
        for k, s, m, f, e, a in db.execute(
            "SELECT kind, source_id, message, field, error, attempts FROM failures"
        )
    ]
    into.put_failures(failures)  # the migration has none: attempts are kept as they are
    counts["failures"] = len(failures)
    for kind, value in db.execute("SELECT kind, value FROM cursors"):
        into.set_cursor(kind, dt.datetime.fromisoformat(value))
        counts["cursors"] += 1
    for call, started, finished, dry_run, summary in db.execute(
        "SELECT call, started_at, finished_at, dry_run, summary FROM runs ORDER BY id"
    ):
        run = into.start_run(call, dt.datetime.fromisoformat(started), dry_run=bool(dry_run))
        if finished is not None:
            into.finish_run(run, dt.datetime.fromisoformat(finished), json.loads(summary))
        counts["runs"] += 1
    for key, value in db.execute("SELECT key, value FROM meta WHERE key LIKE 'user:%'"):
        into.set_meta(key.removeprefix("user:"), value)
        counts["meta"] += 1
    return counts
