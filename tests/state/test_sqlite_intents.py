"""A create's intent as one row per batch in the SQLite state (issue #14).

Holding the lock, ``put_pending`` writes the ids it has no record of as one
row of ``intents`` instead of a pending row each, and the result deletes it in
the transaction that writes their records. Nothing may tell the difference:
every reader sees those ids as pending, whoever reads (this store, another
one on the same file, a store opened after the writer died), and the counts
are kept through it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cartmigrate import MemoryStateStore, SQLiteStateStore
from cartmigrate.state import StateStore, SyncRecord


def _raw(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _seen(state: StateStore, ids: list[str]) -> dict[str, Any]:
    """What every reader of the id map says of these product ids."""
    return {
        "get": {sid: r.status for sid, r in state.get("product", ids).items()},
        "stamps": {sid: s[0] for sid, s in state._stamps("product", ids).items()},
        "records": sorted((r.source_id, r.status) for r in state.records("product")),
        "pending": sorted(r.source_id for r in state.records("product", status="pending")),
        "unfinished": sorted(r.source_id for r in state.unfinished("product")),
        "ids": sorted(state._source_ids("product", status="pending")),
        "counts": [state.count("product", status=s) for s in ("pending", "synced", "failed")],
        "total": state.count("product"),
    }


def _start(state: StateStore) -> None:
    state.put([SyncRecord(kind="product", source_id="9", target_id="t9", status="synced")])
    state.put([SyncRecord(kind="product", source_id="2", status="failed")])  # a refusal, retried


def test_an_open_intent_is_one_row_and_reads_as_pending_rows(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    memory = MemoryStateStore()
    ids = ["1", "2", "3", "9"]
    with SQLiteStateStore(path) as state:
        state.acquire_lock("test")
        for store in (state, memory):
            _start(store)
            store.put_pending("product", ["1", "2", "3"])
        # New ids in one intent row; the one with a record became a pending row.
        assert _raw(path, "SELECT kind, source_ids FROM intents") == [("product", '["1", "3"]')]
        assert _raw(path, "SELECT source_id, status FROM entity_map ORDER BY source_id") == [
            ("2", "pending"),
            ("9", "synced"),
        ]
        assert _seen(state, ids) == _seen(memory, ids)  # (each reader turned it into rows)
        assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]


@pytest.mark.parametrize(
    "written",
    [{"1": "synced", "2": "synced", "3": "synced"}, {"3": "synced"}, {}, {"1": "pending"}],
    ids=["all", "some", "none", "unknown outcome"],
)
def test_a_result_closes_its_intent_and_what_it_did_not_write_stays_pending(
    tmp_path: Path, written: dict[str, str]
) -> None:
    path = tmp_path / "state.db"
    memory = MemoryStateStore()
    with SQLiteStateStore(path) as state:
        state.acquire_lock("test")
        for store in (state, memory):
            _start(store)
            store.put_pending("product", ["1", "2", "3"])
            result = [
                SyncRecord(
                    kind="product",
                    source_id=sid,
                    target_id=f"t{sid}" if status == "synced" else None,
                    status=status,  # type: ignore[arg-type]
                )
                for sid, status in written.items()
            ]
            # Another kind in the same result: the intent closes all the same.
            store.put([*result, SyncRecord(kind="order", source_id="o1", status="failed")])
        assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]
        assert _seen(state, ["1", "2", "3", "9"]) == _seen(memory, ["1", "2", "3", "9"])
        # Pending rows for what it did not write, before anything read them.
        rows = dict(_raw(path, "SELECT source_id, status FROM entity_map WHERE kind='product'"))
        assert rows == {
            "9": "synced",
            **{sid: written.get(sid, "pending") for sid in ("1", "2", "3")},
        }


def test_an_intent_left_by_a_store_that_died_is_pending_for_the_next(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as dead:
        dead.acquire_lock("a call killed between its request and its result")
        dead.put_pending("product", ["1", "2"])
    assert _raw(path, "SELECT COUNT(*) FROM intents") == [(1,)]
    with SQLiteStateStore(path) as reader:  # without the lock: reads it as pending
        assert {sid: r.status for sid, r in reader.get("product", ["1", "2"]).items()} == {
            "1": "pending",
            "2": "pending",
        }
    with SQLiteStateStore(path) as dead:
        dead.acquire_lock("test")
        dead.put_pending("product", ["3"])
    with SQLiteStateStore(path) as next_call:
        next_call.acquire_lock("test")  # the next call: it is rows before it reads
        assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]
        assert sorted(r.source_id for r in next_call.unfinished("product")) == ["1", "2", "3"]
        assert next_call.count("product", status="pending") == 3


def test_another_store_reading_during_an_intent_changes_nothing_for_the_holder(
    tmp_path: Path,
) -> None:
    """A store without the lock, on the same file, reads while the holder's
    intent is open: it writes the intent's rows; the holder's result, which
    expected no rows, still leaves everything right."""
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as holder, SQLiteStateStore(path) as other:
        holder.acquire_lock("test")
        holder.put_pending("product", ["1", "2", "3"])
        assert [r.status for r in other.records("product")] == ["pending"] * 3
        holder.put(
            SyncRecord(kind="product", source_id=sid, target_id=f"t{sid}", status="synced")
            for sid in ("1", "2")
        )
        assert sorted((r.source_id, r.status) for r in other.records("product")) == [
            ("1", "synced"),
            ("2", "synced"),
            ("3", "pending"),
        ]
        for store in (holder, other):
            assert [store.count("product", status=s) for s in ("pending", "synced")] == [1, 2]
        assert _raw(path, "SELECT COUNT(*) FROM entity_map") == [(3,)]


def test_forget_and_discard_see_an_open_intent(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        state.acquire_lock("test")
        state.put_pending("product", ["1", "2"])
        state.discard("product", ["1"])
        assert [(r.source_id, r.status) for r in state.records("product")] == [("2", "pending")]
        state.put_pending("order", ["1"])
        state.forget(["order"])
        assert state.count("order") == 0 and not list(state.records("order"))
        assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]
        assert state.count("product", status="pending") == 1


def test_a_file_of_schema_2_gets_the_intents_and_the_smaller_index(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        state.put_pending("order", ["1"])  # without the lock: a pending row, as schema 2 had
        state.put([SyncRecord(kind="order", source_id="2", target_id="t2", status="synced")])
    db = sqlite3.connect(path)  # as schema 2 left it
    db.execute("DROP TABLE intents")
    db.execute("DROP INDEX entity_map_target")
    db.execute("CREATE INDEX entity_map_target ON entity_map (kind, target_id)")
    db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    db.commit()
    db.close()
    with SQLiteStateStore(path) as state:
        assert state.count("order", status="pending") == 1
        assert state.source_id_for("order", "t2") == "2"
        state.acquire_lock("test")
        state.put_pending("order", ["3"])
        assert state.get("order", ["3"])["3"].status == "pending"
    (sql,) = _raw(path, "SELECT sql FROM sqlite_master WHERE name='entity_map_target'")[0]
    assert "WHERE target_id IS NOT NULL" in sql
    assert _raw(path, "SELECT value FROM meta WHERE key='schema_version'") == [("3",)]
    plan = _raw(
        path, "EXPLAIN QUERY PLAN SELECT source_id FROM entity_map WHERE kind='o' AND target_id='t'"
    )
    assert any("entity_map_target" in str(row) for row in plan), plan


def test_a_create_batch_writes_each_row_once(tmp_path: Path) -> None:
    """What the intent saves: a locked create's intent and result send one
    insert into the id map (the result's), not two."""
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        state.acquire_lock("test")
        sent: list[str] = []
        state._db.set_trace_callback(sent.append)
        state.put_pending("product", ["1", "2"])
        state.put(
            SyncRecord(kind="product", source_id=sid, target_id=f"t{sid}", status="synced")
            for sid in ("1", "2")
        )
        state._db.set_trace_callback(None)
    into_map = [sql for sql in sent if "INTO entity_map" in sql]
    assert len(into_map) == 2, sent  # one statement per row (executemany), the result's
    assert all("'synced'" in sql for sql in into_map), into_map
    assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]


def test_a_result_retried_after_its_write_failed_keeps_the_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first write of a result fails (rolled back); the retry still knows
    the intent's ids have no row and were counted pending."""
    path = tmp_path / "state.db"
    with SQLiteStateStore(path) as state:
        state.acquire_lock("test")
        state.put_pending("product", ["1", "2"])
        result = [
            SyncRecord(kind="product", source_id=sid, target_id=f"t{sid}", status="synced")
            for sid in ("1", "2")
        ]
        put_rows = state._put_rows
        calls: list[int] = []

        def failing_once(*args: Any, **kwargs: Any) -> None:
            calls.append(1)
            if len(calls) == 1:
                raise sqlite3.OperationalError("disk I/O error")
            put_rows(*args, **kwargs)

        monkeypatch.setattr(state, "_put_rows", failing_once)
        with pytest.raises(sqlite3.OperationalError):
            state.put(result)
        state.put(result)
        assert [state.count("product", status=s) for s in ("pending", "synced")] == [0, 2]
        assert _raw(path, "SELECT COUNT(*) FROM intents") == [(0,)]
