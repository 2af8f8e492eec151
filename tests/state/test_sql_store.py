"""What the SQL store adds: many migrations in one database, URLs, no password shown."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, cast

import pytest

from cartmigrate import ConfigurationError, MigrationLocked, SQLStateStore, StateError
from cartmigrate.state import FailureRecord, SyncRecord

from ._random_writes import counted, random_write


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


def test_a_sqlite_state_file_moves_into_the_database(url: str, tmp_path: Path) -> None:
    """An agency's existing SQLite file: imported, the next call creates nothing again."""
    from cartmigrate import MemoryCart, SQLiteStateStore, SyncEngine
    from cartmigrate.testing import generate_store

    source = MemoryCart(generate_store(seed=3, products=12, customers=10, orders=15))
    target = MemoryCart()
    moment = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
    with SQLiteStateStore(tmp_path / "shop.db") as old:
        first = SyncEngine(source, target, state=old).full_migrate()
        old.put_pending("order", ["lost-answer"])  # an intent whose outcome is unknown
        old.put_failures([FailureRecord(kind="review", source_id="r9", message="x", attempts=3)])
        old.set_cursor("order", moment)
        old.set_meta("source", "woo:https://old.example")
        kinds = ("category", "manufacturer", "product", "variant", "customer", "order", "review")
        before = {k: sorted(old.records(k), key=lambda r: r.source_id) for k in kinds}
        runs_before = old.runs()
        # A holder that died between a create's request and its result: its
        # intent is still open in the file (one row of ``intents``).
        old.acquire_lock("test")
        old.put_pending("order", ["in-flight"])
    db = sqlite3.connect(tmp_path / "shop.db")
    assert db.execute("SELECT COUNT(*) FROM intents").fetchone() == (1,)
    db.close()
    in_flight = SyncRecord(kind="order", source_id="in-flight", status="pending")
    before["order"] = sorted([*before["order"], in_flight], key=lambda r: r.source_id)
    with SQLStateStore(url, migration="moved") as new:
        counts = new.import_sqlite(tmp_path / "shop.db")
        assert counts["records"] == sum(len(v) for v in before.values())
        assert counts["runs"] == 1
        assert {k: sorted(new.records(k), key=lambda r: r.source_id) for k in kinds} == before
        (failure,) = new.failures()
        assert (failure.source_id, failure.attempts) == ("r9", 3)
        assert new.get_cursor("order") == moment
        assert new.get_meta("source") == "woo:https://old.example"
        (run,) = new.runs()
        assert (run.call, run.started_at, run.summary) == (
            runs_before[0].call,
            runs_before[0].started_at,
            runs_before[0].summary,
        )
        with pytest.raises(StateError, match="already holds state"):
            new.import_sqlite(tmp_path / "shop.db")
        new.discard("order", ["lost-answer", "in-flight"])
        again = SyncEngine(source, target, state=new).full_migrate()
    assert first.total("created") > 0
    assert again.total("created") == 0  # it continued; nothing was migrated twice


def test_importing_what_is_not_a_state_file_is_refused(url: str, tmp_path: Path) -> None:
    with SQLStateStore(url, migration="empty") as new:
        with pytest.raises(StateError, match="no state file"):
            new.import_sqlite(tmp_path / "missing.db")
        (tmp_path / "junk.db").write_text("junk" * 100)
        with pytest.raises(StateError, match="cannot read"):
            new.import_sqlite(tmp_path / "junk.db")


