"""Benchmarks for cartmigrate: speed, scale and memory (issue #4).

    python bench/run.py              # everything, up to 1M entities (minutes)
    python bench/run.py --quick      # small sizes, well under a minute (CI)
    python bench/run.py --only overhead,memory --json out.json

Prints one markdown table. These are benchmarks, not tests: they never fail
on a missed goal, they report it (``met`` column). They do fail when the code
under them breaks, which is why CI runs ``--quick``.

Every measurement runs in a fresh subprocess, so its peak RSS (``ru_maxrss``)
is its own and nothing it warmed up helps the next one. Comparisons that the
goals are stated as (smart update vs remigrate, 1M vs 100k) are measured side
by side in the same run and reported as ratios: this machine drifts, ratios
drift much less. Synthetic stores come from ``cartmigrate.testing.StoreGenerator``
(see ``_carts.store_of`` for the mix).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _carts import DiscardCart, StreamingCart, store_of  # noqa: E402
from _cost import SCENARIOS as COST_SCENARIOS  # noqa: E402
from _cost import SIZES as COST_SIZES  # noqa: E402
from _cost import add_goals as add_cost_goals  # noqa: E402
from _cost import change_one_percent  # noqa: E402
from _state import SCENARIOS as STATE_SCENARIOS  # noqa: E402
from _state import SIZES as STATE_SIZES  # noqa: E402

from cartmigrate import (  # noqa: E402
    Customer,
    MemoryCart,
    Order,
    Product,
    SQLiteStateStore,
    SyncEngine,
)
from cartmigrate.testing import FakeClock  # noqa: E402

Row = dict[str, Any]

#: Sizes per scenario: (full run, --quick).
SIZES: dict[str, tuple[Sequence[int], Sequence[int]]] = {
    "overhead": ((10_000, 100_000, 1_000_000), (2_000, 10_000)),
    "memory": ((100_000, 1_000_000), (2_000, 20_000)),
    "smart": ((100_000,), (5_000,)),
}

OVERHEAD_GOAL = 20_000  # entities/s at 100k
MEMORY_RATIO_GOAL = 2.0  # peak RSS at 1M / at 100k
MEMORY_CEILING_MB = 250.0
SMART_VS_FULL_GOAL = 0.02  # incremental reads (issue #14)
IDLE_VS_FULL_GOAL = 0.01

_PROFILE_DIR: Path | None = None


# -- measuring -----------------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def profiled(label: str) -> Iterator[None]:
    """Profile the block into ``<dir>/<label>.prof`` when ``--profile`` is given."""
    if _PROFILE_DIR is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        _PROFILE_DIR.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(_PROFILE_DIR / f"{label}.prof")


def timed(label: str, call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``call`` takes, and what it returned.

    A full garbage collection first: with two in-memory stores of 100k
    entities in the process, one collection takes about half a second, and
    one owed by the previous step would otherwise land in this one's time.
    """
    gc.collect()
    with profiled(label):
        start = time.perf_counter()
        result = call()
        return time.perf_counter() - start, result


def row(scenario: str, size: int, seconds: float | None, **fields: Any) -> Row:
    return {"scenario": scenario, "size": size, "seconds": seconds, **fields}


def writes(cart: MemoryCart) -> int:
    return sum(cart.calls[op] for op in ("create", "update", "delete"))


def requests(*carts: MemoryCart) -> int:
    return sum(sum(cart.calls.values()) for cart in carts)


# -- 1. engine overhead ------------------------------------------------------------
def overhead(size: int) -> list[Row]:
    """memory -> memory ``full_migrate`` with the SQLite state store.

    Both carts live in this process, so the time is the engine's (plus the
    memory cart's own bookkeeping) with no network; peak RSS includes both
    stores, held in full by the memory carts.
    """
    source = MemoryCart(store_of(size), name="source")
    target = MemoryCart(name="target")
    with tempfile.TemporaryDirectory() as tmp, SQLiteStateStore(Path(tmp, "state.db")) as state:
        engine = SyncEngine(source, target, state=state)
        seconds, report = timed(f"overhead-{size}", engine.full_migrate)
    variants = report.summary().get("variant", {}).get("created", 0)  # counted besides
    assert report.ok and report.total("created") - variants == size, report.summary()
    return [
        row(
            "1 engine overhead: full_migrate memory→memory",
            size,
            seconds,
            entities=size,
            requests=requests(source, target),
            rss_mb=peak_rss_mb(),
        )
    ]


