"""An order line of a Magento bundle: one scenario, on the simulator and the
real store.

Magento keeps a bundle's order line as the bundle's item with one child item
per component. A configurable's line has one child, its variant's, which the
models hold as ``variant_id``; a bundle's components have no place in a line.
Read, the line is the bundle's own, and its components are said, naming the
order and the line. (Before, one component was read as the line's variant.)
The order is recorded by the cart, and its items made a bundle's by the
store's own REST API, as the cart adds a configurable's child item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cartmigrate import Order, OrderLine, Product
from cartmigrate.connectors.magento import MagentoCart


def bundle_line_read(
    cart: MagentoCart, get: Callable[[str], Any], post: Callable[[str, Any], Any]
) -> None:
    """``cart``'s store holds the seeded RM-SIMPLE-1 and RM-SIMPLE-2; ``get``
    and ``post`` call its REST API by path."""
    one, two = cart.find(Product, "RM-SIMPLE-1"), cart.find(Product, "RM-SIMPLE-2")
    assert isinstance(one, Product) and isinstance(two, Product)
    order = Order(
        number="BUNDLE-1",
        email="kit@example.com",
        status="processing",
        currency="USD",
        lines=[OrderLine(product_id=one.id, sku="KIT", name="Starter kit", quantity=1, price=20)],
        created_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    )
    created = cart.create(order)
    stored = cart.get(Order, created.id)
    assert stored is not None and stored.lines[0].variant_id is None
    cart.take_not_read()
    [parent] = [
        int(i["item_id"])
        for i in get(f"orders/{created.id}")["items"]
        if not i.get("parent_item_id")
    ]
    components = [
        {
            "sku": product.sku,
            "name": product.name,
            "product_type": "simple",
            "product_id": int(str(product.id)),
            "qty_ordered": quantity,
            "price": 0,
            "parent_item_id": parent,
        }
        for product, quantity in ((one, 1), (two, 2))
    ]
    bundle = {"item_id": parent, "sku": "KIT", "product_type": "bundle"}
    post("orders", {"entity": {"entity_id": int(created.id), "items": [bundle, *components]}})

    read = cart.get(Order, created.id)
    assert read is not None
    [line] = read.lines
    assert (line.product_id, line.variant_id, line.sku, line.quantity) == (one.id, None, "KIT", 1)
    [(kind, source_id, field, message)] = cart.take_not_read()
    assert (kind, source_id, field) == (Order, created.id, "lines[0].components")
    assert "RM-SIMPLE-1" in message and "RM-SIMPLE-2" in message
