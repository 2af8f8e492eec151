"""Translating orders between cartmigrate's model and Shopify's shapes.

The order's status as the source named it, its status history and its
shipments (with the source's dates) live in ``cartmigrate`` metafields;
Shopify's own state (paid, cancelled, closed, fulfilled) is read back where
it disagrees, so a follow-up that did not go through is sent again.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ...models import Order, OrderLine, OrderStatus, Shipment, ShipmentLine, StatusChange
from ._convert import (
    REF_TAG,
    TEXT,
    _amount,
    _value,
    address_from,
    address_input,
    metafield,
    ref_metafield,
    ref_tag,
)

__all__ = [
    "financial_status",
    "history_json",
    "order_from",
    "order_input",
    "order_metafields",
    "shipments_json",
]


_FINANCIAL: dict[str, str] = {
    OrderStatus.PENDING: "PENDING",
    OrderStatus.ON_HOLD: "PENDING",
    OrderStatus.PROCESSING: "PAID",
    OrderStatus.COMPLETED: "PAID",
    OrderStatus.CANCELLED: "VOIDED",
    OrderStatus.REFUNDED: "REFUNDED",
    OrderStatus.FAILED: "VOIDED",
}


def financial_status(status: OrderStatus | str) -> str:
    return _FINANCIAL.get(status, "PENDING")


def history_json(history: Sequence[StatusChange]) -> str:
    return json.dumps(
        [{"status": str(c.status), "at": c.at.isoformat(), "comment": c.comment} for c in history]
    )


def shipments_json(shipments: Sequence[Shipment], kept: Collection[int] = ()) -> str:
    """The shipments as the source has them; ``kept``: positions of those that
    could not become fulfillments and live in this metafield only."""
    records: list[dict[str, Any]] = []
    for position, s in enumerate(shipments):
        record: dict[str, Any] = {
            "carrier": s.carrier,
            "tracking_number": s.tracking_number,
            "tracking_url": s.tracking_url,
            "shipped_at": s.shipped_at.isoformat() if s.shipped_at else None,
            "lines": [{"sku": line.sku, "quantity": line.quantity} for line in s.lines],
        }
        if position in kept:
            record["kept"] = True
        records.append(record)
    return json.dumps(records)


def order_metafields(
    order: Order, source_ref: str | None, ref_type: str = TEXT
) -> list[dict[str, str]]:
    fields = [
        metafield("status", str(order.status)),
        metafield("status_history", history_json(order.status_history), "json"),
        metafield("shipments", shipments_json(order.shipments), "json"),
    ]
    if source_ref:
        fields.append(ref_metafield(source_ref, ref_type))
    return fields


def _bag(amount: decimal.Decimal, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": str(amount), "currencyCode": currency}}


def order_input(order: Order, source_ref: str | None, ref_type: str = TEXT) -> dict[str, Any]:
    """``OrderCreateOrderInput`` for a historical order."""
    currency = order.currency or "USD"
    tags = ["cartmigrate"]
    if source_ref:
        tags.append(ref_tag(source_ref))
    data: dict[str, Any] = {
        "name": order.number,
        "currency": currency,
        "financialStatus": financial_status(order.status),
        "tags": tags,
        "metafields": order_metafields(order, source_ref, ref_type),
        "lineItems": [],
    }
    for line in order.lines:
        item: dict[str, Any] = {
            "title": line.name,
            "quantity": line.quantity,
            "priceSet": _bag(line.price, currency),
        }
        if line.variant_id:
            item["variantId"] = line.variant_id
        if line.sku:
            item["sku"] = line.sku
        data["lineItems"].append(item)
    if order.email:
        data["email"] = order.email
    if order.customer_id:
        data["customer"] = {"toAssociate": {"id": order.customer_id}}
    if order.created_at:
        data["processedAt"] = order.created_at.isoformat()
    if order.status == OrderStatus.COMPLETED:
        when = order.status_history[-1].at if order.status_history else order.updated_at
        data["closedAt"] = (when or order.created_at or dt.datetime.now(dt.UTC)).isoformat()
    if order.note:
        data["note"] = order.note
    if order.billing_address:
        data["billingAddress"] = address_input(order.billing_address)
    if order.shipping_address:
        data["shippingAddress"] = address_input(order.shipping_address)
    if order.shipping_total:
        data["shippingLines"] = [
            {"title": "Shipping", "priceSet": _bag(order.shipping_total, currency)}
        ]
    if order.tax_total:
        base = order.subtotal or sum(
            (x.price * x.quantity for x in order.lines), decimal.Decimal(0)
        )
        rate = (order.tax_total / base).quantize(decimal.Decimal("0.0001")) if base else 0
        data["taxLines"] = [
            {"title": "Tax", "rate": str(rate), "priceSet": _bag(order.tax_total, currency)}
        ]
    return data


def _derived_status(node: Mapping[str, Any]) -> OrderStatus:
    financial = node.get("displayFinancialStatus")
    if node.get("cancelledAt"):
        return OrderStatus.CANCELLED
    if financial == "REFUNDED":
        return OrderStatus.REFUNDED
    if financial == "VOIDED":
        return OrderStatus.FAILED
    if financial in ("PAID", "PARTIALLY_REFUNDED"):
        closed = node.get("closed") or node.get("displayFulfillmentStatus") == "FULFILLED"
        return OrderStatus.COMPLETED if closed else OrderStatus.PROCESSING
    return OrderStatus.PENDING


def _shipments(node: Mapping[str, Any], unread: list[str] | None = None) -> tuple[Shipment, ...]:
    """The order's shipments; ``unread`` gets the field of each one whose
    lines were not read (a fulfillment cartmigrate did not write: its lines
    are fulfillment line items, which the order's query does not ask for)."""
    stored = json.loads(_value(node.get("shipments")) or "[]")
    by_number = {s.get("tracking_number"): s for s in stored if s.get("tracking_number")}
    untracked = [s for s in stored if not s.get("tracking_number")]
    shipments: list[Shipment] = []
    used: set[int] = set()
    for fulfillment in node.get("fulfillments") or ():
        if fulfillment.get("status") in ("CANCELLED", "ERROR", "FAILURE"):
            continue
        # A fulfillment may carry several tracking numbers (parcels): one
        # shipment each, as Magento's tracks are read.
        first, matched = len(shipments), False
        for tracking in fulfillment.get("trackingInfo") or [{}]:
            number = tracking.get("number")
            record = by_number.get(number) if number else (untracked.pop(0) if untracked else None)
            if record is not None:
                used.add(id(record))
                matched = True
            shipments.append(
                Shipment(
                    carrier=tracking.get("company") or (record or {}).get("carrier"),
                    tracking_number=number,
                    tracking_url=tracking.get("url") or (record or {}).get("tracking_url"),
                    # What the source said (even "no date") wins over Shopify's stamp.
                    shipped_at=record.get("shipped_at")
                    if record is not None
                    else fulfillment.get("createdAt"),
                    lines=[ShipmentLine(**line) for line in (record or {}).get("lines") or ()],
                )
            )
        if not matched and unread is not None:  # its lines go with its first parcel
            unread.append(f"shipments[{first}].lines")
    for record in stored:
        # A shipment only in the metafield reads back when it was kept there on
        # purpose (nothing left to fulfil); one whose fulfillment was never
        # made (its follow-up failed) does not, so the next sync makes it.
        if not record.get("kept"):
            continue
        if id(record) not in used and (
            record.get("tracking_number") not in {s.tracking_number for s in shipments}
            or not record.get("tracking_number")
        ):
            shipments.append(
                Shipment(
                    carrier=record.get("carrier"),
                    tracking_number=record.get("tracking_number"),
                    tracking_url=record.get("tracking_url"),
                    shipped_at=record.get("shipped_at"),
                    lines=[ShipmentLine(**line) for line in record.get("lines") or ()],
                )
            )
    return tuple(shipments)


def order_from(node: Mapping[str, Any], unread: list[str] | None = None) -> Order:
    """The order ``node`` reads as; ``unread`` gets the fields of what was not
    read (see ``_shipments``)."""
    history = [StatusChange(**c) for c in json.loads(_value(node.get("statusHistory")) or "[]")]
    status: OrderStatus | str = _value(node.get("sourceStatus")) or _derived_status(node)
    if status == OrderStatus.CANCELLED and not node.get("cancelledAt"):
        # The source's word only stands where Shopify agrees: a cancel that did
        # not go through shows as what Shopify holds, so a sync sends it again.
        status = _derived_status(node)
    lines = [
        OrderLine(
            name=line.get("name") or line.get("sku") or "item",
            sku=line.get("sku"),
            quantity=line["quantity"],
            price=_amount(line.get("originalUnitPriceSet")) or 0,
            product_id=(line.get("product") or {}).get("id"),
            variant_id=(line.get("variant") or {}).get("id"),
        )
        for line in (node.get("lineItems") or {}).get("nodes") or ()
    ]
    tags = list(node.get("tags") or ())
    return Order(
        id=node["id"],
        number=node["name"],
        customer_id=(node.get("customer") or {}).get("id"),
        email=node.get("email"),
        status=status,
        lines=lines,
        currency=node.get("currencyCode"),
        subtotal=_amount(node.get("subtotalPriceSet")),
        shipping_total=_amount(node.get("totalShippingPriceSet")),
        tax_total=_amount(node.get("totalTaxSet")),
        discount_total=_amount(node.get("totalDiscountsSet")),
        total=_amount(node.get("totalPriceSet")),
        billing_address=address_from(node.get("billingAddress")),
        shipping_address=address_from(node.get("shippingAddress")),
        status_history=history,
        shipments=_shipments(node, unread),
        note=node.get("note"),
        created_at=node.get("processedAt") or node.get("createdAt"),
        updated_at=node.get("updatedAt"),
        extra={
            "source_ref": _value(node.get("sourceRef")),
            "tags": [t for t in tags if not t.startswith(REF_TAG)],
            "financial_status": node.get("displayFinancialStatus"),
            "fulfillment_status": node.get("displayFulfillmentStatus"),
            "closed": node.get("closed"),
            "cancelled_at": node.get("cancelledAt"),
        },
    )
