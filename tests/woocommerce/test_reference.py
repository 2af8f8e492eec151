"""Every request the connector sends uses only what the official v3 reference documents.

The reference tables are parsed from ``../shared/specs/woocommerce/_*.md``
(see ``_spec.py``); brands and Shipment Tracking, which those files do not
cover, are allow-listed there with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from cartmigrate import Category, Customer, MemoryCart, Order, Product, Review, Shipment, SyncEngine
from cartmigrate.testing.woocommerce import FaultPlan, RecordedRequest

from ._spec import SpecIndex, check_requests


def test_the_checker_catches_what_the_reference_does_not_list(spec: SpecIndex) -> None:
    bad = [
        RecordedRequest("GET", "wc/v3/customers", (("modified_after", "2024-01-01"),), None),
        RecordedRequest(
            "POST",
            "wc/v3/orders/batch",
            (),
            {"create": [{"number": "1", "line_items": [{"sku": "X"}]}]},
        ),
        RecordedRequest("PUT", "wc/v3/products/5", (), {"colour": "red"}),
        RecordedRequest("GET", "wc/v3/coupons", (), None),
    ]
    problems = check_requests(spec, bad)
    assert any("modified_after" in p for p in problems)
    assert any("'number' is read-only" in p for p in problems)
    assert any("line_items: field 'sku' is read-only" in p for p in problems)
    assert any("'colour'" in p for p in problems)
    assert any("coupons" in p for p in problems)


def test_a_whole_migration_stays_inside_the_reference(
    spec: SpecIndex, small_store: MemoryCart, make_sim: Any, make_cart: Any
) -> None:
    sim = make_sim(faults=FaultPlan(rate=0.05, seed=3))
    cart = make_cart(sim)
    engine = SyncEngine(small_store, cart, clock=sim.clock.now)
    for _ in range(6):
        if not engine.full_migrate().failures:
            break
    product = small_store.list(Product)[0]
    small_store.add(
        attrs.evolve(
            product, quantity=2, variants=[attrs.evolve(v, quantity=1) for v in product.variants]
        )
    )
    order = small_store.list(Order)[0]
    small_store.add(
        attrs.evolve(
            order,
            status="completed",
            shipments=[
                Shipment(
                    carrier="UPS",
                    tracking_number="1Z9",
                    shipped_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
                )
            ],
        )
    )
    for _ in range(6):
        if not engine.smart_update(
            fields={
                Product: ["quantity", "price"],
                "variant": ["quantity"],
                Order: ["status", "shipments", "status_history", "note"],
            }
        ).failures:
            break
    sim.set_faults(None)
    back = MemoryCart()
    assert not SyncEngine(cart, back, clock=sim.clock.now).full_migrate().failures
    for kind in (Category, Product, Customer, Order, Review):
        assert cart.count(kind) is not None
    cart.find(Product, "SKU-1")
    cart.find(Customer, "customer1@example.com")
    cart.find(Order, "1001")
    cart.find(Category, "category-1")
    cart.find_by_source_ref(Order, "memory:order:o1")
    cart.clear(Review)
    problems = check_requests(spec, sim.requests)
    assert not problems, "\n".join(sorted(set(problems)))
    assert len(sim.requests) > 50  # the check looked at a real migration's traffic
