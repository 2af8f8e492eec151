"""The real demo store read through the connector, checked against the shop's own database."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable

import httpx

from cartmigrate import MemoryCart, MemoryStateStore, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.connectors.prestashop._xml import xml_body
from cartmigrate.models import Category, Customer, Manufacturer, Order, Product, Variant

from .._stores import RealStore
from ._transports import RealTransport
from .conftest import API, Query


def _money(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


def test_full_migrate_of_the_demo_store_carries_what_the_database_holds(
    real_prestashop: RealStore, presta: PrestaShopCart, shop_db: Query
) -> None:
    real_prestashop.reset()
    mails = real_prestashop.mails()
    target = MemoryCart()
    state = MemoryStateStore()
    report = SyncEngine(presta, target, state=state).full_migrate()

    assert report.failures == []
    summary = report.summary()
    assert summary["product"]["created"] == 19
    assert sum(len(p.variants) for p in target.list(Product)) == 39
    assert summary["customer"]["created"] == 2
    assert summary["order"]["created"] == 5
    assert summary["manufacturer"]["created"] == 2
    # Root and Home are the frame of the tree, not categories.
    assert summary["category"]["created"] == int(
        shop_db("select count(*) from ps_category where id_parent > 1")[0][0]
    )
    assert real_prestashop.mails() == mails, "reading sends no e-mail"

    mismatches: list[str] = []

    def check(what: str, got: object, want: object) -> None:
        if got != want:
            mismatches.append(f"{what}: {got!r} != {want!r}")

    # Products: name, reference, price, stock per combination, status, manufacturer.
    names = dict(shop_db("select id_product, name from ps_product_lang where id_lang = 1"))
    stock = {
        (p, a): int(q)
        for p, a, q in shop_db(
            "select id_product, id_product_attribute, quantity from ps_stock_available"
        )
    }
    impacts = {
        a: (p, _money(i), r)
        for a, p, i, r in shop_db(
            "select id_product_attribute, id_product, price, reference from ps_product_attribute"
        )
    }
    manufacturers = dict(shop_db("select id_manufacturer, name from ps_manufacturer"))
    # The demo's sales for everyone: a percentage off (products 1 and 2, 20 %).
    sales = {
        p: _money(r)
        for p, r in shop_db(
            "select id_product, reduction from ps_specific_price where reduction_type ="
            " 'percentage' and id_customer = 0 and id_group = 0 and id_cart = 0"
            " and id_country = 0 and id_currency = 0 and from_quantity = 1"
        )
    }
    assert len(sales) == 2
    products = {
        row[0]: row
        for row in shop_db(
            "select id_product, reference, price, active, id_manufacturer from ps_product"
        )
    }
    for product in target.list(Product):
        source_id = state.source_id_for("product", str(product.id))
        assert source_id is not None
        pid, reference, price, active, manufacturer = products[source_id]
        check(f"product {pid} name", product.name, names[pid])
        check(f"product {pid} sku", product.sku, reference)
        regular = _money(price)
        off = sales.get(pid)
        paid = (regular * (1 - off)).quantize(decimal.Decimal("0.01")) if off else regular
        check(f"product {pid} price", product.price, paid)
        check(f"product {pid} compare_at", product.compare_at_price, regular if off else None)
        check(f"product {pid} status", product.status, "active" if active == "1" else "draft")
        check(f"product {pid} quantity", product.quantity, stock[(pid, "0")])
        brand = (
            target.get(Manufacturer, product.manufacturer_id) if product.manufacturer_id else None
        )
        check(
            f"product {pid} manufacturer",
            brand.name if brand else None,
            manufacturers.get(manufacturer),
        )
        combinations = sorted((a for a, (p, _, _) in impacts.items() if p == pid), key=int)
        check(f"product {pid} variants", len(product.variants), len(combinations))
        for variant, combination in zip(product.variants, combinations, strict=False):
            _, impact, _ = impacts[combination]
            full = regular + impact
            sale = (full * (1 - off)).quantize(decimal.Decimal("0.01")) if off else full
            check(f"variant {combination} price", variant.price, sale)
            check(
                f"variant {combination} compare_at", variant.compare_at_price, full if off else None
            )
            check(f"variant {combination} quantity", variant.quantity, stock[(pid, combination)])
            check(f"variant {combination} options", len(variant.options) > 0, True)

    # Customers: e-mail, names, addresses (the password hash is never carried).
    customers = {
        email: (first, last, count)
        for email, first, last, count in shop_db(
            "select c.email, c.firstname, c.lastname,"
            " (select count(*) from ps_address a where a.id_customer = c.id_customer"
            "  and a.deleted = 0) from ps_customer c where c.deleted = 0"
        )
    }
    migrated = {c.email: c for c in target.list(Customer)}
    check("customer e-mails", set(migrated), set(customers))
    for email, (first, last, count) in customers.items():
        customer = migrated[email]
        check(f"customer {email} names", (customer.first_name, customer.last_name), (first, last))
        check(f"customer {email} addresses", len(customer.addresses), int(count))
        assert all("passwd" not in k and "secure" not in k for k in customer.extra)

    # Orders: number, total, lines, status history, e-mail.
    orders = {
        reference: (total, state, email, lines, history)
        for reference, total, state, email, lines, history in shop_db(
            "select o.reference, o.total_paid_tax_incl, o.current_state, c.email,"
            " (select count(*) from ps_order_detail d where d.id_order = o.id_order),"
            " (select count(*) from ps_order_history h where h.id_order = o.id_order)"
            " from ps_orders o join ps_customer c using (id_customer)"
        )
    }
    placed = {o.number: o for o in target.list(Order)}
    check("order numbers", set(placed), set(orders))
    statuses = {"6": "cancelled", "1": "pending", "8": "failed", "10": "pending"}
    for reference, (total, state, email, lines, history) in orders.items():
        order = placed[reference]
        check(f"order {reference} total", order.total, _money(total))
        check(f"order {reference} status", order.status, statuses[state])
        check(f"order {reference} e-mail", order.email, email)
        check(f"order {reference} lines", len(order.lines), int(lines))
        check(f"order {reference} history", len(order.status_history), int(history))
        check(f"order {reference} currency", order.currency, "USD")
        assert order.created_at is not None and order.created_at.utcoffset() == dt.timedelta(0)
        assert order.subtotal is not None and order.shipping_total is not None
        assert order.tax_total is not None
        check(
            f"order {reference} sums",
            order.subtotal + order.shipping_total + order.tax_total - (order.discount_total or 0),
            order.total,
        )
        check(
            f"order {reference} lines refer to products",
            all(line.product_id for line in order.lines),
            True,
        )

    categories = {c.name for c in target.list(Category)}
    check("categories", "Home" in categories or "Root" in categories, False)
    assert mismatches == []


def test_smart_update_from_the_store_carries_stock_and_status_changes(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    transport = RealTransport()
    presta = make_presta(transport=transport)
    target = MemoryCart()
    state = MemoryStateStore()
    engine = SyncEngine(presta, target, state=state)
    assert engine.full_migrate().failures == []

    # On the old shop: a sale of one combination (stock moves, no date does),
    # and an order moved to "Payment accepted".
    writer = make_presta()
    writer.update(Variant, "3", {"quantity": 297}, parent_id="1")
    order_id = shop_db("select id_order from ps_orders where current_state = 10")[0][0]
    history = xml_body("order_history", {"id_order": order_id, "id_order_state": 2}, languages=[1])
    response = httpx.post(
        f"{API}/order_histories",
        content=history,
        auth=(real_prestashop.credentials["PS_WS_KEY"], ""),
        headers={"Content-Type": "text/xml"},
    )
    assert response.status_code == 201, response.text

    transport.counts.clear()
    report = engine.smart_update()
    assert report.failures == []
    # Products are read whole (stock has no date): one listing of stock_availables.
    assert transport.counts[("GET", "stock_availables")] == 1, transport.counts
    variant_target = state.get("variant", ["3"])["3"].target_id
    product = target.get(Product, str(state.get("product", ["1"])["1"].target_id))
    assert product is not None
    assert {v.id: v.quantity for v in product.variants}[variant_target] == 297
    order = target.get(Order, str(state.get("order", [order_id])[order_id].target_id))
    assert order is not None
    assert order.status == "processing"
    assert [c.status for c in order.status_history][-1] == "processing"

    report = engine.smart_update()
    for counts in report.summary().values():
        assert counts["created"] == 0 and counts["updated"] == 0, report.summary()
