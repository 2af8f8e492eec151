"""PrestaShop → Shopify: a full migration, live sales, then a smart update.

Offline by default: the source is the PrestaShop simulator holding a small
fashion demo shop, the target the Shopify simulator. Both come from
``cartmigrate.testing`` and need the ``test`` extra; the Shopify simulator
reads Shopify's Admin schema, which is not shipped with cartmigrate: it is
looked up in ``../shared`` beside the repository, or where
``CARTMIGRATE_SHOPIFY_SCHEMA`` points.

Against real stores (use staging stores!), set all of::

    CARTMIGRATE_PS_URL  CARTMIGRATE_PS_KEY
    CARTMIGRATE_SHOPIFY_SHOP  CARTMIGRATE_SHOPIFY_TOKEN

    python examples/prestashop_to_shopify.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cartmigrate import MappingRules, Product, SQLiteStateStore, SyncEngine, Variant
from cartmigrate.connectors.http import CostBucket
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.connectors.shopify import ShopifyCart

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SCHEMA = Path(
    os.environ.get(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        SHARED / "specs/shopify/admin_schema_2026-01_public.graphql.gz",
    )
)


def real_stores() -> tuple[PrestaShopCart, ShopifyCart] | None:
    names = (
        "CARTMIGRATE_PS_URL",
        "CARTMIGRATE_PS_KEY",
        "CARTMIGRATE_SHOPIFY_SHOP",
        "CARTMIGRATE_SHOPIFY_TOKEN",
    )
    values = [os.environ.get(name) for name in names]
    if not all(values):
        return None
    url, key, shop, token = values
    assert url and key and shop and token
    return PrestaShopCart(url, key), ShopifyCart(shop, token)


def simulated_stores() -> tuple[PrestaShopCart, ShopifyCart, Callable[[], None]]:
    from cartmigrate.testing import FakeClock
    from cartmigrate.testing.prestashop import PrestaShopSimulator
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    if not SCHEMA.is_file():
        sys.exit(f"Shopify's schema not found at {SCHEMA}; see this file's docstring")
    clock = FakeClock(start=dt.datetime.now(dt.UTC))
    presta_sim = PrestaShopSimulator(clock=clock.now)
    shop_sim = ShopifySimulator(schema=load_schema(SCHEMA), clock=clock, latency=0.05)
    presta = PrestaShopCart(presta_sim.url, presta_sim.key, transport=presta_sim.transport)
    shopify = ShopifyCart(
        shop_sim.shop,
        "shpat_simulated",
        transport=shop_sim.transport,
        sleep=clock.sleep,
        bucket=CostBucket(1000, 50, clock=clock.monotonic, sleep=clock.sleep),
    )

    def live_sales() -> None:
        """While the new store is prepared, the old one sells and ships."""
        shirt = presta.get(Product, "1")
        assert shirt is not None and shirt.variants
        variant = shirt.variants[0]
        left = (variant.quantity or 0) - 2
        presta.update(Variant, variant.id or "", {"quantity": left}, parent_id=shirt.id)
        # In the back office: an order marked shipped, with its tracking number.
        order = presta_sim.shop.tables["orders"][1]
        presta_sim.shop.change_state(order, "4", send_email=False)
        for carrier in presta_sim.shop.tables["order_carriers"].values():
            if carrier["id_order"] == "1":
                carrier["tracking_number"] = "00340434161094042557"
        print(
            f"  {shirt.name} ({', '.join(variant.options.values())}): {left} left;"
            f" order {order['reference']} shipped"
        )

    return presta, shopify, live_sales


def main() -> None:
    stores = real_stores()
    live_sales: Callable[[], None] | None = None
    if stores is None:
        print("offline: PrestaShop and Shopify simulators (set CARTMIGRATE_* for real stores)")
        presta, shopify, live_sales = simulated_stores()
    else:
        presta, shopify = stores
    state = SQLiteStateStore(Path(tempfile.mkdtemp()) / "presta-to-shopify.db")
    # PrestaShop's "Shipped" (4) has no twin in the vocabulary: it reads as "shipped".
    rules = MappingRules(order_status={"shipped": "completed"})
    with presta, shopify:
        engine = SyncEngine(presta, shopify, state=state, rules=rules)

        print("\n== full migration")
        print(engine.full_migrate())

        if live_sales is not None:  # never touch a real source store
            print("\n== the old store keeps selling")
            live_sales()

        print("\n== smart update: the plan")
        for change in engine.smart_update(dry_run=True).changes:
            fields = ", ".join(change.fields)
            print(f"  {change.action} {change.entity} {change.source_id}: {fields}")

        print("\n== smart update")
        print(engine.smart_update())
        print(f"requests sent: prestashop {presta.requests}, shopify {shopify.http.requests}")


if __name__ == "__main__":
    main()
