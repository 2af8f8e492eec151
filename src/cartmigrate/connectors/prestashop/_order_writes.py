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

States, history rows and tracking numbers after the birth, and on every
update, are ``_order_states``'s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from ..._exceptions import (
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    WriteOutcomeUnknown,
)
from ...models import Address, Order, OrderStatus, Shipment, StatusChange
from .._base import Created, WriteNote
from ._mails import StateMails
from ._order_states import ERROR_STATE, OrderLife, state_for
from ._resource import Row
from ._values import field, money, ps_amount, ps_time

if TYPE_CHECKING:
    from ._orders import OrderResource

__all__ = ["MARKER", "OrderWriter", "note_number"]

logger = logging.getLogger("cartmigrate.prestashop")

#: The order's gift message while it is being made.
MARKER = "cartmigrate: migrating order "
_NOTE = "cartmigrate: source order {number}, placed {date}"
_NOTE_LINE = re.compile(r"(?:\n\n)?cartmigrate: source order (.+), placed (\S*)\Z")
_REFERENCE_SIZE = 9
#: A specific price for one cart only: any shop, currency, country, group, time.
_CART_PRICE = {
    **dict.fromkeys(("id_shop", "id_shop_group", "id_currency", "id_country"), 0),
    **dict.fromkeys(("id_group", "id_customer", "reduction", "reduction_tax"), 0),
    "from_quantity": 1,
    "reduction_type": "amount",
    "from": "0000-00-00 00:00:00",
    "to": "0000-00-00 00:00:00",
}
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


@attrs.define(frozen=True)
class _Plan:
    """What one order needs from the shop before its cart is made."""

    customer: str
    delivery: str
    invoice: str
    currency: str
    carrier: str
    state: str
    history: tuple[tuple[str, str], ...]  # (state id, shop-local date)


