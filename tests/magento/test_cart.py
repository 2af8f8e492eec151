"""MagentoCart offline: what it sends, what it refuses, how it reports."""

from __future__ import annotations

import logging
from typing import Any

import attrs
import httpx
import pytest

from cartmigrate import (
    AuthenticationError,
    Category,
    ConfigurationError,
    Customer,
    DuplicateEntity,
    EntityRejected,
    MemoryCart,
    MemoryStateStore,
    Order,
    Product,
    SyncEngine,
    Variant,
)
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.connectors.magento._api import error_for_response, substitute
from cartmigrate.testing.magento import MagentoSimulator

from ._scenario import run, source_store


def _response(status: int, body: Any) -> httpx.Response:
    request = httpx.Request("GET", "https://shop.example/rest/V1/x")
    return httpx.Response(status, json=body, request=request)


def test_placeholders_are_substituted() -> None:
    assert (
        substitute(
            "No such entity with %fieldName = %fieldValue", {"fieldName": "id", "fieldValue": 3}
        )
        == "No such entity with id = 3"
    )
    assert substitute('Products "%1" and "%2" clash', ["4", "5"]) == 'Products "4" and "5" clash'
    assert substitute("%3 stays", ["a"]) == "%3 stays"
    error = error_for_response(
        _response(
            400,
            {
                "message": "Could not save category: %1",
                "parameters": ["URL key for specified store already exists."],
            },
        )
    )
    assert isinstance(error, EntityRejected)
    assert (
        str(error)
        == "magento: Could not save category: URL key for specified store already exists."
    )
    assert error.field == "slug"
    auth = error_for_response(
        _response(
            401,
            {
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Catalog::products"},
            },
        )
    )
    assert isinstance(auth, AuthenticationError)
    assert "Magento_Catalog::products" in str(auth) and "%" not in str(auth)


