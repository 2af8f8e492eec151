"""What a historical order needs from the shop before its cart is made, and how it reads back.

An order names its state, currency, carrier, customer and addresses in the
source's terms; PrestaShop wants its own ids for each. They are worked out
here, once per order (``OrderPlan``), before anything is written: a status
without a state, a customer not in the shop or a country the shop does not
deliver to is refused before a cart exists. The same mapping says how the
order reads back (``as_stored``) and what of it the shop cannot keep
(``unstored``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ..._exceptions import EntityRejected
from ...models import Address, Order, OrderStatus, Shipment, StatusChange
from ._order_states import state_for
from ._values import field, ps_time

if TYPE_CHECKING:
    from ._orders import OrderResource

__all__ = ["OrderPlan", "OrderPlanner"]


@attrs.define(frozen=True)
class OrderPlan:
    """What one order needs from the shop before its cart is made."""

    customer: str
    delivery: str
    invoice: str
    currency: str
    carrier: str
    state: str
    history: tuple[tuple[str, str], ...]  # (state id, shop-local date)


class OrderPlanner:
    """The shop's ids for an order's state, currency, carrier, customer and addresses."""

    def __init__(self, resource: OrderResource) -> None:
        self.resource = resource
        self.ws = resource.ws
        self.lookups = resource.lookups

    def plan(self, order: Order) -> OrderPlan:
        state = self.state(order.status)
        history = self.history(order)
        customer = self._customer(order)
        delivery = self._address(customer, order, order.shipping_address or order.billing_address)
        invoice = (
            self._address(customer, order, order.billing_address)
            if order.billing_address and order.billing_address != order.shipping_address
            else delivery
        )
        return OrderPlan(
            customer=customer,
            delivery=delivery,
            invoice=invoice,
            currency=self.currency(order),
            carrier=self.carrier(order),
            state=state,
            history=history,
        )

    def state(self, status: OrderStatus | str) -> str:
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

    def history(self, order: Order) -> tuple[tuple[str, str], ...]:
        zone = self.resource.zone
        return tuple(
            (self.state(change.status), ps_time(change.at, zone)) for change in self._changes(order)
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
        shipping: list[str] = []
        if unknown:
            shipping.append(
                f"carrier {', '.join(unknown)} is not an active carrier of this shop; its"
                " tracking numbers are kept on the order's carrier"
            )
        # An order carrier holds a carrier and a tracking number, nothing more.
        untracked = sum(1 for s in order.shipments if not s.tracking_number)
        if untracked:
            shipping.append(f"{untracked} without a tracking number not carried")
        dropped = sorted(
            {
                name
                for s in order.shipments
                if s.tracking_number
                for name, value in (
                    ("tracking URL", s.tracking_url),
                    ("date", s.shipped_at),
                    ("lines", s.lines),
                )
                if value
            }
        )
        if dropped:
            shipping.append(
                f"an order carrier keeps a carrier and a tracking number: {', '.join(dropped)}"
                " not carried"
            )
        if shipping:
            reasons["shipments"] = "; ".join(shipping)
        comments = sum(1 for c in order.status_history if c.comment)
        if comments:
            reasons["status_history"] = (
                f"an order history entry has no comment: {comments} comment(s) not carried"
            )
        return reasons

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


def _number(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0
