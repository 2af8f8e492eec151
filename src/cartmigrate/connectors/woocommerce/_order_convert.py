"""WooCommerce REST v3 orders <-> cartmigrate models.

Pure functions, no I/O, like ``_convert`` (whose helpers and meta keys they
use). An order is the one resource where WooCommerce keeps less than the
model says: its status history, its shipments (without the Shipment
Tracking extension) and the source's number and date go into meta, read
back exactly, and into notes the shop's staff see; its lines are marked as
stock already handled, so that writing it takes none. A WooCommerce source
without cartmigrate's meta gives its history from the store's own status
notes and its shipments from Shipment Tracking items.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..._exceptions import EntityRejected
from ...models import Order, OrderLine, OrderStatus, Shipment, StatusChange, plain
from .._base import WriteNote
from ._convert import (
    HISTORY_KEY,
    REDUCED_STOCK_KEY,
    SHIPMENTS_KEY,
    SOURCE_CREATED_KEY,
    SOURCE_NUMBER_KEY,
    SOURCE_REF_KEY,
    _address_from_wc,
    _address_to_wc,
    _extra,
    _id,
    _int_id,
    _json_meta,
    _meta,
    _money,
    _text,
    _whole,
    money_text,
    wc_time,
)

__all__ = [
    "computed_totals",
    "history_meta",
    "history_note",
    "order_from_wc",
    "order_status_from_wc",
    "order_to_wc",
    "origin_note",
    "reduced_stock_meta",
    "shipments_meta",
    "shipments_note",
    "tracking_to_wc",
    "wc_order_status",
]

#: Order statuses on which WooCommerce reduces stock (``wc_maybe_reduce_stock_levels``).
STOCK_REDUCING = frozenset({"processing", "completed", "on-hold"})

_ORDER_STATUS_FROM_WC = {
    "pending": OrderStatus.PENDING,
    "processing": OrderStatus.PROCESSING,
    "on-hold": OrderStatus.ON_HOLD,
    "completed": OrderStatus.COMPLETED,
    "cancelled": OrderStatus.CANCELLED,
    "refunded": OrderStatus.REFUNDED,
    "failed": OrderStatus.FAILED,
}
_ORDER_STATUS_TO_WC = {v: k for k, v in _ORDER_STATUS_FROM_WC.items()}


def wc_order_status(status: OrderStatus | str) -> str:
    """The WooCommerce status for a model status; a custom one is sent without ``wc-``."""
    if isinstance(status, OrderStatus):
        return _ORDER_STATUS_TO_WC[status]
    return status[3:] if status.startswith("wc-") else status


def order_status_from_wc(value: Any) -> OrderStatus | str:
    return _ORDER_STATUS_FROM_WC.get(value, value) if isinstance(value, str) else value


def history_from_notes(notes: Sequence[Mapping[str, Any]]) -> list[StatusChange]:
    """Status changes from WooCommerce's own "Order status changed from A to B." notes."""
    labels = {
        "pending payment": "pending",
        "processing": "processing",
        "on hold": "on-hold",
        "completed": "completed",
        "cancelled": "cancelled",
        "refunded": "refunded",
        "failed": "failed",
    }
    changes: list[StatusChange] = []
    for note in sorted(notes, key=lambda n: (str(n.get("date_created_gmt")), int(n.get("id", 0)))):
        text = str(note.get("note") or "")
        marker = "Order status changed from "
        if not text.startswith(marker) or " to " not in text:
            continue
        target = text[len(marker) :].split(" to ", 1)[1].rstrip(".").strip()
        at = wc_time(note.get("date_created_gmt"))
        if at is None:
            continue
        slug = labels.get(target.casefold(), target.casefold().replace(" ", "-"))
        changes.append(StatusChange(status=order_status_from_wc(slug), at=at))
    return changes


def shipment_from_tracking(item: Mapping[str, Any]) -> Shipment:
    shipped = item.get("date_shipped")
    shipped_at = None
    if isinstance(shipped, str) and shipped:
        shipped_at = dt.datetime.fromisoformat(shipped[:10]).replace(tzinfo=dt.UTC)
    elif isinstance(shipped, int | float) and shipped:
        shipped_at = dt.datetime.fromtimestamp(shipped, dt.UTC)
    return Shipment(
        carrier=_text(item.get("tracking_provider")) or _text(item.get("custom_tracking_provider")),
        tracking_number=_text(item.get("tracking_number")),
        tracking_url=_text(item.get("tracking_link")),
        shipped_at=shipped_at,
    )