# -- 2. memory -----------------------------------------------------------------------
def memory(size: int) -> list[Row]:
    """Streaming source -> target that keeps nothing: the engine's own footprint."""
    baseline = peak_rss_mb()
    source = StreamingCart(store_of(size))
    target = DiscardCart()
    with tempfile.TemporaryDirectory() as tmp, SQLiteStateStore(Path(tmp, "state.db")) as state:
        engine = SyncEngine(source, target, state=state)
        seconds, report = timed(f"memory-{size}", engine.full_migrate)
    variants = report.summary().get("variant", {}).get("created", 0)  # counted besides
    assert report.ok and report.total("created") - variants == size, report.summary()
    return [
        row(
            "2 memory: full_migrate stream→discard",
            size,
            seconds,
            entities=size,
            requests=source.requests + target.requests,
            rss_mb=peak_rss_mb(),
            note=f"RSS after imports {baseline:.0f} MB",
        )
    ]


# -- 3. smart update cost -------------------------------------------------------------
def smart(size: int) -> list[Row]:
    """Full migration, idle smart updates, a 1% changed smart update, remigrate.

    The source's clock stamps one edit a minute while the store is built (a
    real shop's entities were last edited over months before it is migrated)
    and the changes come a day after the migration, so an incremental read
    returns what changed plus the few entities within the engine's overlap.
    """
    generator = store_of(size)
    clock = FakeClock(dt.datetime(2023, 1, 1, tzinfo=dt.UTC), tick=dt.timedelta(minutes=1))
    source = MemoryCart(generator, name="source", clock=clock.now)
    target = MemoryCart(name="target")
    name = "3 smart update"
    incremental = [Product, Customer, Order]
    with tempfile.TemporaryDirectory() as tmp, SQLiteStateStore(Path(tmp, "state.db")) as state:
        engine = SyncEngine(source, target, state=state)

        full_s, report = timed(f"smart-{size}-full", engine.full_migrate)
        assert report.ok, report.summary()
        full_req = requests(source, target)
        clock.advance(dt.timedelta(days=1))

        source.calls.clear()
        target.calls.clear()
        idle_s, report = timed(
            f"smart-{size}-idle", lambda: engine.smart_update(entities=incremental)
        )
        assert report.ok and writes(target) == 0, report.summary()
        idle_req = requests(source, target)

        source.calls.clear()
        target.calls.clear()
        idle_all_s, report = timed(f"smart-{size}-idle-all", engine.smart_update)
        assert report.ok and writes(target) == 0, report.summary()
        idle_all_req = requests(source, target)

        changed = change_one_percent(source, generator, clock.now())
        source.calls.clear()
        target.calls.clear()
        smart_s, report = timed(f"smart-{size}-changed", engine.smart_update)
        assert report.ok, report.summary()
        smart_req = requests(source, target)
        smart_writes = writes(target)
        written = report.total("created") + report.total("updated")

        source.calls.clear()
        target.calls.clear()
        remigrate_s, report = timed(
            f"smart-{size}-remigrate", lambda: engine.remigrate(confirm=True)
        )
        assert report.ok, report.summary()
        remigrate_req = requests(source, target)
    return [
        row(f"{name}: full_migrate", size, full_s, entities=size, requests=full_req),
        row(
            f"{name}: nothing changed (products, customers, orders)",
            size,
            idle_s,
            entities=size,
            requests=idle_req,
            ratio=("idle / full", idle_s / full_s),
            goal=("<=", IDLE_VS_FULL_GOAL),
            note="the types MemoryCart reads incrementally",
            why_not="a call's fixed cost (state queries, its run record) weighs more"
            " in a small store",
        ),
        row(
            f"{name}: nothing changed (all types)",
            size,
            idle_all_s,
            entities=size,
            requests=idle_all_req,
            ratio=("idle / full", idle_all_s / full_s),
            note="categories, brands, reviews are re-read in full and fingerprinted",
        ),
        row(
            f"{name}: 1% changed ({changed} entities)",
            size,
            smart_s,
            entities=changed,
            requests=smart_req,
            ratio=("smart / full", smart_s / full_s),
            goal=("<=", SMART_VS_FULL_GOAL),
            note=f"remigrate / full = {remigrate_s / full_s:.3g}",
            why_not=f"a changed entity costs {smart_s / changed * 1e6:.0f} us here (a target"
            " read and write, its state row, its report line), where the goal allows"
            f" {SMART_VS_FULL_GOAL * full_s / changed * 1e6:.0f} us;"
            f" full_migrate takes {full_s / size * 1e6:.0f} us per entity",
        ),
        row(
            f"{name}: write amplification",
            size,
            None,
            entities=changed,
            requests=smart_writes,
            ratio=("writes / changed", smart_writes / changed),
            goal=("==", 1.0),
            note=f"report: {written} created or updated",
        ),
        row(
            f"{name}: remigrate",
            size,
            remigrate_s,
            entities=size,
            requests=remigrate_req,
            rss_mb=peak_rss_mb(),
        ),
    ]


