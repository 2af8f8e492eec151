"""Every request the cart sends is an operation of Magento's official 2.4.8 admin schema,
with body fields the schema knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from cartmigrate.testing.magento import MagentoSimulator

from ._scenario import run
from ._spec import Schema


@pytest.fixture(scope="module")
def schema(shared_dir: Path) -> Schema:
    return Schema(shared_dir / "specs/magento/admin-schema-2.4.8.yaml")


def test_every_request_is_in_the_schema(schema: Schema) -> None:
    sim = MagentoSimulator()
    run(sim)
    seen: set[tuple[str, str]] = set()
    problems = []
    for request in sim.requests:
        path = "/V1/" + request.path.split("/V1/", 1)[1]
        found = schema.operation(request.method, path)
        if found is None:
            problems.append(f"{request.method} {path}: not in the schema")
            continue
        template, operation = found
        seen.add((request.method, template))
        body = schema.body_schema(operation)
        if request.body is not None:
            assert body is not None, f"{request.method} {template} takes no body"
            problems += [
                f"{request.method} {template}: unknown field {field}"
                for field in schema.unknown_fields(body, request.body)
            ]
    assert problems == []
    # The run covered reads and writes of every type (a check that the check checked).
    assert {
        ("POST", "/V1/products"),
        ("POST", "/V1/orders"),
        ("PUT", "/V1/customers/{customerId}"),
        ("POST", "/V1/inventory/source-items"),
        ("GET", "/V1/shipments"),
        ("PUT", "/V1/products/{sku}"),
    } <= seen
    assert len(seen) >= 25


def test_the_check_catches_an_unknown_field(schema: Schema) -> None:
    found = schema.operation("POST", "/V1/products")
    assert found is not None
    body = schema.body_schema(found[1])
    assert body is not None
    assert schema.unknown_fields(body, {"product": {"sku": "A", "colour": "red"}}) == [
        "product.colour"
    ]
    assert schema.operation("POST", "/V1/products/A/children") is None
