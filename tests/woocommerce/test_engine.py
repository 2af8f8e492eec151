"""SyncEngine end to end with WooCommerce on either side, with faults and rate limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from cartmigrate import (
    Category,
    Customer,
    Manufacturer,
    MemoryCart,
    Order,
    Product,
    Review,
    Shipment,
    SQLiteStateStore,
    SyncEngine,
)
from cartmigrate.models import ENTITY_TYPES, Entity, plain
from cartmigrate.testing.woocommerce import FaultPlan, WooCommerceSimulator

#: Fields that identify content (ids differ between stores and are left out).
_COMPARED: dict[type[Entity], tuple[str, ...]] = {
    Category: ("name", "slug", "description"),
    Manufacturer: ("name",),
    Product: ("name", "sku", "description", "price", "quantity", "images", "slug", "weight"),
    Customer: ("email", "first_name", "last_name", "addresses", "group"),
    Order: (
        "status",
        "currency",
        "email",
        "subtotal",
        "status_history",
        "shipments",
        "billing_address",
    ),
    Review: ("rating", "author", "email"),
}


def snapshot(cart: Any) -> dict[str, list[Any]]:
    """The store's content without its ids, sorted, for comparing two stores."""
    view: dict[str, list[Any]] = {}
    for kind in ENTITY_TYPES:
        rows = []
        for entity in cart.read(kind):
            row = {f: plain(getattr(entity, f)) for f in _COMPARED[kind]}
            if isinstance(entity, Product):
                row["variants"] = sorted(
                    (v.sku, plain(v.price), v.quantity, dict(v.options)) for v in entity.variants
                )
            if isinstance(entity, Order):
                row["lines"] = sorted(
                    (line.name, line.quantity, plain(line.price)) for line in entity.lines
                )
            rows.append(row)
        view[kind.kind] = sorted(rows, key=repr)
    return view


def migrate_until_clean(engine: SyncEngine, *, smart: bool = False, rounds: int = 8) -> int:
    """Run the engine until a call reports no failure; return how many calls it took."""
    for attempt in range(1, rounds + 1):
        report = engine.smart_update() if smart else engine.full_migrate()
        if not report.failures:
            return attempt
    raise AssertionError(f"still failing after {rounds} calls: {report.failures[:3]}")


def test_memory_to_woocommerce_and_back(
    small_store: MemoryCart, sim: WooCommerceSimulator, make_cart: Any
) -> None:
    cart = make_cart(sim)
    report = SyncEngine(small_store, cart, clock=sim.clock.now).full_migrate()
    assert not report.failures, report.failures[:3]
    assert cart.count(Product) == small_store.count(Product) and cart.count(
        Order
    ) == small_store.count(Order)
    assert len(sim.store.reviews) == small_store.count(Review)
    back = MemoryCart()
    report = SyncEngine(cart, back, clock=sim.clock.now).full_migrate()
    assert not report.failures, report.failures[:3]
    assert snapshot(back) == snapshot(cart)
    migrated = sorted((plain(o.status_history) for o in back.list(Order)), key=repr)
    assert migrated == sorted((plain(o.status_history) for o in small_store.list(Order)), key=repr)
    customers = sorted((c.email, plain(c.addresses), c.group) for c in back.list(Customer))
    assert customers == sorted(
        (c.email, plain(c.addresses), c.group) for c in small_store.list(Customer)
    )


def test_smart_update_carries_stock_and_status(
    small_store: MemoryCart, sim: WooCommerceSimulator, make_cart: Any
) -> None:
    cart = make_cart(sim)
    engine = SyncEngine(small_store, cart, clock=sim.clock.now)
    assert not engine.full_migrate().failures
    product = small_store.list(Product)[0]
    order = small_store.list(Order)[0]
    small_store.add(_evolve(product, quantity=3))
    small_store.add(_evolve(order, status="completed"))
    report = engine.smart_update()
    assert not report.failures, report.failures[:3]
    target = {p.sku: p for p in cart.read(Product)}[product.sku]
    assert target.quantity == 3
    completed = sum(o.status == "completed" for o in small_store.list(Order))
    assert sum(o.status == "completed" for o in cart.read(Order)) == completed


