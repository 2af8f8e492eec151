"""Stock sold on a WooCommerce source reaches the target in the next smart update.

The scenario and what the real store answered are in ``_stock_sold``; the
real-store test runs the same scenario on WooCommerce 7.9 itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._stock_sold import OBSERVED, sell, update_after_sale
from .conftest import KEY, SECRET


def _client(sim: WooCommerceSimulator) -> httpx.Client:
    return httpx.Client(
        base_url="https://shop.example/wp-json/wc/v3/", auth=(KEY, SECRET), transport=sim.transport
    )


def test_a_sale_moves_the_product_and_its_variable_parent(
    sim: WooCommerceSimulator, clock: FakeClock
) -> None:
    with _client(sim) as client:
        seen = sell(client, lambda: clock.advance(dt.timedelta(seconds=2)))
    assert seen == OBSERVED


@pytest.mark.parametrize("dates_move", [True, False], ids=["7.9", "later"])
def test_stock_sold_reaches_the_target_in_an_incremental_smart_update(
    dates_move: bool,
    clock: FakeClock,
    make_sim: Callable[..., WooCommerceSimulator],
    make_cart: Callable[..., WooCommerceCart],
) -> None:
    """Whether or not the sale moved the products' dates: on later versions it
    is reported not to, and the cart finds them in the lines of the orders
    changed since (``_sold``)."""
    sim = make_sim(sales_move_dates=dates_move)
    source = make_cart(sim)
    assert Product in source.capabilities.incremental  # read by modified_after
    target = MemoryCart(name="target")
    engine = SyncEngine(source, target, state=MemoryStateStore())

    def migrate_then_wait() -> None:  # made and migrated first, sold after
        clock.advance(dt.timedelta(seconds=2))
        assert engine.full_migrate().ok
        # An edit a day later moves the cursor past the products' time stamps
        # (and their overlap): only the sale lists them again.
        clock.advance(dt.timedelta(days=1))
        client.post("products", json={"name": "Later", "sku": "later"}).raise_for_status()
        assert engine.smart_update(entities=[Product]).total("created") == 1
        clock.advance(dt.timedelta(days=1))

    with _client(sim) as client:
        sold = sell(client, migrate_then_wait)
    assert sold["simple stock"] == 8 and sold["variation stock"] == 4
    assert sold["parent moved"] is dates_move
    del sim.requests[:]
    update_after_sale(engine, source, made=clock.now() - dt.timedelta(days=2))
    # Products the listing had are not asked again; the others by id, at once.
    by_id = [r for r in sim.requests if r.path == "wc/v3/products" and "include" in r.query]
    assert [sorted(r.query["include"].split(",")) for r in by_id] == (
        []
        if dates_move
        else [
            sorted(
                str(p["id"])
                for p in sim.store.products.values()
                if p["sku"] in ("sold-simple", "sold-variable")
            )
        ]
    )
