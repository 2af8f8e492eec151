"""The SQLite store keeps the target ids it wrote and read while it holds the lock.

Translating references asks the state for every referenced entity's target
id; a store holding the migration lock is the only writer, so it may keep
those answers. These tests pin when it must not: another store's writes
while the lock is free are always seen, a failed write keeps nothing, and
what is kept stays bounded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import cartmigrate.state._target_ids as target_ids
from cartmigrate import SQLiteStateStore, SQLStateStore
from cartmigrate.state import StateStore, SyncRecord


def _synced(source_id: str, target_id: str) -> SyncRecord:
    return SyncRecord(kind="customer", source_id=source_id, target_id=target_id, status="synced")


class Asking(SQLiteStateStore):
    """Notes the ids it asks SQLite for."""

    asked: list[str]

    def _ask_target_ids(self, kind: str, source_ids: Sequence[str]) -> dict[str, str]:
        self.asked = [*getattr(self, "asked", []), *source_ids]
        return super()._ask_target_ids(kind, source_ids)


def test_a_locked_store_asks_sqlite_once_per_id(tmp_path: Path) -> None:
    with Asking(tmp_path / "s.db") as state, state.lock():
        state.put([_synced("c1", "t1")])  # a kind not asked for yet: nothing kept
        assert state._target_ids._size == 0
        assert state._synced_target_ids("customer", ["c1", "c2"]) == {"c1": "t1"}
        assert state.asked == ["c1", "c2"]
        state.put([_synced("c3", "t3")])  # asked for now: what is written is kept
        assert state._synced_target_ids("customer", ["c3"]) == {"c3": "t3"}
        assert state._synced_target_ids("customer", ["c1", "c3"]) == {"c1": "t1", "c3": "t3"}
        assert state.asked == ["c1", "c2"]
        assert state._synced_target_ids("customer", ["c2"]) == {}
        assert state.asked == ["c1", "c2", "c2"]  # a miss is never kept: asked again


def test_kinds_announced_are_kept_as_written_before_they_are_asked_for(tmp_path: Path) -> None:
    with Asking(tmp_path / "s.db") as state:
        with state.lock():
            state._will_look_up(["customer"])
            state.put([_synced("c1", "t1"), _synced("c2", "t2")])
            state.put([SyncRecord(kind="order", source_id="o1", target_id="x", status="synced")])
            assert state._synced_target_ids("customer", ["c1", "c2"]) == {"c1": "t1", "c2": "t2"}
            assert getattr(state, "asked", []) == []  # known from the writes
            assert state._target_ids._size == 2  # orders were not announced: not kept
            state.discard("customer", ["c2"])
            assert state._synced_target_ids("customer", ["c2"]) == {}
            assert state.asked == ["c2"]
        with state.lock():  # a new call keeps nothing announced before it
            state.put([_synced("c3", "t3")])
            assert state._target_ids._size == 0


def test_a_kind_forgotten_is_still_kept_as_written_when_announced(tmp_path: Path) -> None:
    """``remigrate`` forgets the state of the kinds it clears, then writes them
    again: what it writes of an announced kind is kept from the start."""
    with Asking(tmp_path / "s.db") as state, state.lock():
        state._will_look_up(["customer"])
        state.put([_synced("c1", "t1")])
        state.forget(["customer"])
        assert state.get("customer", ["c1"]) == {}
        state.put([_synced("c1", "t2")])
        assert state._synced_target_ids("customer", ["c1"]) == {"c1": "t2"}
        assert getattr(state, "asked", []) == []


def test_an_announcement_without_the_lock_keeps_nothing(tmp_path: Path) -> None:
    with Asking(tmp_path / "s.db") as state:
        state._will_look_up(["customer"])
        state.put([_synced("c1", "t1")])
        assert state._synced_target_ids("customer", ["c1"]) == {"c1": "t1"}
        assert state.asked == ["c1"]


def test_a_full_migration_asks_the_file_for_no_reference_it_wrote(tmp_path: Path) -> None:
    """Every customer, product and variant is written before an order points to
    them: the call knows them all from its own writes."""
    from cartmigrate import MemoryCart, SyncEngine
    from cartmigrate.testing import StoreGenerator

    store = StoreGenerator(seed=5, categories=6, products=40, customers=60, orders=150, reviews=20)
    with Asking(tmp_path / "s.db") as state:
        report = SyncEngine(MemoryCart(store), MemoryCart(), state=state).full_migrate()
        assert report.ok, report.summary()
        assert getattr(state, "asked", []) == []


def _sqlite(path: Path) -> StateStore:
    return SQLiteStateStore(path)


def _sql(path: Path) -> StateStore:
    return SQLStateStore(f"sqlite:///{path}", migration="shop-1")


@pytest.mark.parametrize("opened", [_sqlite, _sql], ids=["sqlite", "sql"])
def test_an_unlocked_store_sees_another_store_s_writes(
    tmp_path: Path, opened: Callable[[Path], StateStore]
) -> None:
    path = tmp_path / "s.db"
    with opened(path) as first, opened(path) as second:
        with first.lock():
            first.put([_synced("c1", "t1")])
            assert first._synced_target_ids("customer", ["c1"]) == {"c1": "t1"}
        # The lock is free: another process re-migrates the customer.
        with second.lock():
            second.put([_synced("c1", "t2")])
        assert first._synced_target_ids("customer", ["c1"]) == {"c1": "t2"}
        with first.lock():  # a new call starts from nothing kept
            assert first._synced_target_ids("customer", ["c1"]) == {"c1": "t2"}


def test_a_failed_write_keeps_nothing(tmp_path: Path) -> None:
    with Asking(tmp_path / "s.db") as state, state.lock():
        state.put([_synced("c1", "t1")])
        with pytest.raises(sqlite3.Error):
            state.put([_synced("c2", "t2"), SyncRecord(kind="customer", source_id=object())])  # type: ignore[arg-type]
        state.asked = []
        assert state._synced_target_ids("customer", ["c1", "c2"]) == {"c1": "t1"}
        assert state.asked == ["c1", "c2"]  # asked again: nothing kept is trusted


def test_what_is_kept_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(target_ids, "_KEPT", 10)
    with Asking(tmp_path / "s.db") as state, state.lock():
        state.put([_synced(f"c{n:02d}", f"t{n}") for n in range(25)])
        ids = [f"c{n:02d}" for n in range(25)]
        assert state._synced_target_ids("customer", ids) == {
            f"c{n:02d}": f"t{n}" for n in range(25)
        }
        assert state._target_ids._size <= 10  # past the bound, it started again


def test_announced_kinds_stay_kept_after_the_bound_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(target_ids, "_KEPT", 10)
    with Asking(tmp_path / "s.db") as state, state.lock():
        state._will_look_up(["customer"])
        state.put([_synced(f"c{n:02d}", f"t{n}") for n in range(11)])  # past the bound
        assert state._target_ids._size == 0
        state.put([_synced("c99", "t99")])
        assert state._synced_target_ids("customer", ["c99"]) == {"c99": "t99"}
        assert getattr(state, "asked", []) == []


def test_references_a_call_did_not_write_are_asked_for_and_resolved(tmp_path: Path) -> None:
    """A later call's new orders point to customers migrated by an earlier one:
    not kept by this call, so asked of the file (and only those); a customer
    the target does not have is still dropped, and said."""
    from cartmigrate import Customer, MemoryCart, Order, SyncEngine

    source = MemoryCart([Customer(id="c1", email="a@example.com")])
    target = MemoryCart()
    with Asking(tmp_path / "s.db") as state:
        engine = SyncEngine(source, target, state=state)
        assert engine.full_migrate().ok
        state.asked = []
        source.add(Order(id="o1", number="1", customer_id="c1", total="1"))
        source.add(Order(id="o2", number="2", customer_id="c9", total="1"))  # never migrated
        report = engine.smart_update()
        assert state.asked == ["c1", "c9"]  # once each: the batch's lacking ids in one query
        c1 = state.get("customer", ["c1"])["c1"].target_id
        orders = {o.number: o for o in target.read(Order)}
        assert orders["1"].customer_id == c1
        assert orders["2"].customer_id is None
        dropped = [
            (w.source_id, w.field) for w in report.warnings if "not on the target" in w.message
        ]
        assert dropped == [("o2", "customer_id")]