def _evolve(entity: Any, **changes: Any) -> Any:
    return attrs.evolve(entity, **changes)


def test_with_faults_the_result_equals_a_fault_free_run(
    small_store: MemoryCart, make_sim: Any, make_cart: Any
) -> None:
    clean_sim = make_sim()
    clean = make_cart(clean_sim)
    clean_engine = SyncEngine(small_store, clean, clock=clean_sim.clock.now)
    assert migrate_until_clean(clean_engine) == 1

    faulty_sim = make_sim(faults=FaultPlan(rate=0.10, seed=7))
    faulty = make_cart(faulty_sim, max_concurrency=1)
    engine = SyncEngine(small_store, faulty, clock=faulty_sim.clock.now)
    migrate_until_clean(engine)
    small_store.add(_evolve(small_store.list(Product)[1], quantity=1))
    migrate_until_clean(engine, smart=True)
    assert migrate_until_clean(clean_engine, smart=True) == 1

    assert set(faulty_sim.injected) >= {"429", "5xx", "timeout", "lost"}
    faulty_sim.set_faults(None)
    assert snapshot(faulty) == snapshot(clean)
    skus = [p["sku"] for p in faulty_sim.store.products.values()]
    assert len(skus) == len(set(skus)) == small_store.count(Product)
    assert len(faulty_sim.store.orders) == small_store.count(Order)
    assert len(faulty_sim.store.customers) == small_store.count(Customer)
    assert len(faulty_sim.store.reviews) == small_store.count(Review)
    stock = {p["sku"]: p["stock_quantity"] for p in faulty_sim.store.products.values()}
    assert stock == {p["sku"]: p["stock_quantity"] for p in clean_sim.store.products.values()}


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_faulty_source_read_ahead_loses_nothing(
    small_store: MemoryCart, make_sim: Any, make_cart: Any, seed: int
) -> None:
    source_sim = make_sim()
    source = make_cart(source_sim)
    assert migrate_until_clean(SyncEngine(small_store, source, clock=source_sim.clock.now)) == 1
    source_sim.set_faults(FaultPlan(rate=0.10, seed=seed))
    target = MemoryCart()
    # Small batches, so the worker reads several ahead, into the next type too.
    engine = SyncEngine(source, target, clock=source_sim.clock.now, batch_size=4)
    migrate_until_clean(engine)
    assert source_sim.injected  # the reads did fail now and then
    source_sim.set_faults(None)
    assert snapshot(target) == snapshot(source)
    assert len(target.list(Order)) == small_store.count(Order)


def test_a_bad_record_fails_alone_with_the_platform_message(
    small_store: MemoryCart, sim: WooCommerceSimulator, make_cart: Any
) -> None:
    cart = make_cart(sim)
    bad = _evolve(small_store.list(Order)[0], status="wc-unregistered")
    small_store.add(bad)
    report = SyncEngine(small_store, cart, clock=sim.clock.now).full_migrate()
    assert [(f.entity, f.source_id, f.field) for f in report.failures] == [
        ("order", bad.id, "status")
    ]
    # Refused before sending (#4): /orders/batch would have stored it as pending.
    assert "'wc-unregistered'" in report.failures[0].message
    assert "is not registered" in report.failures[0].message
    assert cart.count(Order) == small_store.count(Order) - 1


def test_woocommerce_to_memory_incrementally(sim: WooCommerceSimulator, make_cart: Any) -> None:
    cart = make_cart(sim)
    for i in range(5):
        sim.seed(
            "products", {"name": f"P{i}", "sku": f"S{i}", "manage_stock": True, "stock_quantity": 5}
        )
    target = MemoryCart()
    engine = SyncEngine(cart, target, clock=sim.clock.now)
    assert not engine.full_migrate().failures
    sim.clock.advance(3600)
    first = next(iter(sim.store.products))
    sim.store.save_product({"stock_quantity": 1}, first)
    before = len(sim.requests)
    report = engine.smart_update()
    assert not report.failures
    reads = [
        r
        for r in sim.requests[before:]
        if r.path == "wc/v3/products" and "modified_after" in r.query
    ]
    assert reads, "smart_update reads products incrementally"
    assert {p.sku: p.quantity for p in target.list(Product)}[sim.store.products[first]["sku"]] == 1


