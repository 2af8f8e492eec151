"""Bulk writes: products above the threshold go through one bulk mutation
operation (staged JSONL upload, polling, result file), mapped back by their
source reference; a failed line fails alone; an operation that dies midway is
resumed without duplicates; the result equals a per-call migration."""

from __future__ import annotations

import random

import graphql
import pytest

from cartmigrate import EntityRejected, MemoryCart, Product, SyncEngine, Variant
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.shopify._bulk import BULK_THRESHOLD
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import TOKEN, make_cart
from .test_engine import snapshot


def _products(n: int, *, start: int = 0) -> list[Product]:
    return [
        Product(
            id=f"p{i}",
            name=f"Tee {i}",
            price="10",
            variants=[
                Variant(id=f"p{i}-{s}", sku=f"T{i}-{s}", quantity=i % 7, options={"Size": s})
                for s in ("S", "M", "L")
            ],
        )
        for i in range(start, start + n)
    ]


def _bulk_cart(sim: ShopifySimulator, clock: FakeClock, threshold: int | None = 5) -> ShopifyCart:
    return make_cart(sim, clock, bulk_threshold=threshold, sleep=clock.sleep, clock=clock.monotonic)


def _refs(products: list[Product]) -> list[str | None]:
    return [f"woo:product:{p.id}" for p in products]


def test_a_batch_above_the_threshold_goes_through_one_bulk_operation(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = _bulk_cart(sim, clock)
    products = _products(8)
    sim.bulk.shuffle = random.Random(7)  # answers in any order: mapped by reference
    results = cart.create_many(products, source_refs=_refs(products))
    operations = sim.operations()
    assert "ProductSet" not in operations
    assert operations.count("StagedUpload") == operations.count("BulkRun") == 1
    assert operations.count("BulkOperation") >= 1
    assert len(sim.store.products) == 8 and len(sim.store.variants) == 24
    for product, result in zip(products, results, strict=True):
        assert not isinstance(result, Exception)
        found = cart.get(Product, result.id)
        assert found is not None and found.name == product.name
        assert found.extra["source_ref"] == f"woo:product:{product.id}"
        assert [v.sku for v in found.variants] == [v.sku for v in product.variants]
        assert [v.id for v in found.variants] == list(result.variant_ids)


def test_a_bulk_created_product_of_more_than_100_variants_gets_every_variant_id(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    # A result line holds 100 variants: the rest's ids are read after it.
    big = Product(
        id="big",
        name="Big",
        price="3",
        variants=[
            Variant(
                id=f"v{s}-{c}",
                sku=f"B-{s}-{c}",
                quantity=1,
                options={"Size": f"{s}", "Colour": f"{c}"},
            )
            for s in range(10)
            for c in range(12)
        ],
    )
    products = [big, *_products(5)]
    results = _bulk_cart(sim, clock).create_many(products, source_refs=_refs(products))
    assert "ProductSet" not in sim.operations()
    result = results[0]
    assert not isinstance(result, Exception)
    found = _bulk_cart(sim, clock).get(Product, result.id)
    assert found is not None and len(found.variants) == 120
    assert [v.id for v in found.variants] == list(result.variant_ids)


def test_below_the_threshold_it_is_one_request_each(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = _bulk_cart(sim, clock)
    products = _products(4)
    cart.create_many(products, source_refs=_refs(products))
    assert sim.operations().count("ProductSet") == 4
    assert "BulkRun" not in sim.operations()
    assert BULK_THRESHOLD == 1000
    assert ShopifyCart("s", "shpat_x").capabilities.batch_size == 2000
    assert ShopifyCart("s", "shpat_x", bulk_threshold=None).capabilities.batch_size == 25


def test_a_failed_line_fails_its_product_alone(sim: ShopifySimulator, clock: FakeClock) -> None:
    cart = _bulk_cart(sim, clock)
    products = _products(6)
    bad = Product(
        id="bad",
        name="Bad",
        variants=[
            Variant(id="b1", sku="B1", options={"Size": "S"}),
            Variant(id="b2", sku="B2", options={"Size": "S"}),  # the same variant twice
        ],
    )
    products.insert(3, bad)
    results = cart.create_many(products, source_refs=_refs(products))
    assert isinstance(results[3], EntityRejected)
    assert results[3].platform_message == "The variant 'S' already exists."
    assert all(not isinstance(r, Exception) for i, r in enumerate(results) if i != 3)
    assert len(sim.store.products) == 6


def test_an_operation_that_dies_midway_is_resumed_without_duplicates(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = _bulk_cart(sim, clock)
    products = _products(10)
    sim.bulk.fail_after(4)  # 4 answered, the 5th applied but unanswered, 5 never run
    results = cart.create_many(products, source_refs=_refs(products))
    assert all(not isinstance(r, Exception) for r in results)
    assert sim.operations().count("BulkRun") == 2
    statuses = [op["status"] for op in sim.bulk.operations.values()]
    assert statuses == ["FAILED", "COMPLETED"]
    assert len(sim.bulk.operations[min(sim.bulk.operations)]["done"]) == 4
    assert len(sim.store.products) == 10  # the 5th was upserted, not duplicated
    assert len({r.id for r in results if not isinstance(r, Exception)}) == 10


@pytest.mark.parametrize("threshold", [100])
def test_a_bulk_migration_ends_equal_to_a_per_call_one(
    schema: graphql.GraphQLSchema, threshold: int
) -> None:
    def migrate(bulk: bool) -> tuple[ShopifyCart, ShopifySimulator]:
        clock = FakeClock()
        sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)
        target = _bulk_cart(sim, clock, threshold if bulk else None)
        source = MemoryCart(_products(240))
        report = SyncEngine(source, target, clock=clock.now).full_migrate()
        assert not report.failures
        return target, sim

    per_call, per_call_sim = migrate(False)
    bulk, bulk_sim = migrate(True)
    assert snapshot(bulk) == snapshot(per_call)
    assert len(bulk_sim.store.variants) == len(per_call_sim.store.variants) == 720
    assert bulk_sim.operations().count("ProductSet") == 40  # the last 40 of 240: one batch
    assert per_call_sim.operations().count("ProductSet") == 240


def test_every_staged_line_uses_nothing_deprecated(
    sim: ShopifySimulator, clock: FakeClock, schema: graphql.GraphQLSchema
) -> None:
    """The lines go to Shopify's storage, not through a GraphQL request: checked here."""
    import json

    from cartmigrate.connectors.shopify import _graphql as docs
    from cartmigrate.testing.shopify import deprecated_uses

    cart = _bulk_cart(sim, clock)
    products = _products(6)
    cart.create_many(products, source_refs=_refs(products))
    [content] = sim.bulk.files.values()
    lines = [json.loads(line) for line in content.decode().splitlines()]
    assert len(lines) == 6
    for line in lines:
        assert deprecated_uses(schema, docs.BULK_PRODUCT_SET, line) == []
        operation = graphql.get_operation_ast(graphql.parse(docs.BULK_PRODUCT_SET))
        assert operation is not None
        coerced = graphql.execution.values.get_variable_values(
            schema, operation.variable_definitions or (), line
        )
        assert not isinstance(coerced, list), coerced
