"""Two processes running one migration at once: the second is refused or waits,
and nothing is created twice (issue #10, item 1)."""

from __future__ import annotations

import collections
import datetime as dt
import functools
import multiprocessing
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from cartmigrate import (
    MemoryCart,
    MemoryStateStore,
    MigrationLocked,
    SQLiteStateStore,
    SQLStateStore,
    StateStore,
    SyncEngine,
)

from ._workers import migrate, shop

_ROUNDS = 3


Opener = Callable[[], StateStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_state(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    if request.param == "sqlite":
        return functools.partial(SQLiteStateStore, tmp_path / "state.db")
    url = request.getfixturevalue("postgres_url")
    return functools.partial(SQLStateStore, url, migration=f"shop-{uuid.uuid4().hex[:6]}")


def _race(
    open_state: Opener, tmp_path: Path, wait: float, refs: bool = True
) -> tuple[list[tuple[str, object]], list[str]]:
    # fork: both children start at once, so their runs overlap.
    ctx = multiprocessing.get_context("fork")
    log = str(tmp_path / "creates.log")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    children = [
        ctx.Process(target=migrate, args=(open_state, log, barrier, results, wait, refs))
        for _ in range(2)
    ]
    for child in children:
        child.start()
    outcomes = sorted(results.get(timeout=120) for _ in children)
    for child in children:
        child.join(60)
    lines = Path(log).read_text().splitlines() if Path(log).exists() else []
    return outcomes, lines


def _entities() -> int:
    return sum(1 for _ in shop())


@pytest.mark.parametrize("refs", [True, False], ids=["source-refs", "no-source-refs"])
@pytest.mark.parametrize("round_", range(_ROUNDS))
def test_a_second_run_is_refused_and_nothing_is_duplicated(
    open_state: Opener, tmp_path: Path, round_: int, refs: bool
) -> None:
    outcomes, creates = _race(open_state, tmp_path, wait=0.0, refs=refs)
    duplicates = [line for line, n in collections.Counter(creates).items() if n > 1]
    assert duplicates == []
    assert len(creates) == _entities()  # everything once
    kinds = [outcome for outcome, _ in outcomes]
    # Refused (it started while the other ran), or it ran after: each child has its
    # own in-memory target, so the state (bound to the first one) refuses the second.
    assert kinds in (["locked", "ok"], ["mismatch", "ok"]), outcomes
    if kinds == ["locked", "ok"]:
        assert "full_migrate on" in str(outcomes[0][1])


def test_a_waiting_run_is_serialised(open_state: Opener, tmp_path: Path) -> None:
    outcomes, creates = _race(open_state, tmp_path, wait=120.0)
    # The second waited for the lock, then found the state bound to the first
    # child's target (its own is another, empty store) and wrote nothing.
    assert [kind for kind, _ in outcomes] == ["mismatch", "ok"], outcomes
    assert sorted(creates) == sorted(set(creates))
    assert len(creates) == _entities()
    refused_at = outcomes[0][1]
    assert isinstance(refused_at, dt.datetime)
    with open_state() as state:
        (first,) = state.runs()
        assert first.finished_at is not None
        assert refused_at >= first.finished_at  # one after the other


def test_a_dry_run_takes_no_lock_and_a_real_one_does() -> None:
    state = MemoryStateStore()
    engine = SyncEngine(MemoryCart(shop()), MemoryCart(), state=state)
    state.acquire_lock("someone else")
    try:
        plan = engine.full_migrate(dry_run=True)  # a plan while a migration runs
        assert plan.summary()["product"]["created"] == 40
        with pytest.raises(MigrationLocked, match="someone else"):
            engine.full_migrate()
        with pytest.raises(MigrationLocked):
            engine.smart_update()
        with pytest.raises(MigrationLocked):
            engine.remigrate(confirm=True)
        assert state.runs() == []  # refused before anything was recorded
    finally:
        state.release_lock()
    engine.full_migrate()
    engine.remigrate(confirm=True)
    state.acquire_lock("free again")  # every call released it, even remigrate
    state.release_lock()
