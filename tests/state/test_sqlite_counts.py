"""The SQLite state's counts per kind and status, kept with every write (issue #14).

``count`` no longer counts the id map: it reads what each write keeps. So
every way a row changes must keep that right, and
a file written before the counts were kept (schema 1), which is counted once
when opened and then refused by older versions.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import attrs
import pytest

from cartmigrate import MemoryStateStore, SQLiteStateStore
from cartmigrate.state import SyncRecord

from ._random_writes import counted, random_write


def _true_counts(path: Path) -> dict[tuple[str, str | None], int]:
    """Counted from the rows, and the ids of open intents (pending, no row yet)."""
    db = sqlite3.connect(path)
    try:
        intended: dict[str, int] = {}
        for kind, ids in db.execute("SELECT kind, source_ids FROM intents"):
            intended[kind] = intended.get(kind, 0) + len(json.loads(ids))
        counts: dict[tuple[str, str | None], int] = {}
        for kind in ("product", "order"):
            counts[(kind, None)] = db.execute(
                "SELECT COUNT(*) FROM entity_map WHERE kind=?", (kind,)
            ).fetchone()[0] + intended.get(kind, 0)
            for status in ("pending", "synced", "failed"):
                counts[(kind, status)] = db.execute(
                    "SELECT COUNT(*) FROM entity_map WHERE kind=? AND status=?", (kind, status)
                ).fetchone()[0] + (intended.get(kind, 0) if status == "pending" else 0)
        return counts
    finally:
        db.close()


@pytest.mark.parametrize("locked", [False, True], ids=["unlocked", "locked"])
def test_counts_follow_every_kind_of_write(tmp_path: Path, locked: bool) -> None:
    """Locked, a create's result trusts the rows its intent wrote instead of
    reading them back; unlocked (another store may write), it reads them."""
    path = tmp_path / "state.db"
    rng = random.Random(14)
    with SQLiteStateStore(path) as state:
        if locked:
            state.acquire_lock("test")
        for _ in range(60):
            random_write(state, rng, ids=40, forget=0.1)
            assert counted(state) == _true_counts(path)


@pytest.mark.parametrize(
    "between",
    ["nothing", "forget", "discard", "put failed", "put_pending other", "release", "unlocked"],
)
def test_a_results_rows_are_read_back_unless_written_only_by_the_intent(
    tmp_path: Path, between: str
) -> None:
    """A create's result, locked, skips reading back the rows its intent just
    wrote; any write between them (or losing the lock) means reading them."""
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        if between != "unlocked":
            state.acquire_lock("test")
        state.put([SyncRecord(kind="product", source_id="2", target_id="t2", status="failed")])
        state.put_pending("product", ["1", "2", "3"])
        if between in ("release", "unlocked"):
            if between == "release":
                state.release_lock()
            db = sqlite3.connect(path)  # another process, while the lock is free
            with db:
                db.execute("DELETE FROM entity_map WHERE source_id='2'")
                db.execute(
                    "UPDATE entity_counts SET n = n - 1 WHERE kind='product' AND status='pending'"
                )
            db.close()
            if between == "release":
                state.acquire_lock("test")
        elif between == "forget":
            state.forget(["product"])
        elif between == "discard":
            state.discard("product", ["1"])
        elif between == "put failed":
            state.put([SyncRecord(kind="product", source_id="3", status="failed")])
        elif between == "put_pending other":
            state.put_pending("order", ["1"])
        state.put(
            SyncRecord(kind="product", source_id=sid, target_id=f"t{sid}", status="synced")
            for sid in ("1", "2", "3")
        )
        assert counted(state) == _true_counts(path)
        assert state.count("product", status="synced") == 3


def test_a_locked_creates_result_reads_nothing_back(tmp_path: Path) -> None:
    """The query it spares: a create's result, under the lock, right after
    its intent, sends no SELECT of the rows; unlocked it does."""
    for locked in (True, False):
        with SQLiteStateStore(tmp_path / f"state-{locked}.db") as state:
            if locked:
                state.acquire_lock("test")
            state.put_pending("product", ["1", "2"])
            sent: list[str] = []
            state._db.set_trace_callback(sent.append)
            state.put(
                SyncRecord(kind="product", source_id=sid, target_id=f"t{sid}", status="synced")
                for sid in ("1", "2")
            )
            state._db.set_trace_callback(None)
            selects = [sql for sql in sent if sql.lstrip().upper().startswith("SELECT")]
            assert bool(selects) is not locked, sent
            assert state.count("product", status="synced") == 2
            assert state.count("product", status="pending") == 0


def test_a_file_of_schema_1_is_counted_once_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        state.put_pending("order", ["1", "2"])
        state.put([SyncRecord(kind="order", source_id="1", target_id="9", status="synced")])
    db = sqlite3.connect(path)  # as a file written before the counts were kept
    db.execute("DROP TABLE entity_counts")
    db.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    db.execute("INSERT INTO entity_map VALUES ('order', '3', NULL, 'pending', NULL, 1, NULL, NULL)")
    db.commit()
    db.close()
    with SQLiteStateStore(path) as state:
        assert state.count("order", status="synced") == 1
        assert state.count("order", status="pending") == 2
        state.put([SyncRecord(kind="order", source_id="3", target_id="8", status="synced")])
        assert counted(state) == _true_counts(path)
    db = sqlite3.connect(path)
    try:  # an older version, which would not keep the counts, now refuses the file
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
    finally:
        db.close()


def test_rows_written_in_place_or_replaced_read_back_as_the_memory_state(
    tmp_path: Path,
) -> None:
    """A row whose only change is its fingerprint is updated in place, any
    other replaced: mixed in batches (with repeats, and across kinds), what
    is read back and counted is what the memory state says."""
    rng = random.Random(41)
    memory = MemoryStateStore()
    with SQLiteStateStore(tmp_path / "state.db") as state:
        state.acquire_lock("test")  # (as the engine: a create's result trusts its intent)
        for _ in range(80):
            if rng.random() < 0.3:  # an intent, as before a create
                kind = rng.choice(["product", "order"])
                ids = [str(rng.randrange(30)) for _ in range(rng.randrange(1, 6))]
                state.put_pending(kind, ids)
                memory.put_pending(kind, ids)
            batch = []
            for _ in range(rng.randrange(1, 12)):
                sid = str(rng.randrange(30))
                kind = rng.choice(["product", "order"])
                known = memory.get(kind, [sid]).get(sid)
                if known is not None and rng.random() < 0.6:  # a restamp
                    record = attrs.evolve(known, fingerprint=f"f{rng.randrange(99)}")
                else:
                    record = SyncRecord(
                        kind=kind,
                        source_id=sid,
                        target_id=rng.choice([None, f"t{sid}", f"u{sid}"]),
                        status=rng.choice(["synced", "failed", "pending"]),
                        fingerprint=rng.choice([None, "a", "b"]),
                        owned=rng.random() < 0.8,
                        parent_id=rng.choice([None, "p"]),
                        dropped=rng.choice([(), ("category_ids",)]),
                    )
                batch.append(record)
            state.put(batch)
            memory.put(batch)
            for kind in ("product", "order"):
                ids = [str(n) for n in range(30)]
                assert state.get(kind, ids) == memory.get(kind, ids)
                for status in (None, "pending", "synced", "failed"):
                    assert state.count(kind, status=status) == memory.count(kind, status=status)  # type: ignore[arg-type]
        assert counted(state) == _true_counts(tmp_path / "state.db")