def test_an_existing_sku_is_never_posted(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    before = sim.store.products[1]["name"]
    with pytest.raises(DuplicateEntity) as caught:
        cart.create(Product(name="Overwrite?", sku="RM-SIMPLE-1", price="1"))
    assert caught.value.existing_id == "1"
    assert not [r for r in sim.requests if r.method == "POST" and r.path.endswith("/products")]
    assert sim.store.products[1]["name"] == before


def test_the_simulator_upserts_like_the_store(sim: MagentoSimulator) -> None:
    client = httpx.Client(transport=sim.transport, headers={"Authorization": f"Bearer {sim.token}"})
    answer = client.post(
        f"{sim.url}/rest/V1/products", json={"product": {"sku": "RM-SIMPLE-1", "name": "Upserted"}}
    )
    assert answer.status_code == 200 and answer.json()["id"] == 1
    assert sim.store.products[1]["name"] == "Upserted"


def test_a_taken_url_key_fails_alone_with_the_message_filled_in(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    results = cart.create_many(
        [
            Product(name="A", sku="A-1", price="1", slug="realmagento-simple-1"),
            Product(name="B", sku="B-1", price="2"),
        ]
    )
    assert isinstance(results[0], EntityRejected) and results[0].field == "slug"
    assert "URL key for specified store already exists" in str(results[0])
    assert not isinstance(results[1], Exception)


def test_stock_changes_leave_updated_at_and_go_in_bulk(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    stamp = sim.store.products[3]["updated_at"]
    cart.update(Variant, "3", {"quantity": 4}, parent_id="5")
    assert sim.store.stock["RM-CONF-1-RED"]["quantity"] == 4
    assert sim.store.products[3]["updated_at"] == stamp
    assert [r.template for r in sim.requests if r.method != "GET"] == ["inventory/source-items"]


def test_reading_the_seeded_store(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    products = {p.sku: p for p in cart.read(Product)}
    assert set(products) == {"RM-SIMPLE-1", "RM-SIMPLE-2", "RM-CONF-1"}
    assert cart.count(Product) == 3
    assert {v.sku: dict(v.options) for v in products["RM-CONF-1"].variants} == {
        "RM-CONF-1-RED": {"Color": "Red"},
        "RM-CONF-1-BLUE": {"Color": "Blue"},
    }
    [order] = cart.read(Order)
    assert [(ln.product_id, ln.variant_id) for ln in order.lines] == [("1", None), ("5", "4")]
    assert [c.name for c in cart.read(Category)] == ["RM Category"]


def test_offline_run_both_ways() -> None:
    sim = MagentoSimulator()
    result = run(sim)
    first, second, third, back = result["reports"]
    for report in (first, second, third, back):
        assert report.failures == []
    assert second.summary()["variant"]["updated"] == 1
    assert second.summary()["order"]["updated"] == 1
    assert all(c["created"] == c["updated"] == 0 for c in third.summary().values())
    assert first.summary()["customer"]["created"] == 4
    assert sim.mails == []  # customers are saved through the repository: no welcome e-mail
    assert len(result["back"].list(Order)) == 6 + 1


def test_lost_answers_are_looked_up_not_repeated(sim: MagentoSimulator, make_cart: Any) -> None:
    source = source_store(5)
    cart: MagentoCart = make_cart(sim)
    sim.lose_answers(1, 4, 9, 17, 19)
    # Each lost answer is looked up at once (by SKU, e-mail, order number).
    assert SyncEngine(source, cart).full_migrate().failures == []
    assert len([r for r in sim.requests if r.status == 200 and r.method == "POST"]) >= 5
    skus = [p["sku"] for p in sim.store.products.values()]
    assert len(skus) == len(set(skus)) == 5 + 16
    numbers = [o["increment_id"] for o in sim.store.orders.values()]
    assert len(numbers) == len(set(numbers)) == 7
    emails = [c["email"] for c in sim.store.customers.values()]
    assert len(emails) == len(set(emails)) == 5


def test_customers_are_created_without_a_welcome_mail(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    source = MemoryCart(source_store(7, products=0, orders=0).list(Customer))
    cart: MagentoCart = make_cart(sim)
    sim.lose_answers(1, 3)  # two customer creates happen, their answers are lost
    report = SyncEngine(source, cart).full_migrate()
    assert report.failures == []
    assert report.summary()["customer"]["created"] == len(source.list(Customer))
    creates = [r for r in sim.requests if r.template == "customers/{id}" and r.method == "PUT"]
    assert {r.path for r in creates} == {"/rest/V1/customers/0"}
    assert len(creates) == len(source.list(Customer))  # a lost answer is looked up, not resent
    assert not [r for r in sim.requests if r.method == "POST" and r.template == "customers"]
    emails = sorted(c["email"] for c in sim.store.customers.values())
    assert emails == sorted({*emails})  # no duplicate
    assert set(emails) == {c.email for c in source.list(Customer)} | {"jane@example.test"}
    assert sim.mails == []


def test_plain_http_is_refused_off_loopback() -> None:
    with pytest.raises(ConfigurationError):
        MagentoCart("http://shop.example.com", "token")
    with pytest.raises(ConfigurationError):
        MagentoCart("https://shop.example.com")


def test_credentials_never_show(sim: MagentoSimulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = MagentoCart(sim.url, "wrongtokenwrongtoken", transport=sim.transport)
    with pytest.raises(AuthenticationError) as caught:
        list(wrong.read(Customer))
    assert "wrongtoken" not in str(caught.value) + repr(wrong) + caplog.text
    right = MagentoCart(sim.url, sim.token, transport=sim.transport)
    list(right.read(Customer))
    assert sim.token not in repr(right) + caplog.text


def test_admin_login_gets_a_token(sim: MagentoSimulator) -> None:
    cart = MagentoCart(
        sim.url, admin_username="admin", admin_password="adminpass123", transport=sim.transport
    )
    assert [c.email for c in cart.read(Customer)] == ["jane@example.test"]
    with pytest.raises(AuthenticationError):
        MagentoCart(sim.url, admin_username="admin", admin_password="nope", transport=sim.transport)


def test_write_notes_say_what_cannot_move(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim)
    assert any("passwords" in note for note in cart.write_notes(Customer))
    assert any("shipment" in note for note in cart.write_notes(Order))
    assert SyncEngine(MemoryCart(), cart).full_migrate().failures == []


def test_legacy_stock_where_msi_is_off(make_cart: Any) -> None:
    sim = MagentoSimulator(msi=False)
    cart: MagentoCart = make_cart(sim)
    products = {p.sku: p for p in cart.read(Product)}
    assert products["RM-SIMPLE-1"].quantity == 100
    cart.update(Variant, "3", {"quantity": 6}, parent_id="5")
    assert sim.store.stock["RM-CONF-1-RED"]["quantity"] == 6
    assert not [r for r in sim.requests if r.template and r.template.startswith("inventory/")]
    assert any(r.template == "products/{sku}/stockItems/{item}" for r in sim.requests)


def test_store_code_reads_that_view(sim: MagentoSimulator, make_cart: Any) -> None:
    cart: MagentoCart = make_cart(sim, store_code="default")
    assert [c.email for c in cart.read(Customer)] == ["jane@example.test"]
    cart.create(Category(name="Seasonal", slug="seasonal"))
    paths = {r.path.split("/V1/")[0] for r in sim.requests}
    assert paths == {"/rest/default", "/rest/all"}  # reads in the view, writes global


def test_an_order_line_is_pointed_at_a_product_migrated_later(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    source = source_store(6, products=2, orders=4)
    product = source.list(Product)[0]
    source.add(attrs.evolve(product, slug="realmagento-simple-1"))  # taken on the target
    cart: MagentoCart = make_cart(sim)
    state = MemoryStateStore()
    engine = SyncEngine(source, cart, state=state)
    first = engine.full_migrate()
    assert [f.field for f in first.failures] == ["slug"]
    source.add(attrs.evolve(product, slug="fixed-slug"))
    assert engine.full_migrate().failures == []
    engine.smart_update()
    target_product = state.get("product", [str(product.id)])[str(product.id)].target_id
    for order in source.list(Order):
        wanted = [ln.product_id == product.id for ln in order.lines]
        if not any(wanted):
            continue
        migrated = state.get("order", [str(order.id)])[str(order.id)].target_id
        stored = cart.get(Order, str(migrated))
        assert stored is not None
        for line, is_it in zip(stored.lines, wanted, strict=True):
            if is_it:
                assert line.product_id == target_product and line.variant_id is not None
        return
    raise AssertionError("no order refers to the product")


def test_a_stock_change_on_the_source_moves_in_the_smart_update(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart: MagentoCart = make_cart(sim)
    memory = MemoryCart()
    state = MemoryStateStore()
    engine = SyncEngine(cart, memory, state=state)
    assert engine.full_migrate().failures == []
    stamp = sim.store.products[3]["updated_at"]
    sim.store.stock["RM-CONF-1-RED"]["quantity"] = 2  # sold in the old shop's admin
    report = engine.smart_update()
    assert sim.store.products[3]["updated_at"] == stamp  # no updated_at moved...
    assert report.summary()["variant"]["updated"] == 1  # ... and the change still moved
    migrated = state.get("variant", ["3"])["3"].target_id
    [product] = [p for p in memory.list(Product) if p.sku == "RM-CONF-1"]
    assert {v.id: v.quantity for v in product.variants}[migrated] == 2


def test_the_state_knows_which_magento_it_belongs_to(sim: MagentoSimulator) -> None:
    one = MagentoCart("https://user:pw@shop.example", sim.token, transport=sim.transport)
    other = MagentoCart("https://other.example", sim.token, transport=sim.transport)
    assert one.store_identity == "magento:https://shop.example"
    assert other.store_identity != one.store_identity


def test_remigrate_keeps_what_undeletable_orders_refer_to(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    """Magento's REST API has no order delete: remigrating products (and so the orders
    that refer to them) fails per order, and deletes no product an order points at."""
    source = source_store(5)
    cart: MagentoCart = make_cart(sim)
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    assert engine.full_migrate().failures == []
    products = {p["sku"] for p in sim.store.products.values()}
    report = engine.remigrate(confirm=True, entities=[Product])
    refused = [f for f in report.failures if f.entity == "order"]
    assert {f.source_id for f in refused} == {str(o.id) for o in source.list(Order)}
    assert all("cannot be deleted" in f.message for f in refused)
    assert {f.entity for f in report.failures} == {"order"}
    assert {p["sku"] for p in sim.store.products.values()} == products  # none deleted
    assert report.total("deleted") == report.total("created") == 0
    assert any("not cleared" in w.message for w in report.warnings)
