"""engine.check() on Shopify: the scopes actually granted, the API version the
shop serves, and the limits it will apply, asked without writing anything."""

from __future__ import annotations

import graphql

from cartmigrate import MemoryCart, SyncEngine
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator
from cartmigrate.testing.shopify._app import ALL_SCOPES

from ..core.test_engine import demo_store
from .conftest import TOKEN, make_cart


def _sim(schema: graphql.GraphQLSchema, clock: FakeClock, **options: object) -> ShopifySimulator:
    return ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN, **options)  # type: ignore[arg-type]


def _mutations(sim: ShopifySimulator) -> list[str | None]:
    return [r.operation for r in sim.requests if r.query.lstrip().startswith("mutation")]


def test_a_fully_granted_shop_checks_ok_and_lists_its_limits(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = _sim(schema, clock)
    with make_cart(sim, clock) as target:
        report = SyncEngine(MemoryCart(demo_store()), target).check()
    assert report.ok, str(report)
    limits = [c.message for c in report.checks if c.message.startswith("limit: ")]
    assert any("query cost bucket: 1000 points" in m for m in limits)
    assert any("at most 2048 variants" in m for m in limits)
    assert any("the store holds 0 variants" in m for m in limits)
    assert _mutations(sim) == []


def test_missing_scopes_are_errors_naming_each_scope_per_type(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    granted = [s for s in ALL_SCOPES if s not in ("write_customers", "write_inventory")]
    sim = _sim(schema, clock, access_scopes=granted)
    with make_cart(sim, clock) as target:
        report = SyncEngine(MemoryCart(demo_store()), target).check()
    assert not report.ok
    failed = {c.message.split(":")[0]: c.message for c in report.failures}
    assert set(failed) == {"customer", "product"}, str(report)
    assert "write_customers" in failed["customer"]
    assert "write_inventory" in failed["product"] and "write_products" not in failed["product"]
    assert _mutations(sim) == []  # found without writing


def test_a_write_scope_grants_its_read_scope_and_fulfillment_takes_any_kind(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    granted = [
        "write_products",
        "write_inventory",
        "read_locations",
        "write_customers",
        "write_orders",
        "write_third_party_fulfillment_orders",
    ]
    with make_cart(_sim(schema, clock, access_scopes=granted), clock) as shop:
        assert shop.check_permissions(write=True) == []
        assert shop.check_permissions(write=False) == []


def test_a_source_shop_without_read_orders_is_named(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    granted = [s for s in ALL_SCOPES if "orders" not in s]
    with make_cart(_sim(schema, clock, access_scopes=granted), clock) as source:
        report = SyncEngine(source, MemoryCart()).check()
    (failure,) = report.failures
    assert failure.subject.startswith("source shopify:")
    assert "read_orders" in failure.message and "order" in failure.message


def test_a_version_the_shop_no_longer_serves_is_an_error(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = _sim(schema, clock, retired_versions=["2025-01", "2025-04"])
    with make_cart(sim, clock, api_version="2025-01") as target:
        report = SyncEngine(MemoryCart(demo_store()), target).check()
    (failure,) = report.failures
    assert "2025-01 is no longer served" in failure.message
    assert "answered with 2025-07" in failure.message
    assert sim.requests[0].api_version == "2025-07"  # what Shopify does with it


def test_the_pinned_version_when_it_is_the_oldest_supported_is_said(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = _sim(schema, clock, api_versions=["2026-01", "2026-04", "unstable"])
    with make_cart(sim, clock) as target:
        limits = target.check_limits()
        assert target.check_permissions(write=True) == []
    assert any("2026-01 is the oldest this shop supports" in line for line in limits)


def test_a_wrong_token_is_one_failure_and_nothing_else_is_asked(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = _sim(schema, clock)
    target = ShopifyCart(sim.shop, "shpat_wrong", transport=sim.transport)
    report = SyncEngine(MemoryCart(demo_store()), target).check()
    (failure,) = report.failures
    assert "AuthenticationError" in failure.message
    assert sim.unauthorised == 1
