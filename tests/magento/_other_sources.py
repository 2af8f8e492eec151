"""Stock at MSI sources other than ``default``: one scenario, on the simulator
and the real store.

The models hold one quantity per product and variant, read from the default
source (what a single-source store, and the cart's writes, use). A store
with more sources holds more: the scenario adds a source through the
store's REST API, puts stock of a simple product and of a configurable's
child there, migrates, and checks that each SKU's other stock is said,
naming the product, the field and the source, and that the quantity read
is the default source's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine
from cartmigrate.connectors.magento import MagentoCart

SOURCE = {
    "source_code": "east",
    "name": "East warehouse",
    "enabled": True,
    "country_id": "US",
    "postcode": "10001",
}


def other_sources_said(cart: MagentoCart, post: Callable[[str, Any], Any]) -> None:
    """``cart``'s store holds the seeded RM-SIMPLE-1 and RM-CONF-1 (blue child)."""
    post("inventory/sources", {"source": SOURCE})
    items = [
        {"sku": "RM-SIMPLE-1", "source_code": "east", "quantity": 5, "status": 1},
        {"sku": "RM-CONF-1-BLUE", "source_code": "east", "quantity": 3, "status": 1},
    ]
    post("inventory/source-items", {"sourceItems": items})
    products = {p.sku: p for p in cart.read(Product)}
    simple, configurable = products["RM-SIMPLE-1"], products["RM-CONF-1"]
    blue = next(v for v in configurable.variants if v.sku == "RM-CONF-1-BLUE")
    default_levels = (simple.quantity, blue.quantity)

    target = MemoryCart()
    report = SyncEngine(cart, target, state=MemoryStateStore()).full_migrate()
    assert report.failures == [], report.summary()
    said = {(w.source_id, w.field): w.message for w in report.warnings if "east" in w.message}
    assert set(said) == {
        (simple.id, "quantity"),
        (configurable.id, f"variants[{blue.id}].quantity"),
    }, said
    assert "east 5" in said[simple.id, "quantity"]
    copied = {p.sku: p for p in target.read(Product)}
    copied_blue = next(v for v in copied["RM-CONF-1"].variants if v.sku == "RM-CONF-1-BLUE")
    assert (copied["RM-SIMPLE-1"].quantity, copied_blue.quantity) == default_levels
    assert cart.get(Product, str(simple.id)) == simple  # one product read alike