def test_one_migration_id_in_two_schemas_has_two_locks(postgres_url: str) -> None:
    """Advisory locks belong to the whole database: the key names the schema too."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url)
    with engine.begin() as db:
        db.execute(sa.text("CREATE SCHEMA IF NOT EXISTS other_agency"))
    other = sa.make_url(postgres_url).update_query_dict({"options": "-csearch_path=other_agency"})
    try:
        with (
            SQLStateStore(postgres_url, migration="shop-1") as mine,
            SQLStateStore(
                other.render_as_string(hide_password=False), migration="shop-1"
            ) as theirs,
        ):
            mine.acquire_lock("agency one")
            theirs.acquire_lock("agency two")  # another schema: another state, another lock
            with pytest.raises(MigrationLocked, match="agency one"):
                SQLStateStore(postgres_url, migration="shop-1").acquire_lock("agency one again")
    finally:
        with engine.begin() as db:
            db.execute(sa.text("DROP SCHEMA other_agency CASCADE"))
        engine.dispose()


def test_a_malformed_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigurationError, match="not a database URL") as caught:
        SQLStateStore("::nonsense:s3cret", migration="m")
    assert "s3cret" not in str(caught.value)


def _plan_nodes(plan: dict[str, object]) -> list[dict[str, object]]:
    nodes = [plan]
    for child in cast(list[dict[str, object]], plan.get("Plans", [])):
        nodes.extend(_plan_nodes(child))
    return nodes


def test_look_ups_search_by_id_while_the_statistics_do_not_know_the_migration(
    postgres_url: str,
) -> None:
    """A migration the table's statistics do not know (new, or grown since the
    last ANALYZE): PostgreSQL estimated one row for it, and answered
    ``source_id = ANY(...)`` by reading every row of the type (4 ms per 100
    ids among 20,000, and growing). Each look-up the engine makes per batch
    (records, stamps, target ids) must search the primary key by id, and the
    listing of unfinished records must read their index alone."""
    import sqlalchemy as sa

    with SQLStateStore(postgres_url, migration="known") as seed:
        seed.put(SyncRecord(kind="variant", source_id=f"s{i}", status="synced") for i in range(300))
    engine = sa.create_engine(postgres_url)
    with engine.begin() as db:
        db.execute(sa.text("ANALYZE cartmigrate_entity_map"))
    sent: list[tuple[str, object]] = []
    with SQLStateStore(postgres_url, migration="grown") as state:
        state.put(
            SyncRecord(kind="variant", source_id=f"v{i}", target_id=f"t{i}", status="synced")
            for i in range(5000)
        )
        state.put(SyncRecord(kind="variant", source_id=f"w{i}", status="failed") for i in range(3))
        wanted = [f"v{i}" for i in range(0, 5000, 50)]

        def keep(conn: object, cursor: object, sql: str, params: object, *rest: object) -> None:
            if sql.lstrip().upper().startswith("SELECT") and "entity_map" in sql:
                sent.append((sql, params))

        sa.event.listen(state._engine, "before_cursor_execute", keep)
        assert len(state.get("variant", wanted)) == 100
        assert len(state._stamps("variant", wanted)) == 100
        assert len(state._ask_target_ids("variant", wanted)) == 100
        # What a call retries: read from its index, not from every record.
        assert [r.source_id for r in state.unfinished("variant")] == ["w0", "w1", "w2"]
        sa.event.remove(state._engine, "before_cursor_execute", keep)
    assert len(sent) == 4, sent
    with engine.connect() as db:
        raw = cast(Any, db.connection.driver_connection)
        for sql, params in sent:
            ((plan,),) = raw.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchall()
            nodes = _plan_nodes(plan[0]["Plan"])
            assert all(not node.get("Rows Removed by Filter") for node in nodes), plan
            searched = [n for n in nodes if "source_id" in str(n.get("Index Cond", ""))]
            assert searched or "unfinished" in str(plan), plan
    engine.dispose()


def test_tables_of_an_earlier_version_get_this_versions_indexes(
    url: str,
) -> None:
    import sqlalchemy as sa

    with SQLStateStore(url, migration="m") as state:
        state.put([SyncRecord(kind="order", source_id="1", target_id="t1", status="synced")])
    engine = sa.create_engine(url)
    with engine.begin() as db:  # as an earlier version made them
        db.execute(sa.text("DROP INDEX cartmigrate_entity_map_by_target"))
        db.execute(sa.text("DROP INDEX cartmigrate_entity_map_unfinished"))
        db.execute(
            sa.text(
                "CREATE INDEX cartmigrate_entity_map_target"
                " ON cartmigrate_entity_map (migration, kind, target_id)"
            )
        )
    with SQLStateStore(url, migration="m") as state:
        assert state.source_id_for("order", "t1") == "1"
    with engine.connect() as db:
        indexes = {
            i["name"]: i["column_names"]
            for i in sa.inspect(db).get_indexes("cartmigrate_entity_map")
        }
    engine.dispose()
    assert indexes == {
        "cartmigrate_entity_map_by_target": ["target_id", "migration", "kind"],
        "cartmigrate_entity_map_unfinished": ["migration", "kind", "source_id"],
    }


def _true_counts(url: str, migration: str) -> dict[tuple[str, str | None], int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    counts: dict[tuple[str, str | None], int] = {}
    with engine.connect() as db:
        for kind in ("product", "order"):
            where = "migration = :m AND kind = :k"
            args = {"m": migration, "k": kind}
            sql = f"SELECT COUNT(*) FROM cartmigrate_entity_map WHERE {where}"
            counts[(kind, None)] = db.execute(sa.text(sql), args).scalar_one()
            for status in ("pending", "synced", "failed"):
                counts[(kind, status)] = db.execute(
                    sa.text(sql + " AND status = :s"), {**args, "s": status}
                ).scalar_one()
    engine.dispose()
    return counts


def test_counts_are_kept_through_every_kind_of_write(url: str) -> None:
    """``count`` reads what the database's triggers keep: right after every
    write, beside another migration writing the same ids."""
    import random

    rng = random.Random(14)
    with SQLStateStore(url, migration="a") as state, SQLStateStore(url, migration="b") as other:
        state.acquire_lock("test")
        for step in range(50):
            store = other if step % 7 == 0 else state
            random_write(store, rng, ids=30, forget=0.2)
            assert counted(state) == _true_counts(url, "a")
            assert counted(other) == _true_counts(url, "b")


def test_a_database_of_an_earlier_version_is_counted_once_and_then_kept(url: str) -> None:
    import sqlalchemy as sa

    with SQLStateStore(url, migration="m") as state:
        state.put_pending("order", ["1", "2"])
        state.put([SyncRecord(kind="order", source_id="1", target_id="t1", status="synced")])
    engine = sa.create_engine(url)
    with engine.begin() as db:  # as an earlier version left it: no counts kept
        for event in ("insert", "update", "delete"):
            on = " ON cartmigrate_entity_map" if engine.dialect.name == "postgresql" else ""
            db.execute(sa.text(f"DROP TRIGGER cartmigrate_count_{event}{on}"))
        db.execute(sa.text("DROP TABLE cartmigrate_entity_counts"))
        db.execute(sa.text("DELETE FROM cartmigrate_schema WHERE name = 'counts'"))
        db.execute(
            sa.text(
                "INSERT INTO cartmigrate_entity_map (migration, kind, source_id, status, owned)"
                " VALUES ('m', 'order', '3', 'failed', false)"
            )
        )
    with SQLStateStore(url, migration="m") as state:
        assert [state.count("order", status=s) for s in ("pending", "synced", "failed")] == [
            1,
            1,
            1,
        ]
    with engine.begin() as db:  # a client that is not this version writes: still counted
        db.execute(sa.text("DELETE FROM cartmigrate_entity_map WHERE source_id = '3'"))
    with SQLStateStore(url, migration="m") as state:
        assert counted(state) == _true_counts(url, "m")
    engine.dispose()
