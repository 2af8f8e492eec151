"""Magento 2 → Shopify: a full migration, live sales, then a smart update.

Offline by default: the source is the Magento simulator holding the seeded
baseline of the real test store (a configurable product, a customer, an
order) plus a few more customers and historical orders, the target the
Shopify simulator. Both come from ``cartmigrate.testing`` and need the
``test`` extra; the Shopify simulator reads Shopify's Admin schema, looked up
in ``../shared`` beside the repository or where ``CARTMIGRATE_SHOPIFY_SCHEMA``
points.

Against real stores (use staging stores!), set all of::

    CARTMIGRATE_MAGENTO_URL  CARTMIGRATE_MAGENTO_TOKEN
    CARTMIGRATE_SHOPIFY_SHOP  CARTMIGRATE_SHOPIFY_TOKEN

    python examples/magento_to_shopify.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
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
    Variant,
)
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.connectors.shopify import ShopifyCart

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SCHEMA = Path(
    os.environ.get(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        SHARED / "specs/shopify/admin_schema_2026-01_public.graphql.gz",
    )
)


def real_stores() -> tuple[MagentoCart, ShopifyCart] | None:
    names = (
        "CARTMIGRATE_MAGENTO_URL",
        "CARTMIGRATE_MAGENTO_TOKEN",
        "CARTMIGRATE_SHOPIFY_SHOP",
        "CARTMIGRATE_SHOPIFY_TOKEN",
    )
    values = [os.environ.get(name) for name in names]
    if not all(values):
        return None
    url, token, shop, shop_token = values
    assert url and token and shop and shop_token
    return MagentoCart(url, token), ShopifyCart(shop, shop_token)


def simulated_stores() -> tuple[MagentoCart, ShopifyCart]:
    from cartmigrate.testing.magento import MagentoSimulator
    from cartmigrate.testing.shopify import ShopifySimulator, load_schema

    if not SCHEMA.is_file():
        sys.exit(f"Shopify's schema not found at {SCHEMA}; see this file's docstring")
    magento_sim = MagentoSimulator()
    shop_sim = ShopifySimulator(schema=load_schema(SCHEMA))
    magento = MagentoCart(magento_sim.url, magento_sim.token, transport=magento_sim.transport)
    shopify = ShopifyCart(shop_sim.shop, "shpat_simulated", transport=shop_sim.transport)
    add_history(magento)
    return magento, shopify


def add_history(magento: Cart) -> None:
    """Give the seeded store a second product and a few customers with past orders."""
    tee = magento.create(
        Product(
            name="Linen Tee",
            sku="LINEN-TEE",
            price="25",
            variants=[
                Variant(sku="LINEN-TEE-S", price="25", quantity=8, options={"Size": "S"}),
                Variant(sku="LINEN-TEE-M", price="25", quantity=5, options={"Size": "M"}),
            ],
        )
    )
    placed = dt.datetime(2025, 11, 3, 9, 30, tzinfo=dt.UTC)
    for index, name in enumerate(("Zoë Martín", "Björn Ek", "Chloé Dubois")):
        first, last = name.split()
        address = Address(
            first_name=first,
            last_name=last,
            line1=f"{index + 1} Main St",
            city="Austin",
            region="TX",
            postcode="78701",
            country="US",
            phone=f"+1512555{index + 201:04d}",  # Shopify wants every phone unique
        )
        email = f"{first.lower()}@example.com"
        customer = magento.create(
            Customer(email=email, first_name=first, last_name=last, addresses=[address])
        )
        at = placed + dt.timedelta(days=index)
        magento.create(
            Order(
                number=f"M-{1040 + index}",
                customer_id=customer.id,
                email=email,
                status="processing",
                currency="USD",
                billing_address=address,
                shipping_address=address,
                subtotal="25",
                shipping_total="5",
                total="30",
                lines=[
                    OrderLine(
                        product_id=tee.id,
                        variant_id=tee.variant_ids[index % 2],
                        sku="LINEN-TEE",
                        name="Linen Tee",
                        quantity=1,
                        price="25",
                    )
                ],
                status_history=[StatusChange(status="processing", at=at)],
                created_at=at,
            )
        )


def live_sales(magento: Cart) -> None:
    """While the new store is prepared, the old one sells and ships."""
    product = next(p for p in magento.read(Product) if p.sku == "LINEN-TEE")
    variant = product.variants[0]
    stock = max(0, (variant.quantity or 0) - 1)
    magento.update(Variant, variant.id or "", {"quantity": stock}, parent_id=product.id)
    order = next(o for o in magento.read(Order) if o.number == "M-1040")
    now = dt.datetime.now(dt.UTC)
    magento.update(
        Order,
        order.id or "",
        {
            "status": "completed",
            "status_history": [*order.status_history, StatusChange(status="completed", at=now)],
            "shipments": [
                Shipment(carrier="UPS", tracking_number="1Z999AA10123456784", shipped_at=now)
            ],
        },
    )
    print(f"  {variant.sku}: {stock} left; order {order.number} shipped")


def main() -> None:
    stores = real_stores()
    offline = stores is None
    if stores is None:
        print("offline: Magento and Shopify simulators (set CARTMIGRATE_* for real stores)")
        magento, shopify = simulated_stores()
    else:
        magento, shopify = stores
    state = SQLiteStateStore(Path(tempfile.mkdtemp()) / "magento-to-shopify.db")
    rules = MappingRules(order_status={"pending_payment": "pending"})
    with magento, shopify:
        engine = SyncEngine(magento, shopify, state=state, rules=rules)

        print("\n== full migration")
        print(engine.full_migrate())

        if offline:  # never touch a real source store
            print("\n== the old store keeps selling")
            live_sales(magento)

        print("\n== smart update: the plan")
        for change in engine.smart_update(dry_run=True).changes:
            fields = ", ".join(change.fields)
            print(f"  {change.action} {change.entity} {change.source_id}: {fields}")

        print("\n== smart update")
        print(engine.smart_update())
        print(f"requests sent: magento {magento.requests}, shopify {shopify.http.requests}")


if __name__ == "__main__":
    main()
