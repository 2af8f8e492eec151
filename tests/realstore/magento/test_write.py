"""Memory -> the real Magento store: full_migrate, live changes on both sides, remigrate.

0 duplicates, 0 missing, 0 stock drift, 0 e-mails (customers are saved
through the repository, which sends no welcome message), and field
mismatches listed per field, at 0 for every field the models cover and
Magento keeps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import attrs
import pytest

from cartmigrate import (
    Customer,
    Manufacturer,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    Shipment,
    ShipmentLine,
    StatusChange,
    SyncEngine,
)
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.models import Entity
from cartmigrate.testing import StoreGenerator

from .._stores import RealStore
from ._compare import mismatches, with_regions
from .conftest import Raw

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def source_store(seed: int, *, orders: int = 6) -> MemoryCart:
    """A small generated store, its addresses fitted with the regions Magento requires."""
    generator = StoreGenerator(
        seed=seed, categories=4, manufacturers=2, products=4, customers=4, orders=orders, reviews=0
    )
    entities: list[Entity] = []
    for entity in generator:
        if isinstance(entity, Customer):
            entity = attrs.evolve(entity, addresses=[with_regions(a) for a in entity.addresses])
        if isinstance(entity, Order):
            entity = attrs.evolve(
                entity,
                number=f"{seed}-{entity.number}",
                billing_address=with_regions(entity.billing_address),
                shipping_address=with_regions(entity.shipping_address),
            )
            if entity.status == "completed":
                entity = attrs.evolve(
                    entity,
                    shipments=[
                        Shipment(
                            carrier="UPS",
                            tracking_number=f"1Z{seed}{entity.number}",
                            shipped_at=entity.status_history[-1].at,
                            lines=[
                                ShipmentLine(sku=ln.sku, quantity=ln.quantity)
                                for ln in entity.lines
                            ],
                        )
                    ],
                )
        entities.append(entity)
    return MemoryCart(entities)


def skus_on_store(raw: Raw) -> Counter[str]:
    return Counter(item["sku"] for item in raw.search("products", ("sku", "SKU-%", "like")))


def test_full_migrate_smart_update_both_sides(
    real_magento: RealStore, make_cart: Any, raw: Raw
) -> None:
    real_magento.reset()
    mails = real_magento.mails()
    source = source_store(7)
    target: MagentoCart = make_cart()
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)

    report = engine.full_migrate()
    assert report.failures == []
    summary = report.summary()
    assert summary["product"]["created"] == 4 and summary["order"]["created"] == 6
    assert mismatches(source, target, state) == Counter()
    assert all(count == 1 for count in skus_on_store(raw).values())
    assert len(skus_on_store(raw)) == 4 * 4  # 4 configurables, 3 children each
    stock = raw.stock()
    for product in source.list(Product):
        for variant in product.variants:
            assert stock[str(variant.sku)][0] == variant.quantity  # orders took none
            assert raw.salable(str(variant.sku)) == variant.quantity  # nor reserved any
    shipped = [o for o in source.list(Order) if o.shipments]
    assert shipped  # the generated store has shipped orders: written as documents
    documents = raw.search("shipments", ("order_id", "1", "gt"))
    assert len(documents) == sum(len(o.shipments) for o in shipped)
    assert real_magento.mails() - mails == 0  # four customers created, no welcome e-mail
    assert any("password" in w.message for w in report.warnings)  # what cannot carry, said

    # Live changes: the source sells and ships, the target's team renames a product.
    product = source.list(Product)[0]
    variant = product.variants[0]
    source.add(
        attrs.evolve(
            product,
            variants=[
                attrs.evolve(variant, quantity=(variant.quantity or 0) + 5),
                *product.variants[1:],
            ],
        )
    )
    order = next(o for o in source.list(Order) if o.status == "processing")
    shipped = _NOW - dt.timedelta(days=1)
    source.add(
        attrs.evolve(
            order,
            status="completed",
            status_history=[*order.status_history, StatusChange(status="completed", at=shipped)],
            shipments=[Shipment(carrier="DHL", tracking_number="JD0001", shipped_at=shipped)],
        )
    )
    newcomer = attrs.evolve(source.list(Customer)[0], id="c-new", email="newcomer@example.com")
    source.add(newcomer)
    target_product = state.get("product", [str(product.id)])[str(product.id)].target_id
    assert target_product is not None
    target.update(Product, target_product, {"name": "Renamed by the new shop"})

    report = engine.smart_update()
    assert report.failures == []
    summary = report.summary()
    assert summary["customer"]["created"] == 1
    assert summary["variant"]["updated"] == 1 and summary["order"]["updated"] == 1
    after = target.get(Product, target_product)
    assert after is not None and after.name == "Renamed by the new shop"
    assert {v.sku: v.quantity for v in after.variants}[variant.sku] == (variant.quantity or 0) + 5
    migrated = state.get("order", [str(order.id)])[str(order.id)].target_id
    assert migrated is not None
    shown = target.get(Order, migrated)
    assert shown is not None and shown.status == "completed"
    assert [s.tracking_number for s in shown.shipments] == ["JD0001"]
    left = mismatches(source, target, state)
    assert left == Counter({"product.name": 1}), left  # the target's own edit, kept

    report = engine.smart_update()
    assert report.failures == []
    assert all(
        counts["created"] == counts["updated"] == counts["deleted"] == 0
        for counts in report.summary().values()
    ), report.summary()
    assert real_magento.mails() - mails == 0  # one more customer, still no e-mail


def test_remigrate_deletes_what_it_made_and_migrates_again(
    real_magento: RealStore, make_cart: Any, raw: Raw
) -> None:
    real_magento.reset()
    source = source_store(8, orders=0)
    for kind in (Customer, Manufacturer):
        for entity in source.list(kind):
            source.remove(kind, str(entity.id))
    target: MagentoCart = make_cart()
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    assert engine.full_migrate().failures == []
    first = {r.source_id: r.target_id for r in state.records("product")}
    report = engine.remigrate(confirm=True, entities=[Product])
    assert report.failures == []
    assert report.summary()["product"]["deleted"] == 4
    assert report.summary()["product"]["created"] == 4
    second = {r.source_id: r.target_id for r in state.records("product")}
    assert set(first) == set(second) and not set(first.values()) & set(second.values())
    assert all(count == 1 for count in skus_on_store(raw).values())
    assert len(skus_on_store(raw)) == 16
    for old in first.values():
        assert target.get(Product, str(old)) is None
    assert mismatches(source, target, state) == Counter()


@pytest.fixture(scope="module", autouse=True)
def _leave_the_baseline(real_magento: RealStore) -> Any:
    yield
    real_magento.reset()
