"""301 redirects written to Shopify through urlRedirectCreate, on request:
matched not duplicated, a lost answer not duplicated, every refusal reported."""

from __future__ import annotations

import graphql
import pytest

from cartmigrate import AuthenticationError, Category, MemoryCart, Product, SyncEngine
from cartmigrate.redirects import Redirect, redirect_map, write_redirects
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator
from cartmigrate.testing.shopify._app import ALL_SCOPES

from .conftest import TOKEN, make_cart


def _redirect(n: int, old: str | None = None, new: str | None = None) -> Redirect:
    return Redirect(
        entity="product",
        source_id=str(n),
        old_path=old or f"/product/p{n}/",
        new_path=new or f"/products/p{n}",
    )


def _creates(sim: ShopifySimulator) -> int:
    return sum(1 for r in sim.requests if r.operation == "UrlRedirectCreate")


def test_the_map_of_a_migration_is_written_once_and_matched_the_second_time(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    source = MemoryCart(
        [
            Category(id="1", name="Tees", slug="tees"),
            Product(id="10", name="V-Neck", sku="VN", slug="v-neck-tee", category_ids=["1"]),
        ],
        name="woocommerce",
    )
    with make_cart(sim, clock) as shop:
        engine = SyncEngine(source, shop)
        engine.full_migrate()
        redirects = redirect_map(engine)
        first = write_redirects(shop, redirects)
        again = write_redirects(shop, redirects)
    assert first.ok and len(first.created) == 2 and not first.existing
    assert again.ok and not again.created and len(again.existing) == 2
    assert sorted(r["path"] for r in sim.app.redirects.values()) == [
        "/product-category/tees/",
        "/product/v-neck-tee/",
    ]
    assert _creates(sim) == 2
    assert "2 created" in str(first) and "2 already there" in str(again)


def test_a_lost_answer_is_not_a_duplicate(sim: ShopifySimulator, clock: FakeClock) -> None:
    sim.fail_operation("UrlRedirectCreate", "lost")
    with make_cart(sim, clock) as shop:
        result = write_redirects(shop, [_redirect(1), _redirect(2)])
    assert result.ok, str(result)
    assert len(sim.app.redirects) == 2
    assert {r.source_id for r in (*result.created, *result.existing)} == {"1", "2"}


def test_every_redirect_that_cannot_be_written_is_reported_and_the_rest_are_written(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    sim.app.create({"path": "/product/p1/", "target": "/pages/elsewhere"})
    with make_cart(sim, clock) as shop:
        result = write_redirects(
            shop,
            [
                _redirect(1),  # the path already redirects elsewhere
                _redirect(2, old="product/p2"),  # Shopify refuses a path without "/"
                _redirect(3),
            ],
        )
    assert not result.ok
    assert [r.source_id for r in result.created] == ["3"]
    reasons = {f.source_id: f.reason for f in result.failed}
    assert set(reasons) == {"1", "2"}
    assert "/pages/elsewhere" in reasons["1"] and "not replaced" in reasons["1"]
    assert "Path must start with /" in reasons["2"]
    assert sim.app.redirects[min(sim.app.redirects)]["target"] == "/pages/elsewhere"
    assert result.to_dict()["failed"][0]["source_id"] == "1"
    assert "NOT OK" in str(result)


def test_a_path_redirected_since_the_listing_is_reported_not_silently_taken(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    with make_cart(sim, clock) as shop:
        shop.existing_redirects = dict  # type: ignore[method-assign]  # a listing made earlier
        sim.app.create({"path": "/product/p1/", "target": "/products/p1"})
        result = write_redirects(shop, [_redirect(1)])
    (failed,) = result.failed
    assert "exists already" in failed.reason
    assert len(sim.app.redirects) == 1


def test_without_the_navigation_scope_every_redirect_is_reported_and_nothing_sent(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    granted = [s for s in ALL_SCOPES if "navigation" not in s]
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN, access_scopes=granted)
    with make_cart(sim, clock) as shop:
        result = write_redirects(shop, [_redirect(1), _redirect(2)])
        with pytest.raises(AuthenticationError, match="access denied"):
            shop.existing_redirects()  # what Shopify answers without the scope
    assert [f.source_id for f in result.failed] == ["1", "2"]
    assert all("write_online_store_navigation" in f.reason for f in result.failed)
    assert _creates(sim) == 0 and not sim.app.redirects
