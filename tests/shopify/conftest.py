"""Fixtures for the Shopify tests: the official schema (loaded once), a
simulator on a fake clock, and a connector talking to it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import pytest

from cartmigrate.connectors._http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator, load_schema

TOKEN = "shpat_0123456789abcdef_secret"


@pytest.fixture(scope="session")
def schema(shared_dir: Path) -> graphql.GraphQLSchema:
    return load_schema(shared_dir / "specs" / "shopify" / "admin_schema_2025-01.json.gz")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(schema: graphql.GraphQLSchema, clock: FakeClock) -> ShopifySimulator:
    return ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN)


class BucketClock:
    """The connector's view of time: advanced by its own sleeps (and the
    FakeClock with them), in whole microseconds.

    FakeClock keeps time as a datetime (microsecond steps) and reports epoch
    seconds as floats; a leaky bucket computing a wait of a fraction of a
    microsecond would then sleep "zero" forever. Rounding each sleep up to the
    next microsecond, on a clock starting at 0, avoids that.
    """

    def __init__(self, fake: FakeClock) -> None:
        self.fake = fake
        self.now = 0.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        seconds = math.ceil(seconds * 1e6) / 1e6
        self.now += seconds
        self.slept += seconds
        self.fake.sleep(seconds)


def make_cart(sim: ShopifySimulator, clock: FakeClock, **options: Any) -> ShopifyCart:
    options.setdefault("max_concurrency", 1)
    timer = options.pop("timer", None) or BucketClock(clock)
    return ShopifyCart(
        sim.shop,
        TOKEN,
        transport=options.pop("transport", sim.transport),
        bucket=CostBucket(1000.0, 50.0, clock=timer.monotonic, sleep=timer.sleep),
        **options,
    )


@pytest.fixture
def cart(sim: ShopifySimulator, clock: FakeClock) -> Iterator[ShopifyCart]:
    with make_cart(sim, clock) as shop:
        yield shop  # type: ignore[misc]


def assert_documents_valid(schema: graphql.GraphQLSchema, sim: ShopifySimulator) -> int:
    """Every recorded document validates, and its variables coerce, against 2025-01."""
    checked = 0
    for request in sim.requests:
        document = graphql.parse(request.query)
        errors = graphql.validate(schema, document)
        assert not errors, (request.operation, errors)
        operation = graphql.get_operation_ast(document, request.operation)
        assert operation is not None
        coerced = graphql.execution.values.get_variable_values(
            schema, operation.variable_definitions or (), request.variables
        )
        assert not isinstance(coerced, list), (request.operation, coerced)
        checked += 1
    return checked
