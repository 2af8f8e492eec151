"""Variant weights on Shopify: written through ``inventoryItem { measurement {
weight { value unit } } }`` in ``productSet`` and ``productVariantsBulkUpdate``,
read back with their unit, no warning about them (they used to be unstored)."""

from __future__ import annotations

import decimal
from collections.abc import Iterator

import attrs
import graphql
import pytest

from cartmigrate import (
    EntityRejected,
    MemoryCart,
    MemoryStateStore,
    Product,
    SyncEngine,
    Variant,
    WeightUnit,
)
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import TOKEN, assert_documents_valid, make_cart


def _catalog() -> list[Product]:
    return [
        Product(id="a", name="Anvil", sku="ANVIL", price="9", weight="2.5", weight_unit="lbs"),
        Product(id="b", name="Bare", sku="BARE", price="9", weight="3"),  # no unit: kilograms
        Product(id="f", name="Feather", sku="FEATHER", price="1"),
        Product(
            id="c",
            name="Cup",
            weight="250",
            weight_unit="g",
            variants=[
                Variant(id="c1", sku="CUP-S", price="2", options={"Size": "S"}),
                Variant(
                    id="c2",
                    sku="CUP-L",
                    price="2",
                    options={"Size": "L"},
                    weight=12,
                    weight_unit="oz",
                ),
            ],
        ),
    ]


@pytest.fixture(params=["2026-01", "2025-01"])
def pinned(
    request: pytest.FixtureRequest,
    clock: FakeClock,
    schemas: dict[str, graphql.GraphQLSchema],
) -> Iterator[tuple[ShopifySimulator, ShopifyCart, graphql.GraphQLSchema]]:
    version = str(request.param)
    sim = ShopifySimulator(
        schema=schemas["2026-01"], schemas=schemas, clock=clock, access_token=TOKEN
    )
    with make_cart(sim, clock, api_version=version) as shop:
        yield sim, shop, schemas[version]


def test_weights_are_written_read_back_with_their_unit_and_converge(
    pinned: tuple[ShopifySimulator, ShopifyCart, graphql.GraphQLSchema],
) -> None:
    sim, cart, schema = pinned
    source = MemoryCart(_catalog())
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert report.failures == []
    assert not [w for w in report.warnings if w.field and "weight" in w.field]
    # The one assumption, said in the report: a weight without a unit is kilograms.
    assert any("sent as kilograms" in n for n in cart.write_notes(Product))
    sent = [
        v["inventoryItem"].get("measurement")
        for r in sim.requests
        if r.operation == "ProductSet"
        for v in r.variables["input"]["variants"]
    ]
    assert {"weight": {"value": 2.5, "unit": "POUNDS"}} in sent
    assert {"weight": {"value": 3.0, "unit": "KILOGRAMS"}} in sent
    assert None in sent  # the feather: no weight sent
    read = {p.name: p for p in cart.read(Product)}
    assert (read["Anvil"].weight, read["Anvil"].weight_unit) == (
        decimal.Decimal("2.5"),
        WeightUnit.LBS,
    )
    assert (read["Bare"].weight, read["Bare"].weight_unit) == (3, WeightUnit.KG)
    assert (read["Feather"].weight, read["Feather"].weight_unit) == (None, None)
    cup = read["Cup"]
    assert cup.weight is None  # a Shopify product weighs nothing of its own
    assert {v.sku: (v.weight, v.weight_unit) for v in cup.variants} == {
        "CUP-S": (250, WeightUnit.G),  # its product's weight
        "CUP-L": (12, WeightUnit.OZ),
    }
    fields = {Product: ["weight", "weight_unit"], "variant": ["weight", "weight_unit"]}
    again = engine.smart_update(entities=[Product], fields=fields, verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()
    # A changed weight is updated on the variant, in its unit.
    source.update(Product, "a", {"weight": decimal.Decimal(3)})
    cup_src = next(p for p in source.read(Product) if p.id == "c")
    large = attrs.evolve(cup_src.variants[1], weight=1, weight_unit=WeightUnit.KG)
    source.update(Product, "c", {"variants": [cup_src.variants[0], large]})
    changed = engine.smart_update(entities=[Product], fields=fields)
    assert changed.failures == [], changed.failures
    read = {p.name: p for p in cart.read(Product)}
    assert (read["Anvil"].weight, read["Anvil"].weight_unit) == (3, WeightUnit.LBS)
    assert {v.sku: (v.weight, v.weight_unit) for v in read["Cup"].variants}["CUP-L"] == (
        1,
        WeightUnit.KG,
    )
    assert assert_documents_valid(schema, sim) > 5


def test_the_simulator_refuses_a_negative_weight_and_weighs_an_unweighed_variant_0(
    sim: ShopifySimulator, cart: ShopifyCart
) -> None:
    created = cart.create(Product(name="P", sku="P1", price="1"), source_ref="t:product:1")
    node = cart.node(Product, created.id) or {}
    [variant] = node["variants"]["nodes"]
    assert variant["inventoryItem"]["measurement"]["weight"] == {"value": 0.0, "unit": "KILOGRAMS"}
    with pytest.raises(EntityRejected, match="Weight must be greater than or equal to 0"):
        cart.update_variant(variant["id"], {"weight": decimal.Decimal(-1), "weight_unit": "kg"})
