"""Fixtures for the Shopify tests: the official schemas (loaded once), a
simulator on a fake clock, and a connector talking to it.

Every test here is watched: each GraphQL document the connector sends to any
simulator during the test (the connector says who it is in its User-Agent)
must validate, with its variables, against the schema of the version it was
sent to, and, from 2026-01 on, use nothing deprecated — no field, argument,
input field or enum value, in the document or in its variables. A test that
makes the connector send anything else fails in its teardown.
"""

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
from cartmigrate.testing.shopify import (
    RecordedRequest,
    ShopifySimulator,
    capture_requests,
    deprecated_uses,
    load_schema,
)

TOKEN = "shpat_0123456789abcdef_secret"
SCHEMA_2026_01 = "admin_schema_2026-01_public.graphql.gz"
SCHEMA_2025_01 = "admin_schema_2025-01.json.gz"


@pytest.fixture(scope="session")
def schema(shared_dir: Path) -> graphql.GraphQLSchema:
    """Admin API 2026-01, the version the connector defaults to."""
    return load_schema(shared_dir / "specs" / "shopify" / SCHEMA_2026_01)


@pytest.fixture(scope="session")
def schema_2025_01(shared_dir: Path) -> graphql.GraphQLSchema:
    """Admin API 2025-01, for users who pin ``api_version="2025-01"``."""
    return load_schema(shared_dir / "specs" / "shopify" / SCHEMA_2025_01)


@pytest.fixture(scope="session")
def schemas(
    schema: graphql.GraphQLSchema, schema_2025_01: graphql.GraphQLSchema
) -> dict[str, graphql.GraphQLSchema]:
    """Version -> the schema that applies from it on."""
    return {"2025-01": schema_2025_01, "2026-01": schema}


def schema_for(schemas: dict[str, graphql.GraphQLSchema], version: str) -> graphql.GraphQLSchema:
    chosen = schemas["2025-01"]
    for since, candidate in sorted(schemas.items()):
        if since <= version:
            chosen = candidate
    return chosen


def document_problems(
    schemas: dict[str, graphql.GraphQLSchema], request: RecordedRequest
) -> list[str]:
    """What is wrong with one sent document: invalid, or deprecated from 2026-01 on."""
    version = request.api_version or "2026-01"
    schema = schema_for(schemas, version)
    document = graphql.parse(request.query)
    problems = [str(e.message) for e in graphql.validate(schema, document)]
    operation = graphql.get_operation_ast(document, request.operation)
    if operation is None:
        return [*problems, "no operation"]
    coerced = graphql.execution.values.get_variable_values(
        schema, operation.variable_definitions or (), request.variables
    )
    if isinstance(coerced, list):
        problems += [str(e.message) for e in coerced]
    if version >= "2026-01":
        problems += [
            f"deprecated: {use}"
            for use in deprecated_uses(schema, document, request.variables, request.operation)
        ]
    return problems


def from_connector(request: RecordedRequest) -> bool:
    return (request.user_agent or "").startswith("cartmigrate")


@pytest.fixture(autouse=True)
def sent_documents(
    request: pytest.FixtureRequest,
) -> Iterator[list[RecordedRequest]]:
    # Asked before the test runs: a test skipped for want of ../shared sends nothing.
    checked = request.getfixturevalue("schemas")
    """Fails the test when the connector sent a document that is invalid or deprecated."""
    with capture_requests() as sent:
        yield sent
    connector = [r for r in sent if from_connector(r)]
    if not connector:
        return
    bad = {
        f"{r.operation} ({r.api_version})": problems
        for r in connector
        if (problems := document_problems(checked, r))
    }
    assert not bad, bad


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


def make_cart(sim: ShopifySimulator, fake: FakeClock, /, **options: Any) -> ShopifyCart:
    options.setdefault("max_concurrency", 1)
    timer = options.pop("timer", None) or BucketClock(fake)
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
    """Every recorded document validates, and its variables coerce, against ``schema``."""
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
