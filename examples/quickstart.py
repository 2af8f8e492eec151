"""Quickstart: migrate a demo store into a new one while the old one keeps selling.

Runs offline in a second: two in-memory stores, state in a SQLite file.

1. full migration of everything, in dependency order;
2. the old store keeps selling (stock moves, an order ships, a new order
   arrives) while the new shop's team edits a product description;
3. a dry run shows, field by field, what a smart update would change;
4. the smart update carries over only those changes, keeping the team's edit;
5. a second smart update finds nothing to do;
6. remigrate starts over (it has to be confirmed).

    python examples/quickstart.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import attrs

from cartmigrate import (
    Category,
    Customer,
    Manufacturer,
    MappingRules,
    MemoryCart,
    Order,
    OrderLine,
    Product,
    Shipment,
    SQLiteStateStore,
    StatusChange,
    SyncEngine,
    Variant,
)


def demo_store() -> MemoryCart:
    """The old shop: a small clothing store with a custom order status."""
    return MemoryCart(
        [
            Category(id="10", name="Clothing", slug="clothing"),
            Category(id="11", name="T-shirts", slug="t-shirts", parent_id="10"),
            Manufacturer(id="3", name="Nordwind"),
            Product(
                id="101",
                name="Organic tee",
                sku="TEE",
                price="24.00",
                description="<p>Soft organic cotton.</p>",
                category_ids=["11"],
                manufacturer_id="3",
                variants=[
                    Variant(
                        id="1011", sku="TEE-S", price="24.00", quantity=4, options={"Size": "S"}
                    ),
                    Variant(
                        id="1012", sku="TEE-M", price="24.00", quantity=9, options={"Size": "M"}
                    ),
                ],
            ),
            Product(
                id="102",
                name="Café mug",
                sku="MUG",
                price="12.50",
                quantity=30,
                category_ids=["10"],
            ),
            Customer(id="7", email="zoe@example.com", first_name="Zoë", last_name="Martín"),
            Order(
                id="5001",
                number="1042",
                customer_id="7",
                status="awaiting-pickup",
                currency="EUR",
                total="24.00",
                lines=[
                    OrderLine(
                        product_id="101",
                        variant_id="1012",
                        sku="TEE-M",
                        name="Organic tee (M)",
                        quantity=1,
                        price="24.00",
                    )
                ],
                status_history=[StatusChange(status="pending", at="2026-11-20T09:00:00+01:00")],
            ),
        ],
        name="old-shop",
    )


def main() -> None:
    old, new = demo_store(), MemoryCart(name="new-shop")
    state_file = Path(tempfile.mkdtemp()) / "migration.db"
    # A status only the old platform knows becomes one the new one understands.
    rules = MappingRules(order_status={"awaiting-pickup": "on_hold"})
    engine = SyncEngine(old, new, state=SQLiteStateStore(state_file), rules=rules)

    print("== 1. full migration")
    print(engine.full_migrate())

    print("\n== 2. the old shop keeps selling; the new shop's team edits a description")
    tee = old.get(Product, "101")
    assert tee is not None
    small, medium = tee.variants
    old.add(
        attrs.evolve(
            tee, variants=[attrs.evolve(small, quantity=0, stock_status="out_of_stock"), medium]
        )
    )
    order = old.get(Order, "5001")
    assert order is not None
    old.add(
        attrs.evolve(
            order,
            status="completed",
            status_history=[
                *order.status_history,
                StatusChange(status="completed", at="2026-11-26T15:30:00+01:00"),
            ],
            shipments=[Shipment(carrier="DHL", tracking_number="00340434161094042557")],
        )
    )
    old.add(
        Order(
            id="5002",
            number="1043",
            customer_id="7",
            status="processing",
            currency="EUR",
            total="12.50",
            lines=[
                OrderLine(product_id="102", sku="MUG", name="Café mug", quantity=1, price="12.50")
            ],
        )
    )
    mug = next(p for p in new.list(Product) if p.sku == "MUG")
    new.add(attrs.evolve(mug, description="<p>Rewritten by the new shop's team.</p>"))
    print("tee S sold out, order 1042 shipped, order 1043 placed, mug description edited")

    print("\n== 3. dry run: what would a smart update change?")
    print(engine.smart_update(dry_run=True))  # the plan, field by field; nothing written

    print("\n== 4. smart update")
    print(engine.smart_update())
    mug = next(p for p in new.list(Product) if p.sku == "MUG")
    print(f"mug description on the new shop is still: {mug.description}")

    print("\n== 5. smart update again: nothing changed, nothing written")
    again = engine.smart_update()
    print(f"updated: {again.total('updated')}, created: {again.total('created')}")

    print("\n== 6. remigrate (destructive, so it must be confirmed)")
    report = engine.remigrate(confirm=True)
    print(f"products: {report.summary()['product']}, ok: {report.ok}")
    print(f"\nstate kept in {state_file}")


if __name__ == "__main__":
    main()
