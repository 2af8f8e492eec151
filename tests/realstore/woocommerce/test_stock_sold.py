"""Stock sold through an order, on the real WooCommerce 7.9 store.

Products are read incrementally (``modified_after``): a nightly smart update
sees a sale's stock only if the sale moves the product's ``date_modified``,
and for a variation, its variable parent's. The scenario is the offline
tests' (``tests/woocommerce/_stock_sold.py``); here the real store answers it,
the simulator must answer alike, and a smart update carries the sale.
"""

from __future__ import annotations

import datetime as dt
import time

import httpx

from cartmigrate import Category, MemoryCart, MemoryStateStore, Product, SyncEngine
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.woocommerce import WooCommerceSimulator
from tests.woocommerce._stock_sold import OBSERVED, sell, update_after_sale

from .._stores import RealStore
from .conftest import URL

#: The engine's overlap here: small, so the cursor passes the products' stamps.
OVERLAP = dt.timedelta(seconds=2)


def _client(store: RealStore) -> httpx.Client:
    creds = store.credentials
    return httpx.Client(
        base_url=f"{URL}/wp-json/wc/v3/", auth=(creds["WOO_CK"], creds["WOO_CS"]), timeout=60
    )


def _pause() -> None:
    time.sleep(2.1)  # the store's time stamps are whole seconds


def test_a_sale_moves_the_product_and_its_variable_parent(real_woocommerce: RealStore) -> None:
    real_woocommerce.reset()
    with _client(real_woocommerce) as client:
        real = sell(client, _pause)
    assert real == OBSERVED
    clock = FakeClock()
    sim = WooCommerceSimulator(consumer_key="ck", consumer_secret="cs", clock=clock)
    with httpx.Client(
        base_url="https://shop.example/wp-json/wc/v3/", auth=("ck", "cs"), transport=sim.transport
    ) as client:
        simulated = sell(client, lambda: clock.advance(dt.timedelta(seconds=2)))
    assert simulated == real


def test_stock_sold_reaches_the_target_in_an_incremental_smart_update(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    real_woocommerce.reset()
    assert Product in woo.capabilities.incremental
    target = MemoryCart(name="target")
    engine = SyncEngine(woo, target, state=MemoryStateStore(), overlap=OVERLAP)
    made: list[dt.datetime] = []

    def migrate_then_wait() -> None:  # made and migrated first, sold after
        made.append(dt.datetime.now(dt.UTC))
        assert engine.full_migrate(entities=[Category, Product]).ok
        # A later edit moves the cursor past the products' stamps and the
        # overlap: only the sale lists them again.
        time.sleep(OVERLAP.total_seconds() + 1.5)
        client.post("products", json={"name": "Later", "sku": "later"}).raise_for_status()
        assert engine.smart_update(entities=[Product]).total("created") == 1
        _pause()

    with _client(real_woocommerce) as client:
        sold = sell(client, migrate_then_wait)
    assert sold["simple stock"] == 8 and sold["variation stock"] == 4
    update_after_sale(engine, woo, made[0])
