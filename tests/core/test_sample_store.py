"""The simulators work after ``pip install``: a sample store ships with the package."""

from __future__ import annotations

from cartmigrate import Category, MemoryCart, Product, SyncEngine
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import load_sample_store


def test_load_sample_store_needs_no_argument_and_migrates() -> None:
    sim = load_sample_store()
    woo = WooCommerceCart(
        "https://shop.example", "ck_simulator", "cs_simulator", transport=sim.transport
    )
    products = {p.sku: p for p in woo.read(Product)}
    assert len(products) == 7
    vneck = products["cm-vneck"]
    assert vneck.quantity == 12  # stock managed on the parent: the case Shopify cannot take
    assert [v.quantity for v in vneck.variants] == [4, 8]
    assert {c.name for c in woo.read(Category)} >= {"Clothing", "Tshirts", "Home", "Decor"}
    report = SyncEngine(woo, MemoryCart()).full_migrate()
    assert report.ok and report.summary()["product"]["created"] == 7
