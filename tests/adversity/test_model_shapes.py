"""Item 8: models refuse wrong shapes and missing fields with ``InvalidEntity``
naming the field, never attrs' ``TypeError``; and the generic boundary of
``Cart.model_from`` turns whatever a converter raises into one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from cartmigrate import (
    Category,
    Customer,
    EntityNotFound,
    InvalidEntity,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    Review,
    StatusChange,
    TransientError,
)
from cartmigrate.models import Entity

CASES: list[tuple[str, Callable[[], object], str]] = [
    ("order status 12", lambda: Order(number="1", status=12), "status"),
    (
        "history status 3",
        lambda: Order(number="1", status_history=[{"status": 3, "at": "2024-01-01T00:00:00Z"}]),
        "status_history[0].status",
    ),
    ("category_ids=12", lambda: Product(name="x", category_ids=12), "category_ids"),
    ("category_ids a mapping", lambda: Product(name="x", category_ids={"a": 1}), "category_ids"),
    ("tags=5", lambda: Product(name="x", tags=5), "tags"),
    ("images bytes", lambda: Product(name="x", images=b"a.png"), "images"),
    ("variants bogus key", lambda: Product(name="x", variants=[{"bogus": 1}]), "variants[0].bogus"),
    (
        "variants bad price",
        lambda: Product(name="x", variants=[{"price": "1,5"}]),
        "variants[0].price",
    ),
    ("variants non-str keys", lambda: Product(name="x", variants=[{1: 2}]), "variants"),
    ("variants=7", lambda: Product(name="x", variants=7), "variants"),
    (
        "lines missing name",
        lambda: Order(number="1", lines=[{"quantity": 1, "price": 1}]),
        "lines[0].name",
    ),
    ("line missing quantity", lambda: OrderLine(name="a", price=1), "quantity"),
    ("address a list", lambda: Order(number="1", billing_address=[1]), "billing_address"),
    (
        "address bogus",
        lambda: Order(number="1", billing_address={"street": "x"}),
        "billing_address.street",
    ),
    ("product missing name", lambda: Product(sku="A"), "name"),
    ("customer missing email", lambda: Customer(first_name="A"), "email"),
    ("category missing name", lambda: Category(slug="a"), "name"),
    ("review missing rating", lambda: Review(product_id="1"), "rating"),
    ("review rating 2.5", lambda: Review(rating=2.5), "rating"),
    ("status change missing at", lambda: StatusChange(status="pending"), "at"),
    ("unknown field", lambda: Customer(email="a@b.example", nickname="x"), "nickname"),
    ("positional", lambda: Category("x"), "*"),
    ("extra nested too deep", lambda: Product(name="x", extra={"a": _deep(200)}), "extra"),
]


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("label", "build", "field"), CASES, ids=[c[0] for c in CASES])
def test_models_refuse_with_the_field_named(
    label: str, build: Callable[[], object], field: str
) -> None:
    with pytest.raises(InvalidEntity) as caught:
        build()
    assert caught.value.field == field


def test_a_custom_status_string_is_still_kept() -> None:
    assert Order(number="1", status="wc-awaiting-pickup").status == "wc-awaiting-pickup"


class _Raw(MemoryCart):
    """A cart converting raw records through the generic boundary."""


@pytest.mark.parametrize(
    ("raw", "convert", "field"),
    [
        (
            {"id": 1, "price": "1,5"},
            lambda d: Product(name="x", price=__import__("decimal").Decimal(d.get("price"))),
            "price",
        ),
        ({"id": 2}, lambda d: Product(name=d["name"]), "name"),
        (
            {"id": 3, "date": "2024-13-45"},
            lambda d: Product(
                name="x", created_at=__import__("datetime").datetime.fromisoformat(d.get("date"))
            ),
            "date",
        ),
        (
            {"id": 4, "variants": 5},
            lambda d: Product(name="x", variants=list(d["variants"])),
            "variants",
        ),
        ({"id": 5, "attrs": "x"}, lambda d: Product(name=d.get("attrs").name), "attrs"),
        ({"id": 6, "deep": 1}, lambda d: _recurse(d), "deep"),
        (["not", "a", "record"], lambda d: Product(name="x"), "*"),
        ({"id": 8}, lambda d: Category(name="not a product"), "*"),
    ],
)
def test_the_boundary_turns_any_failure_into_a_reported_invalid_entity(
    raw: Any, convert: Callable[[Mapping[str, Any]], Entity], field: str
) -> None:
    cart = _Raw()
    assert cart.model_from(Product, raw, convert) is None
    ((kind, source_id, error),) = cart.take_unreadable()
    assert kind is Product
    assert isinstance(error, InvalidEntity) and error.field == field
    assert source_id == (str(raw["id"]) if isinstance(raw, dict) else "?")


def _recurse(data: Mapping[str, Any]) -> Entity:
    data.get("deep")

    def down(n: int) -> int:
        return down(n + 1)

    down(0)
    raise AssertionError


def test_the_boundary_fails_the_record_alone_on_its_own_404_and_passes_transient_errors() -> None:
    cart = _Raw()

    def gone(data: Mapping[str, Any]) -> Entity:
        raise EntityNotFound("products/-1/variations -> 404")

    assert cart.model_from(Product, {"id": -1}, gone) is None
    ((_, source_id, error),) = cart.take_unreadable()
    assert source_id == "-1" and isinstance(error, EntityNotFound)

    def down(data: Mapping[str, Any]) -> Entity:
        raise TransientError("503")

    with pytest.raises(TransientError):
        cart.model_from(Product, {"id": 1}, down)
