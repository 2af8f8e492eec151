"""Models convert and validate at the boundary, and name model and field when they refuse."""

from __future__ import annotations

import datetime as dt
import decimal

import attrs
import pytest

from cartmigrate import (
    Address,
    Customer,
    InvalidEntity,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Review,
    StatusChange,
    StockStatus,
    Variant,
)
from cartmigrate.models import fingerprint, plain

_AT = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)


def test_values_are_converted_at_the_boundary() -> None:
    product = Product(
        id=42,
        name="Tee",
        price="19.90",
        quantity="3",
        weight=0.25,
        updated_at="2024-05-01T10:00:00Z",
        variants=[{"sku": "A", "price": 1}],
    )
    assert product.id == "42"
    assert product.price == decimal.Decimal("19.90")
    assert product.weight == decimal.Decimal("0.25")
    assert product.quantity == 3
    assert product.updated_at == dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    assert product.variants == (Variant(sku="A", price=decimal.Decimal(1)),)
    assert product.stock_status is StockStatus.IN_STOCK


@pytest.mark.parametrize(
    ("build", "model", "field"),
    [
        (lambda: Product(name="x", price="abc"), "Product", "price"),
        (lambda: Product(name="x", price="-1"), "Product", "price"),
        (lambda: Product(name=""), "Product", "name"),
        (lambda: Product(name="x", stock_status="plenty"), "Product", "stock_status"),
        (lambda: Product(name="x", quantity="2.5"), "Product", "quantity"),
        (lambda: Order(number="1", created_at=dt.datetime(2024, 1, 1)), "Order", "created_at"),
        (lambda: Order(number="1", currency="euro"), "Order", "currency"),
        (lambda: Customer(email="not-an-email"), "Customer", "email"),
        (lambda: Address(country="Germany"), "Address", "country"),
        (lambda: Review(rating=6), "Review", "rating"),
        (lambda: Variant(options="Size=M"), "Variant", "options"),
    ],
)
def test_bad_values_name_model_and_field(build, model: str, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidEntity) as caught:
        build()
    assert caught.value.model == model
    assert caught.value.field == field
    assert f"{model}.{field}" in str(caught.value)


def test_invalid_entity_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"Product\.price"):
        Product(name="x", price=object())


def test_unknown_order_status_is_kept_raw() -> None:
    order = Order(number="7", status="wc-awaiting-pickup")
    assert order.status == "wc-awaiting-pickup"
    assert not isinstance(order.status, OrderStatus)
    assert Order(number="7", status="on_hold").status is OrderStatus.ON_HOLD


def test_models_are_frozen_and_evolve() -> None:
    product = Product(name="Tee", quantity=1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        product.quantity = 2  # type: ignore[misc]
    assert attrs.evolve(product, quantity=2).quantity == 2


def test_extra_keeps_platform_data_read_only() -> None:
    product = Product(name="Tee", extra={"wc_type": "simple"})
    assert product.extra["wc_type"] == "simple"
    with pytest.raises(TypeError):
        product.extra["x"] = 1  # type: ignore[index]


def test_natural_keys() -> None:
    assert Product(name="x", sku="AB-1").natural_key == "AB-1"
    assert Customer(email="Ann@Example.com").natural_key == "ann@example.com"
    assert Order(number="1042").natural_key == "1042"
    assert Review(rating=3).natural_key is None


def test_fingerprint_follows_content() -> None:
    one = Product(name="Tee", price="1.50")
    assert fingerprint(one) == fingerprint(Product(name="Tee", price="1.50"))
    assert fingerprint(one) != fingerprint(attrs.evolve(one, quantity=1))
    assert plain(one)["price"] == "1.50"


def test_fingerprint_sees_nested_models_and_enums_but_not_extra() -> None:
    line = OrderLine(name="Tee", quantity=1, price="5")
    order = Order(number="1", status="processing", lines=[line])
    seen = {fingerprint(order)}
    for changed in (
        attrs.evolve(order, lines=[attrs.evolve(line, quantity=2)]),
        attrs.evolve(order, lines=[line, line]),
        attrs.evolve(order, status="completed"),
        attrs.evolve(order, status="on-backorder"),  # kept raw: not an OrderStatus
        attrs.evolve(order, billing_address=Address(city="Berlin")),
        attrs.evolve(order, billing_address=Address(city="Bern")),
        attrs.evolve(order, status_history=[StatusChange(status="completed", at=_AT)]),
    ):
        digest = fingerprint(changed)
        assert digest not in seen, changed
        seen.add(digest)
    assert fingerprint(attrs.evolve(order, extra={"meta": 1})) == fingerprint(order)
    # Anything that is not a model is fingerprinted by its repr.
    assert fingerprint((1, "a")) != fingerprint((1, "b"))
