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
from collections.abc import Callable

import httpx
import pytest

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


#: What later versions are reported to do (woocommerce/woocommerce#40060),
#: made by hand: the sold products' dates put back to long before the sale.
_DATES_LEFT_ALONE = """
UPDATE wp_posts p JOIN wp_postmeta m ON m.post_id = p.ID AND m.meta_key = '_sku'
SET p.post_modified = '2020-01-01 00:00:00', p.post_modified_gmt = '2020-01-01 00:00:00'
WHERE m.meta_value IN ('sold-simple', 'sold-variable', 'sold-variable-s')
"""


@pytest.mark.parametrize("dates_move", [True, False], ids=["as 7.9 does", "left alone"])
def test_stock_sold_reaches_the_target_in_an_incremental_smart_update(
    dates_move: bool,
    real_woocommerce: RealStore,
    woo: WooCommerceCart,
    woo_db: Callable[[str], list[list[str]]],
) -> None:
    """Also where the sale left the dates alone, as later versions are reported
    to: the cart finds the products in the lines of the orders changed since."""
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
        if not dates_move:
            woo_db(_DATES_LEFT_ALONE)
            listed = client.get(
                "products",
                params={
                    "modified_after": made[0].strftime("%Y-%m-%dT%H:%M:%S"),
                    "dates_are_gmt": "true",
                    "sku": "sold-simple",
                },
            )
            assert listed.json() == []  # modified_after no longer lists it
    assert sold["simple stock"] == 8 and sold["variation stock"] == 4
    update_after_sale(engine, woo, made[0])
