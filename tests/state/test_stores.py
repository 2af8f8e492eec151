"""Both bundled state stores keep the same promises; SQLite survives a new process."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cartmigrate import MemoryStateStore, SQLiteStateStore, StateError, StateStore
from cartmigrate.state import FailureRecord, SyncRecord


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    state: StateStore = (
        MemoryStateStore() if request.param == "memory" else SQLiteStateStore(tmp_path / "s.db")
    )
    yield state
    state.close()


def test_records_round_trip(store: StateStore) -> None:
    store.put([SyncRecord(kind="product", source_id="1", status="pending")])
    store.put(
        [
            SyncRecord(
                kind="product",
                source_id="1",
                target_id="9",
                status="synced",
                fingerprint="abc",
                owned=False,
            ),
            SyncRecord(
                kind="variant", source_id="v", target_id="w", status="synced", parent_id="9"
            ),
        ]
    )
    found = store.get("product", ["1", "2"])
    assert list(found) == ["1"]
    assert found["1"].target_id == "9"
    assert found["1"].owned is False
    assert store.get("variant", ["v"])["v"].parent_id == "9"
    assert store.source_id_for("product", "9") == "1"
    assert store.source_id_for("product", "10") is None
    assert store.count("product") == 1
    assert store.count("product", status="pending") == 0
    assert [r.source_id for r in store.records("product", status="synced")] == ["1"]


def test_get_many_ids(store: StateStore) -> None:
    store.put(
        SyncRecord(kind="order", source_id=str(i), status="synced", target_id=f"t{i}")
        for i in range(1500)
    )
    found = store.get("order", [str(i) for i in range(0, 1500, 2)])
    assert len(found) == 750
    assert found["1498"].target_id == "t1498"


def test_failures_count_attempts_and_clear(store: StateStore) -> None:
    failure = FailureRecord(kind="order", source_id="5", message="boom", field="status")
    store.put_failures([failure])
    store.put_failures([failure])
    (kept,) = store.failures("order")
    assert (kept.attempts, kept.field, kept.message) == (2, "status", "boom")
    store.clear_failures("order", ["5"])
    assert store.failures() == []


def test_cursors_and_forget(store: StateStore) -> None:
    moment = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    store.set_cursor("product", moment)
    assert store.get_cursor("product") == moment
    store.put([SyncRecord(kind="product", source_id="1", status="synced", target_id="2")])
    store.put_failures([FailureRecord(kind="product", source_id="3", message="x")])
    store.forget(["product"])
    assert store.get_cursor("product") is None
    assert store.count("product") == 0
    assert store.failures("product") == []


def test_run_history(store: StateStore) -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    run = store.start_run("full_migrate", start)
    store.finish_run(run, start + dt.timedelta(seconds=5), {"product": {"created": 2}})
    (record,) = store.runs()
    assert record.call == "full_migrate"
    assert record.finished_at == start + dt.timedelta(seconds=5)
    assert record.summary == {"product": {"created": 2}}


def test_sqlite_state_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with SQLiteStateStore(path) as first:
        first.put([SyncRecord(kind="customer", source_id="a", target_id="b", status="synced")])
    with SQLiteStateStore(path) as second:
        assert second.get("customer", ["a"])["a"].target_id == "b"


def test_sqlite_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStateStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    with pytest.raises(StateError, match="newer cartmigrate"):
        SQLiteStateStore(path)


def test_pending_intents(store: StateStore) -> None:
    store.put([SyncRecord(kind="order", source_id="2", target_id="x", status="failed")])
    store.put_pending("order", ["1", "2"])
    found = store.get("order", ["1", "2"])
    assert {r.status for r in found.values()} == {"pending"}
    assert found["2"].target_id is None
    assert sorted(r.source_id for r in store.unfinished("order")) == ["1", "2"]


def test_discard_forgets_records(store: StateStore) -> None:
    store.put(
        [
            SyncRecord(kind="order", source_id="1", target_id="t1", status="synced"),
            SyncRecord(kind="order", source_id="2", status="pending"),
        ]
    )
    store.discard("order", ["2", "3"])
    assert list(store.get("order", ["1", "2"])) == ["1"]
    store.discard("order", ["1"])
    assert store.source_id_for("order", "t1") is None


def test_reference_look_ups_follow_every_change(store: StateStore) -> None:
    def synced(source_id: str, target_id: str) -> SyncRecord:
        return SyncRecord(kind="product", source_id=source_id, target_id=target_id, status="synced")

    store.put([synced("p1", "t1"), synced("p2", "t2")])
    assert store._synced_target_ids("product", ["p1", "p2", "p3"]) == {"p1": "t1", "p2": "t2"}
    store.put([synced("p1", "t9")])  # re-created on the target
    store.put_pending("product", ["p2"])  # an interrupted create: no id to trust
    assert store._synced_target_ids("product", ["p1", "p2"]) == {"p1": "t9"}
    store.put([synced("p2", "t2")])
    store.discard("product", ["p1"])
    assert store._synced_target_ids("product", ["p1", "p2"]) == {"p2": "t2"}
    store.forget(["product"])
    assert store._synced_target_ids("product", ["p1", "p2"]) == {}


def test_sqlite_reference_look_ups_are_read_from_the_file_too(tmp_path: Path) -> None:
    with SQLiteStateStore(tmp_path / "s.db") as first:
        first.put([SyncRecord(kind="customer", source_id="c1", target_id="t1", status="synced")])
    with SQLiteStateStore(tmp_path / "s.db") as second:
        assert second._synced_target_ids("customer", ["c1", "c2"]) == {"c1": "t1"}


def _open_new(path: str, barrier: Any, results: Any) -> None:
    barrier.wait(60)
    try:
        SQLiteStateStore(path).close()
        results.put("ok")
    except BaseException as error:
        results.put(f"{type(error).__name__}: {error}")


def test_sqlite_new_file_opened_by_many_processes_at_once(tmp_path: Path) -> None:
    """Was ``database is locked`` (or a UNIQUE error on meta) in about one opening of ten."""
    ctx = multiprocessing.get_context("fork")  # children start at once, so they collide
    outcomes: list[str] = []
    for round_ in range(16):
        path = str(tmp_path / f"new-{round_}.db")
        barrier, results = ctx.Barrier(6), ctx.Queue()
        children = [ctx.Process(target=_open_new, args=(path, barrier, results)) for _ in range(6)]
        for child in children:
            child.start()
        outcomes.extend(results.get(timeout=120) for _ in children)
        for child in children:
            child.join(60)
    assert outcomes == ["ok"] * 96


def test_sqlite_refuses_what_is_not_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to have a header of sorts" * 20)
    with pytest.raises(StateError, match=r"cannot open the state file"):
        SQLiteStateStore(path)


def test_an_in_memory_sqlite_state_leaves_no_lock_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    state = SQLiteStateStore(":memory:")
    with state.lock(holder="me"), pytest.raises(StateError, match="me"):
        state.acquire_lock("again")
    state.close()
    assert list(tmp_path.iterdir()) == []
