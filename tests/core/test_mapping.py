"""Mapping rules: value maps, transforms and filters, and their failures."""

from __future__ import annotations

import attrs
import pytest

from cartmigrate import Customer, MappingError, MappingRules, Order, Product, Variant


def test_order_status_map_applies_to_status_and_history() -> None:
    rules = MappingRules(order_status={"wc-shipped": "completed"})
    order = Order(
        number="1",
        status="wc-shipped",
        status_history=[
            {"status": "wc-shipped", "at": "2024-01-01T00:00:00Z"},
            {"status": "pending", "at": "2024-01-01T00:00:00Z"},
        ],
    )
    mapped = rules.apply(order)
    assert mapped.status == "completed"
    assert [c.status for c in mapped.status_history] == ["completed", "pending"]


def test_value_maps_by_string_or_class_key() -> None:
    rules = MappingRules(
        value_maps={"customer.group": {"wholesale": "B2B"}}, customer_group={"retail": "B2C"}
    )
    assert rules.apply(Customer(email="a@b.co", group="wholesale")).group == "B2B"
    assert rules.apply(Customer(email="a@b.co", group="retail")).group == "B2C"
    assert rules.apply(Customer(email="a@b.co", group="other")).group == "other"


def test_field_and_entity_transforms() -> None:
    rules = MappingRules(
        transforms={
            "product.name": str.upper,
            Variant: lambda v: v,
            "variant.sku": lambda s: s and s.lower(),
        }
    )
    product = rules.apply(Product(name="tee", variants=[{"sku": "ABC"}]))
    assert product.name == "TEE"
    assert product.variants[0].sku == "abc"


def test_filters() -> None:
    rules = MappingRules(filters={Order: lambda o: o.status != "failed"})
    assert rules.keep(Order(number="1", status="completed"))
    assert not rules.keep(Order(number="2", status="failed"))


def test_a_failing_rule_raises_mapping_error_naming_the_field() -> None:
    rules = MappingRules(transforms={"product.name": lambda _: 1 / 0})
    with pytest.raises(MappingError) as caught:
        rules.apply(Product(name="x"))
    assert caught.value.field == "name"


def test_a_transform_producing_invalid_values_is_a_mapping_error() -> None:
    rules = MappingRules(transforms={"product.price": lambda _: "free"})
    with pytest.raises(MappingError, match="price"):
        rules.apply(Product(name="x", price=1))


def test_field_transforms_and_nested_rules_compose() -> None:
    rules = MappingRules(
        order_status={"paid": "processing"},
        transforms={
            "order.status_history": lambda history: tuple(
                attrs.evolve(c, comment="checked") for c in history
            ),
            "product.variants": lambda variants: variants[:1],
            "variant.sku": str.lower,
        },
    )
    order = rules.apply(
        Order(
            number="1",
            status="paid",
            status_history=[{"status": "paid", "at": "2024-01-01T00:00:00Z"}],
        )
    )
    assert [(c.status, c.comment) for c in order.status_history] == [("processing", "checked")]
    product = rules.apply(Product(name="x", variants=[{"sku": "A"}, {"sku": "B"}]))
    assert [v.sku for v in product.variants] == ["a"]
