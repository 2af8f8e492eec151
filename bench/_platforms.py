"""Scenarios 4 and 5: cartmigrate against the WooCommerce and Shopify simulators.

Why two kinds of time. A ``FakeClock`` has one time line: when four threads
each sleep 50 ms of latency on it, it moves 200 ms, so concurrency can never
show on it. The latency-bound WooCommerce runs therefore use real wall time
(``RealClock``: real ``sleep``, real ``now``), with stores small enough to
keep the run short. The Shopify runs are bound by the cost bucket, whose
waits are serial by nature; they run on a ``FakeClock`` with one request at a
time, so minutes of bucket refill cost milliseconds and the figure is exact
and repeatable.

Stores here hold products (three variants each) and orders only: that is what
the hand-written script of scenario 5 copies, so both sides do the same job.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from cartmigrate import Cart, MemoryCart, Report, SQLiteStateStore, SyncEngine
from cartmigrate.connectors._http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.connectors.woocommerce._emails import EMAILS as WC_EMAILS
from cartmigrate.testing import FakeClock, StoreGenerator
from cartmigrate.testing.woocommerce import WooCommerceSimulator

Row = dict[str, Any]

LATENCY = 0.05  # seconds per request, both platforms
WC_CONCURRENCY = 4  # WooCommerceCart's default max_concurrency
#: What a store with the PHP workers to spare can be asked for (scenario 5).
WC_RAISED_CONCURRENCY = 8
WC_BATCH = 100  # WooCommerce's /batch limit
SHOPIFY_CAPACITY = 1000.0  # standard plan bucket
SHOPIFY_RESTORE = 50.0  # points per second, standard plan
SHOPIFY_SCHEMA = (
    Path(
        os.environ.get("CARTMIGRATE_SHARED")
        or Path(__file__).resolve().parent.parent.parent / "shared"
    )
    / "specs"
    / "shopify"
    / "admin_schema_2026-01_public.graphql.gz"
)
KEY, SECRET = "ck_bench", "cs_bench"
TOKEN = "shpat_bench"

#: (full run, --quick): products and orders each.
WC_SIZES = (300, 60)
SCRIPT_SIZES = (300, 12)
SHOPIFY_SIZES = (300, 60)

CEILING_GOAL = 0.9
REQ_PER_PRODUCT_GOAL = 0.05
SCRIPT_GOAL = 10.0


# -- clocks ---------------------------------------------------------------------------
class RealClock(FakeClock):
    """A ``FakeClock`` whose time is the real one, so simulated latency is really slept.

    The simulators take a ``FakeClock``; sleeping for real outside their store
    lock is what lets concurrent requests overlap as they would on a server.
    """

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class BucketClock:
    """The Shopify connector's bucket clock on a ``FakeClock``, in whole microseconds.

    ``FakeClock`` steps in microseconds; a bucket asking to wait a fraction of
    one would otherwise see no time pass and spin (same as tests/shopify).
    """

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake

    def monotonic(self) -> float:
        return self.fake.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.fake.sleep(math.ceil(seconds * 1e6) / 1e6)


# -- helpers --------------------------------------------------------------------------
def store(size: int) -> StoreGenerator:
    """``size`` products (three variants each) and ``size`` orders, nothing else."""
    return StoreGenerator(
        seed=7, categories=0, manufacturers=0, products=size, customers=0, orders=size, reviews=0
    )


def wc_sim(latency: float = LATENCY) -> WooCommerceSimulator:
    return WooCommerceSimulator(
        consumer_key=KEY, consumer_secret=SECRET, clock=RealClock(), latency=latency
    )


def wc_cart(
    sim: WooCommerceSimulator, name: str = "woocommerce", *, concurrency: int = WC_CONCURRENCY
) -> WooCommerceCart:
    """cartmigrate's WooCommerce connector, by default with its default concurrency.

    Its own client-side throttle is lifted (the simulator has no rate limit,
    like a WooCommerce without a security plugin), so latency is the limit.
    """
    return WooCommerceCart(
        "https://shop.example",
        KEY,
        SECRET,
        transport=sim.transport,
        requests_per_second=10_000.0,
        burst=10_000.0,
        max_concurrency=concurrency,
        name=name,
    )


def migrate(source: Cart, target: Cart) -> tuple[float, Report]:
    """``full_migrate`` with a fresh SQLite state; real wall seconds and the report."""
    with tempfile.TemporaryDirectory() as tmp, SQLiteStateStore(Path(tmp, "state.db")) as state:
        start = time.perf_counter()
        report = SyncEngine(source, target, state=state).full_migrate()
        return time.perf_counter() - start, report


def _created(report: Report, size: int) -> None:
    assert report.ok, report.summary()
    assert report.summary()["product"]["created"] == size, report.summary()
    assert report.summary()["order"]["created"] == size, report.summary()


def wc_min_requests(generator: StoreGenerator) -> int:
    """The fewest WooCommerce REST requests that can write this store.

    Products and orders go 100 per ``/batch``; a variable product's variations
    need their own request (``/products/{id}/variations/batch``: REST v3 cannot
    create them inline); an order's status history is an order note, and notes
    have no batch route (one ``POST /orders/{id}/notes`` per order). Before
    its first customer or order, a cart that keeps the store from e-mailing
    reads each e-mail's setting and switches off those that are on (all, on
    a fresh simulator).
    """
    products = list(generator.iter_products())
    orders = list(generator.iter_orders())
    return (
        2 * len(WC_EMAILS)
        + math.ceil(len(products) / WC_BATCH)
        + sum(1 for p in products if p.variants)
        + math.ceil(len(orders) / WC_BATCH)
        + sum(1 for o in orders if o.status_history)
        + sum(1 for o in orders for s in o.shipments if s.tracking_number)
    )


# -- 4. against the platform ceiling ----------------------------------------------------
def wc_ceiling(quick: bool) -> list[Row]:
    """MemoryCart → WooCommerce simulator, 50 ms a request, real time.

    Ceiling: the fewest requests the store needs (``wc_min_requests``) sent
    ``WC_CONCURRENCY`` at a time, each taking the latency; the source is in
    memory, so there are no reads. Achieved ÷ ceiling = ceiling time ÷ wall time.
    """
    size = WC_SIZES[quick]
    generator = store(size)
    sim = wc_sim()
    target = wc_cart(sim)
    try:
        seconds, report = migrate(MemoryCart(generator), target)
    finally:
        target.close()
    _created(report, size)
    entities = 2 * size
    minimum = wc_min_requests(generator)
    ceiling_s = minimum * LATENCY / WC_CONCURRENCY
    product_requests = sum(1 for r in sim.requests if r.path.startswith("wc/v3/products"))
    label = f"4 platform ceiling: WooCommerce ({LATENCY * 1000:.0f} ms, {WC_CONCURRENCY} at a time)"
    return [
        {
            "scenario": f"{label}, {size} products + {size} orders",
            "size": entities,
            "seconds": seconds,
            "entities": entities,
            "requests": len(sim.requests),
            "ratio": ("achieved / ceiling", ceiling_s / seconds),
            "goal": (">=", CEILING_GOAL),
            "note": f"ceiling {entities / ceiling_s:,.0f}/s = {minimum} requests"
            f" x {LATENCY * 1000:.0f} ms ÷ {WC_CONCURRENCY} = {ceiling_s:.2f} s",
            "why_not": "in a small store the steps that cannot overlap (probes, the"
            " e-mail switch, a type's first and last batch) weigh more",
        },
        {
            "scenario": "4 platform ceiling: WooCommerce requests per product",
            "size": size,
            "seconds": None,
            "entities": size,
            "requests": product_requests,
            "ratio": ("requests / product", product_requests / size),
            "goal": ("<=", REQ_PER_PRODUCT_GOAL),
            "note": "1 batch per 100 products + 1 variations batch per variable product"
            f" (REST floor {(math.ceil(size / WC_BATCH) + size) / size:.2f})",
            "why_not": "WooCommerce REST v3 can neither create nor list the variations of"
            " several products in one request: one request per variable product",
        },
    ]


def _shopify_schema() -> Any:
    from cartmigrate.testing.shopify import load_schema

    return load_schema(SHOPIFY_SCHEMA)


def shopify_ceiling(quick: bool) -> list[Row]:
    """MemoryCart → Shopify simulator: standard bucket (1,000 points, 50/s), 50 ms latency.

    Runs on a ``FakeClock`` with one request at a time (the bucket's waits are
    serial anyway; the latency overlaps the refill as it would in real time).
    Ceiling: the bucket starts full, so the fastest possible run spends the
    points cartmigrate spent, less the capacity, at the restore rate:
    ``(points - capacity) / restore`` seconds; in steady state that is
    ``restore / points per entity`` entities per second. Points are the
    simulator's recorded requested costs of requests it served.
    """
    from cartmigrate.testing.shopify import ShopifySimulator

    size = SHOPIFY_SIZES[quick]
    generator = store(size)
    clock = FakeClock()
    sim = ShopifySimulator(
        schema=_shopify_schema(),
        clock=clock,
        capacity=SHOPIFY_CAPACITY,
        restore_rate=SHOPIFY_RESTORE,
        latency=LATENCY,
        access_token=TOKEN,
    )
    timer = BucketClock(clock)
    target = ShopifyCart(
        sim.shop,
        TOKEN,
        transport=sim.transport,
        bucket=CostBucket(
            SHOPIFY_CAPACITY, SHOPIFY_RESTORE, clock=timer.monotonic, sleep=timer.sleep
        ),
        sleep=timer.sleep,
        max_concurrency=1,
    )
    start = clock.monotonic()
    wall, report = migrate(MemoryCart(generator), target)
    seconds = clock.monotonic() - start
    _created(report, size)
    entities = 2 * size
    served = [r for r in sim.requests if r.status == 200 and not r.throttled and r.cost]
    points = sum(r.cost or 0 for r in served)
    ceiling_s = max(0.0, points - SHOPIFY_CAPACITY) / SHOPIFY_RESTORE
    per_entity = points / entities
    by_operation: dict[str, int] = {}
    for r in served:
        by_operation[r.operation or "?"] = by_operation.get(r.operation or "?", 0) + (r.cost or 0)
    spent = ", ".join(f"{op} {p:,}" for op, p in sorted(by_operation.items(), key=lambda i: -i[1]))
    return [
        {
            "scenario": f"4 platform ceiling: Shopify (bucket {SHOPIFY_CAPACITY:,.0f} pts,"
            f" {SHOPIFY_RESTORE:.0f}/s, {LATENCY * 1000:.0f} ms), {size} products"
            f" + {size} orders, FakeClock time",
            "size": entities,
            "seconds": seconds,
            "entities": entities,
            "requests": len(sim.requests),
            "ratio": ("achieved / ceiling", ceiling_s / seconds if seconds else 0.0),
            "goal": (">=", CEILING_GOAL),
            "note": f"{per_entity:.1f} pts/entity → ceiling"
            f" {SHOPIFY_RESTORE / per_entity:.2f}/s steady; ({points:,} - capacity)"
            f" ÷ {SHOPIFY_RESTORE:.0f}/s = {ceiling_s:.1f} s; points: {spent};"
            f" {wall:.1f} s wall",
        }
    ]


def ceiling(quick: bool) -> list[Row]:
    rows = wc_ceiling(quick)
    if SHOPIFY_SCHEMA.is_file():
        rows += shopify_ceiling(quick)
    else:
        rows.append(_no_schema("4 platform ceiling: Shopify"))
    return rows


def _no_schema(scenario: str) -> Row:
    return {
        "scenario": scenario,
        "size": 0,
        "seconds": None,
        "note": f"skipped: Shopify's schema is not at {SHOPIFY_SCHEMA}",
    }


# -- 5. what a user would write instead ---------------------------------------------------
#: The product and variation fields a first script copies (the rest is read-only or ids).
_PRODUCT_FIELDS = (
    "name",
    "slug",
    "type",
    "status",
    "description",
    "short_description",
    "sku",
    "regular_price",
    "sale_price",
    "manage_stock",
    "stock_quantity",
    "stock_status",
    "weight",
    "images",
    "attributes",
)
_VARIATION_FIELDS = (
    "sku",
    "regular_price",
    "sale_price",
    "manage_stock",
    "stock_quantity",
    "stock_status",
    "attributes",
)
_ORDER_FIELDS = (
    "status",
    "currency",
    "customer_note",
    "billing",
    "shipping",
    "payment_method",
    "payment_method_title",
    "set_paid",
    "shipping_lines",
    "fee_lines",
    "coupon_lines",
)


def hand_written_copy(source: httpx.Client, target: httpx.Client) -> int:
    """Copy products (with variations) and orders the way a first script would.

    One request at a time, no batches: page through products, POST each, GET
    its variations and POST each; then page through orders and POST each with
    its lines pointed at the new product and variation ids. Returns how many
    requests it sent. No retries, no state, no resume: that is the point of
    comparison, not a shortcoming to fix here.
    """
    sent = 0

    def pages(client: httpx.Client, path: str) -> list[dict[str, Any]]:
        nonlocal sent
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            response = client.get(path, params={"per_page": 100, "page": page})
            sent += 1
            response.raise_for_status()
            items += response.json()
            if page >= int(response.headers.get("X-WP-TotalPages", "1")):
                return items
            page += 1

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        nonlocal sent
        response = target.post(path, json=body)
        sent += 1
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    new_product: dict[int, int] = {}
    new_variation: dict[int, int] = {}
    for product in pages(source, "products"):
        made = post("products", {k: product[k] for k in _PRODUCT_FIELDS if k in product})
        new_product[product["id"]] = made["id"]
        if product.get("type") != "variable":
            continue
        for variation in pages(source, f"products/{product['id']}/variations"):
            body = {k: variation[k] for k in _VARIATION_FIELDS if k in variation}
            new_variation[variation["id"]] = post(f"products/{made['id']}/variations", body)["id"]
    for order in pages(source, "orders"):
        body = {k: order[k] for k in _ORDER_FIELDS if k in order}
        body["line_items"] = [
            {
                "name": line.get("name"),
                "product_id": new_product.get(line.get("product_id") or 0, 0),
                "variation_id": new_variation.get(line.get("variation_id") or 0, 0),
                "quantity": line.get("quantity"),
                "subtotal": line.get("subtotal"),
                "total": line.get("total"),
            }
            for line in order.get("line_items", ())
        ]
        post("orders", body)
    return sent


def _native(sim: WooCommerceSimulator) -> None:
    """Strip cartmigrate's own meta from a store it filled, so it reads as a native one.

    Otherwise cartmigrate would find the status history in the orders' meta
    and skip reading their notes, which it must do on a real source.
    """
    store_ = sim.store
    for pool in (store_.products, store_.variations, store_.orders):
        for item in pool.values():
            meta = item.get("meta_data")
            if isinstance(meta, list):
                item["meta_data"] = [
                    m for m in meta if not str(m.get("key", "")).startswith("_cartmigrate")
                ]


def wc_source(size: int) -> WooCommerceSimulator:
    """A WooCommerce simulator holding ``store(size)``, filled without latency."""
    sim = wc_sim(latency=0.0)
    filler = wc_cart(sim, name="filler")
    try:
        _, report = migrate(MemoryCart(store(size)), filler)
    finally:
        filler.close()
    _created(report, size)
    _native(sim)
    sim.requests.clear()
    sim.latency = LATENCY
    return sim


def versus_script(quick: bool) -> list[Row]:
    """5. WooCommerce → WooCommerce at 50 ms: a one-request-at-a-time httpx script vs
    ``full_migrate``, on the same source store, each into an empty simulator, real time.

    The Shopify pair is not measured: see docs/performance.md (a script and
    cartmigrate are both bound by the same cost bucket there, not by latency).
    """
    size = SCRIPT_SIZES[quick]
    source = wc_source(size)
    auth = httpx.BasicAuth(KEY, SECRET)
    base = "https://shop.example/wp-json/wc/v3/"

    script_target = wc_sim()
    with (
        httpx.Client(transport=source.transport, base_url=base, auth=auth) as read,
        httpx.Client(transport=script_target.transport, base_url=base, auth=auth) as write,
    ):
        start = time.perf_counter()
        script_requests = hand_written_copy(read, write)
        script_s = time.perf_counter() - start
    assert len(script_target.store.products) == size, len(script_target.store.products)
    assert len(script_target.store.orders) == size, len(script_target.store.orders)
    entities = 2 * size
    label = f"5 vs a hand-written script: WooCommerce→WooCommerce ({LATENCY * 1000:.0f} ms)"

    rows: list[Row] = [
        {
            "scenario": f"{label}, httpx one request at a time",
            "size": entities,
            "seconds": script_s,
            "entities": entities,
            "requests": script_requests,
            "note": f"{size} products (3 variations each) + {size} orders",
        }
    ]
    for concurrency in (WC_CONCURRENCY, WC_RAISED_CONCURRENCY):
        source.requests.clear()
        target_sim = wc_sim()
        reader = wc_cart(source, name="source", concurrency=concurrency)
        writer = wc_cart(target_sim, concurrency=concurrency)
        try:
            seconds, report = migrate(reader, writer)
        finally:
            reader.close()
            writer.close()
        _created(report, size)
        default = concurrency == WC_CONCURRENCY
        rows.append(
            {
                "scenario": f"{label}, cartmigrate full_migrate, max_concurrency={concurrency}"
                + (" (default)" if default else ""),
                "size": entities,
                "seconds": seconds,
                "entities": entities,
                "requests": len(source.requests) + len(target_sim.requests),
                "ratio": ("script / cartmigrate", script_s / seconds),
                "goal": (">=", SCRIPT_GOAL),
                "note": f"{concurrency} at a time on each store, reading ahead;"
                " reads order notes and tracking, writes notes",
                "why_not": (
                    "both sides send about as many requests, so the ratio is bounded by"
                    f" how many each store takes at once ({concurrency} here; the default"
                    " 4 spares a live shop's PHP workers), and in a small store by the"
                    " steps that cannot overlap"
                ),
            }
        )
    return rows


def shopify_script_row() -> Row:
    return {
        "scenario": "5 vs a hand-written script: Shopify",
        "size": 0,
        "seconds": None,
        "note": "not measured: cost-bound, not latency-bound (see docs/performance.md)",
    }
