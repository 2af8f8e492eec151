"""The Shopify connector against the simulator: lookups, errors, throttling, secrets."""

from __future__ import annotations

import logging

import graphql
import pytest

from cartmigrate import (
    AuthenticationError,
    Category,
    Customer,
    DuplicateEntity,
    EntityRejected,
    InvalidEntity,
    Manufacturer,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    Variant,
    WriteOutcomeUnknown,
)
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.shopify import _graphql as docs
from cartmigrate.connectors.shopify import _legacy as legacy
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator
from cartmigrate.testing.shopify._cost import query_cost

from .conftest import TOKEN, BucketClock, assert_documents_valid, make_cart


def _products(n: int) -> list[Product]:
    return [Product(name=f"Product {i}", sku=f"SKU-{i}", price="5", quantity=i) for i in range(n)]


def test_create_read_and_documents_validate(
    cart: ShopifyCart, sim: ShopifySimulator, schema: graphql.GraphQLSchema
) -> None:
    created = cart.create(
        Product(
            name="Tee",
            variants=[
                Variant(sku="T-S", price="10", quantity=3, options={"Size": "S"}),
                Variant(sku="T-M", price="11", quantity=4, options={"Size": "M"}),
            ],
        ),
        source_ref="memory:product:1",
    )
    assert len(created.variant_ids) == 2
    product = cart.get(Product, created.id)
    assert product is not None
    assert [(v.id, v.sku, v.quantity) for v in product.variants] == [
        (created.variant_ids[0], "T-S", 3),
        (created.variant_ids[1], "T-M", 4),
    ]
    assert product.tags == ()  # the reference tag is not shown as a product tag
    assert assert_documents_valid(schema, sim) == len(sim.requests) >= 3


def test_pagination_reads_every_page(cart: ShopifyCart, sim: ShopifySimulator) -> None:
    results = cart.create_many(_products(15))
    assert all(not isinstance(r, Exception) for r in results)
    names = [p.name for p in cart.read(Product)]
    assert names == [f"Product {i}" for i in range(15)]
    # docs.PAGE_PRODUCTS a page (the most whose requested cost stays under 1,000).
    assert docs.PAGE_PRODUCTS == 5
    assert sim.operations().count("Products") == 3
    assert "ProductVariants" not in sim.operations()  # none has more than 10 variants
    assert cart.count(Product) == 15


