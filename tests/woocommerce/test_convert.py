"""Conversions against the documentation's own example payloads (tests/fixtures/woocommerce)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import pytest

from cartmigrate import (
    Address,
    Category,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductStatus,
    ReviewStatus,
    Shipment,
    StatusChange,
    StockStatus,
    Variant,
)
from cartmigrate.connectors.woocommerce import _convert as wc
from cartmigrate.connectors.woocommerce import _order_convert as wo
from cartmigrate.connectors.woocommerce import _product_convert as wp

from .conftest import FIXTURES


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_simple_product_from_documentation_example() -> None:
    raw = load("products__retrieve-a-product")
    product = wp.product_from_wc(raw)
    assert product.id == str(raw["id"])
    assert product.name == raw["name"]
    assert product.price == decimal.Decimal(raw["regular_price"])
    assert product.status is ProductStatus.ACTIVE
    assert product.category_ids == tuple(str(c["id"]) for c in raw["categories"])
    assert product.images == tuple(i["src"] for i in raw["images"])
    assert product.updated_at == dt.datetime.fromisoformat(raw["date_modified_gmt"]).replace(
        tzinfo=dt.UTC
    )


def test_variable_product_with_variations_from_documentation_examples() -> None:
    raw = load("products__create-a-product__2")
    variations = load("product-variations__list-all-product-variations")
    product = wp.product_from_wc(raw, variations)
    assert len(product.variants) == len(variations)
    first = next(v for v in product.variants if v.id == str(variations[0]["id"]))
    assert first.options == {a["name"]: a["option"] for a in variations[0]["attributes"]}
    assert first.price == decimal.Decimal(variations[0]["price"])
    assert product.price is None  # a variable product's price lives on its variations


def test_order_from_documentation_example() -> None:
    raw = load("orders__retrieve-an-order")
    order = wo.order_from_wc(raw)
    assert order.number == raw["number"]
    assert order.status is OrderStatus.PROCESSING
    assert order.total == decimal.Decimal(raw["total"])
    assert order.email == raw["billing"]["email"]
    line = order.lines[0]
    raw_line = raw["line_items"][0]
    assert line.product_id == str(raw_line["product_id"]) and line.variant_id is None
    assert line.price * line.quantity == decimal.Decimal(raw_line["subtotal"])
    assert (
        order.billing_address is not None and order.billing_address.city == raw["billing"]["city"]
    )


def test_customer_review_and_category_from_documentation_examples() -> None:
    raw = load("customers__retrieve-a-customer")
    customer = wc.customer_from_wc(raw)
    assert customer.email == raw["email"] and customer.phone == raw["billing"]["phone"]
    assert customer.addresses[0].line1 == raw["billing"]["address_1"]
    review = wc.review_from_wc(load("product-reviews__retrieve-a-product-review"))
    assert (
        review.rating == 5
        and review.status is ReviewStatus.APPROVED
        and review.body == "Nice album!"
    )
    category = wc.category_from_wc(load("product-categories__retrieve-a-product-category"))
    assert category.slug == "clothing" and category.parent_id is None


def _as_read(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What the store would answer for a create payload (ids and dates added)."""
    return {
        "id": 99,
        "date_created_gmt": "2024-01-01T00:00:00",
        "date_modified_gmt": "2024-01-01T00:00:00",
        **body,
        **extra,
    }


def test_product_round_trip_keeps_prices_stock_and_seo() -> None:
    product = Product(
        name="Mug",
        sku="MUG-1",
        price="9.50",
        compare_at_price="12.00",
        quantity=4,
        category_ids=["3"],
        images=["https://img.example/1.jpg"],
        slug="mug",
        meta_title="Best mug",
        weight="0.3",
    )
    body = wp.product_to_wc(product, source_ref="shop:product:1")
    assert body["regular_price"] == "12.00" and body["sale_price"] == "9.50"
    assert wc.meta_value(body, wc.SOURCE_REF_KEY) == "shop:product:1"
    back = wp.product_from_wc(_as_read(body, stock_status="instock"))
    for field in (
        "name",
        "sku",
        "price",
        "compare_at_price",
        "quantity",
        "category_ids",
        "images",
        "slug",
        "meta_title",
        "weight",
    ):
        assert getattr(back, field) == getattr(product, field), field


@pytest.mark.parametrize(
    ("status", "wc_status"),
    [(OrderStatus.ON_HOLD, "on-hold"), ("wc-awaiting-pickup", "awaiting-pickup")],
)
def test_order_status_mapping_keeps_custom_statuses_raw(
    status: OrderStatus | str, wc_status: str
) -> None:
    assert wo.wc_order_status(status) == wc_status
    back = wo.order_status_from_wc(wc_status)
    assert back == (status if isinstance(status, OrderStatus) else "awaiting-pickup")


def test_order_payload_never_pays_and_marks_stock_as_handled() -> None:
    order = Order(
        number="1042",
        status="completed",
        email="a@example.com",
        currency="EUR",
        lines=[OrderLine(product_id="5", variant_id="6", name="Shirt", quantity=2, price="10")],
        discount_total="2",
        shipping_total="4.90",
        status_history=[
            StatusChange(status="completed", at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
        ],
        shipments=[Shipment(carrier="DHL", tracking_number="JD0001")],
    )
    body = wo.order_to_wc(order, source_ref="shop:order:1")
    assert body["set_paid"] is False and body["status"] == "completed"
    line = body["line_items"][0]
    assert line["meta_data"] == [{"key": "_reduced_stock", "value": "2"}]
    assert line["subtotal"] == "20" and line["total"] == "18"  # the discount rides on the lines
    read = _as_read(body, number="77", status="completed", total="22.90", shipping_total="4.90")
    back = wo.order_from_wc(read)
    assert back.status_history == order.status_history and back.shipments == order.shipments
    assert back.lines[0].price == decimal.Decimal(10) and back.lines[0].variant_id == "6"


def test_customer_round_trip_billing_and_shipping() -> None:
    customer = Customer(
        email="ada@example.com",
        first_name="Ada",
        phone="+49 1",
        addresses=[
            Address(line1="1 Main", city="Berlin", country="DE", phone="+49 1"),
            Address(line1="2 Side", city="Bonn", country="DE"),
        ],
        group="wholesale",
    )
    back = wc.customer_from_wc(_as_read(wc.customer_to_wc(customer)))
    assert (
        back.addresses == customer.addresses
        and back.phone == customer.phone
        and back.group == "wholesale"
    )


def test_variant_backorder_becomes_backorders_notify() -> None:
    body = wp.variation_to_wc(
        Variant(
            sku="V",
            price="5",
            quantity=0,
            stock_status=StockStatus.BACKORDER,
            options={"Size": "M"},
        ),
        0,
    )
    assert body["backorders"] == "notify" and body["manage_stock"] is True
    assert body["attributes"] == [{"name": "Size", "option": "M"}]


def test_category_payload_points_to_parent() -> None:
    assert wc.category_to_wc(Category(name="Tees", parent_id="7", slug="tees")) == {
        "name": "Tees",
        "parent": 7,
        "slug": "tees",
    }
