"""Mapping rules: value maps, transforms and filters, and their failures."""

from __future__ import annotations

import attrs
import pytest

from cartmigrate import (
    ConfigurationError,
    Customer,
    MappingError,
    MappingRules,
    Order,
    Product,
    Variant,
)


def test_order_status_map_applies_to_status_and_history() -> None:
    rules = MappingRules(order_status={"shipped": "completed"})
    order = Order(
        number="1",
        status="shipped",
        status_history=[
            {"status": "shipped", "at": "2024-01-01T00:00:00Z"},
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


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"transforms": {"product.nmae": str.strip}}, ["product.nmae", "'name'"]),
        ({"filters": {"prodcut": lambda _: True}}, ["prodcut", "'product'"]),
        ({"value_maps": {"customer.grop": {"a": "b"}}}, ["customer.grop", "'group'"]),
        ({"filters": {"order.status": lambda _: True}}, ["whole entities"]),
        ({"value_maps": {"order": {"a": "b"}}}, ["model.field"]),
        ({"transforms": {"address.city": str.strip}}, ["no model 'address'"]),
        ({"transforms": {"product.name": "strip"}}, ["not callable"]),
        ({"transforms": {int: str}}, ["not an entity type"]),
        ({"filters": {Variant: bool}}, ["filter 'variant'", "product transform"]),
    ],
)
def test_a_rule_naming_an_unknown_model_or_field_is_refused_at_construction(
    options: dict[str, object], words: list[str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        MappingRules(**options)  # type: ignore[arg-type]
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    ("order_status", "word"),
    [
        ({"wc-shipped": "completed"}, "'shipped'"),  # the connector strips wc-
        ({"on-hold": "completed"}, "'on_hold'"),  # connectors give the model's value
        ({"shipped": "Completed"}, "'completed'"),
        ({"compelted": "completed"}, "typo of 'completed'"),
        ({"shipped": "canceled"}, "typo of 'cancelled'"),
    ],
)
def test_a_status_map_from_or_to_a_value_no_connector_gives_is_refused(
    order_status: dict[str, str], word: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        MappingRules(order_status=order_status)
    assert word in str(caught.value)


def test_strict_vocabularies_refuse_unknown_values() -> None:
    with pytest.raises(ConfigurationError, match="not a ReviewStatus"):
        MappingRules(value_maps={"review.status": {"pending": "aproved"}})
    with pytest.raises(ConfigurationError, match="not a StockStatus"):
        MappingRules(value_maps={"variant.stock_status": {"instock": "in_stock"}})


def test_custom_statuses_and_class_keys_are_accepted() -> None:
    rules = MappingRules(
        order_status={"awaiting-pickup": "on_hold", "shipped": "completed", "processed": "x"},
        value_maps={"review.status": {"pending": "approved"}},
        transforms={Order: lambda o: o, "variant.sku": str.upper},
        filters={Product: lambda _: True},
    )
    assert rules.value_maps["order.status"]["awaiting-pickup"] == "on_hold"
