"""What keeps a dry run's memory flat (issue #14): the report's changes past
the first thousand in a file, the plan's records in a state file of its own,
and the duplicate checks of a batch asked at once."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Sequence
from typing import TypeVar

import pytest

from cartmigrate import Customer, DuplicateEntity, MemoryCart, SyncEngine
from cartmigrate.engine import _changes
from cartmigrate.engine._changes import ChangeLog
from cartmigrate.engine._dry_run import OverlayState, PlanningCart
from cartmigrate.engine._report import Change, FieldChange
from cartmigrate.models import Entity
from cartmigrate.state import FailureRecord, MemoryStateStore, SyncRecord
from cartmigrate.testing import FakeClock

E = TypeVar("E", bound=Entity)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(tick=dt.timedelta(seconds=1))


def _change(n: int) -> Change:
    return Change(
        action="create",
        entity="order",
        source_id=str(n),
        target_id=f"(new order {n})",
        fields={"number": FieldChange(old=None, new=str(1000 + n))},
    )


def test_a_change_log_past_what_it_keeps_behaves_as_the_list() -> None:
    expected = [_change(n) for n in range(_changes.KEPT + 250)]
    log = ChangeLog()
    for change in expected:
        log.append(change)
    assert len(log) == len(expected) and log and log == expected
    assert list(log) == expected
    assert log[0] == expected[0] and log[-1] == expected[-1]
    assert log[_changes.KEPT + 7] == expected[_changes.KEPT + 7]
    assert (
        log[_changes.KEPT - 2 : _changes.KEPT + 2]
        == expected[_changes.KEPT - 2 : _changes.KEPT + 2]
    )
    assert log[:3] == expected[:3]
    assert log != expected[:-1] and ChangeLog() == [] and not ChangeLog()
    # Iterating while appending reads what was there, in order.
    seen = [c for c, _ in zip(log, range(3), strict=False)]
    assert seen == expected[:3]
    assert pickle.loads(pickle.dumps(log)) == expected


def test_a_dry_run_plan_of_many_creates_lists_them_all(clock: FakeClock) -> None:
    customers = [Customer(id=str(n), email=f"c{n}@example.com") for n in range(_changes.KEPT + 20)]
    source = MemoryCart(customers, clock=clock.now)
    target = MemoryCart(clock=clock.now)
    plan = SyncEngine(source, target, clock=clock.now).full_migrate(dry_run=True)
    assert len(plan.changes) == len(customers)
    assert [c.source_id for c in plan.changes] == [c.id for c in customers]
    assert plan.to_dict()["changes"][-1]["source_id"] == customers[-1].id
    assert target.list(Customer) == []


class CountingFinds(MemoryCart):
    def __init__(self, entities: Sequence[Entity], clock: FakeClock) -> None:
        super().__init__(entities, clock=clock.now)
        self.batches: list[list[str]] = []

    def find_many(self, kind: type[E], natural_keys: Sequence[str]) -> dict[str, E]:
        self.batches.append(list(natural_keys))
        return super().find_many(kind, natural_keys)


def test_the_plan_checks_a_batch_for_duplicates_at_once(clock: FakeClock) -> None:
    target = CountingFinds([Customer(id="900", email="b@example.com")], clock)
    planning = PlanningCart(target)
    batch = [Customer(email=e) for e in ("a@example.com", "B@example.com", "a@example.com")]
    results = planning.create_many(batch)
    assert target.batches == [["a@example.com", "B@example.com", "a@example.com"]]
    assert not isinstance(results[0], Exception)
    assert isinstance(results[1], DuplicateEntity) and results[1].existing_id == "900"
    # The same e-mail twice in one batch: the second is a duplicate of the first's plan.
    assert isinstance(results[2], DuplicateEntity)
    assert results[2].existing_id == getattr(results[0], "id", None)


def test_the_overlay_counts_and_lists_what_the_plan_wrote_over(clock: FakeClock) -> None:
    base = MemoryStateStore()
    base.put(
        SyncRecord(kind="order", source_id=str(n), target_id=f"t{n}", status="synced")
        for n in range(5)
    )
    overlay = OverlayState(base)
    try:
        overlay.put([SyncRecord(kind="order", source_id="1", status="pending")])
        overlay.put([SyncRecord(kind="order", source_id="9", target_id="t9", status="synced")])
        overlay.discard("order", ["3"])
        assert overlay.count("order") == 5
        assert overlay.count("order", status="synced") == 4
        assert overlay.count("order", status="pending") == 1
        listed = sorted((r.source_id, r.status) for r in overlay.records("order"))
        assert listed == [
            ("0", "synced"),
            ("1", "pending"),
            ("2", "synced"),
            ("4", "synced"),
            ("9", "synced"),
        ]
        assert base.count("order") == 5 and base.get("order", ["1"])["1"].status == "synced"
    finally:
        overlay.close()


def test_a_dry_run_removes_its_plan_file(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[OverlayState] = []
    original = OverlayState.__init__

    def spy(self: OverlayState, base: object) -> None:
        original(self, base)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(OverlayState, "__init__", spy)
    source = MemoryCart([Customer(id="1", email="a@example.com")], clock=clock.now)
    SyncEngine(source, MemoryCart(clock=clock.now), clock=clock.now).full_migrate(dry_run=True)
    assert len(made) == 1 and not os.path.exists(made[0]._dir)


def test_the_overlay_hides_cleared_failures_and_remembers_only_the_states() -> None:
    base = MemoryStateStore()
    base.put_failures([FailureRecord(kind="order", source_id="1", message="refused")])
    overlay = OverlayState(base)
    try:
        overlay.clear_failures("order", [str(n) for n in range(1, 500)])
        assert overlay.failures("order") == []
        assert overlay._cleared == {("order", "1")}  # not one entry per id cleared
        assert [f.source_id for f in base.failures("order")] == ["1"]
    finally:
        overlay.close()
