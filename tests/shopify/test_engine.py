"""SyncEngine from a MemoryCart into Shopify (the simulator), with and without faults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from cartmigrate import (
    Address,
    Category,
    Customer,
    Manufacturer,
    MemoryCart,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Review,
    Shipment,
    ShipmentLine,
    SQLiteStateStore,
    StatusChange,
    SyncEngine,
    Variant,
)
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import TOKEN, assert_documents_valid, make_cart

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def source_store(clock: FakeClock) -> MemoryCart:
    entities: list[Any] = [
        Category(id="c1", name="Clothing", slug="clothing"),
        Category(id="c2", name="Shirts", slug="shirts", parent_id="c1"),
        Manufacturer(id="m1", name="Acme"),
    ]
    for n in range(6):
        entities.append(
            Product(
                id=f"p{n}",
                name=f"Mug {n}",
                sku=f"MUG-{n}",
                price="7.50",
                quantity=10 + n,
                category_ids=["c1"],
                manufacturer_id="m1",
                images=[f"https://img.example.com/mug{n}.png"],
            )
        )
    entities.append(
        Product(
            id="tee",
            name="Tee",
            category_ids=["c2"],
            variants=[
                Variant(
                    id="tee-s",
                    sku="TEE-S",
                    price="19.99",
                    quantity=5,
                    options={"Size": "S", "Colour": "Red"},
                ),
                Variant(
                    id="tee-m",
                    sku="TEE-M",
                    price="19.99",
                    quantity=0,
                    options={"Size": "M", "Colour": "Red"},
                    stock_status="out_of_stock",
                ),
            ],
        )
    )
    for n in range(4):
        entities.append(
            Customer(
                id=f"u{n}",
                email=f"customer{n}@example.com",
                first_name=f"Name{n}",
                addresses=[Address(line1=f"{n} Main St", city="Berlin", country="DE")],
            )
        )
    statuses = [
        OrderStatus.PENDING,
        OrderStatus.PROCESSING,
        OrderStatus.COMPLETED,
        OrderStatus.CANCELLED,
        OrderStatus.ON_HOLD,
    ]
    for n, status in enumerate(statuses):
        history = [StatusChange(status="pending", at=T0 + dt.timedelta(days=n))]
        if status != OrderStatus.PENDING:
            history.append(
                StatusChange(
                    status=status,
                    at=T0 + dt.timedelta(days=n, hours=5),
                    comment=f"moved to {status}",
                )
            )
        shipments = []
        if status == OrderStatus.COMPLETED:
            shipments = [
                Shipment(
                    carrier="DHL",
                    tracking_number=f"TRK{n}",
                    tracking_url=f"https://track.example.com/TRK{n}",
                    shipped_at=T0 + dt.timedelta(days=n, hours=4),
                    lines=[ShipmentLine(sku="MUG-1", quantity=2)],
                )
            ]
        entities.append(
            Order(
                id=f"o{n}",
                number=f"#{1040 + n}",
                customer_id=f"u{n % 4}",
                email=f"customer{n % 4}@example.com",
                status=status,
                currency="EUR",
                lines=[
                    OrderLine(product_id="p1", sku="MUG-1", name="Mug 1", quantity=2, price="7.50"),
                    OrderLine(
                        product_id="tee",
                        variant_id="tee-s",
                        sku="TEE-S",
                        name="Tee S",
                        quantity=1,
                        price="19.99",
                    ),
                ],
                shipping_total="4.90",
                created_at=T0 + dt.timedelta(days=n),
                status_history=history,
                shipments=shipments,
            )
        )
    entities.append(Review(id="r1", product_id="p1", rating=5, body="Great mug"))
    return MemoryCart(entities, name="oldshop", clock=clock.now)


def snapshot(cart: ShopifyCart) -> dict[str, list[Any]]:
    """What the shop holds, without its ids and times (which differ from run to run)."""

    slugs = {c.id: c.slug for c in cart.read(Category)}

    def plain(entity: Any) -> Any:
        import attrs

        drop = {
            "id",
            "extra",
            "created_at",
            "updated_at",
            "variants",
            "category_ids",
            "customer_id",
            "lines",
        }
        data = {k: v for k, v in attrs.asdict(entity, recurse=False).items() if k not in drop}
        if isinstance(entity, Category):  # the parent by its slug: ids follow creation order
            data["parent_id"] = slugs.get(entity.parent_id, entity.parent_id)
        if isinstance(entity, Product):
            data["variants"] = [
                (v.sku, v.quantity, v.price, dict(v.options)) for v in entity.variants
            ]
            data["categories"] = len(entity.category_ids)
        if isinstance(entity, Order):
            data["lines"] = [(line.sku, line.quantity, line.price) for line in entity.lines]
            data["customer"] = entity.customer_id is not None
        return repr(sorted(data.items()))

    return {
        kind.kind: sorted(plain(e) for e in cart.read(kind))
        for kind in (Category, Product, Customer, Order)
    }


def run_until_clean(call: Any, *, limit: int = 12) -> list[Any]:
    reports = []
    for _ in range(limit):
        report = call()
        reports.append(report)
        if not report.failures:
            return reports
    raise AssertionError(f"still failing after {limit} runs: {reports[-1].failures}")


def test_full_migration_and_smart_update(
    sim: ShopifySimulator, clock: FakeClock, schema: graphql.GraphQLSchema
) -> None:
    source = source_store(clock)
    target = make_cart(sim, clock)
    engine = SyncEngine(source, target, clock=clock.now)
    report = engine.full_migrate()
    assert report.failures == []
    summary = report.summary()
    assert summary["product"]["created"] == 7
    assert summary["order"]["created"] == 5
    assert summary["review"]["skipped"] == 1
    assert any("review" in w.message for w in report.warnings)

    by_number = {o.number: o for o in target.read(Order)}
    assert sorted(by_number) == [f"#{1040 + n}" for n in range(5)]  # source numbers kept
    completed = by_number["#1042"]
    assert completed.status == OrderStatus.COMPLETED
    assert completed.shipments[0].tracking_number == "TRK2"
    assert completed.extra["closed"] is True
    assert by_number["#1043"].extra["cancelled_at"] is not None
    assert [c.status for c in by_number["#1041"].status_history] == ["pending", "processing"]
    shop_orders = list(sim.store.orders.values())
    assert all(not o["sentReceipt"] for o in shop_orders)
    # Historical orders do not touch stock (inventoryBehaviour BYPASS).
    mug = target.find(Product, "MUG-1")
    assert mug is not None and mug.quantity == 11
    assert [m.name for m in target.read(Manufacturer)] == ["Acme"]

    # The store keeps selling: stock, an order's status and a tracking number change.
    clock.advance(600)
    source.add(
        Product(
            id="p1",
            name="Mug 1",
            sku="MUG-1",
            price="7.50",
            quantity=3,
            category_ids=["c1"],
            manufacturer_id="m1",
            images=["https://img.example.com/mug1.png"],
        )
    )
    tee = source.get(Product, "tee")
    assert tee is not None
    source.add(
        Product(
            id="tee",
            name="Tee",
            category_ids=["c2"],
            variants=[
                Variant(
                    id="tee-s",
                    sku="TEE-S",
                    price="19.99",
                    quantity=1,
                    options={"Size": "S", "Colour": "Red"},
                ),
                Variant(
                    id="tee-m",
                    sku="TEE-M",
                    price="19.99",
                    quantity=8,
                    options={"Size": "M", "Colour": "Red"},
                ),
            ],
        )
    )
    order = source.get(Order, "o1")
    assert order is not None
    import attrs

    source.add(
        attrs.evolve(
            order,
            status=OrderStatus.COMPLETED,
            status_history=(
                *order.status_history,
                StatusChange(status="completed", at=T0 + dt.timedelta(days=9)),
            ),
            shipments=(
                Shipment(
                    carrier="UPS", tracking_number="1Z999", shipped_at=T0 + dt.timedelta(days=9)
                ),
            ),
        )
    )
    update = engine.smart_update()
    assert update.failures == []
    assert (found := target.find(Product, "MUG-1")) is not None and found.quantity == 3
    tee_target = target.find(Product, "TEE-M")
    assert tee_target is not None
    assert [v.quantity for v in tee_target.variants] == [1, 8]
    moved = target.find(Order, "#1041")
    assert moved is not None and moved.status == OrderStatus.COMPLETED
    assert [s.tracking_number for s in moved.shipments] == ["1Z999"]
    assert moved.extra["financial_status"] == "PAID" and moved.extra["closed"] is True
    assert len(moved.status_history) == 3

    again = engine.smart_update()  # nothing changed: nothing written
    assert again.failures == [] and again.changes == []
    assert assert_documents_valid(schema, sim) == len(sim.requests)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_faults_end_equal_to_a_fault_free_run(schema: graphql.GraphQLSchema, seed: int) -> None:
    def migrate(fault_rate: float) -> tuple[ShopifyCart, ShopifySimulator]:
        clock = FakeClock(T0)
        sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
        target = make_cart(sim, clock)
        source = source_store(clock)
        engine = SyncEngine(source, target, clock=clock.now)
        sim.fail_randomly(fault_rate, seed=seed)
        run_until_clean(engine.full_migrate)
        clock.advance(600)
        source.add(
            Product(
                id="p2",
                name="Mug 2",
                sku="MUG-2",
                price="7.50",
                quantity=0,
                category_ids=["c1"],
                manufacturer_id="m1",
                images=["https://img.example.com/mug2.png"],
            )
        )
        order = source.get(Order, "o0")
        assert order is not None
        import attrs

        source.add(
            attrs.evolve(
                order,
                status=OrderStatus.PROCESSING,
                shipments=(
                    Shipment(
                        carrier="DHL",
                        tracking_number="LATE1",
                        lines=[ShipmentLine(sku="MUG-1", quantity=2)],
                    ),
                ),
            )
        )
        run_until_clean(engine.smart_update)
        sim.fail_randomly(0)
        return target, sim

    clean, clean_sim = migrate(0.0)
    faulty, faulty_sim = migrate(0.10)
    faults = {r.fault for r in faulty_sim.requests if r.fault}
    assert len(faults) >= 2  # faults of several kinds did happen
    assert snapshot(faulty) == snapshot(clean)
    # No duplicates, nothing lost.
    assert len(faulty_sim.store.products) == 7
    assert len(faulty_sim.store.customers) == 4
    assert len(faulty_sim.store.orders) == 5
    assert len(faulty_sim.store.collections) == 2
    fulfillments = [f for o in faulty_sim.store.orders.values() for f in o["fulfillments"]]
    assert (
        len(fulfillments)
        == len([f for o in clean_sim.store.orders.values() for f in o["fulfillments"]])
        == 2
    )
    assert faulty_sim.bucket.lowest >= 0


class _Crash(BaseException):
    """Stands for the process dying: nothing in the library catches it."""


@pytest.mark.parametrize("crash_at", [1, 4, 9, 15])
def test_a_crash_after_a_mutation_landed_resumes_without_duplicates(
    tmp_path: Path, schema: graphql.GraphQLSchema, crash_at: int
) -> None:
    """The process dies right after Shopify applied a mutation, before the answer
    arrived; a new process on the same state finishes the migration."""
    clock = FakeClock()
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
    source = source_store(clock)
    mutations = 0

    def dying(request: httpx.Request) -> httpx.Response:
        nonlocal mutations
        response = sim.handle(request)
        if b"mutation" in request.content:
            mutations += 1
            if mutations == crash_at:
                raise _Crash
        return response

    state = tmp_path / "state.db"
    with (
        pytest.raises(_Crash),
        SQLiteStateStore(state) as store,
        make_cart(sim, clock, transport=httpx.MockTransport(dying)) as crashing,
    ):
        SyncEngine(source, crashing, state=store, clock=clock.now).full_migrate()
    with SQLiteStateStore(state) as store, make_cart(sim, clock) as cart:
        report = SyncEngine(source, cart, state=store, clock=clock.now).full_migrate()
        assert not report.failures, report.failures
        skus = sorted(v.sku for p in cart.read(Product) for v in p.variants if v.sku)
        emails = sorted(c.email for c in cart.read(Customer))
        orders = len(list(cart.read(Order)))
    assert skus == sorted(v.sku for p in source.list(Product) for v in p.variants if v.sku)
    assert emails == sorted(c.email for c in source.list(Customer))
    assert orders == source.count(Order)


def test_a_cancel_that_failed_after_the_create_is_finished_later(
    schema: graphql.GraphQLSchema,
) -> None:
    clock = FakeClock(T0)
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
    failing = {"OrderCancel": 1}

    def flaky(request: httpx.Request) -> httpx.Response:
        operation = json.loads(request.content or b"{}").get("operationName")
        if failing.get(operation):
            failing[operation] -= 1
            return httpx.Response(503, text="Service Unavailable")
        return sim.handle(request)

    source = MemoryCart(
        [
            Product(id="p1", sku="MUG", name="Mug", price="5", quantity=10),
            Order(
                id="o1",
                number="#1001",
                status="cancelled",
                currency="EUR",
                lines=[OrderLine(product_id="p1", sku="MUG", name="Mug", quantity=1, price="5")],
                status_history=[StatusChange(status="cancelled", at=T0)],
            ),
        ],
        clock=clock.now,
    )
    with make_cart(sim, clock, transport=httpx.MockTransport(flaky)) as cart:
        engine = SyncEngine(source, cart, clock=clock.now)
        first = engine.full_migrate()
        assert [f.entity for f in first.failures] == ["order"]  # said, not swallowed
        engine.full_migrate()
        clock.advance(3600)
        engine.smart_update()
    (order,) = sim.store.orders.values()
    assert order.get("cancelledAt")
    assert len(sim.store.orders) == 1


def test_a_product_with_variants_plans_no_stock_shopify_derives_itself(
    schema: graphql.GraphQLSchema,
) -> None:
    clock = FakeClock(T0)
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
    source = MemoryCart(
        [
            Product(
                id="tee",
                name="Tee",
                variants=[
                    Variant(
                        id="ts",
                        sku="TEE-S",
                        price="10",
                        quantity=0,
                        stock_status="out_of_stock",
                        options={"Size": "S"},
                    ),
                    Variant(id="tm", sku="TEE-M", price="10", quantity=2, options={"Size": "M"}),
                ],
            )
        ],
        clock=clock.now,
    )
    with make_cart(sim, clock) as cart:
        engine = SyncEngine(source, cart, clock=clock.now)
        engine.full_migrate()
        clock.advance(60)
        report = engine.smart_update(verify=True)
    assert report.changes == []  # the product's own quantity is the variants' sum there
    assert report.summary()["product"]["updated"] == 0


def test_a_sold_out_variant_marked_in_stock_converges_under_verify(
    schema: graphql.GraphQLSchema,
) -> None:
    """Issue #10 item 11: Shopify derives a tracked variant's stock status from its
    quantity, so quantity 0 "in_stock" on the source is compared as Shopify holds it,
    and a verify=True call after the first writes nothing."""
    clock = FakeClock(T0)
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
    source = MemoryCart(
        [
            Product(
                id="tee",
                name="Tee",
                variants=[
                    Variant(
                        id="ts",
                        sku="TEE-S",
                        price="10",
                        quantity=0,
                        stock_status="in_stock",
                        options={"Size": "S"},
                    ),
                    Variant(id="tm", sku="TEE-M", price="10", quantity=2, options={"Size": "M"}),
                ],
            )
        ],
        clock=clock.now,
    )
    with make_cart(sim, clock) as cart:
        engine = SyncEngine(source, cart, clock=clock.now)
        engine.full_migrate()
        clock.advance(60)
        engine.smart_update(verify=True)
        clock.advance(60)
        report = engine.smart_update(verify=True)
    assert report.changes == []
    assert report.summary()["variant"]["updated"] == 0