class OrderWriter:
    """The order resource's writing half."""

    def __init__(self, resource: OrderResource, mails: StateMails) -> None:
        self.resource = resource
        self.ws = resource.ws
        self.lookups = resource.lookups
        self.mails = mails
        self.life = OrderLife(resource.ws, resource.lookups, resource.stock)
        self._plan_lock = threading.Lock()

    # -- what maps to what -------------------------------------------------------
    def _state(self, status: OrderStatus | str) -> str:
        state = state_for(status, self.lookups.order_states())
        if state is None:
            raise EntityRejected(
                f"prestashop: no order state for the status {status!r}"
                " (map it to one: MappingRules(order_status={...}))",
                entity="order",
                field="status",
            )
        return state

    @staticmethod
    def _changes(order: Order) -> list[StatusChange]:
        """The history to write: the source's, or, when it has none, the order's
        state since its creation (PrestaShop's back office expects one row)."""
        if order.status_history:
            return sorted(order.status_history, key=lambda c: c.at)
        if order.created_at is not None:
            return [StatusChange(status=order.status, at=order.created_at)]
        return []

    def _history(self, order: Order) -> tuple[tuple[str, str], ...]:
        zone = self.resource.zone
        return tuple(
            (self._state(change.status), ps_time(change.at, zone))
            for change in self._changes(order)
        )

    def currency(self, order: Order) -> str:
        currencies = self.lookups.currencies()
        wanted = (order.currency or "").upper()
        for currency_id, iso in sorted(currencies.items(), key=lambda c: int(c[0])):
            if iso == wanted:
                return currency_id
        return min(currencies, key=int) if currencies else "1"

    def carrier(self, order: Order) -> str:
        carriers = self.lookups.active_carriers()
        names = {name.casefold(): cid for cid, name in carriers}
        for shipment in order.shipments:
            if shipment.carrier and shipment.carrier.casefold() in names:
                return names[shipment.carrier.casefold()]
        if not carriers:
            raise EntityRejected("prestashop: the shop has no active carrier", entity="order")
        return carriers[0][0]

    def as_stored(self, order: Order) -> Order:
        """The order as it reads back: history to the second without comments,
        shipments with a tracking number on a carrier of this shop."""
        zone = self.resource.zone
        carriers = dict(self.lookups.active_carriers())
        chosen = carriers.get(self.carrier(order)) if carriers else None
        known = {name.casefold(): name for name in carriers.values()}
        shipments = [
            Shipment(
                carrier=known.get((s.carrier or "").casefold(), chosen),
                tracking_number=s.tracking_number,
            )
            for s in order.shipments
            if s.tracking_number
        ]
        history = [
            StatusChange(
                status=c.status,
                at=dt.datetime.strptime(ps_time(c.at, zone), "%Y-%m-%d %H:%M:%S").replace(
                    tzinfo=zone
                ),
            )
            for c in self._changes(order)
        ]
        lines = sorted(
            order.lines,
            key=lambda line: (_number(line.product_id), _number(line.variant_id)),
        )
        # No discount is PrestaShop's 0.
        discount = order.discount_total if order.discount_total is not None else Decimal(0)
        return attrs.evolve(
            order,
            lines=lines,
            status_history=history,
            shipments=shipments,
            discount_total=discount,
        )

    def unstored(self, order: Order) -> dict[str, str]:
        reasons: dict[str, str] = {}
        currencies = set(self.lookups.currencies().values())
        if order.currency and order.currency.upper() not in currencies:
            reasons["currency"] = (
                f"{order.currency} is not a currency of this shop; the order is written in"
                f" {self.lookups.currencies().get(self.currency(order))}"
            )
        names = {name.casefold() for _, name in self.lookups.active_carriers()}
        carriers = sorted({s.carrier for s in order.shipments if s.carrier and s.tracking_number})
        unknown = [c for c in carriers if c.casefold() not in names]
        if unknown:
            reasons["shipments"] = (
                f"carrier {', '.join(unknown)} is not an active carrier of this shop; its"
                " tracking numbers are kept on the order's carrier"
            )
        return reasons

    # -- finding our own ---------------------------------------------------------
    def _ours(self, number: str) -> list[Row]:
        """Orders an earlier create of this number left unfinished (marker still on)."""
        rows = self.ws.all(
            "orders",
            {"filter[gift_message]": f"[{MARKER}{number}]"},
            display="[id,current_state,gift_message,id_cart]",
        )
        return sorted(rows, key=lambda r: int(r["id"]))

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
        unfinished = self._ours(number)
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
            plan = self._plan(order)
        if unfinished:
            order_id = str(unfinished[0]["id"])
            logger.info("prestashop: finishing order %s (%s) left half-made", order_id, number)
        else:
            order_id = self._birth(order, plan)
        notes = self._finish(order_id, order, plan)
        return Created(id=order_id, notes=notes)

    def _plan(self, order: Order) -> _Plan:
        state = self._state(order.status)
        history = self._history(order)
        customer = self._customer(order)
        delivery = self._address(customer, order, order.shipping_address or order.billing_address)
        invoice = (
            self._address(customer, order, order.billing_address)
            if order.billing_address and order.billing_address != order.shipping_address
            else delivery
        )
        return _Plan(
            customer=customer,
            delivery=delivery,
            invoice=invoice,
            currency=self.currency(order),
            carrier=self.carrier(order),
            state=state,
            history=history,
        )

    def _customer(self, order: Order) -> str:
        """The order's customer; a guest account by e-mail when it has none."""
        if order.customer_id:
            if not order.customer_id.isdigit() or not self.ws.by_ids(
                "customers", [order.customer_id]
            ):
                raise EntityRejected(
                    f"prestashop: customer {order.customer_id} of order {order.number}"
                    " is not in the shop",
                    entity="order",
                    field="customer_id",
                )
            return order.customer_id
        if not order.email:
            raise EntityRejected(
                f"prestashop: order {order.number} has neither a customer nor an e-mail",
                entity="order",
                field="email",
            )
        return self.resource.guest(order)

    def _address(self, customer: str, order: Order, address: Address | None) -> str:
        """An address of the customer equal to ``address``, else a new one."""
        fields = self.resource.address_fields(customer, order, address)
        if str(fields["id_country"]) not in self.lookups.active_countries():
            # validateOrder dies with "The delivery address country is not active".
            raise EntityRejected(
                f"prestashop: order {order.number} goes to {address.country if address else '?'},"
                " a country the shop does not deliver to (activate it in International ->"
                " Locations -> Countries)",
                entity="order",
                field="shipping_address",
            )
        keys = ("firstname", "lastname", "address1", "address2", "city", "postcode", "id_country")
        for row in self.ws.all(
            "addresses", {"filter[id_customer]": f"[{customer}]", "filter[deleted]": "[0]"}
        ):
            if all(field(row, k) == str(fields[k]) for k in keys):
                return str(row["id"])
        answer = self.ws.create("addresses", "address", fields, [])
        return str(answer["id"])

    def _lines(self, order: Order) -> list[tuple[str, str, int, Any, str]]:
        """(product, combination, quantity, unit price, name) per line, merged by item."""
        merged: dict[tuple[str, str], list[Any]] = {}
        for position, line in enumerate(order.lines):
            if not line.product_id or not line.product_id.isdigit():
                raise EntityRejected(
                    f"prestashop: line {position + 1} of order {order.number} has no product"
                    " in the shop (a cart line needs one)",
                    entity="order",
                    field="lines",
                )
            key = (line.product_id, line.variant_id or "0")
            if key in merged:
                if merged[key][1] != line.price:
                    raise EntityRejected(
                        f"prestashop: order {order.number} has {key} twice at two prices;"
                        " a cart holds one line per item",
                        entity="order",
                        field="lines",
                    )
                merged[key][0] += line.quantity
            else:
                merged[key] = [line.quantity, line.price, line.name]
        # PrestaShop lists a cart's lines by product and combination id (rows
        # added at once share their date_add): sent in that order, they keep it.
        return sorted(
            ((p, c, q, price, name) for (p, c), (q, price, name) in merged.items() if q > 0),
            key=lambda line: (int(line[0]), int(line[1]) if line[1].isdigit() else 0),
        )

    def _birth(self, order: Order, plan: _Plan) -> str:
        """Cart, its prices, and the order born in state 8: its id."""
        marker = f"{MARKER}{order.number}"
        lines = self._lines(order)
        if not lines:
            raise EntityRejected(
                f"prestashop: order {order.number} has no line to put in a cart",
                entity="order",
                field="lines",
            )
        if sum(price * quantity for _, _, quantity, price, _ in lines) <= 0:
            # Posted with a paid total of 0, a cart of 0 would be paid in full:
            # stock taken, confirmation e-mailed.
            raise EntityRejected(
                f"prestashop: order {order.number} costs nothing; PrestaShop would take it"
                " as paid in full (stock taken, e-mails sent), so it is not written",
                entity="order",
                field="lines",
            )
        # A cart an earlier, interrupted create made for this order: used again
        # only when no order was made from it and it holds these very lines.
        wanted = sorted((p, c, str(q)) for p, c, q, _, _ in lines)
        carts = self.ws.all("carts", {"filter[gift_message]": f"[{marker}]"})
        used = (
            {
                field(o, "id_cart")
                for o in self.ws.where("orders", "id_cart", [str(c["id"]) for c in carts])
            }
            if carts
            else set()
        )
        free = [
            str(c["id"])
            for c in sorted(carts, key=lambda c: int(c["id"]))
            if str(c["id"]) not in used and _cart_lines(c) == wanted
        ]
        if free:
            cart = free[-1]
        else:
            rows = [
                {
                    "id_product": product,
                    "id_product_attribute": combination,
                    "id_address_delivery": plan.delivery,
                    "quantity": quantity,
                }
                for product, combination, quantity, _, _ in lines
            ]
            answer = self.ws.create(
                "carts",
                "cart",
                {
                    "id_currency": plan.currency,
                    "id_lang": self.resource.language,
                    "id_customer": plan.customer,
                    "id_address_delivery": plan.delivery,
                    "id_address_invoice": plan.invoice,
                    "id_carrier": plan.carrier,
                    "gift": 0,
                    "gift_message": marker,
                    "associations": {"cart_rows": self.resource.cart_rows(rows)},
                },
                [],
            )
            cart = str(answer["id"])
        priced = {
            (field(r, "id_product"), field(r, "id_product_attribute", "0"))
            for r in self.ws.all("specific_prices", {"filter[id_cart]": f"[{cart}]"})
        }
        for product, combination, _, price, _ in lines:
            if (product, combination) in priced:
                continue
            self.ws.create(
                "specific_prices",
                "specific_price",
                {
                    **_CART_PRICE,
                    "id_cart": cart,
                    "id_product": product,
                    "id_product_attribute": combination,
                    "price": ps_amount(price),
                },
                [],
            )
        body = {
            "id_cart": cart,
            "id_customer": plan.customer,
            "id_address_delivery": plan.delivery,
            "id_address_invoice": plan.invoice,
            "id_currency": plan.currency,
            "id_lang": self.resource.language,
            "id_carrier": plan.carrier,
            "module": self.resource.payment_module,
            "payment": (str(order.extra.get("payment") or "") or "Migrated")[:255],
            # Any total but the cart's: the order is born in state 8, taking no stock.
            "total_paid": "0",
            "total_paid_real": "0",
            "total_products": "0",
            "total_products_wt": "0",
            "conversion_rate": "1",
        }
        for attempt in (1, 2):
            try:
                with self.mails.off(ERROR_STATE):
                    answer = self.ws.create("orders", "order", body, [])
                return str(answer["id"])
            except WriteOutcomeUnknown as error:
                found = self._ours(order.number)
                if found:
                    return str(found[0]["id"])
                if error.status_code is None or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

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

    def _finish(self, order_id: str, order: Order, plan: _Plan) -> tuple[WriteNote, ...]:
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
                self._state(updated.status),
                row,
            )
        if "status_history" in changes:
            self.life.align_history(order_id, self._history(updated))
        if "shipments" in changes:
            self.life.set_shipments(order_id, updated.shipments)
        if "note" in changes:
            self.ws.patch(
                "orders", "order", order_id, {"note": self.note(current, updated.note or "")}, []
            )


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _cart_lines(cart: Row) -> list[tuple[str, str, str]]:
    associations = cart.get("associations") or {}
    rows = associations.get("cart_rows") if isinstance(associations, Mapping) else None
    return sorted(
        (field(r, "id_product"), field(r, "id_product_attribute", "0"), field(r, "quantity"))
        for r in rows or []
        if isinstance(r, Mapping)
    )