# -- 4. and 5. against real-shaped platforms --------------------------------------------
def ceiling(quick: bool) -> list[Row]:
    """4. cartmigrate against each platform's ceiling (``_platforms.ceiling``).

    In this process, not a child: the rows carry no RSS, and the simulators'
    latency is real time that a fresh interpreter would not change.
    """
    import _platforms

    print("… ceiling (WooCommerce, Shopify)", file=sys.stderr, flush=True)
    return _platforms.ceiling(quick)


def versus_script(quick: bool) -> list[Row]:
    """5. A one-request-at-a-time httpx script vs cartmigrate (``_platforms.versus_script``)."""
    import _platforms

    print("… script vs cartmigrate (WooCommerce)", file=sys.stderr, flush=True)
    return [*_platforms.versus_script(quick), _platforms.shopify_script_row()]


def shopify_bulk(quick: bool) -> list[Row]:
    """6. Shopify bulk operations vs per-call ``productSet`` (``shopify_bulk``)."""
    import shopify_bulk as bulk

    print("… Shopify bulk vs per-call", file=sys.stderr, flush=True)
    return bulk.bulk_vs_per_call(quick)


SCENARIOS: dict[str, Callable[[int], list[Row]]] = {
    "overhead": overhead,
    "memory": memory,
    "smart": smart,
    **STATE_SCENARIOS,  # 6 state stores, 7 agency (bench/_state.py)
    **COST_SCENARIOS,  # 9 scan, 10 floor, 11 dry run, 12 state size (bench/_cost.py)
}
SIZES.update(STATE_SIZES)
SIZES.update(COST_SIZES)
IN_PROCESS: dict[str, Callable[[bool], list[Row]]] = {
    "ceiling": ceiling,
    "script": versus_script,
    "bulk": shopify_bulk,
}


# -- orchestration ------------------------------------------------------------------------
def run_child(scenario: str, size: int, timeout: float, src: Path | None = None) -> list[Row]:
    """Run one measurement in a fresh interpreter and collect its rows.

    ``src`` runs it against another tree's ``src`` directory (``--baseline``).
    """
    command = [sys.executable, str(Path(__file__)), "--child", scenario, str(size)]
    if _PROFILE_DIR is not None:
        command += ["--profile", str(_PROFILE_DIR)]
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark {scenario} at {size} failed (exit {done.returncode})")
    rows: list[Row] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def compare(before: list[Row], after: list[Row]) -> list[Row]:
    """Each row of the older code, then this tree's with the speed-up measured against it."""
    rows: list[Row] = []
    for old, new in zip(before, after, strict=True):
        rows.append({**old, "scenario": f"{old['scenario']} — before", "before": True})
        if old.get("seconds") and new.get("seconds"):
            new = {**new, "speedup": old["seconds"] / new["seconds"]}
        rows.append(new)
    return rows


def add_goals(rows: list[Row], quick: bool) -> None:
    """Attach the goals that compare rows of different measurements."""
    for r in rows:
        if r.get("before"):
            r.pop("goal", None)
            continue
        if r["scenario"].startswith("1 ") and r["size"] == 100_000:
            r["goal"] = (">=", OVERHEAD_GOAL)
            r["ratio"] = ("entities/s", r["entities"] / r["seconds"])
            r["why_not"] = (
                "this shared 2-core machine varies by ±10% from run to run, and ~15% of"
                " the time is CPython's GC walking the two in-memory stores"
                " (docs/performance.md)"
            )
    add_cost_goals(rows)
    memory_rows = sorted(
        (r for r in rows if r["scenario"].startswith("2 ") and not r.get("before")),
        key=lambda r: r["size"],
    )
    if len(memory_rows) >= 2:
        small, large = memory_rows[0], memory_rows[-1]
        label = f"RSS {large['size'] // 1000}k / {small['size'] // 1000}k"
        large["ratio"] = (label, large["rss_mb"] / small["rss_mb"])
        large["goal"] = ("<=", MEMORY_RATIO_GOAL)
        large["ceiling"] = large["rss_mb"] <= MEMORY_CEILING_MB
        if not quick:
            large["note"] = (
                large.get("note", "") + f"; ceiling {MEMORY_CEILING_MB:.0f} MB "
                f"{'met' if large['ceiling'] else 'NOT met'}"
            )


