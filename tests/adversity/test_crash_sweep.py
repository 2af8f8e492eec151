"""100+ crash points, in process: the target raises a "process died" error at
the nth create, update or delete (before or after applying it), across
full_migrate, smart_update and remigrate; a new engine resumes on the same
SQLite state. The end must equal an uninterrupted run, nothing duplicated,
nothing lost, on a target with source references and on one declaring none.
(``test_kill_points.py`` does the same with a real ``kill -9``, fewer times.)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from cartmigrate import MemoryCart, Order, Product, SQLiteStateStore, SyncEngine
from cartmigrate.connectors import Cart
from cartmigrate.testing import FakeClock, generate_store

from .test_faults import NoRefsCart, content

POINTS = [(op, n) for op in ("create",) for n in range(1, 31)] + [
    (op, n) for op in ("update", "delete") for n in range(1, 11)
]


class Crash(BaseException):
    """The process dies: nothing of the call runs after it."""


def _source(clock: FakeClock) -> MemoryCart:
    return MemoryCart(
        generate_store(
            seed=41, products=6, customers=5, orders=6, categories=3, manufacturers=2, reviews=5
        ),
        clock=clock.now,
    )


def _change(source: MemoryCart, clock: FakeClock) -> None:
    clock.advance(dt.timedelta(minutes=1))
    for n, product in enumerate(source.list(Product)[:3]):
        variants = [attrs.evolve(v, quantity=(v.quantity or 0) + 2) for v in product.variants]
        source.add(attrs.evolve(product, quantity=9 + n, variants=variants))
    source.add(attrs.evolve(source.list(Order)[0], status="completed"))


def _story(connect: Callable[[], Cart], path: Path, clock: FakeClock) -> int:
    """full_migrate, changes, smart_update, remigrate, smart_update; restarting
    after every crash, with a new connector from ``connect`` (a new process
    would have one). Returns how many crashes happened (0 or 1)."""
    source = _source(clock)
    crashes = 0
    for step in ("full", "changes", "smart", "remigrate", "smart"):
        if step == "changes":
            _change(source, clock)
            continue
        for _ in range(4):
            with SQLiteStateStore(path) as state:
                engine = SyncEngine(source, connect(), state=state, clock=clock.now)
                try:
                    if step == "full":
                        report = engine.full_migrate()
                    elif step == "smart":
                        report = engine.smart_update()
                    else:
                        report = engine.remigrate(clear="migrated", confirm=True)
                except Crash:
                    crashes += 1
                    continue
            if report.ok:
                break
        assert report.ok, (step, report.failures[:3])
    return crashes


def _same(target: Cart) -> Cart:
    """A memory target is its own store: a restarted process gets the same one."""
    return target


@pytest.mark.parametrize("kind", [MemoryCart, NoRefsCart], ids=["refs", "no-source-refs"])
def test_a_crash_at_any_write_ends_like_an_uninterrupted_run(kind: Any, tmp_path: Path) -> None:
    clock = FakeClock(tick=dt.timedelta(seconds=1))
    calm = kind(clock=clock.now)
    assert _story(lambda: calm, tmp_path / "calm.db", clock) == 0
    expected = content(calm)
    crashed_points = 0
    for index, (operation, nth) in enumerate(POINTS):
        clock = FakeClock(tick=dt.timedelta(seconds=1))
        target = kind(clock=clock.now)
        target.fail_on(operation, nth=nth, applied=index % 2 == 0, error=Crash())
        crashed_points += _story(
            functools.partial(_same, target), tmp_path / f"{operation}-{nth}.db", clock
        )
        assert content(target) == expected, (operation, nth)
    assert crashed_points == len(POINTS)  # every point lies within the story
