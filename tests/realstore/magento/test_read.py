"""Magento -> memory from the real seeded store and its 1,999-product sample catalogue.

What the cart read is checked against what the store itself answers to plain
REST requests (totals, every SKU's stock, the seeded records as the
provisioning made them), not against the cart's own view.
"""

from __future__ import annotations

import decimal

from cartmigrate import Category, Customer, MemoryCart, Order, Product, Report

from .conftest import Raw


def test_everything_migrates_without_failure(
    seeded_migration: tuple[MemoryCart, Report, int],
) -> None:
    memory, report, _ = seeded_migration
    assert report.failures == []
    summary = report.summary()
    assert summary["product"]["created"] == len(memory.list(Product))
    assert summary["customer"]["created"] == 1
    assert summary["order"]["created"] == 1


def test_counts_match_the_store(seeded_migration: tuple[MemoryCart, Report, int], raw: Raw) -> None:
    memory = seeded_migration[0]
    products = memory.list(Product)
    total_products = raw.get("products", **{"searchCriteria[pageSize]": 1})["total_count"]
    assert total_products == 1999
    assert len(products) + sum(len(p.variants) for p in products) == total_products
    configurables = raw.search("products", ("type_id", "configurable", "eq"), size=200)
    assert sum(1 for p in products if p.variants) == len(configurables) == 148
    categories = raw.search("categories/list", ("level", "2", "gteq"))
    assert len(memory.list(Category)) == len(categories) == 29
    assert len(memory.list(Customer)) == 1
    assert len(memory.list(Order)) == 1


def test_every_sku_has_the_store_stock(
    seeded_migration: tuple[MemoryCart, Report, int], raw: Raw
) -> None:
    stock = raw.stock()
    checked = 0
    for product in seeded_migration[0].list(Product):
        for item in [product, *product.variants] if not product.variants else product.variants:
            quantity, status = stock[str(item.sku)]
            assert item.quantity == int(quantity), item.sku
            assert (item.stock_status == "in_stock") == (status == 1), item.sku
            checked += 1
    assert checked == len(stock) - 147  # the sample configurables' own items are not stock


def test_seeded_records_are_what_the_provisioning_made(
    seeded_migration: tuple[MemoryCart, Report, int],
) -> None:
    memory = seeded_migration[0]
    products = {p.sku: p for p in memory.list(Product)}
    simple = products["RM-SIMPLE-1"]
    assert simple.price == decimal.Decimal("19.99") and simple.quantity == 100
    [category] = [c for c in memory.list(Category) if c.id == simple.category_ids[0]]
    assert (category.name, category.slug, category.parent_id) == (
        "RM Category",
        "rm-category",
        None,
    )
    configurable = products["RM-CONF-1"]
    assert {v.sku: dict(v.options) for v in configurable.variants} == {
        "RM-CONF-1-RED": {"Color": "Red"},
        "RM-CONF-1-BLUE": {"Color": "Blue"},
    }
    hoodie = products["MH01"]  # the sample catalogue's first configurable
    assert len(hoodie.variants) == 15
    assert {tuple(sorted(v.options)) for v in hoodie.variants} == {("Color", "Size")}
    [customer] = memory.list(Customer)
    assert customer.email == "jane@example.test"
    assert customer.addresses[0].region == "TX" and customer.addresses[0].country == "US"
    [order] = memory.list(Order)
    assert order.number == "000000001" and order.email == "guest@example.test"
    assert order.total == decimal.Decimal("84.98") and order.shipping_total == 15
    assert [(line.sku, line.quantity) for line in order.lines] == [
        ("RM-SIMPLE-1", 2),
        ("RM-CONF-1-BLUE", 1),
    ]
    # The configurable line points at the parent and the variant, in memory's ids.
    line = order.lines[1]
    assert line.product_id == configurable.id
    assert line.variant_id in {v.id for v in configurable.variants}
