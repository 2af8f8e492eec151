"""An order's history as Magento keeps it: whole seconds, ``failed`` as canceled.

What Magento keeps its own way must not be taken for a new entry: each
smart update appended such an entry again, and said ``updated`` for ever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cartmigrate import (
    MemoryCart,
    MemoryStateStore,
    Order,
    OrderLine,
    OrderStatus,
    StatusChange,
    SyncEngine,
)
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

T = dt.datetime(2024, 3, 1, 10, 0, 0, 123456, tzinfo=dt.UTC)


def _comments(sim: MagentoSimulator, number: str) -> int:
    (order,) = [o for o in sim.store.orders.values() if o["increment_id"] == number]
    return len(order["status_histories"])


def test_a_history_magento_keeps_its_own_way_is_written_once(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    source = MemoryCart(name="old")
    history = [
        StatusChange(status="pending", at=T, comment="placed"),
        StatusChange(status="failed", at=T + dt.timedelta(minutes=1), comment="card declined"),
    ]
    source.add(
        Order(
            id="o1",
            number="H-1",
            email="b@example.com",
            status=OrderStatus.FAILED,
            lines=[OrderLine(sku="X", name="X", quantity=1, price="5")],
            status_history=history,
            created_at=T,
        )
    )
    engine = SyncEngine(source, make_cart(sim), state=MemoryStateStore())
    assert engine.full_migrate().ok
    written = _comments(sim, "H-1")
    assert written >= 2
    for _ in range(2):
        report = engine.smart_update(verify=True)
        assert report.ok and report.total("updated") == 0
        assert _comments(sim, "H-1") == written

    # A new entry on the source is appended alone.
    later = StatusChange(status="pending", at=T + dt.timedelta(hours=1, microseconds=7))
    changed: Any = source.get(Order, "o1")
    source.update(Order, "o1", {"status_history": (*changed.status_history, later)})
    assert engine.smart_update(verify=True).total("updated") == 1
    assert _comments(sim, "H-1") == written + 1
    assert engine.smart_update(verify=True).total("updated") == 0
    assert _comments(sim, "H-1") == written + 1


def test_an_update_appends_only_the_entries_not_there_as_magento_keeps_them(
    sim: MagentoSimulator, make_cart: Callable[..., MagentoCart]
) -> None:
    cart = make_cart(sim)
    first = StatusChange(status="pending", at=T, comment="placed")
    created = cart.create(
        Order(
            number="H-2",
            email="b@example.com",
            lines=[OrderLine(sku="X", name="X", quantity=1, price="5")],
            status_history=[first],
            created_at=T,
        )
    )
    written = _comments(sim, "H-2")
    later = StatusChange(status="processing", at=T + dt.timedelta(seconds=30, microseconds=9))
    cart.update(Order, created.id, {"status_history": (first, later)})
    assert _comments(sim, "H-2") == written + 1
    got = cart.get(Order, created.id)
    assert got is not None
    assert got.status_history[-1] == StatusChange(
        status="processing", at=later.at.replace(microsecond=0)
    )
