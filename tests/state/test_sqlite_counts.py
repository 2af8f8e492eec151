"""The SQLite state's counts per kind and status, kept with every write (issue #14).

``count`` no longer counts the id map: it reads what each write keeps. So
every way a row changes must keep that right, and
a file written before the counts were kept (schema 1), which is counted once
when opened and then refused by older versions.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import attrs

from cartmigrate import MemoryStateStore, SQLiteStateStore
from cartmigrate.state import SyncRecord


def _counted(state: SQLiteStateStore) -> dict[tuple[str, str | None], int]:
    return {
        (kind, status): state.count(kind, status=status)  # type: ignore[arg-type]
        for kind in ("product", "order")
        for status in (None, "pending", "synced", "failed")
    }


def _true_counts(path: Path) -> dict[tuple[str, str | None], int]:
    db = sqlite3.connect(path)
    try:
        counts: dict[tuple[str, str | None], int] = {}
        for kind in ("product", "order"):
            counts[(kind, None)] = db.execute(
                "SELECT COUNT(*) FROM entity_map WHERE kind=?", (kind,)
            ).fetchone()[0]
            for status in ("pending", "synced", "failed"):
                counts[(kind, status)] = db.execute(
                    "SELECT COUNT(*) FROM entity_map WHERE kind=? AND status=?", (kind, status)
                ).fetchone()[0]
        return counts
    finally:
        db.close()


def test_counts_follow_every_kind_of_write(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    rng = random.Random(14)
    with SQLiteStateStore(path) as state:
        for _ in range(60):
            kind = rng.choice(["product", "order"])
            ids = [str(rng.randrange(40)) for _ in range(rng.randrange(1, 8))]
            action = rng.randrange(5)
            if action == 0:
                state.put_pending(kind, ids)
            elif action == 1:
                state.put(
                    SyncRecord(
                        kind=kind,
                        source_id=sid,
                        target_id=f"t{sid}",
                        status=rng.choice(["synced", "failed", "pending"]),
                    )
                    for sid in ids
                )
            elif action == 2:
                state.discard(kind, ids)
            elif action == 3:
                state.put(
                    [SyncRecord(kind=kind, source_id=ids[0], status="synced")] * 2
                )  # the same row twice in one batch
            elif rng.random() < 0.1:
                state.forget([kind])
            assert _counted(state) == _true_counts(path)


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
        assert _counted(state) == _true_counts(path)
    db = sqlite3.connect(path)
    try:  # an older version, which would not keep the counts, now refuses the file
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("2",)
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
        for _ in range(80):
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
        assert _counted(state) == _true_counts(tmp_path / "state.db")
