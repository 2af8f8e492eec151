"""What a Magento target cannot keep, per product; customer groups past a page."""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate import Customer, MemoryCart, MemoryStateStore, Product, SyncEngine
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator


def test_images_and_tags_are_reported_per_product(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    source = MemoryCart(
        [
            Product(
                id="p1",
                name="Pictured",
                sku="PIC-1",
                price="5",
                images=["https://cdn.example/a.jpg"],
                tags=["red"],
            ),
            Product(id="p2", name="Plain", sku="PIC-2", price="5"),
        ]
    )
    engine = SyncEngine(source, make_cart(sim), state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    named = {(w.entity, w.source_id, w.field) for w in report.warnings}
    assert {("product", "p1", "images"), ("product", "p1", "tags")} <= named
    assert not [w for w in report.warnings if w.source_id == "p2"]
    again = engine.smart_update(verify=True, fields={Product: ("images", "tags")})
    assert again.failures == [] and again.total("updated") == 0


def test_a_customer_in_a_group_past_the_first_page_of_groups_reads_its_group(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    for n in range(250):
        sim.store.groups[1000 + n] = f"Group {n}"
    cart = make_cart(sim)
    created = cart.create(Customer(email="late@example.com", group="Group 240"))
    got = cart.get(Customer, str(created.id))
    assert got is not None and got.group == "Group 240"
