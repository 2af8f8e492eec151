"""A product whose stock is not managed: on the real store and the simulator.

This cart writes an untracked product (``quantity=None``) with
``manage_stock`` off. Magento still gives it a source item, of quantity 0 in
stock (observed on 2.4.7; its stock item answers ``qty: null``), so it read
back as 0 in stock: a Magento source handed untracked products on as sold
out, and each smart update comparing quantities wrote it again.
"""

from __future__ import annotations

from cartmigrate import MemoryCart, MemoryStateStore, Product, StockStatus, SyncEngine
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
