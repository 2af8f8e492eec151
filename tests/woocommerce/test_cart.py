"""The WooCommerce connector against the simulator: reads, lookups, writes, errors, hygiene."""

from __future__ import annotations

import decimal
import logging
from typing import Any

import httpx
import pytest

from cartmigrate import (
    AuthenticationError,
    Category,
    ConfigurationError,
    Customer,
    DuplicateEntity,
    EntityRejected,
    Manufacturer,
    Order,
    OrderLine,
    Product,
    Review,
    Shipment,
    StatusChange,
    Variant,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from .conftest import KEY, SECRET


def test_reads_every_page_and_counts_cheaply(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    for i in range(250):
        sim.seed("products", {"name": f"P{i}", "sku": f"S{i}", "regular_price": "1"})
    assert len(list(cart.read(Product))) == 250
    pages = [
        r for r in sim.requests_to("GET", "wc/v3/products") if r.query.get("per_page") == "100"
    ]
    assert [r.query["page"] for r in pages] == ["1", "2", "3"]
    before = len(sim.requests)
    assert cart.count(Product) == 250
    assert len(sim.requests) == before + 1 and sim.requests[-1].query["per_page"] == "1"


def test_incremental_read_uses_modified_after(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    sim.seed("products", {"name": "old"})
    cut = sim.clock.now()
    sim.clock.advance(60)
    sim.seed("products", {"name": "new"})
    assert [p.name for p in cart.read(Product, since=cut)] == ["new"]
    assert (
        sim.requests[-1].query["modified_after"]
        and sim.requests[-1].query["dates_are_gmt"] == "true"
    )


def test_lookups_use_the_platform_filters(sim: WooCommerceSimulator, cart: WooCommerceCart) -> None:
    sim.seed("products", {"name": "Mug", "sku": "MUG-1"})
    sim.seed("customers", {"email": "ada@example.com"})
    sim.seed("categories", {"name": "Tees", "slug": "tees"})
    order = sim.seed("orders", {"billing": {"email": "x@example.com"}})
    found = cart.find(Product, "mug-1")
    assert found is not None and found.sku == "MUG-1"
    assert sim.requests[-1].query["sku"] == "mug-1"
    assert cart.find(Customer, "ADA@example.com") is not None
    assert cart.find(Category, "tees") is not None
    # The store's own order is never the source's order of that number (#2): WooCommerce
    # numbers orders itself, so only the source number cartmigrate wrote counts.
    assert cart.find(Order, order["number"]) is None
    assert cart.find(Order, "99999") is None
    assert cart.find(Product, "nope") is None


def test_creates_go_through_batch_and_variations(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    products = [Product(name=f"P{i}", sku=f"S{i}", price="5", quantity=3) for i in range(150)]
    shirt = Product(
        name="Shirt",
        sku="SHIRT",
        variants=[
            Variant(sku="SHIRT-S", price="9", quantity=1, options={"Size": "S"}),
            Variant(sku="SHIRT-M", price="9", quantity=2, options={"Size": "M"}),
        ],
    )
    results = cart.create_many(
        [*products, shirt], source_refs=[f"src:product:{i}" for i in range(151)]
    )
    assert all(not isinstance(r, Exception) for r in results)
    batches = sim.requests_to("POST", "wc/v3/products/batch")
    assert sorted(len(r.json["create"]) for r in batches) == [51, 100]  # sent concurrently
    created = results[-1]
    assert not isinstance(created, Exception) and len(created.variant_ids) == 2
    stored = cart.get(Product, created.id)
    assert stored is not None and [v.sku for v in stored.variants] == ["SHIRT-S", "SHIRT-M"]
    assert [v.id for v in stored.variants] == list(created.variant_ids)
    assert cart.find_by_source_ref(Product, "src:product:150") == stored


def test_a_bad_item_fails_alone_with_the_platform_message(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    sim.seed("products", {"name": "Taken", "sku": "TAKEN"})
    results = cart.create_many(
        [
            Product(name="ok", sku="OK"),
            Product(name="dup", sku="TAKEN"),
            Product(name="ok2", sku="OK2"),
        ]
    )
    assert not isinstance(results[0], Exception) and not isinstance(results[2], Exception)
    duplicate = results[1]
    assert isinstance(duplicate, DuplicateEntity) and duplicate.field == "sku"
    assert duplicate.existing_id == str(next(iter(sim.store.products)))
    assert duplicate.platform_message == "Invalid or duplicated SKU."


def test_invalid_param_names_the_field(cart: WooCommerceCart) -> None:
    [result] = cart.create_many(
        [Order(number="1", currency="EUR", status="wc-not-registered", lines=[])]
    )
    assert isinstance(result, EntityRejected) and result.field == "status"
    assert "status" in (result.platform_message or "") or "status" in str(result)


def test_duplicate_email_is_adopted_with_its_id(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    existing = sim.seed("customers", {"email": "ada@example.com"})
    [result] = cart.create_many([Customer(email="ada@example.com")])
    assert isinstance(result, DuplicateEntity) and result.existing_id == str(existing["id"])


def test_wrong_key_is_an_authentication_error_that_hides_the_secret(
    sim: WooCommerceSimulator, make_cart: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bad = make_cart(sim, secret="cs_wrong_secret_value")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as raised:
        list(bad.read(Product))
    assert raised.value.status_code == 401 and "woocommerce_rest_cannot_view" in str(raised.value)
    for text in (str(raised.value), repr(raised.value), repr(bad), str(vars(bad)), caplog.text):
        assert "cs_wrong_secret_value" not in text and KEY not in text and SECRET not in text


def test_plain_http_is_refused_except_locally() -> None:
    with pytest.raises(ConfigurationError):
        WooCommerceCart("http://shop.example", KEY, SECRET)
    WooCommerceCart("http://localhost:8080", KEY, SECRET).close()


def test_brands_are_unsupported_on_a_store_without_them(make_sim: Any, make_cart: Any) -> None:
    sim = make_sim(brands=False)
    cart = make_cart(sim)
    assert Manufacturer not in cart.capabilities.writes
    assert Manufacturer in make_cart(make_sim()).capabilities.writes


def test_partial_updates_touch_only_the_named_fields(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    created = cart.create(
        Product(
            name="Mug", sku="MUG", price="9", compare_at_price="12", quantity=5, description="keep"
        )
    )
    cart.update(Product, created.id, {"quantity": 2})
    put = sim.requests_to("PUT", "wc/v3/products")[-1]
    assert set(put.json) == {"manage_stock", "stock_quantity", "backorders"}  # status is derived
    cart.update(Product, created.id, {"price": decimal.Decimal("8")})
    assert sim.requests_to("PUT", "wc/v3/products")[-1].json == {
        "regular_price": "12",
        "sale_price": "8",
    }
    after = cart.get(Product, created.id)
    assert (
        after is not None
        and after.quantity == 2
        and after.price == 8
        and after.description == "keep"
    )
    with pytest.raises(EntityRejected):
        cart.update(Order, "1", {"total": "5"})


def _stocked(cart: WooCommerceCart, quantity: int = 10) -> str:
    return cart.create(Product(name="Mug", sku="MUG", price="5", quantity=quantity)).id


def test_migrated_orders_never_touch_stock(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    pid = _stocked(cart)
    order = Order(
        number="1001",
        email="buyer@example.com",
        status="processing",
        lines=[OrderLine(product_id=pid, name="Mug", quantity=3, price="5")],
        status_history=[StatusChange(status="processing", at="2024-01-01T10:00:00+00:00")],
    )
    created = cart.create(order, source_ref="src:order:1")
    assert sim.store.products[int(pid)]["stock_quantity"] == 10
    cart.update(Order, created.id, {"status": "cancelled"})
    assert sim.store.products[int(pid)]["stock_quantity"] == 10
    cart.update(Order, created.id, {"status": "completed"})
    assert sim.store.products[int(pid)]["stock_quantity"] == 10
    assert all(
        not r.json.get("set_paid")
        for r in sim.requests_to("POST", "wc/v3/orders/batch")
        for r in [r]
        if r.json
    )
    stored = cart.get(Order, created.id)
    assert (
        stored is not None
        and stored.status_history == order.status_history
        and stored.status == "completed"
    )


def _two_orders(cart: WooCommerceCart, pid: str) -> None:
    for number, email, status in (
        ("1", "b@example.com", "completed"),
        ("2", "c@example.com", "pending"),
    ):
        cart.create(
            Order(
                number=number,
                email=email,
                status=status,
                lines=[OrderLine(product_id=pid, name="M", quantity=1, price="5")],
            )
        )


def test_store_emails_are_off_while_writing_and_back_on_after(
    sim: WooCommerceSimulator, make_cart: Any
) -> None:
    sim.store.email_enabled["customer_note"] = "no"  # the owner's own choice
    cart = make_cart(sim)
    pid = _stocked(cart)
    cart.create(Customer(email="new@example.com"))
    _two_orders(cart, pid)
    assert sim.emails == []
    assert set(sim.store.email_enabled.values()) == {"no"}
    assert "switched off" in " ".join(cart.write_notes(Order))
    cart.close()
    assert sim.store.email_enabled["customer_note"] == "no"  # left as the owner had it
    assert {v for k, v in sim.store.email_enabled.items() if k != "customer_note"} == {"yes"}


def test_order_emails_are_what_the_platform_sends_unmuted(
    sim: WooCommerceSimulator, make_cart: Any
) -> None:
    """With mute_emails=False: one transition per migrated order, never two."""
    cart = make_cart(sim, mute_emails=False)
    pid = _stocked(cart)
    _two_orders(cart, pid)
    assert [(e.template, e.to) for e in sim.emails] == [
        ("new_order", "admin@shop.example"),
        ("customer_completed_order", "b@example.com"),
    ]


def test_shipments_use_tracking_when_the_extension_answers(make_sim: Any, make_cart: Any) -> None:
    for tracking in (True, False):
        sim = make_sim(shipment_tracking=tracking)
        cart = make_cart(sim)
        shipment = Shipment(
            carrier="DHL", tracking_number="JD014", tracking_url="https://dhl.example/JD014"
        )
        created = cart.create(Order(number="1", status="completed", lines=[], shipments=[shipment]))
        stored = cart.get(Order, created.id)
        assert stored is not None and stored.shipments == (shipment,)
        if tracking:
            assert [t["tracking_number"] for t in sim.store.trackings[int(created.id)]] == ["JD014"]
        else:
            assert any("JD014" in n["note"] for n in sim.store.notes[int(created.id)])


def test_reviews_are_not_posted_twice(sim: WooCommerceSimulator, cart: WooCommerceCart) -> None:
    pid = _stocked(cart)
    review = Review(product_id=pid, rating=4, body="Great", author="Ann", email="ann@example.com")
    first = cart.create(review)
    [again] = cart.create_many([review])
    assert isinstance(again, DuplicateEntity) and again.existing_id == first.id
    assert len(sim.store.reviews) == 1


def test_clear_deletes_through_batches(sim: WooCommerceSimulator, cart: WooCommerceCart) -> None:
    for i in range(120):
        sim.seed("customers", {"email": f"c{i}@example.com"})
    assert cart.clear(Customer) == 120 and not sim.store.customers
    assert [len(r.json["delete"]) for r in sim.requests_to("POST", "wc/v3/customers/batch")] == [
        100,
        20,
    ]


def test_user_client_gets_auth(sim: WooCommerceSimulator) -> None:
    http = httpx.Client(transport=sim.transport)
    cart = WooCommerceCart("https://shop.example", KEY, SECRET, client=http)
    assert cart.count(Product) == 0
    http.close()


def test_a_record_the_models_refuse_is_reported_not_dropped(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    good = cart.create(Customer(email="good@example.com"))
    bad = cart.create(Customer(email="bad@example.com"))
    sim.store.customers[int(bad.id)]["email"] = "bad-at-example.com"  # edited in the database
    assert [c.id for c in cart.read(Customer)] == [good.id]
    assert cart.get(Customer, bad.id) is None
    unreadable = cart.take_unreadable()
    assert [(kind, id, error.field) for kind, id, error in unreadable] == [  # type: ignore[attr-defined]
        (Customer, bad.id, "email"),
        (Customer, bad.id, "email"),
    ]
    assert cart.take_unreadable() == []
