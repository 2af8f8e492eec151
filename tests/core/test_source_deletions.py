"""What a full read tells of entities deleted on the source (issue #14).

A smart update reading a type in full reports every migrated entity it did
not read as deleted on the source. When it read again every entity the
state held as synced, none can be gone, and it does not list the state to
find out (that listing costs a state row per entity: half of what a scan of
an unchanged store costs). These tests pin both sides: the listing is
skipped only where nothing is gone, and every deletion is still reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pytest

from cartmigrate import (
    Capabilities,
    Customer,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Order,
    OrderStatus,
    SQLiteStateStore,
    SyncEngine,
)
from cartmigrate.state import StateStore, SyncStatus
from cartmigrate.testing import FakeClock


class ScanCart(MemoryCart):
    """Reads every type in full."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, incremental=frozenset())


class ListingState(MemoryStateStore):
    """A memory state that counts how often the synced ids of a type are listed."""

    def __init__(self) -> None:
        super().__init__()
        self.listed: list[str] = []

    def _source_ids(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[str]:
        self.listed.append(kind)
        return super()._source_ids(kind, status=status)


def _orders(n: int) -> list[Order]:
    return [
        Order(id=f"o{i}", number=str(1000 + i), status=OrderStatus.PROCESSING, total="10")
        for i in range(n)
    ]


def _migrated(
    state: StateStore, *, rules: MappingRules | None = None
) -> tuple[SyncEngine, MemoryCart]:
    clock = FakeClock(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    source = ScanCart([*_orders(5), Customer(id="u1", email="ann@example.com")], clock=clock.now)
    engine = SyncEngine(source, MemoryCart(name="new"), state=state, rules=rules)
    assert engine.full_migrate().ok
    return engine, source


def _gone(report_warnings: list[object]) -> list[str | None]:
    return [
        getattr(w, "source_id", None)
        for w in report_warnings
        if "deleted on the source" in getattr(w, "message", "")
    ]


def test_nothing_deleted_needs_no_listing() -> None:
    state = ListingState()
    engine, _ = _migrated(state)
    report = engine.smart_update()
    assert report.ok and _gone(report.warnings) == []
    assert state.listed == []


def test_a_deleted_entity_is_still_reported() -> None:
    state = ListingState()
    engine, source = _migrated(state)
    source.remove(Order, "o3")
    report = engine.smart_update()
    assert _gone(report.warnings) == ["o3"]
    assert state.listed == ["order"]


def test_a_deletion_hidden_by_a_new_entity_is_still_reported() -> None:
    """As many entities read as before, but one of them new: the count of
    those synced before tells them apart, not the count read."""
    state = ListingState()
    engine, source = _migrated(state)
    source.remove(Order, "o3")
    source.add(Order(id="o9", number="1009", status=OrderStatus.PROCESSING, total="10"))
    report = engine.smart_update()
    assert report.summary()["order"]["created"] == 1
    assert _gone(report.warnings) == ["o3"]


@pytest.mark.parametrize("repeat", [2, 3])  # 2: one repeat would make up for the one gone
def test_a_source_repeating_records_hides_no_deletion(repeat: int) -> None:
    """A source that returns a record more than once (as a live store paging
    while it changes can) must not make up for one it no longer returns."""

    class Repeating(ScanCart):
        def read(self, kind, *, since=None):  # type: ignore[no-untyped-def,override]
            for entity in super().read(kind, since=since):
                for _ in range(repeat if entity.id == "o1" else 1):
                    yield entity

    state = ListingState()
    clock = FakeClock(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    source = Repeating(_orders(5), clock=clock.now)
    engine = SyncEngine(source, MemoryCart(name="new"), state=state)
    assert engine.full_migrate().ok
    source.remove(Order, "o3")
    assert _gone(engine.smart_update().warnings) == ["o3"]


def test_an_entity_filtered_out_is_not_taken_for_deleted() -> None:
    """Read but left out by a filter: not sorted, so the count falls short and
    the listing decides, which knows it was read."""
    state = ListingState()
    engine, source = _migrated(state)
    filtered = SyncEngine(
        source,
        engine.target,
        state=state,
        rules=MappingRules(filters={"order": lambda o: o.id != "o2"}),
    )
    report = filtered.smart_update()
    assert _gone(report.warnings) == []
    assert state.listed == ["order"]


class StampCounting(MemoryStateStore):
    """A memory state that notes the types whose stamps are asked row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def _stamps(
        self, kind: str, source_ids: Sequence[str]
    ) -> dict[str, tuple[SyncStatus, str | None, bool]]:
        self.asked.append(kind)
        return super()._stamps(kind, source_ids)


class RowByRowState(ListingState):
    """A state that cannot count a clean batch: the engine decides row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.counted = 0

    def _clean_synced(self, kind: str, source_ids: Sequence[str]) -> int:
        self.counted += 1
        return -1


@pytest.mark.parametrize("state_kind", ["memory", "sqlite"])
def test_a_clean_batch_nothing_compares_is_counted_at_once(tmp_path: Path, state_kind: str) -> None:
    """Customers (no field of theirs is compared by default): a batch all synced
    is decided by one count, one with a new customer row by row; a state
    that cannot count decides every batch row by row. Both end alike."""
    outcomes = []
    for counted in (True, False):
        state: StateStore
        if not counted:
            state = RowByRowState()
        elif state_kind == "sqlite":
            state = SQLiteStateStore(tmp_path / f"{counted}.db")
        else:
            state = StampCounting()
        clock = FakeClock(dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
        customers = [Customer(id=f"u{i}", email=f"c{i}@example.com") for i in range(7)]
        source = ScanCart([*customers, *_orders(3)], clock=clock.now)
        target = MemoryCart(name="new")
        engine = SyncEngine(source, target, state=state, batch_size=3)
        assert engine.full_migrate().ok
        if isinstance(state, StampCounting):
            state.asked.clear()
        idle = engine.smart_update()
        if isinstance(state, StampCounting):
            assert "customer" not in state.asked  # every batch counted at once
        source.add(Customer(id="u9", email="new@example.com"))  # a batch with a new one
        source.remove(Customer, "u2")
        busy = engine.smart_update()
        outcomes.append(
            (idle.summary(), busy.summary(), _gone(busy.warnings), target.count(Customer))
        )
        if not counted:
            assert isinstance(state, RowByRowState) and state.counted > 0
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][1]["customer"]["created"] == 1
    assert outcomes[0][2] == ["u2"]
