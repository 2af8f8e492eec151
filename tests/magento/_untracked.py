"""A product whose stock is not managed: on the real store and the simulator.

This cart writes an untracked product (``quantity=None``) with
``manage_stock`` off. Magento still gives it a source item, of quantity 0 in
stock (observed on 2.4.7; its stock item answers ``qty: null``), so it read
back as 0 in stock: a Magento source handed untracked products on as sold
out, and each smart update comparing quantities wrote it again.
"""

from __future__ import annotations

import attrs

from cartmigrate import (
    MemoryCart,
    MemoryStateStore,
    Product,
    StockStatus,
    SyncEngine,
    Variant,
)
from cartmigrate.connectors.magento import MagentoCart


def untracked_stock_reads_untracked(cart: MagentoCart, tag: str) -> None:
    sku = f"UNTRACKED-{tag}".upper()
    source = MemoryCart(
        [
            Product(id="u", name="Untracked", sku=sku, price="5", quantity=None),
            Product(id="z", name="Sold out", sku=f"{sku}-0", price="5", quantity=0),
        ]
    )
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    assert engine.full_migrate().failures == []
    untracked = cart.find(Product, sku)
    assert untracked is not None and untracked.quantity is None
    assert untracked.stock_status is StockStatus.IN_STOCK
    sold_out = cart.find(Product, f"{sku}-0")
    assert sold_out is not None and sold_out.quantity == 0
    again = engine.smart_update(verify=True, fields={Product: ("quantity", "stock_status")})
    assert again.failures == [] and again.total("updated") == 0


def tracking_changes_on_update(cart: MagentoCart, tag: str) -> None:
    """A product and a configurable's child that stop being tracked, then are
    tracked again, then not: written as a quantity of 0 before, an untracked
    product sold out on the store, and each smart update wrote it again."""
    sku = f"TRACKING-{tag}".upper()
    simple = Product(id="t", name="Tracked", sku=sku, price="5", quantity=4)
    child = Variant(id="v", sku=f"{sku}-S", price="5", quantity=3, options={"Size": "S"})
    shirt = Product(id="c", name="Shirt", sku=f"{sku}-TEE", price="5", variants=[child])
    source = MemoryCart([simple, shirt])
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    assert engine.full_migrate().failures == []
    stock = {Product: ("quantity", "stock_status"), Variant: ("quantity", "stock_status")}
    for quantity in (None, 9, None):
        source.add(attrs.evolve(simple, quantity=quantity))
        source.add(attrs.evolve(shirt, variants=[attrs.evolve(child, quantity=quantity)]))
        report = engine.smart_update(fields=stock)
        assert report.failures == [] and report.total("updated") == 2, report.summary()
        found = cart.find(Product, sku)
        assert found is not None and found.quantity == quantity, (quantity, found)
        assert found.stock_status is StockStatus.IN_STOCK
        tee = cart.find(Product, f"{sku}-TEE")
        assert tee is not None and [v.quantity for v in tee.variants] == [quantity], tee
        again = engine.smart_update(verify=True, fields=stock)
        assert again.failures == [] and again.total("updated") == 0, again.summary()
