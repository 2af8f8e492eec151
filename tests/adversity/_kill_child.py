"""The process a kill-point test kills: a whole migration story against a
WooCommerce simulator served over HTTP by the test.

Usage: python _kill_child.py BASE_URL STATE_FILE refs|norefs
Exits 0 when every call of the story reported no failure, 3 otherwise.
"""

from __future__ import annotations

import sys
from typing import Any

import attrs

from cartmigrate import MemoryCart, Order, Product, SQLiteStateStore, SyncEngine
from cartmigrate.connectors import Capabilities
from cartmigrate.connectors._forwarding import ForwardingCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import generate_store

KEY, SECRET = "ck_kill_points_key", "cs_kill_points_secret"


class NoRefs(ForwardingCart):
    """The same store, declaring it keeps no source reference."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(self.inner.capabilities, source_refs=False)

    def find_by_source_ref(self, kind: type[Any], source_ref: str) -> Any:
        return None


def source(mode: str) -> MemoryCart:
    store = MemoryCart(
        generate_store(
            seed=31, products=5, customers=4, orders=5, categories=3, manufacturers=2, reviews=4
        )
    )
    if mode == "norefs":
        # WooCommerce writes a product's variations after the product: a kill in
        # between leaves a product without them, which a target keeping no
        # reference cannot tell from one that was there before (a known limit,
        # see docs/reliability.md). Simple products are written in one request.
        for product in store.list(Product):
            if product.variants:
                first = product.variants[0]
                store.add(
                    attrs.evolve(product, variants=(), price=first.price, quantity=first.quantity)
                )
        for order in store.list(Order):
            lines = [attrs.evolve(line, variant_id=None) for line in order.lines]
            store.add(attrs.evolve(order, lines=lines))
    return store


def change(store: MemoryCart) -> None:
    """The same changes on every run: stock of two products, one order's status."""
    for n, product in enumerate(store.list(Product)[:2]):
        variants = [attrs.evolve(v, quantity=7 + n) for v in product.variants]
        store.add(attrs.evolve(product, quantity=5 + n, variants=variants))
    store.add(attrs.evolve(store.list(Order)[0], status="completed"))


def main(base_url: str, state_file: str, mode: str) -> int:
    woo = WooCommerceCart(
        base_url, KEY, SECRET, requests_per_second=1e6, burst=1e6, max_concurrency=1, timeout=20
    )
    target = NoRefs(woo) if mode == "norefs" else woo
    store = source(mode)
    engine = SyncEngine(store, target, state=SQLiteStateStore(state_file))
    reports = [engine.full_migrate()]
    change(store)
    reports.append(engine.smart_update())
    reports.append(engine.remigrate(clear="migrated", confirm=True))
    reports.append(engine.smart_update())
    for report in reports:
        for failure in report.failures:
            print(f"{report.call}: {failure.entity} {failure.source_id}: {failure.message}")
    return 0 if all(report.ok for report in reports) else 3


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
