"""An order never loses its customer (nor a line its product): while their
create is unfinished after a passing failure, the order waits for the next
call, with a failure saying why. Shopify could not attach them later."""

from __future__ import annotations

from cartmigrate import (
    Customer,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    SyncEngine,
    Variant,
)
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import make_cart


def _source() -> MemoryCart:
    return MemoryCart(
        [
            Product(
                id="p1",
                name="Mug",
                variants=[
                    Variant(id="v1", sku="MUG", price="5", quantity=3, options={"Size": "S"})
                ],
            ),
            Customer(id="c1", email="ann@example.com"),
            Order(
                id="o1",
                number="#1",
                customer_id="c1",
                lines=[
                    OrderLine(
                        product_id="p1",
                        variant_id="v1",
                        sku="MUG",
                        name="Mug",
                        quantity=1,
                        price="5",
                    )
                ],
            ),
            Order(
                id="o2",
                number="#2",
                customer_id="c1",
                lines=[
                    OrderLine(
                        product_id="p1",
                        variant_id="v1",
                        sku="MUG",
                        name="Mug",
                        quantity=2,
                        price="5",
                    )
                ],
            ),
        ]
    )


def _orders(sim: ShopifySimulator) -> list[dict[str, object]]:
    return list(sim.store.orders.values())


def test_orders_wait_for_a_customer_whose_create_failed_for_now(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    engine = SyncEngine(_source(), make_cart(sim, clock), clock=clock.now)
    sim.fail_operation("CustomerSet", "5xx", "5xx", "5xx")  # a bad minute on Shopify's side
    first = engine.full_migrate()
    assert _orders(sim) == []  # not created without their customer
    waiting = {f.source_id: f for f in first.failures if f.entity == "order"}
    assert set(waiting) == {"o1", "o2"}
    assert all(f.field == "customer_id" for f in waiting.values())
    assert all("waits for customer c1" in f.message for f in waiting.values())
    second = engine.full_migrate()
    assert not second.failures
    [customer] = sim.store.customers
    assert [o["customer"] for o in _orders(sim)] == [customer, customer]


def test_an_order_waits_for_a_product_whose_create_failed_for_now(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    engine = SyncEngine(_source(), make_cart(sim, clock), clock=clock.now)
    sim.fail_operation("ProductSet", "5xx", "5xx", "5xx")
    first = engine.full_migrate()
    assert _orders(sim) == []
    assert {f.field for f in first.failures if f.entity == "order"} == {"lines.product_id"}
    assert not engine.full_migrate().failures
    [variant] = sim.store.variants
    lines = [line for o in _orders(sim) for line in o["lines"]]  # type: ignore[attr-defined]
    assert [line["variant"] for line in lines] == [variant, variant]


def test_a_customer_shopify_refuses_does_not_hold_its_orders_back(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    """Refused is final: the order goes without it, and the report says so."""
    source = MemoryCart(
        [
            Customer(id="c1", email="ann@localhost"),  # Shopify wants a dotted domain
            Order(
                id="o1",
                number="#1",
                customer_id="c1",
                lines=[OrderLine(sku="MUG", name="Mug", quantity=1, price="5")],
            ),
        ]
    )
    report = SyncEngine(source, make_cart(sim, clock), clock=clock.now).full_migrate()
    assert [f.entity for f in report.failures] == ["customer"]
    [order] = _orders(sim)
    assert order["customer"] is None
    assert any(w.field == "customer_id" and w.source_id == "o1" for w in report.warnings)