def tracking_to_wc(shipment: Shipment) -> dict[str, Any]:
    """A Shipment Tracking item; the carrier goes in as a custom provider (no list lookup)."""
    body: dict[str, Any] = {"tracking_number": shipment.tracking_number or ""}
    body["custom_tracking_provider"] = shipment.carrier or "Carrier"
    if shipment.tracking_url:
        body["custom_tracking_link"] = shipment.tracking_url
    if shipment.shipped_at is not None:
        body["date_shipped"] = shipment.shipped_at.astimezone(dt.UTC).date().isoformat()
    return body


def order_from_wc(
    data: Mapping[str, Any],
    *,
    notes: Sequence[Mapping[str, Any]] = (),
    trackings: Sequence[Mapping[str, Any]] = (),
) -> Order:
    """An order; history and shipments from cartmigrate's meta when it wrote them,
    else from WooCommerce's status notes and Shipment Tracking items."""
    lines: list[OrderLine] = []
    subtotal = decimal.Decimal(0)
    for item in data.get("line_items") or ():
        quantity = _whole(item.get("quantity") or 0)
        line_subtotal = _money(item.get("subtotal"))
        if line_subtotal is None:
            line_subtotal = (_money(item.get("price")) or decimal.Decimal(0)) * quantity
        subtotal += line_subtotal
        unit = (
            line_subtotal / quantity
            if quantity
            else (_money(item.get("price")) or decimal.Decimal(0))
        )
        lines.append(
            OrderLine(
                product_id=_id(item.get("product_id")),
                variant_id=_id(item.get("variation_id")),
                sku=_text(item.get("sku")),
                name=item.get("name") or "(unnamed item)",
                quantity=quantity,
                price=unit,
            )
        )
    history_meta = _json_meta(data, HISTORY_KEY)
    history = (
        [StatusChange(**item) for item in history_meta]
        if history_meta is not None
        else history_from_notes(notes)
    )
    shipments_meta = _json_meta(data, SHIPMENTS_KEY)
    shipments = (
        [Shipment(**item) for item in shipments_meta]
        if shipments_meta is not None
        else [shipment_from_tracking(t) for t in trackings]
    )
    billing = data.get("billing") or {}
    return Order(
        id=str(data["id"]),
        number=str(data.get("number") or data["id"]),
        customer_id=_id(data.get("customer_id")),
        email=_text(billing.get("email")),
        status=order_status_from_wc(data.get("status") or "pending"),
        lines=lines,
        currency=_text(data.get("currency")),
        subtotal=subtotal,
        shipping_total=_money(data.get("shipping_total")),
        tax_total=_money(data.get("total_tax")),
        discount_total=_money(data.get("discount_total")),
        total=_money(data.get("total")),
        billing_address=_address_from_wc(billing),
        shipping_address=_address_from_wc(data.get("shipping")),
        status_history=history,
        shipments=shipments,
        note=_text(data.get("customer_note")),
        created_at=wc_time(data.get("date_created_gmt")),
        updated_at=wc_time(data.get("date_modified_gmt")),
        extra=_extra(
            data,
            (
                "payment_method",
                "payment_method_title",
                "transaction_id",
                "shipping_lines",
                "fee_lines",
                "coupon_lines",
            ),
        ),
    )


def _line_totals(order: Order) -> list[decimal.Decimal]:
    """Each line's total after its share of the order discount (WooCommerce derives
    the order's ``discount_total`` from line subtotal minus line total)."""
    subtotals = [line.price * line.quantity for line in order.lines]
    discount = order.discount_total or decimal.Decimal(0)
    whole = sum(subtotals, decimal.Decimal(0))
    if not discount or not whole:
        return subtotals
    totals: list[decimal.Decimal] = []
    left = discount
    for position, amount in enumerate(subtotals):
        share = (
            left
            if position == len(subtotals) - 1
            else (discount * amount / whole).quantize(decimal.Decimal("0.01"))
        )
        left -= share
        totals.append(amount - share)
    return totals


def reduced_stock_meta(status: str, quantity: int) -> list[dict[str, Any]]:
    """The line meta telling WooCommerce the stock for this line was already handled
    (on the source): its quantity for a stock-reducing status, "0" otherwise, so that
    neither ``wc_reduce_stock_levels`` nor ``wc_increase_stock_levels`` touches it."""
    return [{"key": REDUCED_STOCK_KEY, "value": str(quantity) if status in STOCK_REDUCING else "0"}]


def history_meta(history: Sequence[StatusChange]) -> str:
    return json.dumps(plain(list(history)), sort_keys=True)


