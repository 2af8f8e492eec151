"""Untracked and out of stock, into Magento: one scenario, on the simulator
and the real store.

Magento keeps a product that does not manage stock in stock: saved with
``manage_stock`` off, its ``is_in_stock: false`` reads back true and its
source item's status turns 1 (observed on 2.4.7). So an untracked product
the source has sold out would be for sale on Magento. The cart writes it as
tracking stock, quantity 0, out of stock: not for sale, as on the source;
the create says so per product, and the comparison takes that form for the
source's, so nothing is written again on the next call. A product save does
not take ``is_in_stock`` into the MSI source item either (it makes one in
stock), so a tracked product sold out on the source was created for sale;
the scenario checks one of those too.
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

_OUT = StockStatus.OUT_OF_STOCK


def untracked_sold_out(target: MagentoCart) -> None:
    plain = Product(
        id="p", name="Sold out mug", sku="UT-MUG", price=5, quantity=None, stock_status=_OUT
    )
    shirt = Product(
        id="c",
        name="Sold out shirt",
        sku="UT-SHIRT",
        variants=[
            Variant(
                id="v",
                sku="UT-SHIRT-S",
                price=9,
                quantity=None,
                stock_status=_OUT,
                options={"Size": "S"},
            ),
            Variant(id="w", sku="UT-SHIRT-M", price=9, quantity=4, options={"Size": "M"}),
        ],
    )
    tracked = Product(
        id="t", name="Sold out cap", sku="UT-CAP", price=4, quantity=3, stock_status=_OUT
    )
    source = MemoryCart([plain, shirt, tracked])
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    report = engine.full_migrate()
    assert report.failures == [], report.summary()
    said = {
        (w.source_id, w.field)
        for w in report.warnings
        if w.source_id and "not for sale" in w.message
    }
    assert said == {("p", "quantity"), ("c", "variants.quantity")}, report.warnings
    ids = {sid: state.get("product", [sid])[sid].target_id for sid in ("p", "c", "t")}
    cap = target.get(Product, str(ids["t"]))  # tracked: out of stock too (it was not)
    assert cap is not None and (cap.quantity, cap.stock_status) == (3, _OUT)
    mug = target.get(Product, str(ids["p"]))
    assert mug is not None and (mug.quantity, mug.stock_status) == (0, _OUT)
    read = target.get(Product, str(ids["c"]))
    assert read is not None
    small = next(v for v in read.variants if v.sku == "UT-SHIRT-S")
    assert (small.quantity, small.stock_status) == (0, _OUT)
    again = engine.smart_update(verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()

    # Back in stock, still untracked: Magento's own untracked form.
    source.add(attrs.evolve(plain, stock_status=StockStatus.IN_STOCK))
    report = engine.smart_update()
    assert report.failures == [] and report.total("updated") == 1, report.summary()
    mug = target.get(Product, str(ids["p"]))
    assert mug is not None and (mug.quantity, mug.stock_status) == (None, StockStatus.IN_STOCK)
    # Sold out again: tracked at 0 again, not for sale.
    source.add(plain)
    report = engine.smart_update()
    assert report.failures == [] and report.total("updated") == 1, report.summary()
    mug = target.get(Product, str(ids["p"]))
    assert mug is not None and (mug.quantity, mug.stock_status) == (0, _OUT)
    again = engine.smart_update(verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()
