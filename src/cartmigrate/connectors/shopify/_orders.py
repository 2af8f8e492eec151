"""Orders: created as historical orders, then brought to their state.

``orderCreate`` makes the order (no receipts, inventory untouched); its
status history, the status as the source named it and its shipments' dates
go in ``cartmigrate`` metafields. Shopify's own state is then set to the
nearest match: cancelled (``orderCancel``), paid (``orderMarkAsPaid``),
closed (``orderClose``), fulfilled with tracking (``fulfillmentCreate``).
Each of those follow-ups is idempotent (it looks before it acts), so an order
found again after a lost answer is finished the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from ..._exceptions import (
    CartMigrateError,
    EntityNotFound,
    EntityRejected,
    WriteOutcomeUnknown,
)
from ...models import Order, OrderStatus, Shipment
from .._base import Created
from . import _convert as cv
from . import _graphql as docs
from . import _order_shapes as shapes
from ._shop import ShopifyBase

__all__ = ["OrderWrites"]

logger = logging.getLogger("cartmigrate.shopify")


class OrderWrites(ShopifyBase):
    """Creating, finishing and updating orders."""

    def create_order(self, order: Order, source_ref: str | None) -> Created:
        """``orderCreate``, then the follow-ups (cancel, fulfil).

        A lost ``orderCreate`` answer is settled at once where the reference is
        a custom ID (a look-up that sees the write): the order found is finished
        like a created one, and none is created again. Otherwise the outcome
        stays unknown and the engine finds the order by its reference later.
        """
        ref_type = self.ref_type(Order) if source_ref else cv.TEXT
        try:
            payload = self.mutate(
                "order",
                "OrderCreate",
                docs.ORDER_CREATE,
                {
                    "order": shapes.order_input(order, source_ref, ref_type),
                    "options": {
                        "inventoryBehaviour": "BYPASS",
                        "sendReceipt": False,
                        "sendFulfillmentReceipt": False,
                    },
                },
                "orderCreate",
            )
            order_id = str(payload["order"]["id"])
        except WriteOutcomeUnknown:
            found = self._landed(source_ref) if ref_type == cv.CUSTOM_ID else None
            if found is None:
                raise
            logger.info("shopify: orderCreate's answer was lost; it landed as %s", found)
            order_id = found
        # The order exists from here on, its follow-ups not yet run (a found one
        # too: they come after the create). A follow-up step that fails makes the
        # create's outcome "unknown": the engine then finds the order by its
        # source reference (no duplicate), adopts it, and the next smart update
        # compares its status and shipments with what Shopify holds and
        # finishes the job (a shipment not fulfilled yet does not read back).
        # Swallowing the error would lose the step for good.
        try:
            if order.status == OrderStatus.CANCELLED:
                self._cancel(order_id, order)
            if order.shipments:
                kept = self._ensure_shipments(order_id, order.shipments, fresh=True)
                if kept:
                    self._keep(order_id, order.shipments, kept)
        except CartMigrateError as error:
            raise WriteOutcomeUnknown(
                f"shopify order {order_id} was created, but a follow-up step (cancel or"
                f" fulfilment) failed: {error}; the next call finishes it",
                entity="order",
            ) from error
        return Created(id=order_id)

    def _landed(self, source_ref: str | None) -> str | None:
        """The id of the order made from ``source_ref``, if a create of it landed."""
        if not source_ref:
            return None
        try:
            data = self.run("OrderByRef", docs.ORDER_BY_REF, {"ref": source_ref})
        except CartMigrateError:
            return None  # still unknown: the engine looks again later
        node = data.get("orderByIdentifier")
        return str(node["id"]) if node else None

    def _keep(self, order_id: str, shipments: Sequence[Shipment], kept: set[int]) -> None:
        """Mark the shipments that could not become fulfillments as kept in the
        metafield only, so reading the order shows them (and does not ask again)."""
        self.mutate(
            "order",
            "OrderUpdate",
            docs.ORDER_UPDATE,
            {
                "input": {
                    "id": order_id,
                    "metafields": [
                        cv.metafield("shipments", shapes.shipments_json(shipments, kept), "json")
                    ],
                }
            },
            "orderUpdate",
        )

    # -- orders: status and shipments ---------------------------------------
    def _cancel(self, order_id: str, order: Order) -> None:
        note = order.status_history[-1].comment if order.status_history else None
        self.mutate(
            "order",
            "OrderCancel",
            self.doc("ORDER_CANCEL"),
            {"orderId": order_id, "staffNote": note},
            "orderCancel",
            errors_key="orderCancelUserErrors",
        )

    def _apply_status(self, order_id: str, status: OrderStatus | str, current: Order) -> None:
        """Bring Shopify's own state as close to ``status`` as it goes (never backwards)."""
        extra = current.extra
        if status == OrderStatus.CANCELLED and not extra.get("cancelled_at"):
            self._cancel(order_id, current)
            return
        if status in (OrderStatus.PROCESSING, OrderStatus.COMPLETED) and extra.get(
            "financial_status"
        ) in ("PENDING", "AUTHORIZED", "PARTIALLY_PAID"):
            self.mutate(
                "order",
                "OrderMarkAsPaid",
                docs.ORDER_MARK_AS_PAID,
                {"input": {"id": order_id}},
                "orderMarkAsPaid",
            )
        if status == OrderStatus.COMPLETED and not extra.get("closed"):
            self.mutate(
                "order", "OrderClose", docs.ORDER_CLOSE, {"input": {"id": order_id}}, "orderClose"
            )

    def _ensure_shipments(
        self, order_id: str, shipments: Sequence[Shipment], *, fresh: bool = False
    ) -> set[int]:
        """Create a fulfillment (with tracking) for each shipment not there yet;
        the positions of those that cannot be one (nothing left to fulfil).

        Idempotent: a shipment is "there" when a fulfillment carries its
        tracking number (untracked ones are matched by count), so a lost answer
        is repaired by calling this again, never by fulfilling twice. ``fresh``:
        the order was just created, so the first pass need not look (saves a
        query of ~270 cost points per order).
        """
        for _ in range(3):
            try:
                if fresh:
                    fresh = False
                    return {i for i, s in enumerate(shipments) if not self._fulfill(order_id, s)}
                return self._ensure_shipments_once(order_id, shipments)
            except WriteOutcomeUnknown:
                continue
        return self._ensure_shipments_once(order_id, shipments)

    def _ensure_shipments_once(self, order_id: str, shipments: Sequence[Shipment]) -> set[int]:
        found = self.node(Order, order_id)
        if found is None:
            raise EntityNotFound(f"shopify: no order {order_id}", entity="order")
        node = self.all_fulfillments(found)
        numbers: set[str] = set()
        untracked = 0
        for fulfillment in node.get("fulfillments") or ():
            tracking = fulfillment.get("trackingInfo") or []
            if tracking and tracking[0].get("number"):
                numbers.update(t["number"] for t in tracking if t.get("number"))
            else:
                untracked += 1
        kept: set[int] = set()
        for position, shipment in enumerate(shipments):
            if shipment.tracking_number:
                if shipment.tracking_number in numbers:
                    continue
            elif untracked > 0:
                untracked -= 1
                continue
            if not self._fulfill(order_id, shipment):
                kept.add(position)
        return kept

    def _fulfill(self, order_id: str, shipment: Shipment) -> bool:
        """Fulfil ``shipment``; False when nothing of it is left to fulfil."""
        data = self.run("OrderFulfillmentOrders", docs.ORDER_FULFILLMENT_ORDERS, {"id": order_id})
        orders = ((data.get("order") or {}).get("fulfillmentOrders") or {}).get("nodes") or []
        open_orders = [f for f in orders if f["status"] in ("OPEN", "IN_PROGRESS")]
        groups: list[dict[str, Any]] = []
        wanted = {line.sku.casefold(): line.quantity for line in shipment.lines if line.sku}
        for fulfillment_order in open_orders:
            items = [
                {
                    "id": line["id"],
                    "quantity": min(
                        line["remainingQuantity"], wanted[(line.get("sku") or "").casefold()]
                    ),
                }
                for line in fulfillment_order["lineItems"]["nodes"]
                if wanted
                and (line.get("sku") or "").casefold() in wanted
                and line["remainingQuantity"] > 0
            ]
            if wanted and not items:
                continue
            group: dict[str, Any] = {"fulfillmentOrderId": fulfillment_order["id"]}
            if wanted:
                group["fulfillmentOrderLineItems"] = items
            groups.append(group)
        if not groups:
            logger.warning(
                "shopify order %s: nothing left to fulfil for shipment %s; kept in the"
                " cartmigrate.shipments metafield only",
                order_id,
                shipment.tracking_number,
            )
            return False
        tracking: dict[str, Any] = {}
        if shipment.tracking_number:
            tracking["number"] = shipment.tracking_number
        if shipment.carrier:
            tracking["company"] = shipment.carrier
        if shipment.tracking_url:
            tracking["url"] = shipment.tracking_url
        fulfillment: dict[str, Any] = {
            "lineItemsByFulfillmentOrder": groups,
            "notifyCustomer": False,
        }
        if tracking:
            fulfillment["trackingInfo"] = tracking
        self.mutate(
            "order",
            "FulfillmentCreate",
            docs.FULFILLMENT_CREATE,
            {"fulfillment": fulfillment},
            "fulfillmentCreate",
        )
        return True

    # -- updating -----------------------------------------------------------
    def update_order(self, id: str, changes: Mapping[str, Any]) -> None:
        current = self.get(Order, id)
        if current is None:
            raise EntityNotFound(f"shopify: no order {id}", entity="order")
        metafields: list[dict[str, str]] = []
        data: dict[str, Any] = {"id": id}
        for field, value in changes.items():
            if field == "status":
                metafields.append(cv.metafield("status", str(value)))
            elif field == "status_history":
                metafields.append(
                    cv.metafield("status_history", shapes.history_json(value), "json")
                )
            elif field == "shipments":
                pass  # written below, once it is known which could be fulfilled
            elif field in ("note", "email"):
                data[field] = value
            elif field == "lines":
                self._check_lines(current, value)
            elif field == "shipping_address":
                data["shippingAddress"] = cv.address_input(value) if value else None
            else:
                raise self.reject(
                    "order", field, "Shopify does not let an order's " + field + " change"
                )
        if "status" in changes:
            self._apply_status(id, changes["status"], current)
        if "shipments" in changes:
            kept = self._ensure_shipments(id, changes["shipments"])
            metafields.append(
                cv.metafield("shipments", shapes.shipments_json(changes["shipments"], kept), "json")
            )
        if metafields:
            data["metafields"] = metafields
        if len(data) > 1:
            self.mutate("order", "OrderUpdate", docs.ORDER_UPDATE, {"input": data}, "orderUpdate")

    @staticmethod
    def _check_lines(current: Order, lines: Sequence[Any]) -> None:
        """Line items of a Shopify order cannot be re-linked to products after
        the fact (only an order edit, which re-prices, could). A change that
        only adds product/variant links (the engine repairing references that
        were missing when the order was created) is accepted as is: the lines
        keep their SKU, title, quantity and price. Any other change is refused.
        """

        def shape(items: Sequence[Any]) -> list[tuple[Any, ...]]:
            return [(i.sku, i.name, i.quantity, i.price) for i in items]

        if shape(current.lines) != shape(lines):
            raise EntityRejected(
                "shopify cannot change the lines of an existing order",
                entity="order",
                field="lines",
            )
        logger.info(
            "shopify order %s: product links of existing line items cannot be added; kept as is",
            current.id,
        )
