"""Scenario 8: Shopify bulk operations vs one ``productSet`` per product.

    python bench/run.py --only bulk           # 10,000 products x 3 variants
    python bench/run.py --only bulk --quick   # 500 products

The same store (products with three variants each, generated from one seed)
is migrated twice into the Shopify simulator with its real cost bucket
(1,000 points, restoring 50 a second: a standard plan), on a ``FakeClock``:
once with ``bulk_threshold=None`` (one ``productSet`` request each), once
with the default threshold (one bulk mutation operation per batch of 2,000;
the quick run lowers it to 250 so that its 500 products make one).
Both must end with the same shop (compared product by product); the rows give
requests, cost points spent and the time the run takes on the clock, side by
side, and their ratio.

The points and requests are what the protocol costs. The bulk time also
depends on how fast Shopify runs the lines of a bulk operation, which it does
not publish: the simulator runs ``BULK_RATE`` lines a second, an assumption
stated in the row. Per-call time is set by the bucket (10 points a
``productSet``, 50 points a second: at most 5 products a second).
"""

from __future__ import annotations

import math
import time
from typing import Any

from cartmigrate import MemoryCart, SyncEngine
from cartmigrate.connectors._http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.shopify._bulk import BULK_THRESHOLD
from cartmigrate.testing import FakeClock, StoreGenerator

Row = dict[str, Any]

SIZES = (10_000, 500)  # (full run, --quick)
CAPACITY, RESTORE = 1000.0, 50.0
LATENCY = 0.05
BULK_RATE = 20.0  # lines a second: the simulator's assumption (see the docstring)
TOKEN = "shpat_bench"
SPEEDUP_GOAL = 2.0


class _Timer:
    """The connector's clock on the ``FakeClock``, in whole microseconds."""

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake

    def monotonic(self) -> float:
        return self.fake.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.fake.sleep(math.ceil(seconds * 1e6) / 1e6)


def _store(size: int) -> StoreGenerator:
    return StoreGenerator(
        seed=11, categories=0, manufacturers=0, products=size, customers=0, orders=0, reviews=0
    )


def _shop(sim: Any) -> list[tuple[Any, ...]]:
    """What the shop holds, product by product, independent of ids and order."""
    store = sim.store
    return sorted(
        (
            p["title"],
            p["metafields"].get(("cartmigrate", "source_ref"), {}).get("value"),
            tuple(
                (
                    store.variants[v]["sku"],
                    store.variants[v]["price"],
                    tuple(store.variants[v]["levels"].values()),
                    tuple((o["name"], o["value"]) for o in store.variants[v]["selectedOptions"]),
                )
                for v in p["variants"]
            ),
        )
        for p in store.products.values()
    )


def _run(schema: Any, size: int, *, threshold: int | None) -> tuple[Row, list[tuple[Any, ...]]]:
    from cartmigrate.testing.shopify import ShopifySimulator

    clock = FakeClock()
    sim = ShopifySimulator(
        schema=schema,
        clock=clock,
        capacity=CAPACITY,
        restore_rate=RESTORE,
        latency=LATENCY,
        access_token=TOKEN,
        bulk_rate=BULK_RATE,
    )
    timer = _Timer(clock)
    target = ShopifyCart(
        sim.shop,
        TOKEN,
        transport=sim.transport,
        bucket=CostBucket(CAPACITY, RESTORE, clock=timer.monotonic, sleep=timer.sleep),
        sleep=timer.sleep,
        clock=timer.monotonic,
        max_concurrency=1,
        bulk_threshold=threshold,
    )
    source = MemoryCart(_store(size))
    start, wall = clock.monotonic(), time.perf_counter()
    report = SyncEngine(source, target, clock=clock.now).full_migrate()
    seconds = clock.monotonic() - start
    wall = time.perf_counter() - wall
    assert report.ok, report.summary()
    assert report.summary()["product"]["created"] == size, report.summary()
    served = [r for r in sim.requests if r.status == 200 and not r.throttled and r.cost]
    points = sum(r.cost or 0 for r in served)
    shop = _shop(sim)
    how = (
        "per-call productSet" if threshold is None else f"bulk operations (threshold {threshold:,})"
    )
    row: Row = {
        "scenario": f"8 Shopify {how}, {size:,} products x 3 variants, FakeClock time",
        "size": size,
        "seconds": seconds,
        "entities": size,
        "requests": len(sim.requests),
        "points": points,
        "note": f"{points:,} points; {wall:.1f} s wall",
    }
    return row, shop


def bulk_vs_per_call(quick: bool) -> list[Row]:
    from _platforms import SHOPIFY_SCHEMA

    from cartmigrate.testing.shopify import load_schema

    size = SIZES[quick]
    if not SHOPIFY_SCHEMA.is_file():
        return [
            {
                "scenario": "8 Shopify bulk vs per-call",
                "size": 0,
                "seconds": None,
                "note": f"not run: {SHOPIFY_SCHEMA} is absent",
            }
        ]
    schema = load_schema(SHOPIFY_SCHEMA)
    # The default threshold (1,000) where the run is big enough; the quick run
    # lowers it so that its 500 products still make one bulk operation.
    threshold = min(BULK_THRESHOLD, size // 2)
    per_call, per_call_shop = _run(schema, size, threshold=None)
    bulk, bulk_shop = _run(schema, size, threshold=threshold)
    same = per_call_shop == bulk_shop
    bulk["ratio"] = ("per-call time / bulk time", per_call["seconds"] / bulk["seconds"])
    bulk["goal"] = (">=", SPEEDUP_GOAL)
    bulk["note"] = (
        f"{bulk['note']}; requests {per_call['requests'] / bulk['requests']:.0f}x fewer,"
        f" points {per_call['points'] / max(1, bulk['points']):.0f}x fewer;"
        f" shops {'equal' if same else 'DIFFER'}; assumes {BULK_RATE:.0f} bulk lines/s"
    )
    if not same:
        raise SystemExit("bulk and per-call migrations ended with different shops")
    return [per_call, bulk]
