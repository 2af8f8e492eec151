"""The follow-ups of writing an order: notes, tracking items, partial updates.

WooCommerce has no field for an order's status history, its shipments (without
the Shipment Tracking extension) or its source number and date: they go into
meta (read back exactly) and into order notes the staff see. A placed order's
lines can only be pointed at other products; names, quantities and prices
stay as placed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..._exceptions import CartMigrateError, EntityNotFound, EntityRejected, InvalidEntity
from ...models import Order
from . import _convert as wc
from . import _order_convert as wo

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["finish_created_order", "order_extras", "update_order"]

logger = logging.getLogger("cartmigrate.woocommerce")


def order_extras(
    cart: WooCommerceCart,
    order_id: str,
    order: Order,
    before: Order | None,
    *,
    strict: bool,
    origin: str | None = None,
) -> bool:
    """Shipment Tracking items for the customer and notes for the staff.

    Tracking items already on the order are never posted twice (they are
    read back first), and the history note goes last: a step that fails
    can be run again. ``strict`` raises the failure (an update then fails
    and is retried); otherwise it is logged and False returned.
    """
    try:
        old_history = set(before.status_history) if before else set()
        new_history = [c for c in order.status_history if c not in old_history]
        tracking = bool(order.shipments) and cart._tracking_supported(order_id)
        known: set[str | None] = set()
        if tracking and before is not None:
            # An order that exists may hold some items already: read them.
            posted = cart._http.request("GET", cart._tracking_url(order_id)).json()
            known = {item.get("tracking_number") for item in posted or ()}
        elif before is not None:
            known = {s.tracking_number for s in before.shipments}
        new_shipments = [s for s in order.shipments if s.tracking_number not in known]
        if new_shipments and tracking:
            for shipment in new_shipments:
                if shipment.tracking_number:
                    cart._http.request(
                        "POST", cart._tracking_url(order_id), json=wo.tracking_to_wc(shipment)
                    )
        elif new_shipments:
            cart._http.request(
                "POST",
                cart._route(f"orders/{order_id}/notes"),
                json={"note": wo.shipments_note(new_shipments), "customer_note": False},
            )
        if new_history or origin:
            # WooCommerce dates and numbers the order itself: the source's number
            # and date go where the staff see them, with the history.
            parts = [origin] if origin else []
            if new_history:
                parts.append(wo.history_note(new_history))
            cart._http.request(
                "POST",
                cart._route(f"orders/{order_id}/notes"),
                json={"note": "\n".join(parts), "customer_note": False},
            )
    except CartMigrateError as error:
        if strict:
            raise
        logger.warning("%s: notes/tracking of order %s not written: %s", cart.name, order_id, error)
        return False
    return True


def finish_created_order(cart: WooCommerceCart, order_id: str, order: Order) -> bool:
    """Tracking and notes of a new order; its shipments meta only once they are in.

    The meta is what the order reads back as; written before the tracking
    items went in, a failed post would look done and never be retried.
    """
    if not order_extras(cart, order_id, order, None, strict=False, origin=wo.origin_note(order)):
        return False
    if order.shipments:
        meta = [{"key": wc.SHIPMENTS_KEY, "value": wo.shipments_meta(order.shipments)}]
        try:
            cart._http.request("PUT", cart._route(f"orders/{order_id}"), json={"meta_data": meta})
        except CartMigrateError:
            return False
    return True


def update_order(cart: WooCommerceCart, id: str, changes: Mapping[str, Any]) -> None:
    allowed = {
        "status",
        "status_history",
        "shipments",
        "note",
        "billing_address",
        "shipping_address",
        "email",
        "customer_id",
        "lines",
    }
    for field in changes:
        if field not in allowed:
            raise EntityRejected(
                f"WooCommerce computes or fixes order.{field} itself;"
                " it cannot be changed through REST",
                entity="order",
                field=field,
            )
    if not id.isdigit():
        raise EntityNotFound(f"no order {id} in {cart.name}", entity="order", status_code=404)
    try:
        raw = cart._get(f"orders/{id}")
    except EntityNotFound as error:
        error.entity = "order"
        raise
    before = wo.order_from_wc(raw)
    try:
        after = attrs.evolve(before, **changes)
    except InvalidEntity as error:
        raise EntityRejected(str(error), entity="order", field=error.field) from error
    body: dict[str, Any] = {}
    meta: list[dict[str, Any]] = []
    if "status" in changes:
        status = wo.wc_order_status(after.status)
        refused = cart._statuses.check(status, str(getattr(after.status, "value", after.status)))
        if refused is not None:
            raise refused
        body["status"] = status
        # Keep WooCommerce's own stock handling off this migrated order's lines.
        body["line_items"] = [
            {
                "id": item["id"],
                "meta_data": wo.reduced_stock_meta(status, int(item.get("quantity") or 0)),
            }
            for item in raw.get("line_items") or ()
            if item.get("product_id")
        ]
    if "lines" in changes:
        # Only what REST lets change on a placed order's lines: which product
        # (and variation) each points to, e.g. once a product failed earlier
        # got migrated. Names, quantities and prices stay as placed.
        status = wo.wc_order_status(after.status)
        lines = {item["id"]: item for item in body.get("line_items", [])}
        for item, line in zip(raw.get("line_items") or (), after.lines, strict=False):
            product = int(line.product_id) if line.product_id and line.product_id.isdigit() else 0
            variation = int(line.variant_id) if line.variant_id and line.variant_id.isdigit() else 0
            if (product, variation) == (item.get("product_id"), item.get("variation_id")):
                continue
            entry = lines.setdefault(item["id"], {"id": item["id"]})
            entry.update(product_id=product, variation_id=variation)
            if product:
                entry["meta_data"] = wo.reduced_stock_meta(status, int(item.get("quantity") or 0))
        if lines:
            body["line_items"] = list(lines.values())
    if "status_history" in changes:
        meta.append({"key": wc.HISTORY_KEY, "value": wo.history_meta(after.status_history)})
    if "shipments" in changes:
        meta.append({"key": wc.SHIPMENTS_KEY, "value": wo.shipments_meta(after.shipments)})
    if "note" in changes:
        body["customer_note"] = after.note or ""
    if {"billing_address", "email"} & set(changes):
        full = wo.order_to_wc(after)
        body["billing"] = full["billing"]
    if "shipping_address" in changes:
        body["shipping"] = wo.order_to_wc(after)["shipping"]
    if "customer_id" in changes:
        body["customer_id"] = (
            int(after.customer_id) if after.customer_id and after.customer_id.isdigit() else 0
        )
    if meta:
        body["meta_data"] = meta
    if {"status_history", "shipments"} & set(changes):
        # First, so a failure leaves the meta (what the order reads back
        # as) unchanged, and the next sync tries again.
        order_extras(cart, id, after, before, strict=True)
    cart._http.request("PUT", cart._route(f"orders/{id}"), json=body)
