"""The defects the real WooCommerce 7.9 store revealed (issue #8), each shown on it."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable

import attrs

from cartmigrate import (
    Category,
    Customer,
    EntityRejected,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Order,
    OrderLine,
    Product,
    Review,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart

from .._stores import RealStore
from ._support import LoseCreates, api, order_count, small_store, stock_levels
from .conftest import sql


def _product(sku: str, **fields: object) -> Product:
    return Product(id=sku, name=f"Product {sku}", sku=sku, price="10", quantity=50, **fields)


def test_a_lost_order_create_never_adopts_the_stores_own_order(
    real_woocommerce: RealStore, make_woo: Callable[..., WooCommerceCart]
) -> None:
    """#2: ``?search=57`` matches order id 57; the source order "57" must not."""
    real_woocommerce.reset()
    woo = make_woo()
    [own] = woo.create_many(
        [Order(number="x", email="own@example.com", lines=[], status="pending")]
    )
    own_id = own.id  # type: ignore[union-attr]
    source = MemoryCart(
        [Order(id="o1", number=own_id, email="src@example.com", status="pending", lines=[])]
    )
    state = MemoryStateStore()
    lossy = LoseCreates(woo, Order, sent=False)
    first = SyncEngine(source, lossy, state=state).full_migrate()
    assert first.summary()["order"]["failed"] == 1
    second = SyncEngine(source, woo, state=state).full_migrate()
    assert second.summary()["order"]["created"] == 1, second.failures
    record = state.get("order", ["o1"])["o1"]
    assert record.target_id != own_id
    source.add(Order(id="o1", number=own_id, email="src@example.com", status="cancelled", lines=[]))
    SyncEngine(source, woo, state=state).smart_update()
    creds = real_woocommerce.credentials
    assert api(creds, f"orders/{own_id}")["status"] == "pending"
    assert api(creds, f"orders/{record.target_id}")["status"] == "cancelled"
    assert order_count() == 2


