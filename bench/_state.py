"""Benchmarks of the state stores (issue #13, item 6).

6. ``state``: ``full_migrate`` memory → memory with ``SQLStateStore`` on
   PostgreSQL, then with ``SQLiteStateStore``, side by side in one process:
   the ratio is what an agency's shared database costs over a local file.
7. ``agency``: 20 migrations at once (4 with ``--quick``), each in its own process on its own
   migration id in one PostgreSQL database, against one migration alone: the
   ratio is the total throughput gained by running them together (bounded by
   the machine's cores, which the stores, the engine and PostgreSQL share).

PostgreSQL is found as the tests find it (``CARTMIGRATE_TEST_POSTGRES_URL``,
else ``.services/postgres.url``; ``bash .ci/services.sh start`` provides
both). Without one, the rows say so instead of measuring. Each run works in
a PostgreSQL schema of its own, dropped afterwards.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _carts import store_of

from cartmigrate import MemoryCart, Report, SQLiteStateStore, StateStore, SyncEngine

__all__ = ["SCENARIOS", "SIZES"]

Row = dict[str, Any]

ROOT = Path(__file__).resolve().parent.parent
AGENCY_MIGRATIONS = 20
#: ``--quick`` runs 4 at once: 20 spawned interpreters importing SQLAlchemy
#: took ~10 s of a 2-core CI machine, for a row that there only has to run.
AGENCY_QUICK_MIGRATIONS = 4

#: Sizes per scenario: (full run, --quick). ``agency``: entities per migration.
SIZES: dict[str, tuple[Sequence[int], Sequence[int]]] = {
    "state": ((100_000,), (2_000,)),
    "agency": ((5_000,), (300,)),
}
_AGENCY_QUICK_SIZE = SIZES["agency"][1][0]


def _postgres_url() -> str | None:
    url = os.environ.get("CARTMIGRATE_TEST_POSTGRES_URL", "").strip()
    file = ROOT / ".services" / "postgres.url"
    if not url and file.is_file():
        url = file.read_text().strip()
    return url or None


@contextmanager
def _fresh_schema(url: str) -> Iterator[str]:
    """A URL whose tables land in a new schema, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        fresh = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield fresh.render_as_string(hide_password=False)
    finally:
        with engine.begin() as db:
            db.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _entities_created(report: Report) -> int:
    """What ``store_of(size)`` counts: entities, not the variants counted beside them."""
    return report.total("created") - report.summary().get("variant", {}).get("created", 0)


def _migrate(size: int, state: StateStore) -> float:
    source = MemoryCart(store_of(size), name="source")
    target = MemoryCart(name="target")
    engine = SyncEngine(source, target, state=state)
    start = time.perf_counter()
    report = engine.full_migrate()
    seconds = time.perf_counter() - start
    assert report.ok and _entities_created(report) == size, report.summary()
    return seconds


def _no_postgres(scenario: str, size: int) -> list[Row]:
    return [
        {
            "scenario": scenario,
            "size": size,
            "seconds": None,
            "note": "not measured: no PostgreSQL (bash .ci/services.sh start)",
        }
    ]


# -- 6. SQL on PostgreSQL vs SQLite -----------------------------------------------------
def state_stores(size: int) -> list[Row]:
    from cartmigrate import SQLStateStore

    name = "6 state: full_migrate memory→memory"
    url = _postgres_url()
    if url is None:
        return _no_postgres(f"{name}, PostgreSQL vs SQLite", size)
    with _fresh_schema(url) as fresh, SQLStateStore(fresh, migration="bench") as pg:
        pg_s = _migrate(size, pg)
    with tempfile.TemporaryDirectory() as tmp, SQLiteStateStore(Path(tmp, "s.db")) as lite:
        lite_s = _migrate(size, lite)
    return [
        {
            "scenario": f"{name}, SQLiteStateStore",
            "size": size,
            "seconds": lite_s,
            "entities": size,
        },
        {
            "scenario": f"{name}, SQLStateStore on PostgreSQL",
            "size": size,
            "seconds": pg_s,
            "entities": size,
            "ratio": ("PostgreSQL / SQLite time", pg_s / lite_s),
            "note": "same process, one after the other; PostgreSQL on loopback, fsync off",
        },
    ]


# -- 7. 20 migrations at once vs one ------------------------------------------------------
def _agency_child(url: str, migration: str, size: int, barrier: Any, results: Any) -> None:
    from cartmigrate import SQLStateStore

    try:
        with SQLStateStore(url, migration=migration) as state:
            source = MemoryCart(store_of(size), name="source")
            engine = SyncEngine(source, MemoryCart(name="target"), state=state)
            barrier.wait(300)
            start = time.time()
            report = engine.full_migrate()
            end = time.time()
        ok = report.ok and _entities_created(report) == size
        results.put((migration, start, end, ok))
    except BaseException as error:
        results.put((migration, 0.0, 0.0, f"{type(error).__name__}: {error}"))


def agency(size: int) -> list[Row]:
    from cartmigrate import SQLStateStore

    migrations = AGENCY_QUICK_MIGRATIONS if size <= _AGENCY_QUICK_SIZE else AGENCY_MIGRATIONS
    name = f"7 agency: {migrations} migrations at once vs one (PostgreSQL)"
    url = _postgres_url()
    if url is None:
        return _no_postgres(name, size)
    ctx = multiprocessing.get_context("spawn")
    with _fresh_schema(url) as fresh:
        with SQLStateStore(fresh, migration="alone") as state:
            alone = _migrate(size, state)
        barrier, results = ctx.Barrier(migrations), ctx.Queue()
        children = [
            ctx.Process(target=_agency_child, args=(fresh, f"shop-{i}", size, barrier, results))
            for i in range(migrations)
        ]
        for child in children:
            child.start()
        outcomes = [results.get(timeout=1800) for _ in children]
        for child in children:
            child.join(60)
    failed = [o for o in outcomes if o[3] is not True]
    assert not failed, failed
    wall = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    total = migrations * size
    gain = (total / wall) / (size / alone)
    return [
        {"scenario": f"{name}: one alone", "size": size, "seconds": alone, "entities": size},
        {
            "scenario": f"{name}: {migrations} at once",
            "size": total,
            "seconds": wall,
            "entities": total,
            "ratio": ("throughput at once / alone", gain),
            "note": f"{migrations} processes on {os.cpu_count()} CPUs, one database",
        },
    ]


SCENARIOS: dict[str, Callable[[int], list[Row]]] = {"state": state_stores, "agency": agency}
