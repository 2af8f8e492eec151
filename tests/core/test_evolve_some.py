"""``_evolve_some`` is ``attrs.evolve`` for a few fields, and must say what it says.

``MemoryCart`` updates an entity with it (converting only the changed
fields), so a value the models would refuse is refused the same way, naming
the same model and field, and an accepted one gives the same entity.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    ProductType,
    StatusChange,
    Variant,
)
from cartmigrate.models._base import _evolve_some

AT = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)

PRODUCT = Product(
    id="p1",
    sku="TEE",
    name="Tee",
    price="10.00",
    quantity=5,
    variants=[Variant(id="v1", sku="TEE-S", quantity=2, options={"size": "S"})],
)
ORDER = Order(
    id="o1",
    number="1001",
    status=OrderStatus.PROCESSING,
    lines=[OrderLine(sku="TEE-S", name="Tee", quantity=1, price="10.00")],
    total="10.00",
)
CUSTOMER = Customer(id="u1", email="ann@example.com", addresses=[Address(city="Paris")])
VARIANT = PRODUCT.variants[0]

ACCEPTED: list[tuple[Any, dict[str, Any]]] = [
    (PRODUCT, {"quantity": "7", "price": 12.5}),
    (PRODUCT, {"updated_at": "2024-05-02T10:00:00+02:00", "tags": ["a", "b"]}),
    (ORDER, {"status": "completed", "status_history": [StatusChange(status="pending", at=AT)]}),
    (ORDER, {"status": "a-custom-one", "total": "11"}),
    (CUSTOMER, {"email": "ann@example.org", "addresses": []}),
    (VARIANT, {"quantity": 0, "any_options": ["colour"]}),
]

REFUSED: list[tuple[Any, dict[str, Any], str]] = [
    (PRODUCT, {"price": "-1"}, "price"),
    (PRODUCT, {"quantity": "many"}, "quantity"),
    (PRODUCT, {"product_type": ProductType.GROUPED}, "variants"),  # the class's own check
    (ORDER, {"total": "ten"}, "total"),
    (CUSTOMER, {"email": "not an e-mail"}, "email"),
    (VARIANT, {"any_options": ["size"]}, "any_options"),  # also fixed in options
]


@pytest.mark.parametrize(("entity", "changes"), ACCEPTED)
def test_an_accepted_change_gives_what_evolve_gives(entity: Any, changes: dict[str, Any]) -> None:
    expected = attrs.evolve(entity, **changes)
    found = _evolve_some(entity, changes)
    assert found == expected
    assert type(found) is type(expected)
    for name in changes:
        assert type(getattr(found, name)) is type(getattr(expected, name)), name


@pytest.mark.parametrize(("entity", "changes", "field"), REFUSED)
def test_a_refused_change_names_what_evolve_names(
    entity: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidEntity) as expected:
        attrs.evolve(entity, **changes)
    with pytest.raises(InvalidEntity) as found:
        _evolve_some(entity, changes)
    assert (found.value.model, found.value.field) == (expected.value.model, expected.value.field)
    assert found.value.field == field
