"""Every bundled state store passes the StateStore contract suite."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import pytest

from cartmigrate import MemoryStateStore, SQLiteStateStore, StateStore
from cartmigrate.testing import StateStoreContract


def _same(store: StateStore) -> StateStore:
    return store


class TestMemoryStateStore(StateStoreContract):
    shared_between_processes = False

    @pytest.fixture
    def open_state(self) -> functools.partial[StateStore]:
        return functools.partial(_same, MemoryStateStore())


class TestSQLiteStateStore(StateStoreContract):
    @pytest.fixture
    def open_state(self, tmp_path: Path) -> functools.partial[SQLiteStateStore]:
        return functools.partial(SQLiteStateStore, tmp_path / "state.db")

    def make_schema_newer(self, state: StateStore) -> None:
        assert isinstance(state, SQLiteStateStore)
        with sqlite3.connect(state.path) as db:
            db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
