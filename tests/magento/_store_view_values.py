"""A product whose name and description the store view holds values of its
own of: one scenario, on the simulator and the real store.

A global save (``/rest/all/V1``) leaves a store view's own values, and the
store view is what the shop shows and the cart reads. The scenario migrates
a product, gives the target's store view its own name and description (a
translation, say), changes both on the source, and checks that the update
reaches the store view and is not written again on the next call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine
from cartmigrate.connectors.magento import MagentoCart


def store_view_values(target: MagentoCart, put: Callable[[str, Any], Any]) -> None:
    """``put(path, body)``: a PUT in the default store view's scope (``/rest/V1``)."""
    lamp = Product(id="l", name="Desk lamp", sku="SV-LAMP", price=30, description="A lamp.")
    source = MemoryCart([lamp])
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    assert engine.full_migrate().failures == []
    own = {
        "sku": "SV-LAMP",
        "name": "Lampe de bureau",
        "custom_attributes": [{"attribute_code": "description", "value": "Une lampe."}],
    }
    put("products/SV-LAMP", {"product": own})
    migrated = state.get("product", ["l"])["l"].target_id
    assert migrated is not None
    shown = target.get(Product, migrated)
    assert shown is not None and shown.name == "Lampe de bureau"

    source.add(attrs.evolve(lamp, name="Reading lamp", description="A brighter lamp."))
    report = engine.smart_update(fields={Product: ["name", "description"]})
    assert report.failures == [] and report.total("updated") == 1, report.summary()
    shown = target.get(Product, migrated)
    assert shown is not None
    assert (shown.name, shown.description) == ("Reading lamp", "A brighter lamp.")
    again = engine.smart_update(fields={Product: ["name", "description"]}, verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()
