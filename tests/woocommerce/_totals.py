"""An order's tax and total, which WooCommerce computes itself: on both stores.

The REST API takes neither: a created order's are WooCommerce's (its tax
rates; none on either store here), so a source order whose taxes or total
say otherwise arrived with other amounts while the report said ``ok``.
"""

from __future__ import annotations

import decimal

from cartmigrate import MemoryCart, MemoryStateStore, Order, OrderLine, Product, SyncEngine
from cartmigrate.connectors.woocommerce import WooCommerceCart


def computed_totals_are_reported(cart: WooCommerceCart) -> None:
    line = OrderLine(name="Mug", sku="TOTALS-MUG", product_id="p", quantity=2, price="10")
    source = MemoryCart(
        [
            Product(id="p", name="Mug", sku="TOTALS-MUG", price="10", quantity=50),
            Order(
                id="taxed",
                number="T-1",
                email="t@example.com",
                lines=[line],
                subtotal="20",
                shipping_total="4.90",
                tax_total="3.80",
                total="28.70",
            ),
            Order(
                id="plain",
                number="T-2",
                email="p@example.com",
                lines=[line],
                subtotal="20",
                shipping_total="4.90",
                tax_total="0",
                total="24.90",
            ),
        ]
    )
    report = SyncEngine(source, cart, state=MemoryStateStore()).full_migrate()
    assert report.failures == []
    named = {(w.source_id, w.field): w.message for w in report.warnings if w.entity == "order"}
    assert (
        "WooCommerce computed taxes 0.00 where the source has 3.80" in named[("taxed", "tax_total")]
    )
    assert "computed a total 24.90 where the source has 28.70" in named[("taxed", "total")]
    assert not [key for key in named if key[0] == "plain"]
    made = [o for o in cart.read(Order) if o.email in ("t@example.com", "p@example.com")]
    assert sorted(o.total for o in made) == [decimal.Decimal("24.90")] * 2
