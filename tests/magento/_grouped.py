"""Grouped products into Magento and back: one scenario, on the simulator and the real store.

Observed on the real 2.4.7-p3 store: ``POST /products`` with ``type_id:
grouped`` takes ``product_links`` (``associated``, by SKU, in position order)
in the same request and answers with them; a product read by GET or in a
list carries them; a ``PUT`` without ``product_links`` keeps them, with them
replaces them all (an empty list removes them), and a link to an unknown SKU
is 404 with nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from cartmigrate import MemoryCart, MemoryStateStore, Product, ProductType, SyncEngine
from cartmigrate.connectors.magento import MagentoCart


def _links(raw: Mapping[str, Any]) -> list[tuple[str, str, int]]:
    return [
        (link["linked_product_sku"], link["link_type"], link["position"])
        for link in raw.get("product_links") or ()
    ]


def grouped_round_trip(cart: MagentoCart, raw_product: Callable[[str], Mapping[str, Any]]) -> None:
    """Migrate a grouped product of three children into ``cart``, change its
    children on the source, and check the store's links and the cart's read
    after each step. ``raw_product(sku)``: the store's own answer for a SKU."""
    children = [
        Product(id=f"c{n}", name=f"Grouped child {n}", sku=f"GRP-CHILD-{n}", price="4", quantity=3)
        for n in (1, 2, 3)
    ]
    group = Product(
        id="g",
        name="Grouped set",
        sku="GRP-SET",
        product_type="grouped",
        grouped_product_ids=["c2", "c1"],
    )
    source = MemoryCart([*children, group])
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert report.ok, report.summary()
    assert not [w for w in report.warnings if w.source_id == "g"], report.warnings
    raw = raw_product("GRP-SET")
    assert raw["type_id"] == "grouped"
    assert _links(raw) == [("GRP-CHILD-2", "associated", 0), ("GRP-CHILD-1", "associated", 1)]
    target = {r.source_id: r.target_id for r in engine.state.records("product")}
    read = cart.get_many(Product, [str(target["g"])])[str(target["g"])]
    assert read.product_type is ProductType.GROUPED
    assert read.grouped_product_ids == (target["c2"], target["c1"])

    source.add(attrs.evolve(group, grouped_product_ids=["c1", "c3"]))
    fields = {Product: ["grouped_product_ids", "name", "quantity"]}
    report = engine.smart_update(entities=[Product], fields=fields)
    assert report.ok and report.total("updated") == 1, report.summary()
    assert _links(raw_product("GRP-SET")) == [
        ("GRP-CHILD-1", "associated", 0),
        ("GRP-CHILD-3", "associated", 1),
    ]
    again = engine.smart_update(entities=[Product], fields=fields, verify=True)
    assert again.ok and again.total("updated") == 0, again.summary()
