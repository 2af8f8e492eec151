"""An order's life after its birth: states, their history rows, its shipments.

Read from PrestaShop 8.2.1's ``OrderHistory::changeIdOrderState``: a state
change (``POST order_histories``, without ``?sendemail=1``: no e-mail) moves
stock when a sold (``logable``) state is reached from 6 "Canceled" or 8
"Payment error" (taken), and when 6 or 8 is reached from any other state
(put back). Every other change moves none. So:

- out of 6/8 into a sold state goes through 1 "Awaiting check payment"
  (6/8 -> 1 and 1 -> sold take nothing);
- into 6/8 from another state cannot avoid PrestaShop putting the lines'
  stock back. The migration carries stock absolutely from the source (whose
  quantities already hold this order's restock), so the lines' stock rows are
  read before the change and the ones that moved written back after it.

History rows and tracking numbers are plain rows (``PATCH``/``DELETE
order_histories``, ``order_carriers`` run no logic): they are edited into the
source's.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping, Sequence

from ..._exceptions import EntityNotFound
from ...models import OrderStatus, Shipment
from ._lookups import Lookups
from ._resource import Row
from ._stock import StockRows
from ._values import field
from ._ws import Webservice

__all__ = ["CANCELED_STATE", "ERROR_STATE", "OrderLife", "state_for", "state_slug"]

#: PS_OS_ERROR and PS_OS_CANCELED: leaving a sold state for one puts stock back.
ERROR_STATE = "8"
CANCELED_STATE = "6"
_RESTOCKING = frozenset({ERROR_STATE, CANCELED_STATE})
#: A state that is neither sold nor an error: the step between them.
_NEUTRAL_STATE = "1"
_STATUS_STATE = {
    OrderStatus.PENDING: "1",
    OrderStatus.PROCESSING: "2",
    OrderStatus.COMPLETED: "5",
    OrderStatus.CANCELLED: "6",
    OrderStatus.REFUNDED: "7",
    OrderStatus.FAILED: "8",
    OrderStatus.ON_HOLD: "12",
}


def state_slug(name: str) -> str:
    """A state's name as a status ("On backorder (paid)" -> "on-backorder-paid")."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "unknown"


def state_for(status: OrderStatus | str, states: Mapping[str, str]) -> str | None:
    """The PrestaShop state id for a status (a raw one by its slug or ``state-N``)."""
    if isinstance(status, OrderStatus):
        return _STATUS_STATE.get(status)
    if status.startswith("state-") and status[6:] in states:
        return status[6:]
    for state_id, name in sorted(states.items(), key=lambda s: int(s[0])):
        if state_slug(name) == status:
            return state_id
    return None


class OrderLife:
    """States, history rows and tracking numbers of an order that exists."""

    def __init__(self, ws: Webservice, lookups: Lookups, stock: StockRows) -> None:
        self.ws = ws
        self.lookups = lookups
        self.stock = stock

    def post_state(self, order_id: str, state: str) -> None:
        # Without ?sendemail=1: the state changes, no e-mail goes.
        self.ws.create(
            "order_histories", "order_history", {"id_order": order_id, "id_order_state": state}, []
        )

    def move(self, order_id: str, current: str, wanted: str, row: Row) -> None:
        """From state ``current`` to ``wanted`` without moving stock."""
        if current == wanted:
            return
        logable = self.lookups.logable_states()
        restocks = wanted in _RESTOCKING and current not in _RESTOCKING
        destocks = wanted in logable and current in _RESTOCKING
        if destocks:
            # 6/8 -> 1 -> sold: neither step takes stock.
            self.post_state(order_id, _NEUTRAL_STATE)
            if wanted != _NEUTRAL_STATE:
                self.post_state(order_id, wanted)
            return
        if not restocks:
            self.post_state(order_id, wanted)
            return
        # PrestaShop puts the lines' stock back: the migration carries stock
        # absolutely from the source, so it is written back as it was.
        stock = self.stock
        products = sorted({field(d, "product_id") for d in _details(row)} - {"", "0"})
        before = stock.of_products(products) if products else {}
        self.post_state(order_id, wanted)
        after = stock.of_products(products) if products else {}
        for key, was in before.items():
            now = after.get(key)
            # A product's own row is its combinations' sum: written through them.
            summed = key[1] == "0" and any(k[0] == key[0] and k[1] != "0" for k in before)
            quantity = field(was, "quantity", "0")
            if now is not None and not summed and field(now, "quantity", "0") != quantity:
                stock.write(key[0], key[1], quantity=int(quantity), status=None)

    def align_history(self, order_id: str, wanted: Sequence[tuple[str, str]]) -> None:
        """The order's history rows made the source's (state, date) list, as plain rows."""
        rows = sorted(
            self.ws.all("order_histories", {"filter[id_order]": f"[{order_id}]"}),
            key=lambda r: int(r["id"]),
        )
        rows_now = self.ws.by_ids("orders", [order_id])
        current = field(rows_now[0], "current_state", ERROR_STATE) if rows_now else ERROR_STATE
        while len(rows) < len(wanted):
            # The current state again moves nothing (old and new alike), and
            # adds a row to edit.
            self.post_state(order_id, current)
            rows = sorted(
                self.ws.all("order_histories", {"filter[id_order]": f"[{order_id}]"}),
                key=lambda r: int(r["id"]),
            )
        for row, (state, date) in zip(rows, wanted, strict=False):
            if field(row, "id_order_state") != state or field(row, "date_add") != date:
                self.ws.patch(
                    "order_histories",
                    "order_history",
                    str(row["id"]),
                    {"id_order_state": state, "date_add": date},
                    [],
                )
        for row in rows[len(wanted) :]:
            with contextlib.suppress(EntityNotFound):
                self.ws.delete("order_histories", str(row["id"]))

    def set_shipments(self, order_id: str, shipments: Sequence[Shipment]) -> None:
        tracked = [s for s in shipments if s.tracking_number]
        rows = sorted(
            self.ws.all("order_carriers", {"filter[id_order]": f"[{order_id}]"}),
            key=lambda r: int(r["id"]),
        )
        names = {name.casefold(): cid for cid, name in self.lookups.active_carriers()}
        base = field(rows[0], "id_carrier") if rows else None
        for position, shipment in enumerate(tracked):
            carrier = names.get((shipment.carrier or "").casefold(), base)
            if position < len(rows):
                row = rows[position]
                if field(row, "tracking_number") != shipment.tracking_number:
                    self.ws.patch(
                        "order_carriers",
                        "order_carrier",
                        str(row["id"]),
                        {"tracking_number": shipment.tracking_number},
                        [],
                    )
            else:
                self.ws.create(
                    "order_carriers",
                    "order_carrier",
                    {
                        "id_order": order_id,
                        "id_carrier": carrier or "0",
                        "tracking_number": shipment.tracking_number,
                    },
                    [],
                )
        for row in rows[len(tracked) :]:
            if field(row, "tracking_number"):
                self.ws.patch(
                    "order_carriers", "order_carrier", str(row["id"]), {"tracking_number": ""}, []
                )


def _details(row: Row) -> list[Row]:
    associations = row.get("associations") or {}
    details = associations.get("order_rows") if isinstance(associations, Mapping) else None
    return [d for d in details or [] if isinstance(d, Mapping)]  # type: ignore[misc]
