"""Creates whose answer was lost end with 0 duplicates.

Products and customers are upserted by their source reference (a custom ID),
so sending again updates what the lost one made; a lost ``orderCreate`` is
found by that reference at once (not by a tag search that lags) and finished
like a created order. The simulator here makes searches lag, as Shopify's
index does, so nothing can pass by finding its way through a search.
"""

from __future__ import annotations

import graphql
import pytest

from cartmigrate import (
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Shipment,
    ShipmentLine,
    SyncEngine,
    Variant,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import TOKEN, make_cart
from .test_engine import T0, run_until_clean, snapshot, source_store

LAG = 3600.0  # an hour: far longer than any test runs on its clock


@pytest.fixture
def sim(schema: graphql.GraphQLSchema, clock: FakeClock) -> ShopifySimulator:
    return ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN, search_lag=LAG)


def test_a_lost_product_set_is_sent_again_as_an_upsert(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    sim.fail_operation("ProductSet", "lost")
    created = cart.create(
        Product(
            name="Tee",
            variants=[
                Variant(sku="T-S", price="10", quantity=3, options={"Size": "S"}),
                Variant(sku="T-M", price="10", quantity=1, options={"Size": "M"}),
            ],
        ),
        source_ref="woo:product:7",
    )
    sends = [r for r in sim.requests if r.operation == "ProductSet"]
    assert [r.fault for r in sends] == ["lost", None]
    assert all(r.variables["identifier"]["customId"]["value"] == "woo:product:7" for r in sends)
    assert len(sim.store.products) == 1 and len(sim.store.variants) == 2
    assert len(created.variant_ids) == 2 and all(created.variant_ids)
    found = cart.find_by_source_ref(Product, "woo:product:7")
    assert found is not None and found.id == created.id


def test_a_lost_customer_set_is_sent_again_as_an_upsert(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    sim.fail_operation("CustomerSet", "lost")
    created = cart.create(Customer(email="ann@example.com"), source_ref="woo:customer:3")
    assert len(sim.store.customers) == 1
    found = cart.find_by_source_ref(Customer, "woo:customer:3")
    assert found is not None and found.id == created.id and found.email == "ann@example.com"


def test_a_lost_order_create_is_found_at_once_and_finished(
    cart: ShopifyCart, sim: ShopifySimulator, clock: FakeClock
) -> None:
    sim.fail_operation("OrderCreate", "lost")
    order = Order(
        number="#1001",
        status=OrderStatus.CANCELLED,
        lines=[OrderLine(name="Mug", sku="MUG", quantity=2, price="5")],
        shipments=[
            Shipment(
                carrier="DHL", tracking_number="T1", lines=[ShipmentLine(sku="MUG", quantity=2)]
            )
        ],
    )
    cart.create(order, source_ref="woo:order:9")
    [record] = sim.store.orders.values()
    assert len(sim.store.orders) == 1
    # Its follow-ups ran as for a created order: cancelled. (A cancelled order
    # has nothing left to fulfil: the shipment is kept in the metafield.)
    assert record["cancelledAt"] is not None
    assert "OrderCancel" in sim.operations()
    found = cart.find_by_source_ref(Order, "woo:order:9")
    assert found is not None and found.status == OrderStatus.CANCELLED
    assert [s.tracking_number for s in found.shipments] == ["T1"]


def test_a_lost_order_create_is_fulfilled_like_a_created_one(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    sim.fail_operation("OrderCreate", "lost")
    cart.create(
        Order(
            number="#1002",
            status=OrderStatus.COMPLETED,
            lines=[OrderLine(name="Mug", sku="MUG", quantity=2, price="5")],
            shipments=[
                Shipment(
                    carrier="DHL", tracking_number="T2", lines=[ShipmentLine(sku="MUG", quantity=2)]
                )
            ],
        ),
        source_ref="woo:order:10",
    )
    [record] = sim.store.orders.values()
    assert [t["number"] for f in record["fulfillments"] for t in f["tracking"]] == ["T2"]


def test_answers_lost_again_and_again_still_end_without_duplicates(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    """Lost three times, the outcome stays unknown; the look-up by reference
    that the engine makes next finds the one product, at once."""
    sim.fail_operation("ProductSet", "lost", "lost", "lost")
    with pytest.raises(WriteOutcomeUnknown):
        cart.create(Product(name="P", sku="P1"), source_ref="woo:product:1")
    assert len(sim.store.products) == 1
    found = cart.find_by_source_ref(Product, "woo:product:1")
    assert found is not None


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_migration_with_every_create_answer_lost_once_has_no_duplicates(
    schema: graphql.GraphQLSchema, seed: int
) -> None:
    def migrate(lost: bool) -> tuple[ShopifyCart, ShopifySimulator]:
        clock = FakeClock(T0)
        sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN, search_lag=LAG)
        if lost:
            for operation in ("ProductSet", "CustomerSet", "OrderCreate", "CollectionCreate"):
                sim.fail_operation(operation, *(["lost"] * 8))
            sim.fail_randomly(0.05, seed=seed, kinds=("lost", "5xx", "timeout"))
        target = make_cart(sim, clock)
        run_until_clean(SyncEngine(source_store(clock), target, clock=clock.now).full_migrate)
        sim.fail_randomly(0)
        return target, sim

    clean, clean_sim = migrate(False)
    faulty, faulty_sim = migrate(True)
    assert sum(1 for r in faulty_sim.requests if r.fault == "lost") >= 8
    assert snapshot(faulty) == snapshot(clean)
    for table in ("products", "customers", "orders", "collections", "variants"):
        assert len(getattr(faulty_sim.store, table)) == len(getattr(clean_sim.store, table)), table
    fulfilled = [f for o in faulty_sim.store.orders.values() for f in o["fulfillments"]]
    assert len(fulfilled) == len(
        [f for o in clean_sim.store.orders.values() for f in o["fulfillments"]]
    )
    cancelled = [o for o in faulty_sim.store.orders.values() if o["cancelledAt"]]
    assert len(cancelled) == 1


def test_a_dry_run_writes_nothing_not_even_the_definitions(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    engine = SyncEngine(source_store(clock), make_cart(sim, clock), clock=clock.now)
    plan = engine.full_migrate(dry_run=True)
    assert plan.summary()["product"]["created"] == 7
    assert not [r.operation for r in sim.requests if r.query.lstrip().startswith("mutation")]
    assert sim.store.definitions == {} and sim.store.products == {}


def test_a_look_up_by_reference_writes_nothing(cart: ShopifyCart, sim: ShopifySimulator) -> None:
    """A look-up (which a dry run makes too) asks whether the custom ID exists;
    only a create makes its definition."""
    assert cart.find_by_source_ref(Product, "woo:product:1") is None
    assert cart.find_by_source_ref(Order, "woo:order:1") is None
    assert not [r.operation for r in sim.requests if r.query.lstrip().startswith("mutation")]
    assert sim.store.definitions == {}
    cart.create(Product(name="P", sku="P1"), source_ref="woo:product:1")
    found = cart.find_by_source_ref(Product, "woo:product:1")
    assert found is not None and "ProductByRef" in sim.operations()


def test_an_order_whose_fulfilment_failed_after_the_create_is_fulfilled_later(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    from cartmigrate import MemoryCart

    order = Order(
        id="o1",
        number="#1003",
        status=OrderStatus.COMPLETED,
        lines=[OrderLine(name="Mug", sku="MUG", quantity=2, price="5")],
        shipments=[
            Shipment(
                carrier="DHL", tracking_number="T3", lines=[ShipmentLine(sku="MUG", quantity=2)]
            )
        ],
    )
    engine = SyncEngine(MemoryCart([order]), make_cart(sim, clock), clock=clock.now)
    sim.fail_operation("FulfillmentCreate", *(["5xx"] * 4))
    first = engine.full_migrate()
    assert [f.entity for f in first.failures] == ["order"]
    [record] = sim.store.orders.values()
    assert record["fulfillments"] == []
    engine.full_migrate()  # adopts the order it made (found by reference)
    engine.smart_update()  # its shipment does not read back unfulfilled: made now
    assert len(sim.store.orders) == 1
    assert [t["number"] for f in record["fulfillments"] for t in f["tracking"]] == ["T3"]
    assert engine.smart_update().summary().get("order", {}).get("updated", 0) == 0
