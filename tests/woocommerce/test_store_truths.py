"""What the real WooCommerce 7.9 store revealed (issue #8), shown on the simulator
where it can show it (the real-store twins are in tests/realstore/woocommerce)."""

from __future__ import annotations

import atexit
import datetime as dt
import decimal
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from cartmigrate import (
    Address,
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
    StockStatus,
    SyncEngine,
    Variant,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors import ForwardingCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.connectors.woocommerce import _convert as wc
from cartmigrate.connectors.woocommerce import _product_convert as wp
from cartmigrate.connectors.woocommerce._stored import as_stored
from cartmigrate.testing.woocommerce import WooCommerceSimulator


class _LostBeforeSending(ForwardingCart):
    """The first create of orders never reaches the store; its answer is unknown."""

    def __init__(self, inner: WooCommerceCart) -> None:
        super().__init__(inner)
        self.lost = False

    def create_many(self, entities: Any, *, source_refs: Any = None) -> list[Any]:
        if entities and isinstance(entities[0], Order) and not self.lost:
            self.lost = True
            return [WriteOutcomeUnknown("lost") for _ in entities]
        return self.inner.create_many(entities, source_refs=source_refs)


def test_a_lost_order_create_never_adopts_the_stores_own_order(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    own = sim.seed("orders", {"billing": {"email": "own@example.com"}})
    source = MemoryCart([Order(id="o1", number=str(own["number"]), email="src@example.com")])
    state = MemoryStateStore()
    SyncEngine(source, _LostBeforeSending(cart), state=state).full_migrate()
    report = SyncEngine(source, cart, state=state).full_migrate()
    assert report.summary()["order"]["created"] == 1
    assert state.get("order", ["o1"])["o1"].target_id != str(own["id"])
    assert len(sim.store.orders) == 2


def test_an_unregistered_status_is_refused_before_sending(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    [result] = cart.create_many([Order(number="1", email="a@example.com", status="shipped")])
    assert isinstance(result, EntityRejected) and result.field == "status"
    assert "'shipped'" in str(result) and "MappingRules(order_status=" in str(result)
    assert not sim.store.orders
    assert not sim.requests_to("POST", "wc/v3/orders")
    source = MemoryCart([Order(id="o1", number="1", email="a@example.com", status="shipped")])
    rules = MappingRules(order_status={"shipped": "completed"})
    assert SyncEngine(source, cart, rules=rules).full_migrate().summary()["order"]["created"] == 1


def test_the_simulators_batch_coerces_an_unknown_status_like_the_store(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    answer = cart._http.request(
        "POST", cart._route("orders/batch"), json={"create": [{"status": "bogus"}]}
    ).json()
    assert answer["create"][0]["status"] == "pending"


def test_a_custom_status_the_store_registered_is_sent(make_sim: Any, make_cart: Any) -> None:
    sim = make_sim(custom_statuses=("shipped",))
    cart = make_cart(sim)
    [result] = cart.create_many([Order(number="1", email="a@example.com", status="shipped")])
    assert not isinstance(result, Exception)
    assert sim.store.orders[int(result.id)]["status"] == "shipped"


def test_decimals_are_sent_in_fixed_point_form() -> None:
    product = Product(
        name="P", sku="P", price=decimal.Decimal("1E+2"), weight=decimal.Decimal("2.5E+1")
    )
    body = wp.product_to_wc(product)
    assert body["regular_price"] == "100"
    assert body["weight"] == "25"
    assert wc.money_text(decimal.Decimal("1.5E-3")) == "0.0015"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_emails_a_killed_run_left_off_are_switched_back_on_by_the_next(
    sim: WooCommerceSimulator, make_cart: Any, tmp_path: Path
) -> None:
    """#3: recorded durably before muting; the next cart restores them and says so."""
    records = tmp_path / "records"
    killed = make_cart(sim, email_record_dir=records)
    killed.create(Customer(email="a@example.com"))
    assert set(sim.store.email_enabled.values()) == {"no"}
    [record] = records.glob("*.json")
    assert sorted(json.loads(record.read_text())["muted"]) == sorted(sim.store.email_enabled)
    # The process dies here: no close(), no atexit.
    atexit.unregister(killed._emails.restore)  # type: ignore[union-attr]
    record.write_text(json.dumps({**json.loads(record.read_text()), "pid": _dead_pid()}))
    nxt = make_cart(sim, email_record_dir=records)
    notes = " ".join(nxt.write_notes(Customer))
    assert set(sim.store.email_enabled.values()) == {"yes"}
    assert "switched back on: " in notes and "customer_new_account" in notes
    assert not list(records.glob("*.json"))


def test_a_running_carts_record_is_left_alone(
    sim: WooCommerceSimulator, make_cart: Any, tmp_path: Path
) -> None:
    records = tmp_path / "records"
    running = make_cart(sim, email_record_dir=records)
    running.create(Customer(email="a@example.com"))
    other = make_cart(sim, email_record_dir=records)
    assert other.write_notes(Customer) and set(sim.store.email_enabled.values()) == {"no"}
    running.close()
    assert set(sim.store.email_enabled.values()) == {"yes"}
    assert not list(records.glob("*.json"))


def test_compared_as_the_store_keeps_it() -> None:
    """#6: what WooCommerce normalises is normalised the same way before comparing."""
    variant = Variant(sku="V", price="5", compare_at_price="4", quantity=0, stock_status="in_stock")
    stored = as_stored(variant)
    assert stored.stock_status == StockStatus.OUT_OF_STOCK and stored.compare_at_price is None
    shirt = Product(name="S", sku="S", price="9", variants=[variant])
    assert as_stored(shirt).price is None
    assert as_stored(shirt).stock_status == StockStatus.OUT_OF_STOCK
    review = Review(product_id="1", rating=5, title="Great", body="Loved it")
    assert as_stored(review).body == "Great\n\nLoved it" and as_stored(review).title is None
    category = Category(name="C", description="<p>All <strong>linen</strong></p>")
    assert as_stored(category).description == "All <strong>linen</strong>"
    customer = Customer(email="a@example.com", phone="123", addresses=[Address(city="X")])
    assert as_stored(customer).addresses[0].phone == "123"


def test_an_uploaded_image_reads_back_as_its_source_url() -> None:
    source = "https://cdn.example.com/img/cap-2.jpg?v=3"
    raw = {
        "id": 1,
        "name": "Cap",
        "images": [
            {"src": "https://shop.example/wp-content/uploads/2026/12/cap-2-8.jpg"},
            {"src": "https://shop.example/wp-content/uploads/2026/12/other.jpg"},
        ],
        "meta_data": [{"key": wc.IMAGES_KEY, "value": json.dumps([source, "https://x/b.jpg"])}],
    }
    assert list(wp.product_from_wc(raw).images) == [
        source,
        "https://shop.example/wp-content/uploads/2026/12/other.jpg",  # replaced on the store
    ]


class _LostAfterWriting(ForwardingCart):
    """Creates of ``kind`` are written, then their answer is lost (once)."""

    def __init__(self, inner: WooCommerceCart, kind: type[Any]) -> None:
        super().__init__(inner)
        self.kind = kind
        self.lost = False

    def create_many(self, entities: Any, *, source_refs: Any = None) -> list[Any]:
        results = self.inner.create_many(entities, source_refs=source_refs)
        if entities and isinstance(entities[0], self.kind) and not self.lost:
            self.lost = True
            return [WriteOutcomeUnknown("lost") for _ in entities]
        return results


def test_reviews_whose_create_answer_was_lost_are_found_and_mapped(
    sim: WooCommerceSimulator, cart: WooCommerceCart, small_store: MemoryCart
) -> None:
    """#7: the store answers 409 to the same review again; the pre-check must see it."""
    state = MemoryStateStore()
    SyncEngine(small_store, _LostAfterWriting(cart, Review), state=state).full_migrate()
    report = SyncEngine(small_store, cart, state=state).full_migrate()
    assert not report.failures, report.failures
    mapped = sorted(str(r.target_id) for r in state.records("review"))
    assert mapped == sorted(str(i) for i in sim.store.reviews)
    assert len(mapped) == small_store.count(Review)


#: Every field a WooCommerce target can keep in step.
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
    ],
    "variant": ["sku", "price", "compare_at_price", "quantity", "stock_status", "options"],
    "customer": ["email", "first_name", "last_name", "phone", "addresses", "group"],
    "order": ["status", "status_history", "note", "billing_address", "shipping_address"],
    "review": ["rating", "title", "body", "author", "email", "status"],
}


def test_a_second_verify_writes_nothing(
    sim: WooCommerceSimulator, cart: WooCommerceCart, small_store: MemoryCart
) -> None:
    """#6 on the simulator: images re-hosted, texts rendered, stock derived..."""
    engine = SyncEngine(small_store, cart, clock=sim.clock.now)
    assert not engine.full_migrate().failures
    engine.smart_update(fields=ALL_FIELDS, verify=True)
    report = engine.smart_update(fields=ALL_FIELDS, verify=True)
    assert [(c.entity, c.source_id, sorted(c.fields)) for c in report.changes] == []


def _orders_with_gone_products() -> MemoryCart:
    shirt = Product(id="p1", name="Shirt", sku="SHIRT", price="10", quantity=9)
    lines = {
        "o1": [OrderLine(product_id="gone", name="Old mug", quantity=1, price="4")],
        "o2": [OrderLine(product_id="gone", sku="SHIRT", name="Shirt", quantity=2, price="10")],
        "o3": [OrderLine(product_id="p1", name="Shirt", quantity=1, price="10")],
    }
    orders = [
        Order(id=oid, number=oid, email="a@example.com", status="completed", lines=ls)
        for oid, ls in lines.items()
    ]
    return MemoryCart([shirt, *orders])


def test_order_lines_whose_product_is_gone(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """#8: no product on the target -> by SKU if it has one, else the order fails alone."""
    source = _orders_with_gone_products()
    report = SyncEngine(source, cart).full_migrate()
    assert [(f.entity, f.source_id, f.field) for f in report.failures] == [("order", "o1", "lines")]
    assert "refers to no product on the target" in report.failures[0].message
    assert report.summary()["order"]["created"] == 2
    shirt_id = next(p["id"] for p in sim.store.products.values() if p["sku"] == "SHIRT")
    lines = [o["line_items"][0]["product_id"] for o in sim.store.orders.values()]
    assert lines == [shirt_id, shirt_id]


def _order_refs(sim: WooCommerceSimulator) -> list[str]:
    return [str(wc.meta_value(order, wc.SOURCE_REF_KEY)) for order in sim.store.orders.values()]


def test_a_batch_the_store_is_still_writing_is_not_created_twice(
    sim: WooCommerceSimulator, make_cart: Any, small_store: MemoryCart
) -> None:
    """#1: the order batch times out while PHP goes on; the resume waits and finds it."""
    state = MemoryStateStore()
    cart = make_cart(sim)
    SyncEngine(small_store, cart, state=state, clock=sim.clock.now).full_migrate(
        entities=[Category, Product, Customer]
    )
    sim.answer_late("POST", "wc/v3/orders/batch", seconds=3)
    first = SyncEngine(small_store, cart, state=state, clock=sim.clock.now).full_migrate()
    assert first.summary()["order"]["failed"] == small_store.count(Order)
    assert not sim.store.orders  # not yet written: the store is still at it
    resume = make_cart(sim)  # a new process: it cannot know what the old one sent
    report = SyncEngine(small_store, resume, state=state, clock=sim.clock.now).full_migrate()
    assert not report.failures, report.failures
    refs = _order_refs(sim)
    assert len(refs) == len(set(refs)) == small_store.count(Order)


def test_the_late_fault_reproduces_the_race_a_lookup_without_waiting_loses(
    sim: WooCommerceSimulator, make_cart: Any, small_store: MemoryCart
) -> None:
    """What #1 was: looking right away misses the orders still being written."""
    state = MemoryStateStore()
    cart = make_cart(sim)
    SyncEngine(small_store, cart, state=state).full_migrate(entities=[Category, Product, Customer])
    sim.answer_late("POST", "wc/v3/orders/batch", seconds=3)
    SyncEngine(small_store, cart, state=state).full_migrate()
    hasty = make_cart(sim, settle_quiet=0.0)
    SyncEngine(small_store, hasty, state=state).full_migrate()
    sim.clock.sleep(5)
    hasty.count(Order)  # the store finishes the late batch
    refs = _order_refs(sim)
    assert len(refs) == 2 * len(set(refs))  # every order twice


def test_dates_the_store_accepts_are_sent_and_order_origins_noted(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """#10 on the simulator."""
    at = dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    source = MemoryCart(
        [
            Product(id="p", name="Dated", sku="DATED", price="5", quantity=3, created_at=at),
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
    assert not SyncEngine(source, cart).full_migrate().failures
    [product] = sim.store.products.values()
    [review] = sim.store.reviews.values()
    [order] = sim.store.orders.values()
    assert product["date_created_gmt"] == review["date_created_gmt"] == "2021-03-04T05:06:07"
    notes = [n["note"] for n in sim.store.notes[order["id"]]]
    assert any("#1042" in n and "2021-03-04T05:06:07" in n for n in notes)


def test_remigrate_reuses_the_images_instead_of_orphaning_copies(
    sim: WooCommerceSimulator, cart: WooCommerceCart, small_store: MemoryCart
) -> None:
    """#11: WordPress keeps a deleted product's images; created again, they are reused."""
    engine = SyncEngine(small_store, cart)
    assert not engine.full_migrate().failures
    media = len(sim.store.media)
    report = engine.remigrate(confirm=True)
    assert not report.failures
    assert len(sim.store.media) == media
    assert any("reused" in w.message for w in report.warnings)
    assert not sim.requests_to("DELETE", "wc/v3/products")  # #12: deletes go through /batch


def test_product_semantics_are_read_and_written_back() -> None:
    """#9: external, downloadable, dimensions, "any value" attributes."""
    raw = {
        "id": 5,
        "name": "Pennant",
        "type": "external",
        "external_url": "https://example.com/p",
        "button_text": "Buy there",
        "downloadable": True,
        "virtual": True,
        "downloads": [{"id": "x", "name": "F", "file": "https://example.com/f.zip"}],
        "download_limit": 2,
        "dimensions": {"length": "3", "width": "", "height": "1"},
    }
    product = wp.product_from_wc(raw)
    body = wp.product_to_wc(attrs.evolve(product, id=None))
    assert body["type"] == "external" and body["external_url"] == "https://example.com/p"
    assert body["button_text"] == "Buy there" and body["downloadable"] and body["virtual"]
    assert body["downloads"] == [{"name": "F", "file": "https://example.com/f.zip"}]
    assert body["download_limit"] == 2
    assert body["dimensions"] == {"length": "3", "width": "", "height": "1"}
    variant = wp.variant_from_wc(
        {
            "id": 7,
            "attributes": [{"name": "Size", "option": ""}, {"name": "Color", "option": "Red"}],
        }
    )
    assert dict(variant.options) == {"Color": "Red"} and variant.any_options == ("Size",)
    # They are model fields, not leftovers in extra.
    assert product.product_type == "external" and product.button_text == "Buy there"
    assert [(d.name, d.url) for d in product.downloads] == [("F", "https://example.com/f.zip")]
    assert product.dimensions is not None and product.dimensions.height == 1


def _store_with_existing(sim: WooCommerceSimulator) -> MemoryCart:
    sim.seed(
        "products", {"name": "Theirs", "sku": "MUG", "manage_stock": True, "stock_quantity": 3}
    )
    return MemoryCart([Product(id="p1", name="Mug", sku="MUG", price="4", quantity=9)])


def test_entities_already_on_the_target_adopt_leave_or_fail(make_sim: Any, make_cart: Any) -> None:
    """#13: the user chooses what happens to what was there before, and the report lists it."""
    outcomes: dict[str, Any] = {}
    for choice in ("adopt", "leave", "fail"):
        sim = make_sim()
        source = _store_with_existing(sim)
        engine = SyncEngine(source, make_cart(sim), existing=choice)  # type: ignore[arg-type]
        first = engine.full_migrate()
        source.add(attrs.evolve(source.list(Product)[0], quantity=12))
        engine.smart_update()
        [mug] = sim.store.products.values()
        outcomes[choice] = (mug["stock_quantity"], [f.source_id for f in first.failures])
        listed = [w.message for w in first.warnings if w.source_id == "p1"] + [
            f.message for f in first.failures
        ]
        assert any("on the target" in m for m in listed), listed
    assert outcomes["adopt"] == (12, [])  # adopted and kept in step
    assert outcomes["leave"] == (3, [])  # mapped, never written
    assert outcomes["fail"] == (3, ["p1"])  # refused, listed


def test_a_dry_run_remigrate_deletes_nothing_even_through_batches(
    sim: WooCommerceSimulator, cart: WooCommerceCart, small_store: MemoryCart
) -> None:
    """#12's batch deletes must not leak through the planning cart of a dry run."""
    engine = SyncEngine(small_store, cart)
    assert not engine.full_migrate().failures
    before = (len(sim.store.products), len(sim.store.orders), len(sim.store.customers))
    plan = engine.remigrate(confirm=True, dry_run=True)
    assert plan.summary()["product"]["deleted"] == small_store.count(Product)
    assert (len(sim.store.products), len(sim.store.orders), len(sim.store.customers)) == before
    posted = [r for r in sim.requests if r.path.endswith("/batch") and "delete" in (r.json or {})]
    assert posted == []
