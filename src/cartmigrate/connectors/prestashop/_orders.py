"""Orders: the order with its rows, totals, addresses, status history and tracking.

A page of orders costs five listings: the orders (rows and totals are in
them), their ``order_histories``, their ``order_carriers`` (tracking numbers
live there), their addresses and their customers (for the e-mail); states,
carriers and currencies come from cached tables.

Statuses: the 13 states of a PrestaShop 8 shop map to the library's
vocabulary where the meaning is the same; a state PrestaShop has but the
vocabulary lacks (4 "Shipped", 9 "On backorder (paid)") and every state a
shop added reads as a raw slug of its name ("shipped", "on-backorder-paid"),
for the status map of the rules.

Amounts: line prices, ``subtotal``, ``shipping_total`` and
``discount_total`` are tax excluded; ``tax_total`` is the paid total with tax
minus without; ``total`` is what was paid, tax included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from ..._exceptions import EntityNotFound, EntityRejected, WriteOutcomeUnknown
from ...models import Address, Customer, Order, OrderLine, OrderStatus, Shipment, StatusChange
from .._base import Created
from .._records import tracked
from ._customers import PLACEHOLDER_NAME, CustomerResource, address_model
from ._order_birth import MARKER
from ._order_states import state_slug
from ._order_writes import OrderWriter, note_number
from ._resource import Resource, Row
from ._stock import StockRows
from ._values import field, money, optional_id, timestamp
from ._xml import Assoc

logger = logging.getLogger("cartmigrate.prestashop")

__all__ = ["OrderResource", "status_of_state"]

#: The standard states of PrestaShop 8 (ids as the installer creates them).
STATE_STATUS: dict[str, OrderStatus] = {
    "1": OrderStatus.PENDING,  # Awaiting check payment
    "2": OrderStatus.PROCESSING,  # Payment accepted
    "3": OrderStatus.PROCESSING,  # Processing in progress
    "5": OrderStatus.COMPLETED,  # Delivered
    "6": OrderStatus.CANCELLED,  # Canceled
    "7": OrderStatus.REFUNDED,  # Refunded
    "8": OrderStatus.FAILED,  # Payment error
    "10": OrderStatus.PENDING,  # Awaiting bank wire payment
    "11": OrderStatus.PROCESSING,  # Remote payment accepted
    "12": OrderStatus.ON_HOLD,  # On backorder (not paid)
    "13": OrderStatus.PENDING,  # Awaiting Cash On Delivery validation
}


def status_of_state(state_id: str, states: dict[str, str]) -> OrderStatus | str:
    """The library's status for a PrestaShop state id (a raw slug when none fits)."""
    if state_id in STATE_STATUS:
        return STATE_STATUS[state_id]
    name = states.get(state_id)
    return state_slug(name) if name else f"state-{state_id}"


@attrs.define(frozen=True)
class _PageExtras:
    histories: dict[str, list[Row]]
    carriers: dict[str, list[Row]]
    addresses: dict[str, Row]
    emails: dict[str, str]


