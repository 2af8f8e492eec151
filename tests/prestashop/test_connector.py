"""What the PrestaShop connector does with the webservice's habits, offline."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable

import attrs
import httpx
import pytest

from cartmigrate import (
    AuthenticationError,
    ConfigurationError,
    ConnectorError,
    DuplicateEntity,
    EntityRejected,
    MemoryCart,
    SyncEngine,
    TransientError,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.connectors.prestashop._values import field, money, text
from cartmigrate.connectors.prestashop._xml import Assoc, Lang, xml_body
from cartmigrate.models import Address, Category, Customer, Manufacturer, Order, Product, Variant
from cartmigrate.testing.prestashop import PrestaShopSimulator

from .conftest import utc

MakeCart = Callable[..., PrestaShopCart]


# -- values -----------------------------------------------------------------
def test_a_missing_falsy_field_reads_as_empty_and_both_multilingual_shapes_read() -> None:
    row = {"id": 3, "name": [{"id": "1", "value": "Shirt"}, {"id": "2", "value": "Chemise"}]}
    assert field(row, "active", "0") == "0"  # dropped by a single-object GET
    assert text(row, "name", 2) == "Chemise"
    assert text(row, "name", 1) == "Shirt"
    assert text(row, "name", 7) == "Shirt"  # the first when the language is absent
    assert text({"name": "Shirt"}, "name", 2) == "Shirt"
    assert money("23.900000") == money("23.9")
    assert str(money("23.900000")) == "23.90"


def test_xml_bodies_are_built_not_pasted() -> None:
    hostile = "Tom & Jerry </name><active>0</active> ]]>"
    body = xml_body(
        "product",
        {
            "name": Lang(hostile),
            "active": 1,
            "associations": {"categories": Assoc("category", [{"id": 2}, {"id": 5}])},
        },
        languages=[1, 2],
    )
    root = ET.fromstring(body)
    product = root.find("product")
    assert product is not None
    assert [n.text for n in product.iter("language")] == [hostile, hostile]
    assert [n.get("id") for n in product.iter("language")] == ["1", "2"]
    assert product.findtext("active") == "1"
    assert [i.text for i in product.iter("id")] == ["2", "5"]


# -- configuration ------------------------------------------------------------
def test_plain_http_is_refused_except_on_loopback() -> None:
    with pytest.raises(ConfigurationError):
        PrestaShopCart("http://shop.example", "KEY")
    PrestaShopCart("http://127.0.0.1:8090/api", "KEY").close()


def test_the_key_shows_nowhere(
    sim: PrestaShopSimulator, make_cart: MakeCart, caplog: pytest.LogCaptureFixture
) -> None:
    cart = make_cart(sim, key="WRONGKEYWRONGKEYWRONGKEYWRONGKEY")
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as raised:
        list(cart.read(Category))
    assert "WRONGKEY" not in repr(cart)
    assert "WRONGKEY" not in str(raised.value)
    assert "WRONGKEY" not in caplog.text


def test_another_host_is_a_redirect_and_never_followed(make_cart: MakeCart) -> None:
    sim = PrestaShopSimulator(host="127.0.0.1:8090")
    cart = PrestaShopCart("https://localhost:8090", sim.key, transport=sim.transport)
    with pytest.raises(ConnectorError, match="redirected"):
        list(cart.read(Category))
    assert sim.requests == []  # the redirect came before the webservice


# -- reading ------------------------------------------------------------------
def test_pages_are_sorted_by_id_and_end_on_a_short_page(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    cart = make_cart(sim, page_size=2)
    products = list(cart.read(Product))
    assert [p.id for p in products] == ["1", "2", "3", "4"]
    pages = [dict(r.params) for r in sim.requests_to("GET", "products")]
    assert len(pages) == 3  # 2 + 2 + an empty page: no total anywhere
    assert all(p["sort"] == "[id_ASC]" and p["limit"] == "0,2" for p in pages)
    assert [p["filter[id]"] for p in pages] == [">[0]", ">[2]", ">[4]"]


def test_products_read_with_combinations_stock_and_options(cart: PrestaShopCart) -> None:
    shirt = cart.get(Product, "1")
    assert shirt is not None
    assert shirt.sku == "demo_1" and shirt.quantity == 1200
    # The demo's combinations repeat the product's reference: no SKU of their own.
    assert [v.sku for v in shirt.variants] == [None] * 4
    assert shirt.variants[0].extra["reference"] == "demo_1"
    assert dict(shirt.variants[1].options) == {"Size": "S", "Color": "Black"}
    assert [v.quantity for v in shirt.variants] == [300] * 4
    assert shirt.category_ids == ("4",)  # Home is the tree's frame, not a category
    assert cart.derived_fields(shirt) == {"quantity", "stock_status"}


def test_a_second_language_reads_in_the_cart_language(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    rows = [dict(r) for r in sim.shop.tables["categories"].values()]
    for row in rows:
        row["name"] = [{"id": "1", "value": row["name"]}, {"id": "2", "value": f"fr {row['name']}"}]
    sim.load({"categories": rows})
    assert {c.name for c in make_cart(sim, language=2).read(Category)} == {
        "fr Clothes",
        "fr Men",
        "fr Women",
        "fr Accessories",
    }
    assert "Men" in {c.name for c in make_cart(sim).read(Category)}


def test_incremental_reads_filter_by_date_upd_with_date_1(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    since = utc(2026, 12, 1)
    sim.shop.tables["addresses"][3]["date_upd"] = "2026-12-02 08:00:00"
    customers = list(cart.read(Customer, since=since))
    # Nobody's own row changed; John's address did, which does not move his date_upd.
    assert [c.email for c in customers] == ["pub@prestashop.com"]
    first = dict(sim.requests_to("GET", "customers")[0].params)
    assert first["filter[date_upd]"] == "[2026-12-01 00:00:00,2999-12-31 00:00:00]"
    assert first["date"] == "1"


# -- writing ------------------------------------------------------------------
def test_updates_are_patches_and_stock_costs_one_patch(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    cart.get(Product, "1")
    before = len(sim.requests)
    cart.update(Variant, "2", {"quantity": 17}, parent_id="1")
    assert [(r.method, r.resource) for r in sim.requests[before:]] == [
        ("PATCH", "stock_availables")
    ]
    cart.update(Product, "3", {"name": "Poster", "quantity": 5})
    assert sim.requests_to("PUT", "products") == []
    poster = cart.get(Product, "3")
    assert poster is not None and (poster.name, poster.quantity) == ("Poster", 5)
    assert poster.description == "<p>The mountain poster.</p>", "PATCH keeps the rest"
    shirt = cart.get(Product, "1")
    assert shirt is not None and shirt.quantity == 300 * 3 + 17


def test_a_product_is_made_whole_with_options_matched_or_created(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    created = cart.create(
        Product(
            name="Scarf",
            sku="SCARF",
            price="20",
            variants=[
                Variant(sku="SCARF-S", price="20", quantity=2, options={"Size": "s"}),
                Variant(sku="SCARF-SILK", price="31.5", quantity=0, options={"Fabric": "Silk"}),
            ],
        )
    )
    scarf = cart.get(Product, created.id)
    assert scarf is not None and scarf.extra["state"] == "1"
    assert [(v.sku, v.price, v.quantity) for v in scarf.variants] == [
        ("SCARF-S", money("20"), 2),
        ("SCARF-SILK", money("31.5"), 0),
    ]
    assert dict(scarf.variants[0].options) == {"Size": "S"}  # the shop's own Size/S
    assert len(sim.requests_to("POST", "product_option_values")) == 1  # Silk only
    row = sim.shop.tables["products"][int(created.id)]
    assert (row["state"], row["available_for_order"], row["show_price"]) == ("1", "1", "1")
    assert row["id_default_combination"] == created.variant_ids[0]


def test_a_lost_answer_to_a_product_is_found_not_posted_again(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.fail_next("POST", "products")
    created = cart.create(Product(name="Cap", sku="CAP-1", price="9", quantity=4))
    assert len(sim.requests_to("POST", "products")) == 1
    cap = cart.get(Product, created.id)
    assert cap is not None and cap.quantity == 4


def test_a_lost_answer_to_a_customer_is_found_by_e_mail(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.fail_next("POST", "customers", timeout=True)
    created = cart.create(
        Customer(
            email="ada@example.com",
            first_name="Ada",
            last_name="Lovelace",
            addresses=[Address(line1="1 Main St", city="Austin", region="CA", country="US")],
        )
    )
    assert len(sim.requests_to("POST", "customers")) == 1
    ada = cart.get(Customer, created.id)
    assert ada is not None and ada.addresses[0].region == "CA"
    assert ada.extra.get("note") == "", "the being-created mark is cleared"


def test_a_duplicate_e_mail_is_refused_with_the_existing_id(cart: PrestaShopCart) -> None:
    with pytest.raises(DuplicateEntity) as raised:
        cart.create(Customer(email="PUB@prestashop.com", first_name="J", last_name="D"))
    assert raised.value.existing_id == "2"


def test_a_500_after_a_category_was_made_is_settled_by_its_slug(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    source = MemoryCart([Category(id="c1", name="Sale", slug="sale")])
    sim.fail_next("POST", "categories")
    assert SyncEngine(source, cart).full_migrate().failures == []
    slugs = [r["link_rewrite"] for r in sim.shop.tables["categories"].values()]
    assert slugs.count("sale") == 1
    assert len(sim.requests_to("POST", "categories")) == 1


def test_a_500_that_made_nothing_is_sent_once_more(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.fail_next("POST", "manufacturers", applied=False)
    created = cart.create(Manufacturer(name="Loom & Co"))
    assert len(sim.requests_to("POST", "manufacturers")) == 2
    names = [r["name"] for r in sim.shop.tables["manufacturers"].values()]
    assert names.count("Loom & Co") == 1 and created.id == str(
        sim.shop.next_ids["manufacturers"] - 1
    )


def test_a_time_out_that_made_nothing_stays_unknown_and_the_engine_settles_it(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    # After a time-out the server may still be at it: not sent again at once.
    source = MemoryCart([Category(id="c1", name="Sale", slug="sale")])
    sim.fail_next("POST", "categories", timeout=True, applied=False)
    engine = SyncEngine(source, cart)
    first = engine.full_migrate()
    assert [f.error for f in first.failures] == [WriteOutcomeUnknown.__name__]
    assert len(sim.requests_to("POST", "categories")) == 1
    assert engine.full_migrate().failures == []
    slugs = [r["link_rewrite"] for r in sim.shop.tables["categories"].values()]
    assert slugs.count("sale") == 1


def test_a_bad_filter_is_refused_at_once_not_retried(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    with pytest.raises(EntityRejected):
        cart._ws.all("products", {"filter[nope]": "[1]"})
    assert len(sim.requests_to("GET", "products")) == 1


def test_an_unfinished_product_is_never_found_and_is_replaced(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    # A create killed after the product's POST: the product is still "temporary".
    sim.shop.create("products", {"name": "Cap", "price": "9", "reference": "CAP-2", "state": "0"})
    assert cart.find(Product, "CAP-2") is None
    created = cart.create(Product(name="Cap", sku="CAP-2", price="9", quantity=1))
    references = [r["reference"] for r in sim.shop.tables["products"].values()]
    assert references.count("CAP-2") == 1
    found = cart.find(Product, "CAP-2")
    assert found is not None and found.id == created.id


def test_what_cannot_be_written_is_said(cart: PrestaShopCart) -> None:
    assert Order in cart.capabilities.reads
    assert Order in cart.capabilities.writes
    notes = " ".join(cart.write_notes(Order))
    assert "payment-module path" in notes and "taxes" in notes and "stock back" in notes
    assert "random password" in " ".join(cart.write_notes(Customer))
    assert "images are not uploaded" in " ".join(cart.write_notes(Product))


def test_transport_errors_on_reads_are_retried(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return sim.handle(request)

    cart = make_cart(sim, transport=httpx.MockTransport(flaky))
    assert len(list(cart.read(Category))) == 4


def test_a_sku_no_filter_can_hold_is_still_found(cart: PrestaShopCart) -> None:
    created = cart.create(Product(name="Odd", sku="A,B|C", price="1", quantity=1))
    found = cart.find(Product, "a,b|c")
    assert found is not None and found.id == created.id


def test_leftovers_are_matched_exactly_never_by_a_filter_pattern(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    # Someone's temporary product whose reference falls in the range "A,C" must survive.
    sim.shop.create("products", {"name": "Other", "price": "1", "reference": "B", "state": "0"})
    cart.create(Product(name="Odd", sku="A,C", price="1", quantity=1))
    assert "B" in [r["reference"] for r in sim.shop.tables["products"].values()]


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _image_host(request: httpx.Request) -> httpx.Response:
    assert "Authorization" not in request.headers, "the shop's key never goes to image hosts"
    if request.url.path.endswith(".png"):
        return httpx.Response(200, content=PNG, headers={"Content-Type": "image/png"})
    return httpx.Response(404, content=b"gone")


def test_images_are_uploaded_and_a_dead_one_fails_its_product(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    images = httpx.Client(transport=httpx.MockTransport(_image_host))
    cart = make_cart(sim, upload_images=True, image_client=images)
    created = cart.create(
        Product(
            name="Framed",
            sku="FRAME-1",
            price="30",
            quantity=1,
            images=["https://cdn.example/a.png", "https://cdn.example/b.png"],
        )
    )
    framed = cart.get(Product, created.id)
    assert framed is not None and len(framed.images) == 2
    assert len(sim.requests_to("POST", "images")) == 2
    with pytest.raises(EntityRejected) as refused:
        cart.create(
            Product(name="Lost", sku="LOST-1", price="3", images=["https://cdn.example/x.jpg"])
        )
    assert refused.value.field == "images"
    assert "LOST-1" not in [r["reference"] for r in sim.shop.tables["products"].values()]
    assert "images are uploaded" in " ".join(cart.write_notes(Product))


def test_order_states_map_to_the_vocabulary_or_read_as_their_slug(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.shop.put("order_states", {"id": 14, "name": "Awaiting pick-up (store)"})
    sim.shop.tables["orders"][1]["current_state"] = "14"
    sim.shop.tables["orders"][2]["current_state"] = "9"
    statuses = {o.id: o.status for o in cart.read(Order)}
    assert statuses == {"1": "awaiting-pick-up-store", "2": "on-backorder-paid"}
    history = [c.status for c in next(iter(cart.read(Order))).status_history]
    assert history == ["pending", "cancelled"]


def test_a_record_the_models_refuse_is_reported_not_dropped(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.shop.tables["customers"][1]["email"] = "not an e-mail"
    report = SyncEngine(cart, MemoryCart()).full_migrate(entities=[Customer])
    assert report.summary()["customer"]["created"] == 1
    assert [(f.entity, f.source_id, f.field) for f in report.failures] == [
        ("customer", "1", "email")
    ]


def test_a_sale_for_everyone_reads_as_price_and_compare_at(cart: PrestaShopCart) -> None:
    sweater = cart.get(Product, "2")
    assert sweater is not None
    assert (sweater.price, sweater.compare_at_price) == (money("28.72"), money("35.90"))
    assert {(v.price, v.compare_at_price) for v in sweater.variants} == {
        (money("28.72"), money("35.90"))
    }
    notebook = cart.get(Product, "4")  # only wholesale customers pay less: not a sale
    assert notebook is not None
    assert (notebook.price, notebook.compare_at_price) == (money("12.90"), None)
    assert notebook.extra["specific_prices"] == 1


def test_a_sale_is_written_as_a_specific_price_and_updated(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    created = cart.create(
        Product(
            name="Tote",
            sku="TOTE",
            price="15",
            compare_at_price="20",
            variants=[
                Variant(
                    sku="TOTE-R",
                    price="15",
                    compare_at_price="20",
                    quantity=1,
                    options={"Color": "White"},
                ),
                Variant(sku="TOTE-B", price="22", quantity=1, options={"Color": "Black"}),
            ],
        )
    )
    tote = cart.get(Product, created.id)
    assert tote is not None
    assert [(v.price, v.compare_at_price) for v in tote.variants] == [
        (money("15"), money("20")),
        (money("22"), None),
    ]
    cart.update(Variant, created.variant_ids[1], {"compare_at_price": "30"}, parent_id=created.id)
    cart.update(Variant, created.variant_ids[0], {"compare_at_price": None}, parent_id=created.id)
    tote = cart.get(Product, created.id)
    assert tote is not None
    assert [(v.price, v.compare_at_price) for v in tote.variants] == [
        (money("15"), None),
        (money("22"), money("30")),
    ]
    simple = cart.create(
        Product(name="Pin", sku="PIN", price="2", compare_at_price="3", quantity=1)
    )
    pin = cart.get(Product, simple.id)
    assert pin is not None and (pin.price, pin.compare_at_price) == (money("2"), money("3"))
    cart.update(Product, simple.id, {"price": "2.5"})
    pin = cart.get(Product, simple.id)
    assert pin is not None and (pin.price, pin.compare_at_price) == (money("2.5"), money("3"))


def test_tags_are_matched_by_name_or_created(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.shop.put("tags", {"id": 1, "id_lang": "1", "name": "summer"})
    created = cart.create(
        Product(name="Hat", sku="HAT", price="5", quantity=1, tags=["Summer", "straw"])
    )
    hat = cart.get(Product, created.id)
    assert hat is not None and hat.tags == ("summer", "straw")
    assert len(sim.requests_to("POST", "tags")) == 1  # "straw" only
    cart.update(Product, created.id, {"tags": ["beach"]})
    hat = cart.get(Product, created.id)
    assert hat is not None and hat.tags == ("beach",) and hat.category_ids == ()


def test_a_customer_whose_addresses_failed_is_removed_with_them(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    sim.fail_next("POST", "addresses", timeout=True, applied=False, after=1)
    addresses = [Address(line1=f"{n} Main St", city="Lyon", country="FR") for n in (1, 2)]
    customer = Customer(email="two@example.com", first_name="T", last_name="W")
    with pytest.raises(TransientError):
        cart.create(attrs.evolve(customer, addresses=[addresses[1], addresses[0]]))
    assert [r["email"] for r in sim.shop.tables["customers"].values()].count("two@example.com") == 0
    created = cart.create(attrs.evolve(customer, addresses=addresses))
    owned = [a for a in sim.shop.tables["addresses"].values() if a["id_customer"] == created.id]
    assert len(owned) == 2
    assert not [
        a
        for a in sim.shop.tables["addresses"].values()
        if a["city"] == "Lyon" and a["id_customer"] != created.id
    ]
