"""Whole migrations with the real WooCommerce 7.9 store on either side, checked
against the store's own truth (REST reads outside the connector, and its database)."""

from __future__ import annotations

import collections
import decimal
from collections.abc import Callable
from typing import Any

import attrs
import httpx

from cartmigrate import (
    Category,
    Customer,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    Review,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart

from .._stores import RealStore
from ._support import (
    CountingTransport,
    api,
    customer_refs,
    small_store,
    source_refs_of,
    stock_levels,
)
from .conftest import URL, sql


def _all(creds: dict[str, str], path: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    for page in range(1, 20):
        batch = api(creds, path, per_page=100, page=page, **params)
        items += batch
        if len(batch) < 100:
            return items
    raise AssertionError("too many pages")


def _no_writes(report: Any) -> bool:
    return all(v["created"] == v["updated"] == v["deleted"] == 0 for v in report.summary().values())


def test_real_store_to_memory_then_live_changes(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    real_woocommerce.reset()
    creds = real_woocommerce.credentials
    memory = MemoryCart()
    engine = SyncEngine(woo, memory, state=MemoryStateStore())
    report = engine.full_migrate()
    assert not report.failures
    products = _all(creds, "products")
    assert len(products) == 18 == memory.count(Product)
    assert len(_all(creds, "products/categories")) == memory.count(Category)
    by_sku = {p.sku: p for p in memory.list(Product)}
    variations = 0
    for raw in products:
        product = by_sku[raw["sku"]]
        assert product.name == raw["name"]
        assert len(product.images) == len(raw["images"])
        assert len(product.category_ids) == len(raw["categories"])
        if raw["type"] == "variable":
            found = _all(creds, f"products/{raw['id']}/variations")
            variations += len(found)
            assert sorted(v.sku or "" for v in product.variants) == sorted(v["sku"] for v in found)
        elif raw["sale_price"]:
            assert product.price == decimal.Decimal(raw["sale_price"])
            assert product.compare_at_price == decimal.Decimal(raw["regular_price"])
        elif raw["regular_price"]:
            assert product.price == decimal.Decimal(raw["regular_price"])
    assert variations == 7
    # Live changes on the source: a price, and a new order.
    beanie = next(p for p in products if p["sku"] == "woo-beanie")
    httpx.put(
        f"{URL}/wp-json/wc/v3/products/{beanie['id']}",
        json={"manage_stock": True, "stock_quantity": 31},
        auth=(creds["WOO_CK"], creds["WOO_CS"]),
        timeout=60,
    ).raise_for_status()
    httpx.post(
        f"{URL}/wp-json/wc/v3/orders",
        json={
            "status": "pending",
            "billing": {"email": "live@example.com"},
            "line_items": [{"product_id": beanie["id"], "quantity": 2}],
        },
        auth=(creds["WOO_CK"], creds["WOO_CS"]),
        timeout=60,
    ).raise_for_status()
    first = engine.smart_update()
    assert first.summary()["order"]["created"] == 1
    assert first.summary()["product"]["updated"] == 1
    assert by_sku["woo-beanie"].id is not None
    assert next(p for p in memory.list(Product) if p.sku == "woo-beanie").quantity == 31
    [order] = memory.list(Order)
    assert order.email == "live@example.com" and [line.quantity for line in order.lines] == [2]
    second = engine.smart_update()
    assert _no_writes(second), second.summary()


def test_memory_to_real_store_live_changes_smart_update_and_remigrate(
    real_woocommerce: RealStore, make_woo: Callable[..., WooCommerceCart]
) -> None:
    real_woocommerce.reset()
    creds = real_woocommerce.credentials
    mails = real_woocommerce.mails()
    transport = CountingTransport()
    woo = make_woo(transport=transport)
    source = MemoryCart(small_store())
    state = MemoryStateStore()
    engine = SyncEngine(source, woo, state=state)
    report = engine.full_migrate()
    assert not report.failures, report.failures
    migrate_requests = transport.total()
    summary = report.summary()
    for kind in (Category, Product, Customer, Order, Review):
        assert summary[kind.kind]["created"] == source.count(kind), kind
    # The store's truth, product by product.
    ids = {r.source_id: r.target_id for r in state.records("product")}
    for product in source.list(Product):
        raw = api(creds, f"products/{ids[product.id]}", context="edit")
        assert raw["name"] == product.name and raw["sku"] == (product.sku or "")
        assert len(raw["images"]) == len(product.images)
        assert all("/wp-content/uploads/" in i["src"] for i in raw["images"])
        if product.variants:
            found = _all(creds, f"products/{raw['id']}/variations")
            assert sorted(v["sku"] for v in found) == sorted(v.sku or "" for v in product.variants)
        else:
            assert raw["stock_quantity"] == product.quantity
    customers = {c["email"]: c for c in _all(creds, "customers")}
    for customer in source.list(Customer):
        assert customers[customer.email]["first_name"] == (customer.first_name or "")
    orders = _all(creds, "orders")
    assert len(orders) == source.count(Order)
    statuses = collections.Counter(o["status"] for o in orders)
    expected = collections.Counter(
        str(getattr(o.status, "value", o.status)).replace("_", "-") for o in source.list(Order)
    )
    assert statuses == expected
    assert len(_all(creds, "products/reviews", status="all")) == source.count(Review)
    # Nothing twice, no stock moved by historical orders, no e-mail.
    assert len(set(source_refs_of("shop_order"))) == len(source_refs_of("shop_order"))
    assert len(set(customer_refs())) == len(customer_refs()) == source.count(Customer)
    stock = stock_levels()
    for product in source.list(Product):
        for item in (product, *product.variants):
            if item.sku and item.quantity is not None:
                assert stock[item.sku] == str(item.quantity), item.sku
    assert real_woocommerce.mails() == mails

    # Live changes on both sides.
    simple = next(p for p in source.list(Product) if not p.variants and p.quantity is not None)
    source.add(attrs.evolve(simple, quantity=(simple.quantity or 0) + 5))
    order = source.list(Order)[0]
    source.add(attrs.evolve(order, status="cancelled"))
    source.add(Customer(id="late", email="late@example.com", first_name="Late"))
    renamed = api(creds, f"products/{ids[simple.id]}")
    httpx.put(
        f"{URL}/wp-json/wc/v3/products/{renamed['id']}",
        json={"name": "Renamed on the new shop"},
        auth=(creds["WOO_CK"], creds["WOO_CS"]),
        timeout=60,
    ).raise_for_status()
    first = engine.smart_update()
    assert not first.failures, first.failures
    assert first.summary()["customer"]["created"] == 1
    assert first.summary()["product"]["updated"] == 1
    assert first.summary()["order"]["updated"] == 1
    raw = api(creds, f"products/{renamed['id']}")
    assert raw["stock_quantity"] == (simple.quantity or 0) + 5
    assert raw["name"] == "Renamed on the new shop"  # not a selected field: the shop's edit stays
    order_id = state.get("order", [order.id])[order.id].target_id
    assert api(creds, f"orders/{order_id}")["status"] == "cancelled"
    before = transport.total("POST") + transport.total("PUT")
    second = engine.smart_update()
    assert _no_writes(second), second.summary()
    assert transport.total("POST") + transport.total("PUT") == before
    assert real_woocommerce.mails() == mails

    # Remigrate: what was created is deleted (in batches) and created again, once.
    media = int(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'")[0][0])
    deletes_before = sum(n for (m, r), n in transport.counts.items() if m == "DELETE")
    again = engine.remigrate(confirm=True)
    assert not again.failures, again.failures
    deletes = sum(n for (m, r), n in transport.counts.items() if m == "DELETE")
    assert deletes - deletes_before == 0  # every delete went through /batch
    assert len(_all(creds, "orders")) == source.count(Order)
    assert len(_all(creds, "products")) == 18 + source.count(Product)
    assert len(set(source_refs_of("shop_order"))) == len(source_refs_of("shop_order"))
    assert len(customer_refs()) == source.count(Customer)
    assert real_woocommerce.mails() == mails
    # The products made again reuse their images: no orphaned media (#11).
    assert int(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'")[0][0]) == media
    print(
        f"\nreal store requests: full_migrate {migrate_requests},"
        f" remigrate {transport.total() - migrate_requests}, media {media}"
    )
