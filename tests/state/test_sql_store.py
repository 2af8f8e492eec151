"""What the SQL store adds: many migrations in one database, URLs, no password shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cartmigrate import ConfigurationError, MigrationLocked, SQLStateStore, StateError
from cartmigrate.state import FailureRecord, SyncRecord


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'agency.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_migrations_in_one_database_never_see_each_other(url: str) -> None:
    one, two = SQLStateStore(url, migration="shop-1"), SQLStateStore(url, migration="shop-2")
    try:
        moment = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
        one.put([SyncRecord(kind="product", source_id="1", target_id="a", status="synced")])
        one.put_failures([FailureRecord(kind="order", source_id="9", message="x")])
        one.set_cursor("product", moment)
        one.set_meta("source", "woo")
        one.start_run("full_migrate", moment)
        two.put([SyncRecord(kind="product", source_id="1", target_id="b", status="synced")])
        assert one.get("product", ["1"])["1"].target_id == "a"
        assert two.get("product", ["1"])["1"].target_id == "b"
        assert two.source_id_for("product", "a") is None
        assert (two.failures(), two.get_cursor("product"), two.get_meta("source")) == (
            [],
            None,
            None,
        )
        assert two.runs() == []
        one.acquire_lock("worker 1")
        two.acquire_lock("worker 2")  # another migration: its own lock
        with pytest.raises(MigrationLocked, match="worker 1"):
            SQLStateStore(url, migration="shop-1").acquire_lock("worker 3")
        two.forget(["product"])
        assert one.count("product") == 1
    finally:
        one.close()
        two.close()


def test_a_batch_writing_one_row_twice_keeps_the_last(url: str) -> None:
    store = SQLStateStore(url, migration="m")
    store.put(
        [
            SyncRecord(kind="order", source_id="1", status="pending"),
            SyncRecord(kind="order", source_id="1", target_id="t", status="synced"),
        ]
    )
    assert store.get("order", ["1"])["1"].status == "synced"
    store.close()


def test_the_password_is_never_shown(tmp_path: Path) -> None:
    store = SQLStateStore(f"sqlite:///{tmp_path / 'a.db'}", migration="m")
    assert "sqlite" in repr(store)
    store.close()
    with pytest.raises(StateError, match="cannot open") as caught:
        SQLStateStore("postgresql://agency:s3cret-pw@127.0.0.1:1/none", migration="m")
    assert "s3cret-pw" not in str(caught.value)
    assert "s3cret-pw" not in repr(caught.value)


def test_plain_postgresql_urls_mean_psycopg_3(postgres_server: str) -> None:
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    store = SQLStateStore(plain, migration="plain-url")
    try:
        assert store._url.drivername == "postgresql+psycopg"
        assert "cartmigrate-test-only" not in repr(store)
    finally:
        store.close()


@pytest.mark.parametrize("migration", ["", "   ", "x" * 201])
def test_a_migration_id_is_required(migration: str) -> None:
    with pytest.raises(ConfigurationError, match="migration"):
        SQLStateStore("sqlite://", migration=migration)


def test_databases_without_a_lock_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="PostgreSQL and SQLite"):
        SQLStateStore("mysql+pymysql://u@h/db", migration="m")
    with pytest.raises(ConfigurationError, match="in-memory"):
        SQLStateStore("sqlite://", migration="m")
