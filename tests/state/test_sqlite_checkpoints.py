"""The SQLite state's log is copied into its file by a thread, not by a commit (issue #14).

SQLite checkpoints inside the commit that pushes the write-ahead log past
1,000 pages, so that commit waits for the copy and an ``fsync``: about 12 ms,
a tenth of a smart update after a 1% change. The store's connection now
leaves it to a thread of its own (``state/_checkpoints.py``) up to a bound of
10,000 pages. These tests look at the file without its log: what a checkpoint
copied is there, what it did not is only in the log.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from cartmigrate import SQLiteStateStore
from cartmigrate.state import _checkpoints, _sqlite
from cartmigrate.state._checkpoints import Checkpointer

_THREAD = "cartmigrate-checkpoints"
_MB = "x" * 1_000_000  # about 250 pages of the log per value written


def _in_file_alone(path: Path, key: str, tmp: Path) -> str | None:
    """``key``'s user meta value as the file holds it without its log."""
    copy = tmp / f"alone-{time.monotonic_ns()}.db"
    shutil.copyfile(path, copy)
    db = sqlite3.connect(copy)
    try:
        row = db.execute("SELECT value FROM meta WHERE key=?", (f"user:{key}",)).fetchone()
    except sqlite3.OperationalError:  # not even the tables are copied yet
        return None
    finally:
        db.close()
    return None if row is None else str(row[0])


def _eventually(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.02)


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == _THREAD]


def test_a_small_write_reaches_the_file_without_a_commit_copying_it(tmp_path: Path) -> None:
    # SQLite's own checkpoint would wait for 1,000 pages: this one write
    # would stay in the log until the store closed.
    path = tmp_path / "s.db"
    with SQLiteStateStore(path) as state:
        state.set_meta("night", "one")
        _eventually(
            lambda: _in_file_alone(path, "night", tmp_path) == "one",
            "the thread copies a write into the file",
        )
    assert not _threads()  # closing the store ended it


def test_a_commit_does_not_checkpoint_below_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the thread doing nothing, 2,000 pages stay in the log: SQLite's
    # default would have copied them in the commit that passed 1,000.
    monkeypatch.setattr(Checkpointer, "_run", lambda self: None)
    path = tmp_path / "s.db"
    with SQLiteStateStore(path) as state:
        size = path.stat().st_size
        for n in range(8):
            state.set_meta(f"big{n}", _MB)
        assert path.stat().st_size == size
        assert _in_file_alone(path, "big7", tmp_path) is None
    # The store's connection, the last, copies the log as it closes.
    assert _in_file_alone(path, "big7", tmp_path) == _MB


def test_past_the_bound_the_commit_checkpoints_as_sqlite_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A log the thread cannot keep up with (writes that never pause) is
    # bounded: the store's own connection copies it past _LOG_BOUND pages.
    monkeypatch.setattr(Checkpointer, "_run", lambda self: None)
    monkeypatch.setattr(_sqlite, "_LOG_BOUND", 500)
    path = tmp_path / "s.db"
    with SQLiteStateStore(path) as state:
        for n in range(4):
            state.set_meta(f"big{n}", _MB)
        assert _in_file_alone(path, "big1", tmp_path) == _MB


def test_a_thread_that_cannot_open_the_file_gives_checkpoints_back_to_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(
        _checkpoints, "sqlite3", types.SimpleNamespace(connect=refuse, Error=sqlite3.Error)
    )
    path = tmp_path / "s.db"
    with caplog.at_level(logging.WARNING, logger="cartmigrate"), SQLiteStateStore(path) as state:
        state.set_meta("first", "write")  # starts the thread, which fails
        _eventually(lambda: not _threads(), "the failed thread ends")
        for n in range(8):  # SQLite's own checkpoint at 1,000 pages again
            state.set_meta(f"big{n}", _MB)
        assert _in_file_alone(path, "big3", tmp_path) == _MB
    assert "no checkpoint thread" in caplog.text
    assert "unable to open database file" in caplog.text


def test_an_idle_thread_ends_and_the_next_write_starts_another(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStateStore(path).close()  # a state file, in WAL mode
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint=0")
    checkpoints = Checkpointer(str(path), interval=0.01, idle=0.05)
    try:
        for value in ("first", "second"):
            db.execute("INSERT OR REPLACE INTO meta VALUES ('user:k', ?)", (value,))
            assert checkpoints.wrote()
            _eventually(
                lambda v=value: _in_file_alone(path, "k", tmp_path) == v,
                f"the {value} write is copied",
            )
            _eventually(lambda: not _threads(), "the idle thread ends")
    finally:
        checkpoints.close()
        db.close()
    assert checkpoints.wrote()  # after close: nothing started, nothing to say
    assert not _threads()


def test_an_in_memory_state_has_no_thread() -> None:
    with SQLiteStateStore(":memory:") as state:
        state.set_meta("k", "v")
        assert state.get_meta("k") == "v"
        assert not _threads()
