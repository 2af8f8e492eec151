"""Stock by compare-and-swap: a change made on the shop meanwhile is detected,
settled by ``stock_conflicts``, and a retried write is applied once."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from cartmigrate import ConfigurationError, MemoryCart, Product, SyncEngine, Variant
from cartmigrate.connectors.shopify import ShopifyCart, StockConflict
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator
from cartmigrate.testing.shopify._store import parse_gid

from .conftest import make_cart

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def _level(sim: ShopifySimulator, variant_id: str) -> int:
    variant = sim.store.variants[parse_gid(variant_id, "ProductVariant") or -1]
    return int(variant["levels"][sim.store.location_id])


def _set_level(sim: ShopifySimulator, variant_id: str, quantity: int) -> None:
    """An edit made on the shop by someone else (the admin, a sale, another app)."""
    variant = sim.store.variants[parse_gid(variant_id, "ProductVariant") or -1]
    variant["levels"][sim.store.location_id] = quantity


def _simple(cart: ShopifyCart, quantity: int = 4) -> tuple[str, str]:
    created = cart.create(Product(name="P", sku="S", quantity=quantity), source_ref="t:product:1")
    product = cart.get(Product, created.id)  # the engine reads before it writes
    assert product is not None and product.quantity == quantity
    [variant_id] = product.extra["variant_inventory_items"]
    return created.id, variant_id


def test_a_change_on_the_shop_since_the_read_is_reported_not_overwritten(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    product_id, variant_id = _simple(cart)
    _set_level(sim, variant_id, 2)  # sold two meanwhile
    with pytest.raises(StockConflict) as conflict:
        cart.update(Product, product_id, {"quantity": 7})
    assert (conflict.value.seen, conflict.value.now, conflict.value.wanted) == (4, 2, 7)
    assert conflict.value.field == "quantity"
    assert _level(sim, variant_id) == 2
    assert "SetQuantities" not in sim.operations()  # nothing was sent to overwrite it


def test_a_change_in_the_last_instant_is_refused_by_shopify(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    """Between the connector's own read and its write: CHANGE_FROM_QUANTITY_STALE."""
    variant_holder: list[str] = []

    def meddle(request: httpx.Request) -> httpx.Response:
        if b'"operationName": "SetQuantities"' in request.content or (
            b"SetQuantities" in request.content and variant_holder
        ):
            _set_level(sim, variant_holder[0], 1)
        return sim.handle(request)

    cart = make_cart(sim, clock, transport=httpx.MockTransport(meddle))
    product_id, variant_id = _simple(cart)
    variant_holder.append(variant_id)
    with pytest.raises(StockConflict):
        cart.update(Product, product_id, {"quantity": 7})
    refused = [r for r in sim.requests if r.operation == "SetQuantities"]
    assert len(refused) == 1
    assert refused[0].variables["input"]["quantities"][0]["changeFromQuantity"] == 4
    assert _level(sim, variant_id) == 1


def test_target_wins_keeps_the_shops_quantity_and_says_so(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    cart = make_cart(sim, clock, stock_conflicts="target_wins")
    product_id, variant_id = _simple(cart)
    _set_level(sim, variant_id, 2)
    cart.update(Product, product_id, {"quantity": 7})
    assert _level(sim, variant_id) == 2
    [note] = cart.write_notes(Product)[-1:]
    assert "read 4, now 2" in note and "kept Shopify's" in note
    assert cart.write_notes(Product)[-1:] != [note]  # said once


def test_source_wins_replaces_it_and_says_so(sim: ShopifySimulator, clock: FakeClock) -> None:
    cart = make_cart(sim, clock, stock_conflicts="source_wins")
    product_id, variant_id = _simple(cart)
    _set_level(sim, variant_id, 2)
    cart.update(Product, product_id, {"quantity": 7})
    assert _level(sim, variant_id) == 7
    assert any("replaced by the source's" in n for n in cart.write_notes(Product))
    # It was written from what it read last, never blindly.
    [write] = [r for r in sim.requests if r.operation == "SetQuantities"]
    assert write.variables["input"]["quantities"][0]["changeFromQuantity"] == 2


def test_an_unknown_policy_is_refused(sim: ShopifySimulator, clock: FakeClock) -> None:
    with pytest.raises(ConfigurationError):
        make_cart(sim, clock, stock_conflicts="whatever")


def test_a_lost_answer_is_sent_again_with_the_same_key_and_applied_once(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    product_id, variant_id = _simple(cart)
    sim.fail_operation("SetQuantities", "lost")  # applied, then the answer is lost
    cart.update(Product, product_id, {"quantity": 7})
    sends = [r for r in sim.requests if r.operation == "SetQuantities"]
    assert [r.fault for r in sends] == ["lost", None]
    assert sends[0].variables["key"] == sends[1].variables["key"]
    assert sends[0].variables["key"].startswith("cartmigrate-stock-")
    # Replayed, not applied again: a second application would have been refused
    # as stale (the quantity was no longer 4) and raised a conflict.
    assert _level(sim, variant_id) == 7


def test_the_same_change_made_again_later_gets_a_new_key(
    cart: ShopifyCart, sim: ShopifySimulator
) -> None:
    product_id, variant_id = _simple(cart)
    for quantity in (7, 4, 7):
        assert cart.get(Product, product_id) is not None
        cart.update(Product, product_id, {"quantity": quantity})
    keys = [r.variables["key"] for r in sim.requests if r.operation == "SetQuantities"]
    assert len(set(keys)) == 3
    assert _level(sim, variant_id) == 7


def test_smart_update_reports_the_conflict_then_the_next_call_settles_it(
    sim: ShopifySimulator, clock: FakeClock
) -> None:
    source = MemoryCart(
        [
            Product(
                id="p1",
                name="Tee",
                variants=[Variant(id="v1", sku="T-S", quantity=5, options={"Size": "S"})],
            )
        ]
    )
    meddling: list[str] = []

    def meddle(request: httpx.Request) -> httpx.Response:
        # Someone sells on the new shop right after the engine read it.
        if meddling and b"VariantItem" in request.content:
            _set_level(sim, meddling.pop(), 3)
        return sim.handle(request)

    target = make_cart(sim, clock, transport=httpx.MockTransport(meddle))
    engine = SyncEngine(source, target, clock=clock.now)
    assert not engine.full_migrate().failures
    [variant_id] = [v for p in target.read(Product) for v in (x.id for x in p.variants)]
    source.add(
        Product(
            id="p1",
            name="Tee",
            variants=[Variant(id="v1", sku="T-S", quantity=9, options={"Size": "S"})],
        )
    )
    meddling.append(variant_id)
    report = engine.smart_update()
    [failure] = report.failures
    assert (failure.entity, failure.source_id, failure.field) == ("variant", "v1", "quantity")
    assert "read 5, now 3" in failure.message
    assert _level(sim, variant_id) == 3  # the sale was not overwritten
    again = engine.smart_update()  # compares with what the shop holds now
    assert not again.failures
    assert _level(sim, variant_id) == 9