def test_an_unregistered_status_is_refused_before_sending(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#4: ``/orders/batch`` would store it as ``pending`` without a word."""
    real_woocommerce.reset()
    before = order_count()
    [result] = woo.create_many([Order(number="1", email="a@example.com", status="shipped")])
    assert isinstance(result, EntityRejected)
    assert "'shipped'" in str(result) and "MappingRules(order_status=" in str(result)
    assert result.field == "status"
    assert order_count() == before
    # With the rule it names, the same order goes in.
    source = MemoryCart([Order(id="o1", number="1", email="a@example.com", status="shipped")])
    rules = MappingRules(order_status={"shipped": "completed"})
    report = SyncEngine(source, woo, rules=rules).full_migrate()
    assert report.summary()["order"]["created"] == 1, report.failures


def test_exponent_form_decimals_arrive_as_numbers(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#5: ``Decimal("1E+2")`` was sent as "1E+2" and stored as "12"."""
    real_woocommerce.reset()
    product = Product(
        id="EXP-1",
        name="Exponent",
        sku="EXP-1",
        price=decimal.Decimal("1E+2"),
        quantity=5,
        weight=decimal.Decimal("2.5E+1"),
    )
    [created] = woo.create_many([product])
    raw = api(real_woocommerce.credentials, f"products/{created.id}")  # type: ignore[union-attr]
    assert decimal.Decimal(raw["regular_price"]) == 100
    assert decimal.Decimal(raw["weight"]) == 25
    [order] = woo.create_many(
        [
            Order(
                number="1",
                email="a@example.com",
                status="pending",
                lines=[
                    OrderLine(
                        product_id=created.id,  # type: ignore[union-attr]
                        name="Exponent",
                        quantity=1,
                        price=decimal.Decimal("1E+2"),
                    )
                ],
            )
        ]
    )
    raw_order = api(real_woocommerce.credentials, f"orders/{order.id}")  # type: ignore[union-attr]
    assert decimal.Decimal(raw_order["total"]) == 100


#: Every field the models cover that a WooCommerce target can be asked to keep in step.
ALL_FIELDS = {
    "category": ["name", "slug", "description", "parent_id"],
    "product": [
        "name",
        "sku",
        "description",
        "price",
        "compare_at_price",
        "quantity",
        "stock_status",
        "status",
        "category_ids",
        "images",
        "slug",
        "weight",
        "meta_title",
        "meta_description",
    ],
    "variant": ["sku", "price", "compare_at_price", "quantity", "stock_status", "options"],
    "customer": ["email", "first_name", "last_name", "phone", "addresses", "group"],
    "order": [
        "status",
        "status_history",
        "shipments",
        "note",
        "billing_address",
        "shipping_address",
        "email",
    ],
    "review": ["rating", "title", "body", "author", "email", "status"],
}


def test_verify_after_a_migration_writes_nothing(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#6: image URLs, HTML texts, phones, derived stock... compared as the store keeps them."""
    real_woocommerce.reset()
    source = MemoryCart(small_store())
    engine = SyncEngine(source, woo)
    assert not engine.full_migrate().failures
    media = int(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'")[0][0])
    for _ in range(2):
        report = engine.smart_update(fields=ALL_FIELDS, verify=True)
        assert not report.failures
        written = [(c.entity, c.source_id, sorted(c.fields)) for c in report.changes]
        assert written == []
    # Nothing was uploaded again.
    assert int(sql("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'attachment'")[0][0]) == media


def test_reviews_whose_create_answer_was_lost_are_found_and_mapped(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#7: the pre-check compared against the HTML body, so every later call got 409."""
    real_woocommerce.reset()
    source = MemoryCart(small_store(reviews=4))
    state = MemoryStateStore()
    SyncEngine(source, woo, state=state).full_migrate(entities=[Category, Product, Customer])
    lossy = LoseCreates(woo, Review, sent=True)
    first = SyncEngine(source, lossy, state=state).full_migrate()
    assert first.summary()["review"]["failed"] == 4
    second = SyncEngine(source, woo, state=state).full_migrate()
    assert not second.failures, second.failures
    mapped = {r.source_id: r.target_id for r in state.records("review")}
    assert len(mapped) == 4 and all(mapped.values())
    on_store = [
        str(r["id"])
        for r in api(real_woocommerce.credentials, "products/reviews", status="all", per_page=100)
    ]
    assert sorted(on_store) == sorted(mapped.values())  # each once, each mapped
    third = SyncEngine(source, woo, state=state).full_migrate()
    assert not third.failures


def test_order_lines_whose_product_is_gone(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#8: the store answers 400 "Product ID or SKU is required" to such a line."""
    real_woocommerce.reset()
    lines = {
        "o1": [OrderLine(product_id="gone", name="Old mug", quantity=1, price="4")],
        # On the target by SKU (the sample store's beanie): linked to it.
        "o2": [
            OrderLine(product_id="gone", sku="woo-beanie", name="Beanie", quantity=2, price="18")
        ],
    }
    source = MemoryCart(
        [
            Order(id=oid, number=oid, email="a@example.com", status="completed", lines=ls)
            for oid, ls in lines.items()
        ]
    )
    stock = stock_levels()
    report = SyncEngine(source, woo).full_migrate()
    assert [(f.source_id, f.field) for f in report.failures] == [("o1", "lines")]
    assert "refers to no product on the target" in report.failures[0].message
    [order] = api(real_woocommerce.credentials, "orders")
    beanie = api(real_woocommerce.credentials, "products", sku="woo-beanie")[0]
    assert [i["product_id"] for i in order["line_items"]] == [beanie["id"]]
    assert stock_levels() == stock  # a historical order moves no stock


def test_dates_the_store_accepts_are_sent_and_order_origins_noted(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#10: review and product dates are writable; an order's are not, so they go in a note."""
    real_woocommerce.reset()
    at = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    product = Product(id="p", name="Dated", sku="DATED", price="5", quantity=3, created_at=at)
    source = MemoryCart(
        [
            product,
            Review(
                id="r",
                product_id="p",
                rating=5,
                body="Fine",
                author="A",
                email="a@example.com",
                created_at=at,
            ),
            Order(
                id="o",
                number="1042",
                email="a@example.com",
                status="completed",
                created_at=at,
                lines=[OrderLine(product_id="p", name="Dated", quantity=1, price="5")],
            ),
        ]
    )
    state = MemoryStateStore()
    report = SyncEngine(source, woo, state=state).full_migrate()
    assert not report.failures, report.failures
    creds = real_woocommerce.credentials
    ids = {
        kind: {r.source_id: r.target_id for r in state.records(kind)}
        for kind in ("product", "review", "order")
    }
    assert (
        api(creds, f"products/{ids['product']['p']}")["date_created_gmt"] == "2021-03-04T05:06:07"
    )
    review = api(creds, f"products/reviews/{ids['review']['r']}")
    assert review["date_created_gmt"] == "2021-03-04T05:06:07"
    notes = [n["note"] for n in api(creds, f"orders/{ids['order']['o']}/notes")]
    assert any("#1042" in n and "2021-03-04T05:06:07" in n for n in notes), notes


def test_product_semantics_survive_a_round_trip(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#9: external link and button, downloads, dimensions: model fields, both ways
    (grouped children: test_product_semantics.py)."""
    real_woocommerce.reset()
    memory = MemoryCart()
    assert not SyncEngine(woo, memory).full_migrate(entities=[Product]).failures
    by_sku = {p.sku: p for p in memory.list(Product)}
    pennant, album = by_sku["wp-pennant"], by_sku["woo-album"]
    assert (pennant.external_url or "").startswith("https://mercantile.wordpress.org/")
    assert album.downloadable is True and len(album.downloads) == 2
    copies = MemoryCart(
        [
            attrs.evolve(p, id=f"copy-{p.id}", sku=f"{p.sku}-copy", slug=None, category_ids=[])
            for p in (pennant, album)
        ]
    )
    report = SyncEngine(copies, woo).full_migrate(entities=[Product])
    assert not report.failures, report.failures
    assert not [w for w in report.warnings if "nowhere to keep" in w.message]
    creds = real_woocommerce.credentials
    [ext] = api(creds, "products", sku="wp-pennant-copy")
    assert ext["type"] == "external" and ext["external_url"] == pennant.external_url
    assert ext["button_text"] == pennant.button_text
    [files] = api(creds, "products", sku="woo-album-copy")
    assert files["downloadable"] and files["virtual"]
    assert [d["file"] for d in files["downloads"]] == [d.url for d in album.downloads]


def test_entities_already_on_the_store_left_alone_or_failed(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """#13: the sample store's own beanie, met by SKU: adopt (default), leave, or fail."""
    real_woocommerce.reset()
    creds = real_woocommerce.credentials
    [theirs] = api(creds, "products", sku="woo-beanie")
    source = MemoryCart(
        [Product(id="b", name="Our beanie", sku="woo-beanie", price="9", quantity=40)]
    )
    failed = SyncEngine(source, woo, existing="fail").full_migrate()
    assert [(f.source_id, f.field) for f in failed.failures] == [("b", "sku")]
    assert "existing='fail'" in failed.failures[0].message
    engine = SyncEngine(source, woo, existing="leave")
    left = engine.full_migrate()
    assert not left.failures
    assert any("left alone" in w.message and w.source_id == "b" for w in left.warnings)
    source.add(attrs.evolve(source.list(Product)[0], quantity=41))
    engine.smart_update(verify=True)
    now = api(creds, f"products/{theirs['id']}")
    assert (now["name"], now["stock_quantity"]) == (theirs["name"], theirs["stock_quantity"])
