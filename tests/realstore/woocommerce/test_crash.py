"""Crash and time-out scenarios on the real store, then a resume (issue #8, items 1 and 3).

A ``POST /orders/batch`` whose client is gone (killed, or timed out) goes on
being processed by PHP. The resume must see what the store is still writing:
0 duplicates, 0 missing, 0 stock drift, no e-mail sent, no e-mail left off.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cartmigrate import (
    Category,
    Customer,
    MemoryCart,
    Order,
    Product,
    SQLiteStateStore,
    SyncEngine,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.connectors.woocommerce._emails import EMAILS

from .._stores import RealStore
from ._support import (
    CRASH_ORDERS,
    crash_store,
    customer_refs,
    email_settings,
    order_count,
    source_refs_of,
    stock_levels,
)

CHILD = Path(__file__).resolve().parent / "_child.py"


def _duplicates(refs: list[str]) -> int:
    return sum(n - 1 for n in collections.Counter(refs).values())


def _left_off() -> list[str]:
    settings = email_settings()
    return [e for e in EMAILS if settings.get(f"woocommerce_{e}_settings") == "no"]


def _check_store(source: MemoryCart) -> None:
    """The store's own truth (its database) against the source."""
    orders = source_refs_of("shop_order")
    products = source_refs_of("product")
    customers = customer_refs()
    assert _duplicates(orders) == 0, collections.Counter(orders).most_common(3)
    assert _duplicates(products) == 0 and _duplicates(customers) == 0
    assert len(set(orders)) == CRASH_ORDERS == source.count(Order)
    assert len(set(products)) == source.count(Product)
    assert len(set(customers)) == source.count(Customer)
    assert order_count() == CRASH_ORDERS
    # Historical orders never move the target's stock.
    stock = stock_levels()
    expected: dict[str, str] = {}
    for product in source.list(Product):
        for item in (product, *product.variants):
            if item.sku and item.quantity is not None:
                expected[item.sku] = str(item.quantity)
    assert {sku: stock.get(sku) for sku in expected} == expected


def _resume(make_woo: Callable[..., WooCommerceCart], source: MemoryCart, db: Path) -> list[str]:
    notes: list[str] = []
    for _ in range(3):
        cart = make_woo()
        report = SyncEngine(source, cart, state=SQLiteStateStore(db)).full_migrate()
        cart.close()
        notes += [w.message for w in report.warnings]
        if not report.failures:
            return notes
    raise AssertionError(f"still failing after 3 resumes: {report.failures}")


def test_kill_9_mid_order_batch_then_resume(
    real_woocommerce: RealStore, make_woo: Callable[..., WooCommerceCart], tmp_path: Path
) -> None:
    real_woocommerce.reset()
    from .conftest import RECORDS

    mails = real_woocommerce.mails()
    db = tmp_path / "state.db"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db), str(RECORDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180
        while order_count() < 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child never wrote an order"
            time.sleep(0.2)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL  # killed while its batch was being written
    assert _left_off()  # the killed run left the e-mails off...
    source = MemoryCart(crash_store())
    notes = _resume(make_woo, source, db)
    assert not _left_off()  # ...and the resume switched them back on, and said so
    assert any("switched back on" in note for note in notes)
    _check_store(source)
    assert real_woocommerce.mails() == mails


def test_a_client_timeout_shorter_than_the_batch_then_resume(
    real_woocommerce: RealStore, make_woo: Callable[..., WooCommerceCart], tmp_path: Path
) -> None:
    real_woocommerce.reset()
    mails = real_woocommerce.mails()
    db = tmp_path / "state.db"
    source = MemoryCart(crash_store())
    first = make_woo()
    SyncEngine(source, first, state=SQLiteStateStore(db)).full_migrate(
        entities=[Category, Product, Customer]
    )
    # The first cart keeps the e-mails off, so that the hasty one, whose 1 s may
    # not be enough for the settings requests on a slow machine, need not.
    hasty = make_woo(timeout=1.0)
    report = SyncEngine(source, hasty, state=SQLiteStateStore(db)).full_migrate()
    hasty.close()
    first.close()
    assert report.summary()["order"]["failed"] == CRASH_ORDERS  # every answer was lost
    _resume(make_woo, source, db)
    _check_store(source)
    assert real_woocommerce.mails() == mails
    assert not _left_off()
