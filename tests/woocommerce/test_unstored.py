"""What a WooCommerce target cannot keep is reported per entity and field."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate import (
    Address,
    Customer,
    MemoryCart,
    MemoryStateStore,
    Product,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator


def _address(city: str) -> Address:
    return Address(first_name="Ann", line1="1 Main St", city=city, postcode="1", country="US")


def test_tags_and_a_third_address_are_reported_and_verify_converges(
    sim: WooCommerceSimulator, make_cart: Callable[..., WooCommerceCart]
) -> None:
    source = MemoryCart(
        [
            Product(id="p1", name="Tagged", sku="TAG-1", price="5", tags=["red", "sale"]),
            Product(id="p2", name="Plain", sku="TAG-2", price="5"),
            Customer(
                id="c1",
                email="three@example.com",
                addresses=[_address("A"), _address("B"), _address("C")],
            ),
            Customer(id="c2", email="two@example.com", addresses=[_address("A"), _address("B")]),
        ]
    )
    engine = SyncEngine(source, make_cart(sim), state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    named = {(w.entity, w.source_id, w.field) for w in report.warnings}
    assert {("product", "p1", "tags"), ("customer", "c1", "addresses")} <= named
    assert not [w for w in report.warnings if w.source_id in ("p2", "c2")]
    for fields in (None, {Product: ("tags",), Customer: ("addresses",)}):
        again = engine.smart_update(verify=True, fields=fields)
        assert again.failures == [] and again.total("updated") == 0
