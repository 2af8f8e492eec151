"""An order's birth: a cart with its lines, their prices, and ``POST /orders`` in state 8.

Steps 1 to 3 of ``_order_writes``: the only way the webservice makes an
order is from a cart through a payment module, which takes stock and sends
e-mails for a valid order. The cart carries a marker naming the source
number (PrestaShop copies it to the order in the same request), each line a
specific price bound to that cart, and the order is posted with a paid total
that does not match, so it is born in state 8 "Payment error" (no stock
taken) with that state's e-mail switched off. A cart or an order an
interrupted create left behind is found by its marker and used again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._exceptions import EntityRejected, WriteOutcomeUnknown
from ...models import Order
from ._mails import StateMails
from ._order_plan import OrderPlan
from ._order_states import ERROR_STATE
from ._resource import Row
from ._values import field, ps_amount

if TYPE_CHECKING:
    from ._orders import OrderResource

__all__ = ["MARKER", "OrderBirth"]

#: The order's gift message while it is being made.
MARKER = "cartmigrate: migrating order "
#: A specific price for one cart only: any shop, currency, country, group, time.
_CART_PRICE = {
    **dict.fromkeys(("id_shop", "id_shop_group", "id_currency", "id_country"), 0),
    **dict.fromkeys(("id_group", "id_customer", "reduction", "reduction_tax"), 0),
    "from_quantity": 1,
    "reduction_type": "amount",
    "from": "0000-00-00 00:00:00",
    "to": "0000-00-00 00:00:00",
}


class OrderBirth:
    """Cart, prices and the order born in state 8; and the ones left half-made."""

    def __init__(self, resource: OrderResource, mails: StateMails) -> None:
        self.resource = resource
        self.ws = resource.ws
        self.mails = mails

    def unfinished(self, number: str) -> list[Row]:
        """Orders an earlier create of this number left unfinished (marker still on)."""
        rows = self.ws.all(
            "orders",
            {"filter[gift_message]": f"[{MARKER}{number}]"},
            display="[id,current_state,gift_message,id_cart]",
        )
        return sorted(rows, key=lambda r: int(r["id"]))

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

    def make(self, order: Order, plan: OrderPlan) -> str:
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
                found = self.unfinished(order.number)
                if found:
                    return str(found[0]["id"])
                if error.status_code is None or attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


def _cart_lines(cart: Row) -> list[tuple[str, str, str]]:
    associations = cart.get("associations") or {}
    rows = associations.get("cart_rows") if isinstance(associations, Mapping) else None
    return sorted(
        (field(r, "id_product"), field(r, "id_product_attribute", "0"), field(r, "quantity"))
        for r in rows or []
        if isinstance(r, Mapping)
    )
