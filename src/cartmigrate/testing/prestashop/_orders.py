"""Orders in the simulated shop: the payment-module path and the state logic.

As ``PaymentModule::validateOrder`` and ``OrderHistory::changeIdOrderState``
of PrestaShop 8.2.1 do them (read from its source, checked on the real
store):

- an order is made from a cart: lines at the catalogue price, or at a
  specific price bound to the cart (``id_cart``); the cart's gift message
  copied; state 11 when the paid total equals the cart's to the cent, else
  8 "Payment error"; stock taken at creation unless the state is 6 or 8;
  the state's e-mail when ``order_states.send_email`` is 1, and
  "order_conf" unless the state is 6 or 8;
- a state change (``POST order_histories``, ``PATCH current_state``): a sold
  (``logable``) state reached from 6 or 8 takes stock; leaving a sold state
  for 6 or 8 puts it back, and so does a state neither sold nor an error
  moving to 6 or 8; the e-mail only with ``?sendemail=1`` (or a PATCH);
- ``PATCH``/``DELETE order_histories``, ``PATCH``/``DELETE order_details``
  and ``DELETE order_carriers`` are plain row edits; ``DELETE orders``
  removes the order row alone (its lines stay, orphaned, as on the real store);
- an order delivered to a country that is not active: a fatal error (an
  empty 500), "The delivery address country is not active".
"""

from __future__ import annotations

import decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._shop import Row, Shop

__all__ = ["change_state", "create_order", "delete_detail", "patch_detail", "post_history"]

_ERROR, _CANCELED = "8", "6"
_RESTOCKING = frozenset({_ERROR, _CANCELED})
_CENT = decimal.Decimal("0.01")
_NO_DATE = "0000-00-00 00:00:00"


def _money(value: Any) -> decimal.Decimal:
    try:
        return decimal.Decimal(str(value or "0"))
    except decimal.InvalidOperation:
        return decimal.Decimal(0)


def _six(value: decimal.Decimal) -> str:
    return format(value.quantize(decimal.Decimal("0.000001")), "f")


def _state(shop: Shop, state: str) -> Row | None:
    return shop.get("order_states", int(state)) if state.isdigit() else None


def _logable(shop: Shop, state: str) -> bool:
    row = _state(shop, state)
    return row is not None and str(row.get("logable")) == "1"


def _price(shop: Shop, cart: Row, product: Row | None, combination: Row | None) -> decimal.Decimal:
    """The unit price a cart line gets: a specific price bound to the cart, else the catalogue's."""
    product_id = str(product["id"]) if product else "0"
    combination_id = str(combination["id"]) if combination else "0"
    for specific in shop.tables["specific_prices"].values():
        if (
            specific["id_cart"] == str(cart["id"])
            and specific["id_product"] == product_id
            and specific["id_product_attribute"] in (combination_id, "0")
            and _money(specific["price"]) >= 0
        ):
            return _money(specific["price"])
    return _money(product["price"] if product else 0) + _money(
        combination["price"] if combination else 0
    )


def create_order(shop: Shop, values: Row) -> Row:
    from ._shop import ApiError

    cart = shop.get("carts", int(str(values.get("id_cart") or 0) or 0))
    if cart is None or not cart["associations"].get("cart_rows"):
        raise ApiError(500, body="")  # "Can't save Order Payment": a fatal, empty body
    if any(o["id_cart"] == str(cart["id"]) for o in shop.tables["orders"].values()):
        raise ApiError(
            500,
            body="Cart cannot be loaded or an order has already been placed using this cart",
            content_type="text/html",
        )
    delivery = shop.get("addresses", int(str(cart.get("id_address_delivery") or 0) or 0))
    country = shop.get("countries", int(str(delivery["id_country"] or 0))) if delivery else None
    if country is not None and str(country.get("active")) != "1":
        raise ApiError(500, body="")  # "The delivery address country is not active."
    lines: list[Row] = []
    products_total = decimal.Decimal(0)
    for item in cart["associations"]["cart_rows"]:
        product = shop.get("products", int(item["id_product"]))
        combination = shop.get("combinations", int(item.get("id_product_attribute") or 0))
        price = _price(shop, cart, product, combination)
        quantity = int(item.get("quantity") or 0)
        products_total += price * quantity
        detail_id = _next_detail(shop)
        shop.next_ids["order_details"] = detail_id + 1
        lines.append(
            {
                "id": str(detail_id),
                "product_id": str(item["id_product"]),
                "product_attribute_id": str(item.get("id_product_attribute") or 0),
                "product_quantity": str(quantity),
                "product_name": str(product["name"] if product else ""),
                "product_reference": str(product["reference"] if product else ""),
                "product_price": _six(price),
                "unit_price_tax_incl": _six(price),
                "unit_price_tax_excl": _six(price),
            }
        )
    carrier = cart.get("id_carrier") or "0"
    shipping = decimal.Decimal(0) if carrier in ("0", "1") else decimal.Decimal(7)
    total = products_total + shipping
    paid = _money(values.get("total_paid"))
    state = "11" if paid.quantize(_CENT) == total.quantize(_CENT) else _ERROR
    order = shop.new_row(
        "orders",
        {
            **{k: v for k, v in values.items() if k != "associations"},
            "id_customer": cart["id_customer"],
            "id_address_delivery": cart["id_address_delivery"],
            "id_address_invoice": cart["id_address_invoice"],
            "id_carrier": carrier,
            "current_state": "0",
            "valid": "0",
            "gift": cart.get("gift") or "0",
            "gift_message": cart.get("gift_message") or "",
            "reference": shop.random_reference(),
            "id_shop": "1",
            "id_shop_group": "1",
            "secure_key": _secure_key(shop, cart),
            "invoice_date": _NO_DATE,
            "delivery_date": _NO_DATE,
            "carrier_tax_rate": "0.000",
            "round_mode": "2",
            "round_type": "2",
            "conversion_rate": "1.000000",
            **dict.fromkeys(
                (
                    "total_discounts",
                    "total_discounts_tax_incl",
                    "total_discounts_tax_excl",
                    "total_wrapping",
                    "total_wrapping_tax_incl",
                    "total_wrapping_tax_excl",
                ),
                "0.000000",
            ),
            "total_paid": _six(total),
            "total_paid_tax_incl": _six(total),
            "total_paid_tax_excl": _six(total),
            "total_paid_real": _six(paid),
            "total_products": _six(products_total),
            "total_products_wt": _six(products_total),
            "total_shipping": _six(shipping),
            "total_shipping_tax_incl": _six(shipping),
            "total_shipping_tax_excl": _six(shipping),
            "associations": {"order_rows": lines},
        },
    )
    shop.new_row(
        "order_carriers",
        {
            "id_order": str(order["id"]),
            "id_carrier": carrier,
            "tracking_number": "",
            "weight": "0.000000",
            "shipping_cost_tax_excl": _six(shipping),
            "shipping_cost_tax_incl": _six(shipping),
        },
    )
    if state not in _RESTOCKING:
        _move_stock(shop, order, -1)  # OrderDetail::updateProductQuantityInStock
    change_state(shop, order, state, send_email=True)
    if state not in _RESTOCKING:
        shop.mail("order_conf", order)
    return order