def test_a_product_of_more_variants_than_a_page_holds_is_read_whole(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # 150 variants: 10 read with the product, then 100 and 40 by ProductVariants.
    variants = [
        Variant(
            sku=f"BIG-{s}-{c}", price="3", quantity=1, options={"Size": f"{s}", "Colour": f"{c}"}
        )
        for s in range(10)
        for c in range(15)
    ]
    created = cart.create(Product(name="Big", sku="BIG", variants=variants))
    before = sim.operations().count("ProductVariants")
    [read] = [p for p in cart.read(Product) if p.name == "Big"]
    assert [v.sku for v in read.variants] == [v.sku for v in variants]
    assert sim.operations().count("ProductVariants") - before == 2
    got = cart.get(Product, created.id)
    assert got is not None and len(got.variants) == 150
    # The create's answer holds 100 variants: the rest's ids were read after it.
    assert list(created.variant_ids) == [v.id for v in read.variants]


def test_a_product_in_more_collections_and_with_more_images_than_a_page_holds_is_read_whole(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # 25 collections and 20 images are read with a product; the rest after.
    collections = [cart.create(Category(name=f"C{i}", slug=f"c{i}")).id for i in range(30)]
    images = [f"https://cdn.example/img/{i}.jpg" for i in range(24)]
    created = cart.create(Product(name="Wide", sku="WIDE", category_ids=collections, images=images))
    got = cart.get(Product, created.id)
    assert got is not None
    assert sorted(got.category_ids) == sorted(collections)
    assert len(got.images) == 24
    operations = sim.operations()
    assert "ProductCollections" in operations and "ProductMedia" in operations


def test_an_order_of_more_lines_than_a_page_holds_is_read_whole(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # 50 lines are read with an order; the rest after it, 100 a query.
    lines = [OrderLine(name=f"Line {i}", quantity=1, price="1") for i in range(120)]
    created = cart.create(Order(number="#7001", lines=lines))
    got = cart.get(Order, created.id)
    assert got is not None and [line.name for line in got.lines] == [line.name for line in lines]
    assert sim.operations().count("OrderLineItems") == 1


def test_an_order_of_more_fulfillments_than_are_read_with_it_is_read_whole(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # Order.fulfillments is a list that ``first`` truncates; fulfillmentsCount
    # says there are more, and the order is asked for them again.
    shipments = [
        Shipment(tracking_number=f"T{i:02}", lines=[ShipmentLine(sku="BOX", quantity=1)])
        for i in range(docs.ORDER_FULFILLMENTS_FIRST + 5)
    ]
    lines = [OrderLine(name="Box", sku="BOX", quantity=len(shipments), price="1")]
    created = cart.create(Order(number="#7002", lines=lines, shipments=shipments))
    (record,) = sim.store.orders.values()
    assert len(record["fulfillments"]) == len(shipments)
    got = cart.get(Order, created.id)
    assert got is not None
    assert [s.tracking_number for s in got.shipments] == [s.tracking_number for s in shipments]
    assert sim.operations().count("OrderFulfillments") == 1
    # ... and with no more than are read with it, nothing is asked again.
    cart.create(Order(number="#7003", lines=lines, shipments=shipments[:2]))
    assert [o.number for o in cart.read(Order)] == ["#7002", "#7003"]
    assert sim.operations().count("OrderFulfillments") == 2


def test_a_shipment_update_sees_every_fulfillment_already_made(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # Those past the 20 read with the order are there too: not fulfilled
    # again, nor marked as kept in the metafield only.
    shipments = [
        Shipment(tracking_number=f"T{i:02}", lines=[ShipmentLine(sku="BOX", quantity=1)])
        for i in range(docs.ORDER_FULFILLMENTS_FIRST + 5)
    ]
    lines = [OrderLine(name="Box", sku="BOX", quantity=len(shipments) + 1, price="1")]
    created = cart.create(Order(number="#7007", lines=lines, shipments=shipments))
    before = len(sim.operations())
    late = Shipment(tracking_number="LATE", lines=[ShipmentLine(sku="BOX", quantity=1)])
    cart.update(Order, created.id, {"shipments": [*shipments, late]})
    asked = sim.operations()[before:]
    assert asked.count("OrderFulfillmentOrders") == 1 and asked.count("FulfillmentCreate") == 1
    got = cart.get(Order, created.id)
    assert got is not None
    assert [s.tracking_number for s in got.shipments] == [s.tracking_number for s in shipments] + [
        "LATE"
    ]
    (record,) = sim.store.orders.values()
    assert len(record["fulfillments"]) == len(shipments) + 1


def test_more_fulfillments_than_shopify_lists_fail_the_order_alone(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    lines = [OrderLine(name="Box", sku="BOX", quantity=1, price="1")]
    shipped = cart.create(Order(number="#7004", lines=lines, shipments=[Shipment()]))
    cart.create(Order(number="#7005", lines=lines))
    record = next(o for o in sim.store.orders.values() if o["name"] == "#7004")
    (one,) = record["fulfillments"]
    record["fulfillments"].extend(
        {**one, "id": sim.store.new_id()} for _ in range(docs.ORDER_FULFILLMENTS_MAX)
    )
    assert [o.number for o in cart.read(Order)] == ["#7005"]
    [(kind, source_id, problem)] = cart.take_unreadable()
    assert (kind, source_id) == (Order, shipped.id)
    assert isinstance(problem, InvalidEntity) and problem.field == "shipments"
    assert f"{docs.ORDER_FULFILLMENTS_MAX + 1} fulfillments" in str(problem)


def test_a_fulfillment_with_several_tracking_numbers_reads_as_a_shipment_each(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # Two parcels under one fulfillment: neither number may be dropped. The
    # lines go with the shipment they were written with, as Magento's tracks.
    line = ShipmentLine(sku="BOX", quantity=2)
    created = cart.create(
        Order(
            number="#7006",
            lines=[OrderLine(name="Box", sku="BOX", quantity=2, price="1")],
            shipments=[Shipment(carrier="DHL", tracking_number="A1", lines=[line])],
        )
    )
    (record,) = sim.store.orders.values()
    (fulfillment,) = record["fulfillments"]
    fulfillment["tracking"].append({"company": "DHL", "number": "B2", "url": None})
    got = cart.get(Order, created.id)
    assert got is not None
    assert [(s.carrier, s.tracking_number, s.lines) for s in got.shipments] == [
        ("DHL", "A1", (line,)),
        ("DHL", "B2", ()),
    ]


def test_incremental_read(cart: ShopifyCart, clock: FakeClock) -> None:
    cart.create(Customer(email="old@example.com"))
    clock.advance(3600)
    since = clock.now()
    cart.create(Customer(email="new@example.com"))
    assert [c.email for c in cart.read(Customer, since=since)] == ["new@example.com"]


def test_lookups(cart: ShopifyCart) -> None:
    product = cart.create(Product(name="P", sku="ABC-1", slug="p-handle"), source_ref="s:product:1")
    customer = cart.create(Customer(email="Bob@Example.com"), source_ref="s:customer:1")
    category = cart.create(Category(name="Cat", slug="cat"), source_ref="s:category:1")
    order = cart.create(
        Order(number="#5001", lines=[OrderLine(name="x", quantity=1, price="1")]),
        source_ref="s:order:1",
    )
    assert (found := cart.find(Product, "abc-1")) is not None and found.id == product.id
    assert (found := cart.find(Product, "p-handle")) is not None and found.id == product.id
    assert (found := cart.find(Customer, "bob@example.com")) is not None
    assert found.id == customer.id
    assert (found := cart.find(Order, "#5001")) is not None and found.id == order.id
    assert (found := cart.find(Category, "cat")) is not None and found.id == category.id
    assert cart.find(Customer, "nobody@example.com") is None
    for kind, ref, wanted in [
        (Product, "s:product:1", product.id),
        (Customer, "s:customer:1", customer.id),
        (Category, "s:category:1", category.id),
        (Order, "s:order:1", order.id),
    ]:
        entity = cart.find_by_source_ref(kind, ref)
        assert entity is not None and entity.id == wanted
    assert cart.find_by_source_ref(Product, "s:product:2") is None


def test_manufacturers_are_vendors(cart: ShopifyCart) -> None:
    assert cart.create(Manufacturer(name="Acme")).id == "Acme"
    cart.create(Product(name="P", manufacturer_id="Acme"))
    assert [m.name for m in cart.read(Manufacturer)] == ["Acme"]
    assert cart.find(Manufacturer, "acme") is not None


def test_user_errors_fail_one_entity_alone(cart: ShopifyCart) -> None:
    cart.create(Customer(email="taken@example.com"))
    results = cart.create_many(
        [
            Customer(email="one@example.com"),
            Customer(email="taken@example.com"),
            Customer(email="two@example.com"),
        ]
    )
    assert not isinstance(results[0], Exception) and not isinstance(results[2], Exception)
    error = results[1]
    assert isinstance(error, DuplicateEntity)
    assert error.platform_message == "Email has already been taken"
    assert error.field == "email"
    existing = cart.find(Customer, "taken@example.com")
    assert existing is not None and error.existing_id == existing.id


def test_validation_user_error_is_rejected_with_shopifys_message(cart: ShopifyCart) -> None:
    bad = Product(
        name="Bad",
        variants=[
            Variant(sku="B1", options={"Size": "S"}),
            Variant(sku="B2", options={"Size": "S"}),
        ],
    )
    [result] = cart.create_many([bad])
    assert isinstance(result, EntityRejected) and not isinstance(result, DuplicateEntity)
    assert result.platform_message == "The variant 'S' already exists."
    assert result.field is not None and result.field.startswith("variants")


def test_duplicate_sku_is_reported_with_the_existing_product(cart: ShopifyCart) -> None:
    first = cart.create(Product(name="One", sku="DUP"))
    [result] = cart.create_many([Product(name="Two", sku="dup")])
    assert isinstance(result, DuplicateEntity) and result.existing_id == first.id


def test_bad_token_raises_authentication_error(sim: ShopifySimulator, clock: FakeClock) -> None:
    cart = ShopifyCart(sim.shop, "wrong-token", transport=sim.transport)
    with pytest.raises(AuthenticationError):
        list(cart.read(Customer))
    assert sim.requests == []  # refused before the document was even looked at


def test_token_never_in_repr_logs_or_errors(
    sim: ShopifySimulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cart = make_cart(sim, clock)
    sim.fail_next("5xx", "timeout")
    assert cart.count(Customer) == 0  # a query: retried past both faults
    sim.fail_next("5xx")
    with pytest.raises(WriteOutcomeUnknown) as lost:
        cart.create(Customer(email="a@example.com"), source_ref="x")
    bad = ShopifyCart(sim.shop, TOKEN + "x", transport=sim.transport)
    with pytest.raises(AuthenticationError) as caught:
        bad.count(Customer)
    texts = [
        repr(cart),
        str(cart.__dict__),
        repr(cart.http),
        caplog.text,
        str(caught.value),
        repr(caught.value.__dict__),
        str(lost.value),
    ]
    assert all(TOKEN not in text for text in texts)


def test_throttled_requests_wait_and_never_overdraw(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = ShopifySimulator(
        schema=schema, clock=clock, access_token=TOKEN, capacity=100, restore_rate=10
    )
    timer = BucketClock(clock)
    cart = make_cart(sim, clock, timer=timer)
    for n in range(30):
        cart.create(Customer(email=f"c{n}@example.com"))
    assert len(sim.store.customers) == 30
    assert sim.bucket.lowest >= 0
    # 30 mutations of 10 points: the first 100 are in the bucket, the other
    # 200 points need 20 s of restoring. The client sleeps no more than that.
    assert timer.slept == pytest.approx(20.0, abs=0.5)
    assert sim.bucket.throttled == 0  # it waited before sending, never got refused


def test_throttled_answer_is_retried_after_the_needed_wait(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    timer = BucketClock(clock)
    cart = make_cart(sim, clock, timer=timer)
    cart.create(Customer(email="a@example.com"))
    sim.fail_next("throttle")  # another app drained the bucket
    cart.create(Customer(email="b@example.com"))
    assert [r.throttled for r in sim.requests][-2:] == [True, False]
    assert len(sim.store.customers) == 2
    assert timer.slept == pytest.approx(10 / 50, abs=0.05)  # 10 points at 50/s


def test_each_estimate_is_its_documents_requested_cost(sim: ShopifySimulator) -> None:
    # The queries that take no page size; the paged ones are checked as sent, below.
    operations = {}
    for value in vars(docs).values():
        if isinstance(value, str) and value.lstrip().startswith(("query", "fragment")):
            document = graphql.parse(value)
            for definition in document.definitions:
                if isinstance(definition, graphql.OperationDefinitionNode) and definition.name:
                    operations[definition.name.value] = (document, definition)
    checked = 0
    for name, estimate in docs.COSTS.items():
        document, operation = operations[name]
        if any(v.variable.name.value == "first" for v in operation.variable_definitions or ()):
            continue
        assert estimate == query_cost(sim.schema_for(""), document, operation, {}), name
        checked += 1
    assert checked >= 15


def test_each_2025_01_estimate_is_its_documents_requested_cost(
    schema_2025_01: graphql.GraphQLSchema,
) -> None:
    # A shop pinned to 2025-01 sends _legacy's twins, estimated by
    # _legacy.COSTS over _graphql.COSTS: each as that schema prices it.
    estimates = {**docs.COSTS, **legacy.COSTS}
    checked = 0
    for value in vars(legacy).values():
        if not (isinstance(value, str) and value.lstrip().startswith(("query", "fragment"))):
            continue
        document = graphql.parse(value)
        for operation in document.definitions:
            if not (isinstance(operation, graphql.OperationDefinitionNode) and operation.name):
                continue
            name = operation.name.value
            estimate = estimates.get(name)
            if estimate is None:
                continue  # learned from the first answer, as on 2026-01
            paged = any(
                v.variable.name.value == "first" for v in operation.variable_definitions or ()
            )
            variables = {"first": legacy.PAGE_CUSTOMERS} if paged else {}
            assert estimate == query_cost(schema_2025_01, document, operation, variables), name
            checked += 1
    assert checked == len(legacy.COSTS)


def test_static_cost_estimates_cover_the_real_costs(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    cart.create(Product(name="P", sku="S1", quantity=1))
    cart.create(Order(number="#1", lines=[OrderLine(name="x", quantity=1, price="1")]))
    list(cart.read(Product))
    list(cart.read(Order))
    list(cart.read(Category))
    list(cart.read(Customer))
    cart.get(Order, next(iter(cart.read(Order))).id)
    asked = set()
    for request in sim.requests:
        if request.operation in docs.COSTS:
            assert request.cost is not None
            assert docs.COSTS[request.operation] >= request.cost, request.operation
            # Shopify takes the requested cost up front: the first estimate is
            # that, not what an answer happened to cost.
            document = graphql.parse(request.query)
            operation = graphql.get_operation_ast(document, request.operation)
            assert operation is not None
            requested = query_cost(
                sim.schema_for(request.api_version or ""), document, operation, request.variables
            )
            assert docs.COSTS[request.operation] == requested, request.operation
            asked.add(request.operation)
    assert {"Products", "Orders", "Order", "Collections", "Customers"} <= asked


def test_a_fulfillment_cartmigrate_did_not_write_is_read_without_its_lines_and_said(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    # A native Shopify order keeps a fulfillment's lines as fulfillment line
    # items, which the order's query does not ask for: said, not dropped unsaid.
    line = ShipmentLine(sku="BOX", quantity=2)
    created = cart.create(
        Order(
            number="#7008",
            lines=[OrderLine(name="Box", sku="BOX", quantity=2, price="1")],
            shipments=[Shipment(carrier="DHL", tracking_number="N1", lines=[line])],
        )
    )
    cart.take_not_read()
    (record,) = sim.store.orders.values()
    record["metafields"] = {
        key: value for key, value in record["metafields"].items() if "shipments" not in key
    }
    got = cart.get(Order, created.id)
    assert got is not None and [(s.tracking_number, s.lines) for s in got.shipments] == [("N1", ())]
    [(kind, source_id, field, message)] = cart.take_not_read()
    assert (kind, source_id, field) == (Order, created.id, "shipments[0].lines")
    assert "fulfillment line items" in message