def shipments_meta(shipments: Sequence[Shipment]) -> str:
    return json.dumps(plain(list(shipments)), sort_keys=True)


def order_to_wc(order: Order, *, source_ref: str | None = None) -> dict[str, Any]:
    """A create payload: in its final status in one step, never paid (``set_paid``
    false), each line marked as stock already handled. Totals, number and dates are
    WooCommerce's own; the source's are kept in meta for reference."""
    status = wc_order_status(order.status)
    line_items: list[dict[str, Any]] = []
    for position, (line, total) in enumerate(zip(order.lines, _line_totals(order), strict=True)):
        item: dict[str, Any] = {
            "name": line.name,
            "quantity": line.quantity,
            "subtotal": money_text(line.price * line.quantity),
            "total": money_text(total),
        }
        if line.product_id:
            item["product_id"] = _int_id(line.product_id)
            item["meta_data"] = reduced_stock_meta(status, line.quantity)
        elif line.sku:
            # No product on the target under its id: WooCommerce can find it by SKU.
            item["sku"] = line.sku
            item["meta_data"] = reduced_stock_meta(status, line.quantity)
        else:
            raise EntityRejected(
                f"line {position + 1} ({line.name!r}) refers to no product on the target"
                " (deleted on the source, or not migrated) and has no SKU: WooCommerce's"
                " REST API cannot create an order line without a product"
                " (400 'Product ID or SKU is required'). The order is retried when its"
                " product arrives",
                entity="order",
                field="lines",
            )
        if line.variant_id:
            item["variation_id"] = _int_id(line.variant_id)
        line_items.append(item)
    billing = _address_to_wc(order.billing_address)
    if order.email:
        billing["email"] = order.email
    body: dict[str, Any] = {
        "status": status,
        "set_paid": False,
        "customer_id": _int_id(order.customer_id) if order.customer_id else 0,
        "billing": billing,
        "shipping": _address_to_wc(order.shipping_address),
        "line_items": line_items,
    }
    if order.currency:
        body["currency"] = order.currency
    if order.note:
        body["customer_note"] = order.note
    if order.shipping_total:
        body["shipping_lines"] = [
            {
                "method_id": "cartmigrate",
                "method_title": "Shipping",
                "total": money_text(order.shipping_total),
            }
        ]
    body["meta_data"] = _meta(
        [
            (SOURCE_REF_KEY, source_ref),
            (SOURCE_NUMBER_KEY, order.number),
            (SOURCE_CREATED_KEY, order.created_at.isoformat() if order.created_at else None),
            (HISTORY_KEY, history_meta(order.status_history)),
            (SHIPMENTS_KEY, shipments_meta(order.shipments)),
        ]
    )
    return body


def origin_note(order: Order) -> str:
    """The first line of a migrated order's note: its number and date on the source."""
    placed = f", placed {order.created_at.isoformat()}" if order.created_at else ""
    return f"Migrated by cartmigrate from order #{order.number}{placed}."


def history_note(history: Sequence[StatusChange]) -> str:
    """The order note that shows the migrated status history to the shop's staff."""
    lines = ["Status history migrated by cartmigrate:"]
    for change in history:
        comment = f" ({change.comment})" if change.comment else ""
        lines.append(f"- {change.at.isoformat()}: {plain(change.status)}{comment}")
    return "\n".join(lines)


def shipments_note(shipments: Sequence[Shipment]) -> str:
    lines = ["Shipments migrated by cartmigrate:"]
    for shipment in shipments:
        lines.append(
            f"- {shipment.carrier or 'carrier'} {shipment.tracking_number or ''}"
            f" {shipment.tracking_url or ''}".rstrip()
        )
    return "\n".join(lines)


def computed_totals(raw: Mapping[str, Any], order: Order) -> tuple[WriteNote, ...]:
    """What WooCommerce computed for a created order where the source says otherwise.

    An order's tax and total are WooCommerce's to compute (from its tax rates
    and the lines, shipping and fees sent); the REST API takes neither. A
    difference is said per order and field, as PrestaShop's connector does.
    """
    notes: list[WriteNote] = []
    for field, key, what in (("tax_total", "total_tax", "taxes"), ("total", "total", "a total")):
        source = getattr(order, field)
        own = _money(raw.get(key))
        if source is not None and own is not None and own != source:
            notes.append(
                WriteNote(
                    field=field,
                    message=f"order {order.number}: WooCommerce computed {what} {own}"
                    f" where the source has {source}; an order's tax and total are"
                    " WooCommerce's to compute (its tax rates, the lines, shipping and"
                    " fees sent)",
                )
            )
    return tuple(notes)
