"""Shipments added and changed after an order was migrated to Magento: one
scenario for the simulator (``test_recorded_shipments``) and the real store
(``tests/realstore/magento/test_recorded_shipments.py``)."""

from __future__ import annotations

import datetime as dt

import attrs

from cartmigrate import (
    MemoryCart,
    MemoryStateStore,
    Order,
    OrderStatus,
    Shipment,
    ShipmentLine,
    StatusChange,
    SyncEngine,
)
from cartmigrate.connectors.magento import MagentoCart


def recorded_shipments(source: MemoryCart, target: MagentoCart) -> None:
    """``source``: a store of orders Magento can record (regions fitted)."""
    order = source.list(Order)[0]
    assert order.created_at is not None
    first = Shipment(
        carrier="UPS",
        tracking_number=f"1Z-{order.number}",
        shipped_at=order.created_at + dt.timedelta(days=1),
        lines=[ShipmentLine(sku=line.sku, quantity=line.quantity) for line in order.lines],
    )
    order = attrs.evolve(order, status=OrderStatus.COMPLETED, shipments=[first])
    source.add(order)
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    report = engine.full_migrate()
    assert report.failures == [], report.summary()
    assert first.shipped_at is not None
    migrated = state.get("order", [str(order.id)])[str(order.id)].target_id
    assert migrated is not None

    # A later shipment with a tracking URL: only an order comment holds it.
    later = Shipment(
        carrier="Post",
        tracking_number="LATE-1",
        tracking_url="https://track.example/LATE-1",
        shipped_at=first.shipped_at + dt.timedelta(days=2),
    )
    source.add(attrs.evolve(order, shipments=[first, later]))
    report = engine.smart_update()
    assert report.failures == [] and report.summary()["order"]["updated"] == 1, report.summary()
    shown = target.get(Order, migrated)
    assert shown is not None and shown.shipments == (first, later)
    again = engine.smart_update(verify=True)  # read back in place: nothing to write
    assert again.failures == [] and again.total("updated") == 0, again.summary()

    # The first shipment's carrier corrected on the source (Magento cannot
    # change it), and the order refunded.
    fixed = attrs.evolve(first, carrier="UPS Ground")
    refunded = StatusChange(status=OrderStatus.REFUNDED, at=later.shipped_at + dt.timedelta(days=1))
    source.add(
        attrs.evolve(
            order,
            status=OrderStatus.REFUNDED,
            status_history=[*order.status_history, refunded],
            shipments=[fixed, later],
        )
    )
    report = engine.smart_update()
    [failure] = report.failures
    assert (failure.entity, failure.source_id, failure.field) == ("order", order.id, "shipments")
    assert str(first.tracking_number) in failure.message
    shown = target.get(Order, migrated)
    assert shown is not None and shown.shipments == (first, later)
    assert shown.status is OrderStatus.REFUNDED  # the rest of the update, written
    retried = engine.smart_update(fields={Order: ["shipments"]})
    assert [f.source_id for f in retried.failures] == [order.id]  # said again, not forgotten