def post_history(shop: Shop, values: Row, *, send_email: bool) -> Row:
    """``POST order_histories``: the state change logic, then the row."""
    from ._shop import ApiError

    order = shop.get("orders", int(str(values.get("id_order") or 0) or 0))
    state = str(values.get("id_order_state") or "")
    if order is None or _state(shop, state) is None:
        raise ApiError(400, [(85, "Property OrderHistory->id_order_state is not valid")])
    return change_state(shop, order, state, send_email=send_email)


def change_state(shop: Shop, order: Row, state: str, *, send_email: bool) -> Row:
    old = str(order.get("current_state") or "0")
    if _state(shop, old) is not None:
        new_sold, old_sold = _logable(shop, state), _logable(shop, old)
        if new_sold and not old_sold and old in _RESTOCKING:
            _move_stock(shop, order, -1)
        elif not new_sold and state in _RESTOCKING and (old_sold or old not in _RESTOCKING):
            # Out of a sold state, or "waiting for payment", into an error/cancel.
            _move_stock(shop, order, +1)
    row = _state(shop, state)
    if row is not None and str(row.get("invoice")) == "1" and order["invoice_number"] in ("", "0"):
        order["invoice_number"] = str(_next_number(shop, "invoice_number"))
        order["invoice_date"] = shop.stamp()
        for carrier in shop.tables["order_carriers"].values():
            if carrier["id_order"] == str(order["id"]):
                carrier["id_order_invoice"] = order["invoice_number"]
    if row is not None and str(row.get("delivery")) == "1":
        if order["delivery_number"] in ("", "0"):
            order["delivery_number"] = str(_next_number(shop, "delivery_number"))
        order["delivery_date"] = shop.stamp()
    order["valid"] = "1" if _logable(shop, state) else "0"
    order["current_state"] = state
    order["date_upd"] = shop.stamp()
    history = shop.new_row(
        "order_histories",
        {"id_order": str(order["id"]), "id_order_state": state, "id_employee": "0"},
    )
    if send_email and row is not None and str(row.get("send_email")) == "1":
        template = str(row.get("template") or "")
        if template:
            shop.mail(template, order)
    return history


def patch_detail(shop: Shop, detail_id: str, values: Row) -> Row:
    """``PATCH order_details/{id}``: a plain edit of one order line."""
    from ._shop import ApiError

    for order in shop.tables["orders"].values():
        for line in order["associations"].get("order_rows", []):
            if line["id"] == detail_id:
                for name in ("product_name", "product_reference"):
                    if name in values:
                        line[name] = values[name]
                return {"id": int(detail_id), "id_order": str(order["id"]), **line}
    raise ApiError(404, [(92, f"Id(s) not exists: {detail_id}")])


def delete_detail(shop: Shop, detail_id: str) -> None:
    """``DELETE order_details/{id}``: the line goes, nothing else happens."""
    from ._shop import ApiError

    for order in shop.tables["orders"].values():
        lines = order["associations"].get("order_rows", [])
        kept = [line for line in lines if line["id"] != detail_id]
        if len(kept) != len(lines):
            order["associations"]["order_rows"] = kept
            return
    raise ApiError(404, [(87, f"Id(s) not exists: {detail_id}")])


def _secure_key(shop: Shop, cart: Row) -> str:
    customer = shop.get("customers", int(str(cart.get("id_customer") or 0) or 0))
    return str(customer.get("secure_key") or "") if customer else ""


def _next_number(shop: Shop, name: str) -> int:
    """The next invoice or delivery number: one more than any order has."""
    return max([int(o[name] or 0) for o in shop.tables["orders"].values()] + [0]) + 1


def _next_detail(shop: Shop) -> int:
    """The next order_details id: they run across every order."""
    used = [
        int(line["id"])
        for order in shop.tables["orders"].values()
        for line in order["associations"].get("order_rows", [])
        if str(line.get("id", "")).isdigit()
    ]
    return max([shop.next_ids.get("order_details", 1) - 1, *used]) + 1  # never one reused


def _move_stock(shop: Shop, order: Row, sign: int) -> None:
    for line in order["associations"].get("order_rows", []):
        shop.add_stock(
            int(line["product_id"]),
            int(line["product_attribute_id"]),
            sign * int(line["product_quantity"]),
        )
