"""The process a kill-point or race test runs: a migration against a
WooCommerce or Shopify simulator served over loopback HTTP by the test.

Usage: python _kill_child.py BASE_URL STATE_FILE woocommerce|shopify refs|norefs [story|race WAIT]

``story`` (the default): full_migrate, changes, smart_update, remigrate,
smart_update; exits 0 when every call reported no failure, 3 otherwise.
``race WAIT``: waits for the file STATE_FILE.go (the test's starting gun,
so that two processes start together), runs one ``full_migrate(wait=WAIT)``
and prints one JSON line: its outcome and what it created.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import httpx

from cartmigrate import (
    MemoryCart,
    MigrationLocked,
    Order,
    Product,
    SQLiteStateStore,
    StateMismatch,
    SyncEngine,
)
from cartmigrate.connectors import Capabilities, Cart
from cartmigrate.connectors._forwarding import ForwardingCart
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import generate_store

KEY, SECRET = "ck_kill_points_key", "cs_kill_points_secret"
TOKEN, SHOP = "shpat_kill_points_token", "killpoints"


class NoRefs(ForwardingCart):
    """The same store, declaring it keeps no source reference."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(self.inner.capabilities, source_refs=False)

    def find_by_source_ref(self, kind: type[Any], source_ref: str) -> Any:
        return None


class Loopback(httpx.HTTPTransport):
    """Sends every request to the test's server, keeping its Host header
    (``killpoints.myshopify.com``): the simulator routes on it, as Shopify does."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._base = httpx.URL(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme="http", host=self._base.host, port=self._base.port
        )
        return super().handle_request(request)


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


def target(base_url: str, platform: str, mode: str, state_file: str) -> Cart:
    cart: Cart
    if platform == "shopify":
        cart = ShopifyCart(SHOP, TOKEN, transport=Loopback(base_url), max_concurrency=1, timeout=20)
    else:
        # The simulator applies a write before it answers, so the store is
        # "quiet" at once: no need to watch it for 5 s before a look-up.
        cart = WooCommerceCart(
            base_url,
            KEY,
            SECRET,
            requests_per_second=1e6,
            burst=1e6,
            max_concurrency=1,
            timeout=20,
            settle_quiet=0.1,
            # The e-mails a killed child left off are switched back on by the
            # next one: their record lives beside the state, not in ~/.cache,
            # where another test's server on a reused port would find it.
            email_record_dir=f"{state_file}.emails",
        )
    return NoRefs(cart) if mode == "norefs" else cart


def story(engine: SyncEngine, store: MemoryCart) -> int:
    reports = [engine.full_migrate()]
    change(store)
    reports.append(engine.smart_update())
    reports.append(engine.remigrate(clear="migrated", confirm=True))
    reports.append(engine.smart_update())
    for report in reports:
        for failure in report.failures:
            print(f"{report.call}: {failure.entity} {failure.source_id}: {failure.message}")
    return 0 if all(report.ok for report in reports) else 3


def race(engine: SyncEngine, state_file: str, wait: float) -> int:
    go = Path(f"{state_file}.go")
    for _ in range(6000):  # bounded: 60 s
        if go.exists():
            break
        time.sleep(0.01)
    try:
        report = engine.full_migrate(wait=wait)
    except MigrationLocked as error:
        print(json.dumps({"outcome": "locked", "holder": error.holder}))
        return 0
    except StateMismatch as error:
        print(json.dumps({"outcome": "mismatch", "message": str(error)}))
        return 0
    created = {kind: counts["created"] for kind, counts in report.summary().items()}
    print(
        json.dumps(
            {
                "outcome": "ok" if report.ok else "failed",
                "created": created,
                "started": report.started_at.isoformat(),
                "finished": report.finished_at.isoformat() if report.finished_at else None,
            }
        )
    )
    return 0


def main(base_url: str, state_file: str, platform: str, mode: str, *what: str) -> int:
    store = source(mode)
    cart = target(base_url, platform, mode, state_file)
    engine = SyncEngine(store, cart, state=SQLiteStateStore(state_file))
    if what and what[0] == "race":
        return race(engine, state_file, float(what[1]))
    return story(engine, store)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
