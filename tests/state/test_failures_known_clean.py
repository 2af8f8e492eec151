"""A store holding the lock does not ask again for failures it knows are not there.

The engine clears the failures of every batch that succeeded; almost always
there are none. Holding the lock, the SQLite and SQL stores remember a kind
seen with none until they record one of that kind, and never across a lock
released, when another store may have written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cartmigrate import SQLiteStateStore, SQLStateStore
from cartmigrate.state import FailureRecord, StateStore


def _failure(kind: str, source_id: str) -> FailureRecord:
    return FailureRecord(kind=kind, source_id=source_id, message="refused", error="EntityRejected")


def _sqlite(path: Path) -> StateStore:
    return SQLiteStateStore(path)


def _sql(path: Path) -> StateStore:
    return SQLStateStore(f"sqlite:///{path}", migration="shop-1")


def _statements(state: StateStore) -> Callable[[], list[str]]:
    """What the store sends its database from now on."""
    sent: list[str] = []
    if isinstance(state, SQLiteStateStore):
        state._db.set_trace_callback(sent.append)
    else:
        assert isinstance(state, SQLStateStore)

        def note(*args: Any) -> None:
            sent.append(str(args[2]))

        sa.event.listen(state._engine, "before_cursor_execute", note)
    return lambda: sent


@pytest.fixture(params=[_sqlite, _sql], ids=["sqlite", "sql"])
def opened(request: pytest.FixtureRequest) -> Callable[[Path], StateStore]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "s.db"


def test_a_kind_known_clean_is_not_asked_again(
    opened: Callable[[Path], StateStore], path: Path
) -> None:
    with opened(path) as state, state.lock():
        state.clear_failures("product", ["p1"])  # asks once: none
        sent = _statements(state)
        state.clear_failures("product", ["p2", "p3"])
        assert sent() == []


def test_a_failure_recorded_is_cleared_after_its_kind_was_known_clean(
    opened: Callable[[Path], StateStore], path: Path
) -> None:
    with opened(path) as state, state.lock():
        state.clear_failures("product", ["p1"])
        state.put_failures([_failure("product", "p1"), _failure("product", "p2")])
        state.clear_failures("product", ["p1"])
        assert [f.source_id for f in state.failures("product")] == ["p2"]


def test_what_was_known_clean_is_asked_again_after_the_lock(
    opened: Callable[[Path], StateStore], path: Path
) -> None:
    with opened(path) as first, opened(path) as second:
        with first.lock():
            first.clear_failures("product", ["p1"])  # known clean, for this lock
        with second.lock():  # another process, while the lock is free
            second.put_failures([_failure("product", "p1")])
        with first.lock():
            first.clear_failures("product", ["p1"])
        assert first.failures("product") == []
        with first.lock():
            first.clear_failures("product", ["p1"])  # known clean again, for this lock
        second.put_failures([_failure("product", "p2")])  # the lock is free
        first.clear_failures("product", ["p2"])  # unlocked: asks
        assert first.failures("product") == []


def test_without_the_lock_every_call_asks(opened: Callable[[Path], StateStore], path: Path) -> None:
    with opened(path) as first, opened(path) as second:
        first.clear_failures("product", ["p1"])
        second.put_failures([_failure("product", "p1")])
        first.clear_failures("product", ["p1"])
        assert first.failures("product") == []


def test_a_kind_forgotten_is_asked_again(opened: Callable[[Path], StateStore], path: Path) -> None:
    with opened(path) as state, state.lock():
        state.clear_failures("product", ["p1"])
        state.forget(["product"])
        sent = _statements(state)
        state.clear_failures("product", ["p1"])
        assert sent()  # not trusted across a forget: asked