class OrderResource(Resource[Order]):
    kind = Order
    route = "orders"
    element = "order"
    writable = frozenset({"status", "status_history", "shipments", "note"})

    #: Set by the cart: the writing half, the customers' address rules, the
    #: stock rows, the installed payment module orders are made through.
    writer: OrderWriter
    customers: CustomerResource
    stock: StockRows
    payment_module: str = "ps_checkpayment"

    def since_pages(self, since: dt.datetime) -> Iterator[list[Row]]:
        """Orders changed since, and those with a state change since."""
        seen: set[str] = set()
        for page in super().since_pages(since):
            seen.update(str(r.get("id")) for r in page if isinstance(r, dict))
            yield page
        window = self.since_params(since)
        params = {"filter[date_add]": window["filter[date_upd]"], "date": "1"}
        moved = {field(r, "id_order", "0") for r in self.ws.all("order_histories", params)}
        others = sorted(moved - seen - {"0"}, key=int)
        if others:
            yield self.ws.by_ids(self.route, others, records=True)

    def follow_ups(self, rows: Sequence[Row]) -> _PageExtras:
        ids = [str(r["id"]) for r in rows]
        histories: dict[str, list[Row]] = {}
        carriers: dict[str, list[Row]] = {}
        if not ids:
            return _PageExtras({}, {}, {}, {})
        for row in self.ws.where("order_histories", "id_order", ids):
            histories.setdefault(field(row, "id_order"), []).append(row)
        for row in self.ws.where("order_carriers", "id_order", ids):
            carriers.setdefault(field(row, "id_order"), []).append(row)
        address_ids = {
            value
            for r in rows
            for value in (field(r, "id_address_invoice"), field(r, "id_address_delivery"))
            if value not in ("", "0")
        }
        addresses = {str(a["id"]): a for a in self.ws.by_ids("addresses", sorted(address_ids))}
        customer_ids = sorted({field(r, "id_customer") for r in rows} - {"", "0"})
        emails = {
            str(c["id"]): field(c, "email") for c in self.ws.by_ids("customers", customer_ids)
        }
        return _PageExtras(histories, carriers, addresses, emails)

    def to_model(self, row: Row, extras: Any) -> Order:
        page: _PageExtras = extras
        order_id = str(row["id"])
        states = self.lookups.order_states()
        lines = [
            OrderLine(
                product_id=field(item, "product_id") or None,
                variant_id=optional_id(item, "product_attribute_id"),
                sku=field(item, "product_reference") or None,
                name=field(item, "product_name") or "(no name)",
                quantity=int(field(item, "product_quantity", "0")),
                price=money(item.get("unit_price_tax_excl")),
            )
            for item in _rows(row)
        ]
        history = [
            StatusChange(
                status=status_of_state(field(h, "id_order_state"), states),
                at=timestamp(h, "date_add", self.zone) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
            )
            # Read apart from the order: a bad value is named "status_history[0].…".
            for h in tracked(
                sorted(page.histories.get(order_id, []), key=lambda h: int(h["id"])),
                "status_history",
            )
        ]
        carriers = self.lookups.carriers()
        shipments = [
            Shipment(
                carrier=carriers.get(field(c, "id_carrier")),
                tracking_number=field(c, "tracking_number"),
            )
            for c in tracked(
                sorted(page.carriers.get(order_id, []), key=lambda c: int(c["id"])), "shipments"
            )
            if field(c, "tracking_number")
        ]
        invoice = page.addresses.get(field(row, "id_address_invoice"))
        delivery = page.addresses.get(field(row, "id_address_delivery"))
        paid_incl = money(row.get("total_paid_tax_incl"))
        paid_excl = money(row.get("total_paid_tax_excl"))
        customer_id = optional_id(row, "id_customer")
        note, source_number = note_number(field(row, "note"))
        return Order(
            id=order_id,
            number=source_number or field(row, "reference") or order_id,
            customer_id=customer_id,
            email=page.emails.get(customer_id or "") or None,
            status=status_of_state(field(row, "current_state", "0"), states),
            lines=lines,
            currency=self.lookups.currencies().get(field(row, "id_currency")) or None,
            subtotal=money(row.get("total_products")),
            shipping_total=money(row.get("total_shipping_tax_excl")),
            tax_total=money(paid_incl - paid_excl),
            discount_total=money(row.get("total_discounts_tax_excl")),
            total=paid_incl,
            billing_address=address_model(invoice, self) if invoice else None,
            shipping_address=address_model(delivery, self) if delivery else None,
            status_history=history,
            shipments=shipments,
            note=note or None,
            created_at=timestamp(row, "date_add", self.zone),
            updated_at=timestamp(row, "date_upd", self.zone),
            extra={
                "payment": field(row, "payment"),
                "module": field(row, "module"),
                "current_state": field(row, "current_state", "0"),
                "total_paid_real": str(money(row.get("total_paid_real"))),
                "invoice_number": field(row, "invoice_number", "0"),
                "id_carrier": field(row, "id_carrier", "0"),
                "gift_message": field(row, "gift_message"),
            },
        )

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        # The number is the reference when it fits (9 characters), else it is
        # in the note cartmigrate writes.
        return [
            {"filter[reference]": f"[{natural_key}]"},
            {"filter[note]": f"%[source order {natural_key}]%"},
        ]

    def finished(self, model: Order) -> bool:
        return not str(model.extra.get("gift_message", "")).startswith(MARKER)

    # -- writing ---------------------------------------------------------------
    def create(self, entity: Order) -> Created:
        return self.writer.create(entity)

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        self.check_fields(changes)
        current = self.current(id)
        self.evolve(current, changes)  # a bad value is an EntityRejected naming it
        self.writer.update(id, changes, current)

    def delete(self, id: str) -> None:
        """The order and its lines, carriers and history rows (``DELETE /orders``
        alone leaves them behind, orphaned); the order goes last, so a delete
        cut short is found and finished by the next."""
        if not id.isdigit():
            raise EntityNotFound(f"no order {id} in prestashop", entity="order")
        rows = self.ws.by_ids(self.route, [id])
        if not rows:
            raise EntityNotFound(f"no order {id} in prestashop", entity="order", status_code=404)
        children = [("order_details", field(d, "id")) for d in _rows(rows[0]) if field(d, "id")]
        for resource in ("order_carriers", "order_histories"):
            listed = self.ws.all(resource, {"filter[id_order]": f"[{id}]"}, display="[id]")
            children.extend((resource, str(r["id"])) for r in listed)
        for resource, child in children:
            with contextlib.suppress(EntityNotFound):
                self.ws.delete(resource, child)
        super().delete(id)

    def address_fields(self, customer_id: str, order: Order, address: Address | None) -> Row:
        """An address row of the order's customer (names from the address, else the order's)."""
        address = address or Address()
        person = Customer(
            email=order.email or "order@invalid.example",
            first_name=address.first_name,
            last_name=address.last_name,
        )
        fields = self.customers.address_fields(customer_id, person, address, 0)
        fields["alias"] = f"Order {order.number}"[:32]
        return fields

    def cart_rows(self, rows: Sequence[Mapping[str, Any]]) -> Assoc:
        return Assoc("cart_row", list(rows))

    def guest(self, order: Order) -> str:
        """The account the order's e-mail has, else a new guest account for it."""
        email = str(order.email)

        def accounts() -> list[str]:
            rows = self.ws.all(
                "customers",
                {"filter[email]": f"[{email}]", "filter[deleted]": "[0]"},
                display="[id,is_guest]",
            )
            return [str(r["id"]) for r in sorted(rows, key=lambda r: int(r["id"]))]

        found = accounts()
        if found:
            return found[0]
        billing = order.billing_address or order.shipping_address or Address()
        body = {
            "firstname": billing.first_name or PLACEHOLDER_NAME,
            "lastname": billing.last_name or PLACEHOLDER_NAME,
            "email": email,
            "passwd": secrets.token_urlsafe(18),
            "is_guest": 1,
            "active": 1,
            "id_default_group": self.lookups.settings().get("PS_GUEST_GROUP") or "2",
        }
        try:
            answer = self.ws.create("customers", "customer", body, self.lookups.languages())
        except WriteOutcomeUnknown:
            found = accounts()
            if found:
                return found[0]
            raise
        if not answer.get("id"):
            raise EntityRejected("prestashop: the guest account got no id", entity="order")
        return str(answer["id"])


def _rows(row: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The order's lines; a shape that is not a list of records fails the order."""
    associations = row.get("associations")
    if associations is None:
        return []
    if not isinstance(associations, Mapping):
        raise ValueError(f"associations: not a mapping but a {type(associations).__name__}")
    items = associations.get("order_rows")
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise ValueError("associations.order_rows: not a list of records")
    return list(items)
