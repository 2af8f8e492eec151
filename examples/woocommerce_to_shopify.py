"""WooCommerce → Shopify: a full migration, live sales, then a smart update.

Offline by default: the source is the WooCommerce simulator holding
WooCommerce's own sample store (plus a few customers and orders), the target
the Shopify simulator. Both come from ``cartmigrate.testing`` and need the
``test`` extra. They read two files that are not shipped with cartmigrate:
WooCommerce's sample store (GPL) and Shopify's Admin schema; they are looked
up in ``../shared`` beside the repository, or where
``CARTMIGRATE_WC_SAMPLE`` and ``CARTMIGRATE_SHOPIFY_SCHEMA`` point.

Against real stores (use staging stores!), set all of::

    CARTMIGRATE_WC_URL  CARTMIGRATE_WC_KEY  CARTMIGRATE_WC_SECRET
    CARTMIGRATE_SHOPIFY_SHOP  CARTMIGRATE_SHOPIFY_TOKEN

    python examples/woocommerce_to_shopify.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cartmigrate import (
    Address,
    Cart,
    Customer,
    MappingRules,
    Order,
    OrderLine,
    Product,
    Shipment,
    SQLiteStateStore,
    StatusChange,
    SyncEngine,
)
from cartmigrate.connectors.http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SAMPLE = Path(
    os.environ.get(
        "CARTMIGRATE_WC_SAMPLE", SHARED / "data/woocommerce-sample-data/sample_products.csv"
    )
)
SCHEMA = Path(
    os.environ.get(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        SHARED / "specs/shopify/admin_schema_2026-01_public.graphql.gz",
    )
)


def real_stores() -> tuple[WooCommerceCart, ShopifyCart] | None:
    names = (
        "CARTMIGRATE_WC_URL",
        "CARTMIGRATE_WC_KEY",
        "CARTMIGRATE_WC_SECRET",
        "CARTMIGRATE_SHOPIFY_SHOP",
        "CARTMIGRATE_SHOPIFY_TOKEN",
    )
    values = [os.environ.get(name) for name in names]
    if not all(values):
        return None
    url, key, secret, shop, token = values
    assert url and key and secret and shop and token
    return WooCommerceCart(url, key, secret), ShopifyCart(shop, token)


def simulated_stores() -> tuple[WooCommerceCart, ShopifyCart, Callable[[], str]]:
    from cartmigrate.testing import FakeClock
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema
    from cartmigrate.testing.woocommerce import WooCommerceSimulator, load_sample_store

    for path, what in ((SAMPLE, "WooCommerce's sample store"), (SCHEMA, "Shopify's schema")):
        if not path.is_file():
            sys.exit(f"{what} not found at {path}; see this file's docstring")
    clock = FakeClock(start=dt.datetime.now(dt.UTC))
    # 50 ms per request, as a real host on the other side of the world would take.
    woo_sim = load_sample_store(SAMPLE, WooCommerceSimulator(clock=clock, latency=0.05))
    shop_sim = ShopifySimulator(schema=load_schema(SCHEMA), clock=clock, latency=0.05)
    woo = WooCommerceCart(
        "https://old-shop.example",
        "ck_simulator",
        "cs_simulator",
        transport=woo_sim.transport,
        clock=clock.monotonic,
        sleep=clock.sleep,
    )
    shopify = ShopifyCart(
        shop_sim.shop,
        "shpat_simulated",
        transport=shop_sim.transport,
        sleep=clock.sleep,
        bucket=CostBucket(1000, 50, clock=clock.monotonic, sleep=clock.sleep),
    )
    add_customers_and_orders(woo)
    return woo, shopify, lambda: f"simulated time spent waiting: {clock.slept:.0f} s"


def add_customers_and_orders(woo: Cart) -> None:
    """The sample store has products only: add a few customers and their orders."""
    products = [p for p in woo.read(Product) if p.price is not None][:6]
    for index, name in enumerate(("Zoë Martín", "Björn Ek", "Chloé Dubois")):
        first, last = name.split()
        address = Address(
            first_name=first,
            last_name=last,
            line1=f"{index + 1} Main St",
            city="Lyon",
            postcode="69001",
            country="FR",
        )
        customer = woo.create(
            Customer(
                email=f"{first.lower()}@example.com",
                first_name=first,
                last_name=last,
                addresses=[address],
            )
        )
        product = products[index % len(products)]
        variant = product.variants[0] if product.variants else None
        woo.create(
            Order(
                number=str(1040 + index),
                customer_id=customer.id,
                email=f"{first.lower()}@example.com",
                status="processing",
                currency="EUR",
                billing_address=address,
                shipping_address=address,
                lines=[
                    OrderLine(
                        product_id=product.id,
                        variant_id=variant.id if variant else None,
                        sku=(variant.sku if variant else product.sku),
                        name=product.name,
                        quantity=1,
                        price=(variant.price if variant and variant.price else product.price),
                    )
                ],
                status_history=[StatusChange(status="processing", at=dt.datetime.now(dt.UTC))],
            )
        )


def live_sales(woo: Cart) -> None:
    """While the new store is prepared, the old one sells and ships."""
    product = next(iter(woo.read(Product)))
    stock = max(0, (product.quantity if product.quantity is not None else 10) - 1)
    woo.update(Product, product.id or "", {"quantity": stock})
    order = next(iter(woo.read(Order)))
    woo.update(
        Order,
        order.id or "",
        {
            "status": "completed",
            "status_history": [
                *order.status_history,
                StatusChange(status="completed", at=dt.datetime.now(dt.UTC)),
            ],
            "shipments": [Shipment(carrier="DHL", tracking_number="00340434161094042557")],
        },
    )
    print(f"  {product.name}: {stock} left; order {order.number} shipped")


def main() -> None:
    stores = real_stores()
    timing: Callable[[], str] | None = None
    if stores is None:
        print("offline: WooCommerce and Shopify simulators (set CARTMIGRATE_* for real stores)")
        woo, shopify, timing = simulated_stores()
    else:
        woo, shopify = stores
    state = SQLiteStateStore(Path(tempfile.mkdtemp()) / "woo-to-shopify.db")
    rules = MappingRules(order_status={"shipped": "completed"})
    # Closing the carts switches back on the e-mails WooCommerce muted while written to.
    with woo, shopify:
        engine = SyncEngine(woo, shopify, state=state, rules=rules)

        print("\n== full migration")
        print(engine.full_migrate())

        if timing is not None:  # never touch a real source store
            print("\n== the old store keeps selling")
            live_sales(woo)

        print("\n== smart update: the plan")
        for change in engine.smart_update(dry_run=True).changes:
            fields = ", ".join(change.fields)
            print(f"  {change.action} {change.entity} {change.source_id}: {fields}")

        print("\n== smart update")
        print(engine.smart_update())
        print(f"requests sent: woocommerce {woo.requests}, shopify {shopify.http.requests}")
    if timing is not None:
        print(timing())


if __name__ == "__main__":
    main()
