"""Orders: read with lines, totals, history and shipments; written as history.

Magento's checkout (cart -> shipping information -> payment information)
reprices every line from today's catalogue, reserves stock and e-mails the
buyer: it places a new order, it does not record an old one. The order
repository (``POST /orders`` with an ``entity``) records one as given: the
source's number (``increment_id``), prices, totals, state and status, dates
and status history, without a reservation, a stock change or an e-mail
(measured on the real store). That is what the cart writes.

Shipments are Magento shipment documents with their tracks, saved while
the order's items carry no product id so that MSI deducts nothing (see
``_shipments``): the order is saved with its items unlinked, then its
shipments, then its items are pointed at their products (and a variant's
line gets its child item). A shipment a document cannot hold as given (no
tracking number, carrier or date, a tracking URL, no lines) is kept in an
order comment of its own, marked ``cartmigrate shipment:``, which reads back
as the shipment, in its place. A recorded shipment cannot be changed or
removed: an update that would fails on ``shipments``.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..._exceptions import DuplicateEntity, EntityRejected, TransientError, WriteOutcomeUnknown
from ...models import Address, Order, OrderLine, OrderStatus, Shipment, ShipmentLine, StatusChange
from .._base import Created
from .._rest import chunked
from ._api import PAGE_SIZE, Filter, magento_time, parse_time
from ._customers import Directory, address_from_raw
from ._product_payload import money
from ._resource import Context, Resource
from ._shipments import ShipmentWriter, item_mark, marked_product

__all__ = ["OrderResource", "stored_order"]

SHIPMENT_MARK = "cartmigrate shipment: "
_WRITABLE = frozenset({"status", "status_history", "shipments", "lines"})

#: Magento status -> the models' status (others stay raw strings).
_READ_STATUS: dict[str, OrderStatus] = {
    "pending": OrderStatus.PENDING,
    "processing": OrderStatus.PROCESSING,
    "holded": OrderStatus.ON_HOLD,
    "complete": OrderStatus.COMPLETED,
    "canceled": OrderStatus.CANCELLED,
    "closed": OrderStatus.REFUNDED,
}
#: the models' status -> (Magento status, its state)
_WRITE_STATUS: dict[str, tuple[str, str]] = {
    "pending": ("pending", "new"),
    "processing": ("processing", "processing"),
    "on_hold": ("holded", "holded"),
    "completed": ("complete", "complete"),
    "cancelled": ("canceled", "canceled"),
    "refunded": ("closed", "closed"),
    "failed": ("canceled", "canceled"),
}
_PAID = frozenset({"processing", "complete", "closed"})


def read_status(value: Any) -> OrderStatus | str:
    text = str(value or "pending")
    return _READ_STATUS.get(text, text)


def write_status(status: OrderStatus | str) -> tuple[str, str]:
    text = str(status)
    return _WRITE_STATUS.get(text, (text, "processing"))


def stored_status(status: OrderStatus | str) -> OrderStatus | str:
    """``status`` as it reads back once written (``failed`` is Magento's ``canceled``)."""
    return read_status(write_status(status)[0])


def stored_change(change: StatusChange) -> StatusChange:
    """A history entry as it reads back: Magento keeps whole seconds."""
    return attrs.evolve(
        change, status=stored_status(change.status), at=change.at.replace(microsecond=0)
    )


def stored_order(order: Order) -> Order:
    """``order`` as Magento reads it back, so that an entry it keeps its own way
    is not taken for a new one, and appended again, on every update."""
    return attrs.evolve(
        order,
        status=stored_status(order.status),
        status_history=tuple(stored_change(c) for c in order.status_history),
    )


def _shipment_comment(shipment: Shipment, position: int) -> str:
    data = {
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "tracking_url": shipment.tracking_url,
        "shipped_at": shipment.shipped_at.isoformat() if shipment.shipped_at else None,
        "lines": [[line.sku, line.quantity] for line in shipment.lines],
        "position": position,
    }
    return SHIPMENT_MARK + json.dumps(data, sort_keys=True)


def _shipment_from_comment(text: str) -> tuple[int | None, Shipment] | None:
    """The shipment a comment keeps, with its place among the order's
    shipments (None in comments written before places were kept)."""
    try:
        data = json.loads(text[len(SHIPMENT_MARK) :])
        position = data.get("position")
        shipment = Shipment(
            carrier=data.get("carrier"),
            tracking_number=data.get("tracking_number"),
            tracking_url=data.get("tracking_url"),
            shipped_at=data.get("shipped_at"),
            lines=[ShipmentLine(sku=sku, quantity=qty) for sku, qty in data.get("lines") or ()],
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return (position if isinstance(position, int) and position >= 0 else None), shipment


def _in_place(
    documents: Sequence[Shipment], comments: Sequence[tuple[int | None, Shipment]]
) -> list[Shipment]:
    """The order's shipments as written: a comment's shipment at its place
    among the documents (a later shipment only a comment holds comes after
    the documents written before it); comments without a place first."""
    placed = [shipment for position, shipment in comments if position is None]
    placed += documents
    for position, shipment in sorted(
        ((p, s) for p, s in comments if p is not None), key=lambda c: c[0]
    ):
        placed.insert(min(position, len(placed)), shipment)
    return placed


def count(value: Any) -> int:
    """A quantity Magento spells "2.0000"; a part of one (1.5) or no number fails."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"not a quantity: a {type(value).__name__}")
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(f"not a quantity: {str(value)[:40]!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"not a whole quantity: {str(value)[:40]!r}")
    return int(number)


def _documents(raws: Sequence[Mapping[str, Any]]) -> list[Shipment]:
    """Magento's own shipment documents: one model shipment per track."""
    out: list[Shipment] = []
    for raw in raws:
        lines = [
            ShipmentLine(sku=item.get("sku"), quantity=count(item.get("qty")))
            for item in raw.get("items") or ()
        ]
        tracks = list(raw.get("tracks") or ()) or [{}]
        for position, track in enumerate(tracks):
            out.append(
                Shipment(
                    carrier=track.get("title") or track.get("carrier_code"),
                    tracking_number=track.get("track_number"),
                    shipped_at=parse_time(raw.get("created_at")),
                    lines=lines if position == 0 else (),
                )
            )
    return out


class OrderResource(Resource[Order]):
    kind = Order
    list_path = "orders"
    record_id = "entity_id"

    def __init__(self, ctx: Context, *, directory: Directory, store_id: int) -> None:
        super().__init__(ctx)
        self.directory = directory
        self._store_id = store_id
        self.shipments = ShipmentWriter(ctx.api, store_id=store_id)

    # -- reading ------------------------------------------------------------
    def context_for(
        self, raws: Sequence[Mapping[str, Any]], state: Any
    ) -> dict[str, list[Mapping[str, Any]]]:
        ids = [str(raw["entity_id"]) for raw in raws]
        shipments: dict[str, list[Mapping[str, Any]]] = {}
        for chunk in chunked(ids, PAGE_SIZE):
            filters = [Filter("order_id", ",".join(chunk), "in")]
            for page in self.api.search("shipments", filters):
                for raw in page:
                    shipments.setdefault(str(raw.get("order_id")), []).append(raw)
        return shipments

    def to_model(self, raw: Mapping[str, Any], context: Any) -> Order:
        items = list(raw.get("items") or ())
        children: dict[str, list[Mapping[str, Any]]] = {}
        for i in items:
            if i.get("parent_item_id"):
                children.setdefault(str(i.get("parent_item_id")), []).append(i)
        lines: list[OrderLine] = []
        for item in items:
            if item.get("parent_item_id"):
                continue
            under = children.get(str(item.get("item_id")), [])
            # A configurable's item has one child, its variant's; a bundle's
            # has one per component, which a line of the models cannot hold.
            child = under[0] if len(under) == 1 and item.get("product_type") != "bundle" else None
            if child is None and under:
                parts = ", ".join(f"{c.get('sku')} x {c.get('qty_ordered')}" for c in under)
                self.ctx.report_not_read(
                    Order,
                    str(raw["entity_id"]),
                    f"lines[{len(lines)}].components",
                    f"the line's {len(under)} component items ({parts}) are not read:"
                    " the line is read as the bundle's own, without them",
                )
            lines.append(
                OrderLine(
                    product_id=str(item["product_id"]) if item.get("product_id") else None,
                    variant_id=str(child["product_id"])
                    if child and child.get("product_id")
                    else None,
                    sku=item.get("sku"),
                    name=item.get("name") or item.get("sku") or "-",
                    quantity=count(item.get("qty_ordered")),
                    price=money(item.get("price")) or 0,
                )
            )
        history: list[StatusChange] = []
        comments: list[tuple[int | None, Shipment]] = []
        entries = sorted(
            raw.get("status_histories") or (),
            key=lambda h: (h.get("created_at") or "", int(h.get("entity_id") or 0)),
        )
        for entry in entries:
            comment = entry.get("comment")
            if isinstance(comment, str) and comment.startswith(SHIPMENT_MARK):
                kept = _shipment_from_comment(comment)
                if kept is not None:
                    comments.append(kept)
                    continue
            at = parse_time(entry.get("created_at"))
            if at is not None:
                history.append(
                    StatusChange(
                        status=read_status(entry.get("status") or raw.get("status")),
                        at=at,
                        comment=comment or None,
                    )
                )
        documents = _documents((context or {}).get(str(raw["entity_id"]), ()))
        shipments = _in_place(documents, comments)
        extension = raw.get("extension_attributes") or {}
        shipping: Address | None = None
        for assignment in extension.get("shipping_assignments") or ():
            address = (assignment.get("shipping") or {}).get("address")
            if address:
                shipping = address_from_raw(address)
                break
        billing = raw.get("billing_address")
        discount = money(raw.get("discount_amount"))
        guest = bool(raw.get("customer_is_guest")) or not raw.get("customer_id")
        return Order(
            id=str(raw["entity_id"]),
            number=str(raw.get("increment_id") or raw["entity_id"]),
            customer_id=None if guest else str(raw["customer_id"]),
            email=raw.get("customer_email"),
            status=read_status(raw.get("status")),
            lines=lines,
            currency=raw.get("order_currency_code"),
            subtotal=money(raw.get("subtotal")),
            shipping_total=money(raw.get("shipping_amount")),
            tax_total=money(raw.get("tax_amount")),
            discount_total=abs(discount) if discount is not None else None,
            total=money(raw.get("grand_total")),
            billing_address=address_from_raw(billing) if billing else None,
            shipping_address=shipping,
            status_history=history,
            shipments=shipments,
            note=raw.get("customer_note") or None,
            created_at=parse_time(raw.get("created_at")),
            updated_at=parse_time(raw.get("updated_at")),
            extra={
                "state": raw.get("state"),
                "payment_method": (raw.get("payment") or {}).get("method"),
                "shipping_description": raw.get("shipping_description"),
            },
        )

    def find(self, natural_key: str) -> Order | None:
        key = natural_key.strip()
        if not key:
            return None
        items, _ = self.api.page(self.list_path, [Filter("increment_id", key)])
        found = self.convert_all(items)
        return found[0] if found else None

    # -- writing --------------------------------------------------------------
    def _history(self, changes: Sequence[StatusChange]) -> list[dict[str, Any]]:
        return [
            {
                "comment": change.comment or "",
                "status": write_status(change.status)[0],
                "created_at": magento_time(change.at),
                "is_customer_notified": 0,
                "is_visible_on_front": 0,
                "entity_name": "order",
            }
            for change in changes
        ]

    def _shipment_entries(
        self, order: Order, shipments: Sequence[Shipment]
    ) -> list[dict[str, Any]]:
        status = write_status(order.status)[0]
        entries = []
        left = list(shipments)
        for position, shipment in enumerate(order.shipments):
            if shipment not in left:
                continue
            left.remove(shipment)
            entry: dict[str, Any] = {
                "comment": _shipment_comment(shipment, position),
                "status": status,
                "is_customer_notified": 0,
                "is_visible_on_front": 0,
                "entity_name": "order",
            }
            when = shipment.shipped_at or order.created_at
            if when is not None:
                entry["created_at"] = magento_time(when)
            entries.append(entry)
        return entries

    def _address(self, address: Address, kind: str, email: str | None) -> dict[str, Any]:
        body = self.directory.address(address, None, phone=None)
        body["address_type"] = kind
        if email:
            body["email"] = email
        return body

    @staticmethod
    def _item(
        line: OrderLine, *, parent_item: int | None = None, unlinked: bool = False
    ) -> dict[str, Any]:
        """One order item; a variant's line is its parent's item, with the child's after it.

        ``unlinked``: without its product id, which the mark in
        ``additional_data`` keeps until the item is pointed at it (see
        ``_shipments``)."""
        child = parent_item is not None
        product = line.variant_id if child else line.product_id
        price = decimal.Decimal(0) if child else line.price
        item: dict[str, Any] = {
            "sku": line.sku or "",
            "name": line.name,
            "product_type": "configurable" if line.variant_id and not child else "simple",
            "qty_ordered": line.quantity,
            "price": float(price),
            "base_price": float(price),
            "original_price": float(price),
            "row_total": float(price * line.quantity),
            "base_row_total": float(price * line.quantity),
        }
        if product and product.isdigit():
            if unlinked:
                item["additional_data"] = item_mark(int(product))
            else:
                item["product_id"] = int(product)
        if child:
            item["parent_item_id"] = parent_item
        return item

    def body(self, order: Order, *, documents: bool = False) -> dict[str, Any]:
        """The order as the repository's first save takes it: items unlinked.

        ``documents``: its shipments are written as documents afterwards,
        not as comments."""
        status, state = write_status(order.status)
        currency = order.currency or "USD"
        subtotal = order.subtotal
        if subtotal is None:
            subtotal = sum((line.price * line.quantity for line in order.lines), decimal.Decimal(0))
        shipping = order.shipping_total or decimal.Decimal(0)
        tax = order.tax_total or decimal.Decimal(0)
        discount = order.discount_total or decimal.Decimal(0)
        total = order.total if order.total is not None else subtotal + shipping + tax - discount
        billing = order.billing_address or order.shipping_address or Address()
        body: dict[str, Any] = {
            "increment_id": order.number,
            "store_id": self._store_id,
            "state": state,
            "status": status,
            "customer_email": order.email or "unknown@example.invalid",
            "customer_firstname": billing.first_name,
            "customer_lastname": billing.last_name,
            "customer_is_guest": 0 if order.customer_id else 1,
            "order_currency_code": currency,
            "base_currency_code": currency,
            "global_currency_code": currency,
            "store_currency_code": currency,
            "subtotal": float(subtotal),
            "base_subtotal": float(subtotal),
            "shipping_amount": float(shipping),
            "base_shipping_amount": float(shipping),
            "tax_amount": float(tax),
            "base_tax_amount": float(tax),
            "discount_amount": -float(discount),
            "base_discount_amount": -float(discount),
            "grand_total": float(total),
            "base_grand_total": float(total),
            "total_qty_ordered": sum(line.quantity for line in order.lines),
            "items": [self._item(line, unlinked=True) for line in order.lines],
            "billing_address": self._address(billing, "billing", order.email),
            "payment": {"method": "checkmo"},
            "status_histories": self._history(order.status_history)
            + ([] if documents else self._shipment_entries(order, order.shipments)),
        }
        if order.customer_id:
            body["customer_id"] = int(order.customer_id)
        if status in _PAID:
            body.update(total_paid=float(total), base_total_paid=float(total), total_due=0)
        if order.created_at is not None:
            body["created_at"] = magento_time(order.created_at)
        if order.note:
            body["customer_note"] = order.note
        if order.shipping_address is not None:
            body["extension_attributes"] = {
                "shipping_assignments": [
                    {
                        "shipping": {
                            "address": self._address(
                                order.shipping_address, "shipping", order.email
                            ),
                            "method": "flatrate_flatrate",
                        },
                        "items": [],
                    }
                ]
            }
        return body

    def create(self, entity: Order) -> Created:
        found, _ = self.api.page(self.list_path, [Filter("increment_id", entity.number)])
        existing = next((r for r in found if isinstance(r, Mapping) and r.get("entity_id")), None)
        if existing is not None:
            ident = str(existing["entity_id"])
            items = list(existing.get("items") or ())
            if any(marked_product(item) is not None for item in items):
                # This cart's, left half-written by a killed run: finish it first.
                self._finish(ident, entity, items)
            raise DuplicateEntity(
                f"magento: order number {entity.number!r} exists (order {ident})",
                existing_id=ident,
                entity="order",
                field="number",
            )
        documents = self.shipments.documentable(entity, entity.shipments)
        try:
            raw = self.api.send(
                "POST", "orders", {"entity": self.body(entity, documents=documents)}
            )
        except WriteOutcomeUnknown:
            # The order may be in: look (by its number) before anyone sends it again.
            items, _ = self.api.page(self.list_path, [Filter("increment_id", entity.number)])
            if not items:
                raise
            raw = items[0]
        if not isinstance(raw, Mapping) or "entity_id" not in raw:
            raise EntityRejected("magento: POST /orders answered without an entity_id")
        order_id = str(raw["entity_id"])
        self._finish(order_id, entity, list(raw.get("items") or ()), documents=documents)
        return Created(id=order_id)

    def _finish(
        self,
        order_id: str,
        entity: Order,
        items: Sequence[Mapping[str, Any]],
        *,
        documents: bool | None = None,
    ) -> None:
        """The steps after the first save: shipment documents, then the items' links."""
        if documents is None:
            documents = self.shipments.documentable(entity, entity.shipments)
        if documents:
            self.shipments.record(order_id, entity.shipments, items)
        self._sync_lines(order_id, entity.lines, items)

    def _unlink(self, order_id: str, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Takes the product ids off the order's items (keeping them in the mark), so that a
        new shipment document deducts nothing; answers the items as they are then."""
        changes = [
            {
                "item_id": item["item_id"],
                "sku": item.get("sku") or "",
                "product_id": None,
                "additional_data": item_mark(int(item["product_id"])),
            }
            for item in items
            if not item.get("parent_item_id") and str(item.get("product_id") or "").isdigit()
        ]
        if changes:
            # Repeating it changes nothing: safe to retry.
            entity = {"entity_id": int(order_id), "items": changes}
            self.api.send("POST", "orders", {"entity": entity}, idempotent=True)
        unlinked = {int(c["item_id"]): c for c in changes}
        return [{**item, **unlinked.get(int(item.get("item_id") or 0), {})} for item in items]

    def _line_items(
        self, lines: Sequence[OrderLine], items: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """The item changes that make the stored items point where ``lines`` do.

        Magento ties a variant's line to its child item by the parent's item
        id, which only exists once the order does, so child items are added by
        a second save; and a line whose product arrived later is pointed at it.
        Computed from what is stored, so it can be sent again after a lost answer.
        """
        tops = [i for i in items if not i.get("parent_item_id")]
        children = {str(i.get("parent_item_id")): i for i in items if i.get("parent_item_id")}
        changes: list[dict[str, Any]] = []
        for line, item in zip(lines, tops, strict=False):
            if not item.get("item_id"):
                continue
            parent_id = int(item["item_id"])
            mark = marked_product(item)
            product = (
                int(line.product_id) if line.product_id and line.product_id.isdigit() else mark
            )
            if product is not None and (item.get("product_id") != product or mark is not None):
                change: dict[str, Any] = {
                    "item_id": parent_id,
                    "sku": item.get("sku") or line.sku or "",
                    "product_id": product,
                    "product_type": "configurable" if line.variant_id else "simple",
                }
                if mark is not None:
                    change["additional_data"] = None
                changes.append(change)
            if not (line.variant_id or "").isdigit():
                continue
            child = children.get(str(parent_id))
            if child is None:
                changes.append(self._item(line, parent_item=parent_id))
            elif child.get("product_id") != int(str(line.variant_id)):
                changes.append(
                    {
                        "item_id": child["item_id"],
                        "sku": child.get("sku") or "",
                        "product_id": int(str(line.variant_id)),
                    }
                )
        return changes

    def _sync_lines(
        self, order_id: str, lines: Sequence[OrderLine], items: Sequence[Mapping[str, Any]]
    ) -> None:
        changes = self._line_items(lines, items)
        for _ in range(3):
            if not changes:
                return
            entity = {"entity_id": int(order_id), "items": changes}
            try:
                # Not idempotent: a repeated save would add child items twice.
                self.api.send("POST", "orders", {"entity": entity}, idempotent=False)
                return
            except TransientError:
                # Lost or failed: see what is stored before sending anything again.
                stored = self.api.get(f"orders/{order_id}")
                changes = self._line_items(lines, list(stored.get("items") or ()))
        raise WriteOutcomeUnknown(
            f"magento: order {order_id} was stored, but its lines may not point at their"
            " products and variants yet",
            entity="order",
        )

    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None:
        before = self.current(id)
        after = self.evolve(before, changes, _WRITABLE)
        stored: list[Mapping[str, Any]] | None = None
        documents: list[Shipment] = []
        entity: dict[str, Any] = {"entity_id": int(id)}
        if "status" in changes:
            entity["status"], entity["state"] = write_status(after.status)
        entries: list[dict[str, Any]] = []
        if "status_history" in changes:
            known = set(before.status_history)
            entries += self._history(
                [c for c in after.status_history if stored_change(c) not in known]
            )
        # A recorded shipment (a document, or its comment) cannot be changed or
        # removed through REST: then none of the shipments is written, and the
        # update fails on ``shipments`` once the rest is written.
        gone = [s for s in before.shipments if s not in after.shipments]
        if "shipments" in changes and not gone:
            numbers = {s.tracking_number for s in before.shipments}
            fresh = [s for s in after.shipments if s not in before.shipments]
            if self.shipments.documentable(after, fresh) and all(
                s.tracking_number not in numbers for s in fresh
            ):
                documents = fresh
            else:  # a number already held is told apart only by a comment
                entries += self._shipment_entries(after, fresh)
        raw_items = list(self.api.get(f"orders/{id}").get("items") or ())
        if documents:
            self.shipments.record(id, documents, self._unlink(id, raw_items))
            stored = list(self.api.get(f"orders/{id}").get("items") or ())
        elif any(marked_product(item) is not None for item in raw_items):
            stored = raw_items  # a killed run's unlinked items: linked again below
        if stored is not None:
            self._sync_lines(id, after.lines, stored)
        if "lines" in changes:
            # Only where each line points (a product migrated later): what was
            # sold, at what price, stays as recorded.
            if [(ln.sku, ln.quantity, ln.price) for ln in after.lines] != [
                (ln.sku, ln.quantity, ln.price) for ln in before.lines
            ]:
                raise EntityRejected(
                    "magento: a recorded order's items cannot be changed, only pointed"
                    " at their products",
                    entity="order",
                    field="lines",
                )
            current = self.api.get(f"orders/{id}")
            self._sync_lines(id, after.lines, list(current.get("items") or ()))
        for entry in entries:
            entry["parent_id"] = int(id)
        if entries:
            entity["status_histories"] = entries
        if len(entity) > 1:
            self.api.send("POST", "orders", {"entity": entity}, idempotent=False)
        if "shipments" in changes and gone:
            raise EntityRejected(
                f"magento: order {id}'s recorded shipment"
                f" {', '.join(str(s.tracking_number or '(no number)') for s in gone)}"
                " differs on the source or is gone, and Magento's REST API cannot change or"
                " remove a recorded shipment; no shipment was written, the other changes"
                " were",
                entity="order",
                field="shipments",
            )

    def delete(self, id: str) -> None:
        raise EntityRejected(
            "magento: orders cannot be deleted through REST", entity="order", status_code=None
        )

    def notes(self) -> tuple[str, ...]:
        return (
            "orders are recorded through the order repository (POST /orders): number,"
            " prices, totals, status, dates and history as the source had them; no stock"
            " is reserved or deducted and no e-mail is sent; no invoice or payment"
            " transaction is created (paid orders carry total_paid)",
            "shipments are shipment documents with their track and date, saved while the"
            " order's items are not linked to their products so that no stock moves; a"
            " shipment without a tracking number, carrier, date or lines, or with a tracking"
            " URL (Magento's tracks have none), is kept in an order comment ('cartmigrate"
            " shipment: ...') instead; order items' qty_shipped is not set; a recorded"
            " shipment cannot be changed or removed (such an update fails on shipments)",
            "a variant's order line is written as Magento's pair of items (the configurable"
            " product's, and its child's)",
            "the 'failed' status is written as canceled (Magento has no failed status)",
            "orders cannot be deleted through Magento's REST API",
        )