def test_429_retry_after_is_honoured(
    small_store: MemoryCart, make_sim: Any, make_cart: Any
) -> None:
    sim = make_sim(rate_limit=(20, 10.0))
    cart = make_cart(sim, max_concurrency=1)  # one request at a time: each learns of the 429
    report = SyncEngine(small_store, cart, clock=sim.clock.now).full_migrate()
    assert not report.failures
    assert sim.throttled > 0 and sim.early_retries == 0


def test_throttle_keeps_under_the_limit(
    small_store: MemoryCart, make_sim: Any, make_cart: Any
) -> None:
    sim = make_sim(rate_limit=(10, 5.0))
    cart = make_cart(sim, requests_per_second=1.0, burst=4.0)
    report = SyncEngine(small_store, cart, clock=sim.clock.now).full_migrate()
    assert not report.failures and sim.throttled == 0
    assert sim.clock.slept > 0


class _Crash(BaseException):
    """Stands for the process dying: nothing in the library catches it."""


@pytest.mark.parametrize("crash_at", [1, 3, 9, 17, 26, 33])
def test_a_crash_after_a_write_landed_resumes_without_duplicates(
    tmp_path: Path, small_store: MemoryCart, make_sim: Any, make_cart: Any, crash_at: int
) -> None:
    """The process dies right after WooCommerce applied a write, before the answer
    arrived; a new process on the same state finishes the migration."""
    sim = make_sim()
    writes = 0

    def dying(request: httpx.Request) -> httpx.Response:
        nonlocal writes
        response = sim.handle(request)
        if request.method in ("POST", "PUT") and "/settings/" not in request.url.path:
            writes += 1
            if writes == crash_at:
                raise _Crash
        return response

    state = tmp_path / "state.db"
    crashing = make_cart(sim, transport=httpx.MockTransport(dying))
    with pytest.raises(_Crash), SQLiteStateStore(state) as store:
        SyncEngine(small_store, crashing, state=store, clock=sim.clock.now).full_migrate()
    with SQLiteStateStore(state) as store:
        report = SyncEngine(
            small_store, make_cart(sim), state=store, clock=sim.clock.now
        ).full_migrate()
    assert report.ok, report.failures
    skus = [p["sku"] for p in sim.store.products.values()]
    emails = [c["email"] for c in sim.store.customers.values()]
    assert sorted(skus) == sorted(p.sku for p in small_store.list(Product))
    assert sorted(emails) == sorted(c.email for c in small_store.list(Customer))
    assert len(sim.store.orders) == small_store.count(Order)
    assert len(sim.store.reviews) == small_store.count(Review)


@pytest.mark.parametrize("when", ["create", "update"])
def test_a_tracking_number_whose_post_failed_is_posted_later(
    make_sim: Any, make_cart: Any, when: str
) -> None:
    sim = make_sim()
    failing = [1]

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and "shipment-trackings" in request.url.path and failing[0]:
            failing[0] -= 1
            return httpx.Response(
                503, json={"code": "busy", "message": "busy", "data": {"status": 503}}
            )
        return sim.handle(request)

    shipped = [Shipment(carrier="DHL", tracking_number="TRK-1")]
    order = Order(
        id="o1",
        number="1001",
        status="processing",
        lines=[],
        shipments=shipped if when == "create" else [],
    )
    source = MemoryCart([order], clock=sim.clock.now)
    cart = make_cart(sim, transport=httpx.MockTransport(flaky))
    engine = SyncEngine(source, cart, clock=sim.clock.now)
    engine.full_migrate()
    if when == "update":
        sim.clock.advance(600)
        source.add(attrs.evolve(order, status="completed", shipments=shipped))
    for _ in range(3):
        sim.clock.advance(600)
        engine.smart_update()
    (stored,) = sim.store.trackings.values()
    assert [t["tracking_number"] for t in stored] == ["TRK-1"]  # posted once, not lost
