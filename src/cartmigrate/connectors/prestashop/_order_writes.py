"""Writing historical orders: a cart, the payment-module path, then plain row edits.

The webservice makes an order only from a cart through a payment module
(``POST /orders`` runs ``PaymentModule::validateOrder``), and that path takes
stock and e-mails for a valid order. A migrated order took its stock on the
old shop (whose quantity the migration carries), so it must not here:

1. a cart with the order's lines (gift message = a marker naming the source
   number: PrestaShop copies it to the order in the same request, so an
   order whose answer was lost, or whose process died, is found by it);
2. a specific price per line bound to that cart: the line's historical
   unit price;
3. ``POST /orders`` with a paid total that does *not* match (0), so the
   order is born in state 8 "Payment error", which takes no stock — with
   state 8's e-mail switched off around it (``_mails``);
4. a ``PATCH`` of the order: the source number as ``reference`` (when it
   fits PrestaShop's 9 characters), number and date in the ``note``,
   ``date_add`` backdated, the source's totals;
5. the state: ``POST order_histories`` (without ``sendemail``: no e-mail)
   8 -> the order's state, through 1 "Awaiting check payment" when that is a
   sold (``logable``) state, since reaching one straight from an error takes
   stock (``OrderHistory::changeIdOrderState``);
6. the history rows edited as plain rows (``PATCH``/``DELETE``
   ``order_histories`` run no logic) into the source's states and dates,
   the tracking number on ``order_carriers``, line names on
   ``order_details``, the cart's specific prices deleted, and last the
   marker cleared: the order is finished.

What the order needs from the shop (state, currency, carrier, customer,
addresses) is ``_order_plan``'s; steps 1 to 3 are ``_order_birth``'s;
states, history rows and tracking numbers after the birth, and on every
update, are ``_order_states``'s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ..._exceptions import DuplicateEntity, EntityNotFound, EntityRejected
from ...models import Order
from .._base import Created, WriteNote
from ._mails import StateMails
from ._order_birth import OrderBirth
from ._order_plan import OrderPlan, OrderPlanner
from ._order_states import ERROR_STATE, OrderLife
from ._resource import Row
from ._values import field, money, ps_amount, ps_time

if TYPE_CHECKING:
    from ._orders import OrderResource

__all__ = ["OrderWriter", "note_number"]

logger = logging.getLogger("cartmigrate.prestashop")

_NOTE = "cartmigrate: source order {number}, placed {date}"
_NOTE_LINE = re.compile(r"(?:\n\n)?cartmigrate: source order (.+), placed (\S*)\Z")
_REFERENCE_SIZE = 9
_TOTALS = {
    "subtotal": ("total_products",),
    "shipping_total": ("total_shipping_tax_excl",),
    "discount_total": ("total_discounts_tax_excl",),
}


def note_number(note: str) -> tuple[str, str | None]:
    """(the note without the source line, the source number it names or None)."""
    match = _NOTE_LINE.search(note)
    if match is None:
        return note, None
    return note[: match.start()], match.group(1)


class OrderWriter:
    """The order resource's writing half."""

    def __init__(self, resource: OrderResource, mails: StateMails) -> None:
        self.resource = resource
        self.ws = resource.ws
        self.planner = OrderPlanner(resource)
        self.birth = OrderBirth(resource, mails)
        self.life = OrderLife(resource.ws, resource.lookups, resource.stock)
        self._plan_lock = threading.Lock()

    def as_stored(self, order: Order) -> Order:
        return self.planner.as_stored(order)

    def unstored(self, order: Order) -> dict[str, str]:
        return self.planner.unstored(order)

    # -- finding our own ---------------------------------------------------------
    def _finished(self, number: str) -> str | None:
        """A finished order with this source number, by reference or note."""
        for params in self.resource.find_params(number):
            for model in self.resource.convert(self.ws.all("orders", params)):
                if model.number == number and self.resource.finished(model):
                    return str(model.id)
        return None

    # -- create -------------------------------------------------------------------
    def create(self, order: Order) -> Created:
        number = order.number
        if any(c in number for c in "[]|,%"):
            raise EntityRejected(
                f"prestashop: order number {number!r} cannot be looked up by a filter",
                entity="order",
                field="number",
            )
        unfinished = self.birth.unfinished(number)
        if not unfinished:
            existing = self._finished(number)
            if existing is not None:
                raise DuplicateEntity(
                    f"prestashop: order {number} is already in the shop (order {existing})",
                    existing_id=existing,
                    entity="order",
                    field="number",
                )
        with self._plan_lock:
            # Orders side by side may share a guest e-mail or an address:
            # each is looked up, and made when missing, one order at a time.
            plan = self.planner.plan(order)
        if unfinished:
            order_id = str(unfinished[0]["id"])
            logger.info("prestashop: finishing order %s (%s) left half-made", order_id, number)
        else:
            order_id = self.birth.make(order, plan)
        notes = self._finish(order_id, order, plan)
        return Created(id=order_id, notes=notes)

    def _measure(self, row: Row, order: Order) -> tuple[WriteNote, ...]:
        """What PrestaShop computed for the born order (its carrier's price, its
        tax rules) where the source's order says otherwise: said per order and field."""
        if field(row, "reference") == order.number:
            return ()  # patched already (a resumed create): nothing of its own left to see
        keep = (
            "; the order's totals are written as the source's, its lines' taxes and its"
            " carrier's shipping cost stay PrestaShop's"
        )
        notes: list[WriteNote] = []
        own_tax = money(row.get("total_paid_tax_incl")) - money(row.get("total_paid_tax_excl"))
        if order.tax_total is not None and own_tax != order.tax_total:
            notes.append(
                WriteNote(
                    field="tax_total",
                    message=f"order {order.number}: PrestaShop computed taxes {own_tax}"
                    f" (its tax rules) where the source has {order.tax_total}{keep}",
                )
            )
        own_shipping = money(row.get("total_shipping_tax_excl"))
        if order.shipping_total is not None and own_shipping != order.shipping_total:
            notes.append(
                WriteNote(
                    field="shipping_total",
                    message=f"order {order.number}: PrestaShop computed shipping {own_shipping}"
                    f" (its carrier's price) where the source has {order.shipping_total}{keep}",
                )
            )
        return tuple(notes)

    def _finish(self, order_id: str, order: Order, plan: OrderPlan) -> tuple[WriteNote, ...]:
        """Everything after the birth; each step safe to repeat after a crash.
        Returns what PrestaShop computed differently (``_measure``)."""
        row = self._row(order_id)
        notes = self._measure(row, order)
        patch: dict[str, Any] = {"note": self.note(order), "date_add": self._date(order)}
        if len(order.number) <= _REFERENCE_SIZE:
            patch["reference"] = order.number
        patch.update(self._totals(order))
        self.ws.patch("orders", "order", order_id, patch, [])
        self.life.move(order_id, field(row, "current_state", ERROR_STATE), plan.state, row)
        self.life.align_history(order_id, plan.history)
        self.life.set_shipments(order_id, order.shipments)
        self._name_lines(row, order)
        for price in self.ws.all(
            "specific_prices", {"filter[id_cart]": f"[{field(row, 'id_cart')}]"}, display="[id]"
        ):
            with contextlib.suppress(EntityNotFound):
                self.ws.delete("specific_prices", str(price["id"]))
        final: dict[str, Any] = {"gift_message": ""}
        if order.total is not None:
            final["total_paid_real"] = ps_amount(order.total)
        self.ws.patch("orders", "order", order_id, final, [])
        return notes

    def _row(self, order_id: str) -> Row:
        rows = self.ws.by_ids("orders", [order_id])
        if not rows:
            raise EntityNotFound(f"no order {order_id} in prestashop", entity="order")
        row: Row = rows[0]
        return row

    def note(self, order: Order, own: str | None = None) -> str:
        date = order.created_at.isoformat() if order.created_at else "-"
        line = _NOTE.format(number=order.number, date=date)
        text = order.note if own is None else own
        return f"{text}\n\n{line}" if text else line

    def _date(self, order: Order) -> str:
        when = order.created_at or dt.datetime.now(dt.UTC)
        return ps_time(when, self.resource.zone)

    @staticmethod
    def _totals(order: Order) -> dict[str, str]:
        totals: dict[str, str] = {}
        for name, keys in _TOTALS.items():
            value = getattr(order, name)
            if value is not None:
                totals.update(dict.fromkeys(keys, ps_amount(value)))
        if order.total is not None:
            totals["total_paid"] = totals["total_paid_tax_incl"] = ps_amount(order.total)
            if order.tax_total is not None:
                totals["total_paid_tax_excl"] = ps_amount(order.total - order.tax_total)
        if order.subtotal is not None and order.tax_total is not None:
            totals["total_products_wt"] = ps_amount(order.subtotal + order.tax_total)
        if order.shipping_total is not None:
            totals["total_shipping"] = totals["total_shipping_tax_incl"] = ps_amount(
                order.shipping_total
            )
        if order.discount_total is not None:
            totals["total_discounts"] = totals["total_discounts_tax_incl"] = ps_amount(
                order.discount_total
            )
        return totals

    def _name_lines(self, row: Row, order: Order) -> None:
        """The source's line names and SKUs on the order's detail rows."""
        wanted = {
            (line.product_id, line.variant_id or "0"): line for line in order.lines if line.name
        }
        associations = row.get("associations") or {}
        for detail in associations.get("order_rows") or []:
            key = (field(detail, "product_id"), field(detail, "product_attribute_id", "0"))
            line = wanted.get(key)
            if line is None:
                continue
            patch: dict[str, Any] = {}
            if field(detail, "product_name") != line.name:
                patch["product_name"] = line.name
            if line.sku and field(detail, "product_reference") != line.sku:
                patch["product_reference"] = line.sku
            if patch:
                self.ws.patch("order_details", "order_detail", field(detail, "id"), patch, [])

    # -- update -----------------------------------------------------------------
    def update(self, order_id: str, changes: Mapping[str, Any], current: Order) -> None:
        updated = attrs.evolve(current, **changes)
        if "status" in changes:
            row = self._row(order_id)
            self.life.move(
                order_id,
                field(row, "current_state", ERROR_STATE),
                self.planner.state(updated.status),
                row,
            )
        if "status_history" in changes:
            self.life.align_history(order_id, self.planner.history(updated))
        if "shipments" in changes:
            self.life.set_shipments(order_id, updated.shipments)
        if "note" in changes:
            self.ws.patch(
                "orders", "order", order_id, {"note": self.note(current, updated.note or "")}, []
            )