def _fmt_int(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def met(r: Row) -> str:
    if "goal" not in r or "ratio" not in r:
        return ""
    op, goal = r["goal"]
    value = r["ratio"][1]
    ok = {"<=": value <= goal, ">=": value >= goal, "==": abs(value - goal) < 1e-9}[op]
    if r.get("ceiling") is False:
        ok = False
    return "yes" if ok else "**no**"


def _note(r: Row) -> str:
    """The row's note, and for a goal not met, why (the issue asks for the reason)."""
    note = str(r.get("note", ""))
    if met(r) == "**no**" and r.get("why_not"):
        note = f"{note}; not met: {r['why_not']}" if note else f"not met: {r['why_not']}"
    return note


def table(rows: list[Row]) -> str:
    head = (
        "| scenario | size | time (s) | entities/s | requests | req/entity | peak RSS (MB)"
        " | ratio | goal | met | speed-up | note |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        seconds = r.get("seconds")
        entities = r.get("entities")
        reqs = r.get("requests")
        ratio = r.get("ratio")
        goal = r.get("goal")
        lines.append(
            "| "
            + " | ".join(
                [
                    r["scenario"],
                    _fmt_int(r["size"]) if r["size"] else "—",
                    "—" if seconds is None else f"{seconds:.3f}",
                    "—" if not (seconds and entities) else _fmt_int(entities / seconds),
                    _fmt_int(reqs),
                    "—" if not (reqs is not None and entities) else f"{reqs / entities:.2f}",
                    "—" if r.get("rss_mb") is None else f"{r['rss_mb']:.0f}",
                    "" if ratio is None else f"{ratio[0]} = {ratio[1]:.4g}",
                    "" if goal is None else f"{goal[0]} {goal[1]:g}",
                    met(r),
                    f"{r['speedup']:.2f}x" if r.get("speedup") else "",
                    _note(r),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def environment() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "bench"],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=False,
        ).stdout.strip()
    except OSError:
        commit, dirty = "?", ""
    return (
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()},"
        f" commit {commit}{' + local changes' if dirty else ''},"
        f" {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def main(argv: Sequence[str] | None = None) -> None:
    global _PROFILE_DIR
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--only", help=f"comma-separated: {', '.join([*SCENARIOS, *IN_PROCESS])}")
    parser.add_argument("--json", type=Path, help="also write the raw rows here")
    parser.add_argument("--profile", type=Path, help="write a cProfile per measurement here")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of older code: run every measurement on it too, right after this"
        " tree's, and report the speed-up (its src must have StoreGenerator.entity)",
    )
    parser.add_argument(
        "--sizes", type=lambda v: [int(x) for x in v.split(",")], help="override the sizes"
    )
    parser.add_argument("--child", nargs=2, metavar=("SCENARIO", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _PROFILE_DIR = args.profile

    if args.child:
        scenario, size = args.child
        print(json.dumps(SCENARIOS[scenario](int(size))))
        return

    wanted = set(args.only.split(",")) if args.only else {*SCENARIOS, *IN_PROCESS}
    unknown = wanted - {*SCENARIOS, *IN_PROCESS}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    rows: list[Row] = []
    timeout = 120 if args.quick else 3600
    for scenario in SCENARIOS:
        if scenario not in wanted:
            continue
        full, quick = SIZES[scenario]
        for size in args.sizes or (quick if args.quick else full):
            print(f"… {scenario} at {size:,}", file=sys.stderr, flush=True)
            after = run_child(scenario, size, timeout)
            if args.baseline is not None:
                before = run_child(scenario, size, timeout, src=args.baseline / "src")
                rows.extend(compare(before, after))
            else:
                rows.extend(after)
    for scenario, function in IN_PROCESS.items():
        if scenario in wanted:
            rows.extend(function(args.quick))
    add_goals(rows, args.quick)
    print(f"{'Quick run' if args.quick else 'Full run'}: {environment()}.")
    print(f"Total {time.perf_counter() - started:.0f} s.\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
