"""Every bundled state store passes the StateStore contract suite."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from cartmigrate import MemoryStateStore, SQLiteStateStore, SQLStateStore, StateStore
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


class TestSQLStateStoreOnSQLite(StateStoreContract):
    """The SQL store's own code, on a SQLite file: runs wherever SQLAlchemy is installed."""

    @pytest.fixture
    def open_state(self, tmp_path: Path) -> functools.partial[StateStore]:
        return functools.partial(
            SQLStateStore, f"sqlite:///{tmp_path / 'agency.db'}", migration="shop-1"
        )

    def make_schema_newer(self, state: StateStore) -> None:
        assert isinstance(state, SQLStateStore)
        with sqlite3.connect(str(state._url.database)) as db:
            db.execute("UPDATE cartmigrate_schema SET version=99")


class TestSQLStateStoreOnPostgreSQL(StateStoreContract):
    """The SQL store on a real PostgreSQL (see conftest.py for where it is found)."""

    @pytest.fixture
    def open_state(self, postgres_url: str) -> functools.partial[StateStore]:
        return functools.partial(SQLStateStore, postgres_url, migration="shop-42")

    def make_schema_newer(self, state: StateStore) -> None:
        assert isinstance(state, SQLStateStore)
        with state._engine.begin() as db:
            db.execute(sa.text("UPDATE cartmigrate_schema SET version=99"))
