"""The simulated shop's data and the side effects PrestaShop runs on writes.

Rows are kept as the webservice's full-list JSON shows them: ``id`` an int,
every other value a string, multilingual values as the one language's
string, associations as lists of ``{"id": "n"}``. What a write does besides
storing its row is what the real store was seen doing: a product or
combination gets its ``stock_availables`` row, a product's own row is the
sum of its combinations', an order is made from a cart through the payment
module path (state 11 when the paid total matches the cart to the cent, else
8; stock decremented for a valid order; the e-mails it would send logged).
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
import re
import string
from collections.abc import Callable
from typing import Any

import attrs

from ._schema import RESOURCES, Schema

__all__ = ["ApiError", "SentMail", "Shop"]

Row = dict[str, Any]

#: States whose reaching makes an order valid (paid or in fulfilment): stock leaves.
_LOGABLE = frozenset({"2", "3", "4", "5", "9", "11"})
_STATE_MAILS = {"2": "payment", "4": "shipped", "6": "order_canceled", "8": "payment_error"}
_NUMERIC_PREFIXES = ("id_", "is_", "nb_", "total_", "max_", "min_")
_NUMERIC = frozenset(
    {
        "quantity",
        "price",
        "active",
        "state",
        "deleted",
        "valid",
        "newsletter",
        "optin",
        "position",
        "level_depth",
        "minimal_quantity",
        "out_of_stock",
        "depends_on_stock",
        "invoice_number",
        "delivery_number",
        "wholesale_price",
        "weight",
        "unit_price",
        "ecotax",
        "width",
        "height",
        "depth",
    }
)


class ApiError(Exception):
    """An answer other than success: status, ``errors`` entries or a raw body."""

    def __init__(
        self,
        status: int,
        errors: list[tuple[int, str]] | None = None,
        *,
        body: str | None = None,
        content_type: str = "application/json",
    ) -> None:
        super().__init__(f"{status} {errors or body}")
        self.status = status
        self.errors = errors or []
        self.body = body
        self.content_type = content_type


@attrs.define(frozen=True)
class SentMail:
    """An e-mail the shop would have sent (the real store logs them likewise)."""

    template: str
    to: str


def _default(name: str) -> str:
    if name.startswith(_NUMERIC_PREFIXES) or name in _NUMERIC:
        return "0"
    return ""


def _money(value: Any) -> decimal.Decimal:
    try:
        return decimal.Decimal(str(value or "0"))
    except decimal.InvalidOperation:
        return decimal.Decimal(0)


def _six(value: decimal.Decimal) -> str:
    return format(value.quantize(decimal.Decimal("0.000001")), "f")


class Shop:
    """Every table of the simulated shop, and what writes to them set off."""

    def __init__(self, *, now: Callable[[], dt.datetime], seed: int = 0) -> None:
        self.tables: dict[str, dict[int, Row]] = {name: {} for name in RESOURCES}
        self.next_ids: dict[str, int] = dict.fromkeys(RESOURCES, 1)
        self.mails: list[SentMail] = []
        self._now = now
        self._random = random.Random(seed)

    # -- plain rows -------------------------------------------------------------
    def stamp(self) -> str:
        return self._now().strftime("%Y-%m-%d %H:%M:%S")

    def put(self, resource: str, row: Row) -> Row:
        """Store a row as is (seeding); its id moves the counter on."""
        schema = RESOURCES[resource]
        unknown = set(row) - schema.names - {"associations"}
        if unknown:
            raise ValueError(f"{resource} has no field {sorted(unknown)[0]!r}")
        full: Row = {name: _default(name) for name in schema.fields}
        full.update(row)
        full["id"] = int(row["id"])
        full.setdefault("associations", {})
        self.tables[resource][full["id"]] = full
        self.next_ids[resource] = max(self.next_ids[resource], full["id"] + 1)
        return full

    def new_row(self, resource: str, values: Row) -> Row:
        schema = RESOURCES[resource]
        row_id = self.next_ids[resource]
        row: Row = {name: _default(name) for name in schema.fields}
        row.update({k: v for k, v in values.items() if k in schema.names and k != "id"})
        row["id"] = row_id
        row["associations"] = dict(values.get("associations") or {})
        if schema.dated:
            row["date_add"] = row["date_upd"] = self.stamp()
        if "date_add" in schema.names and not row.get("date_add"):
            row["date_add"] = self.stamp()
        self.next_ids[resource] = row_id + 1
        self.tables[resource][row_id] = row
        return row

    def get(self, resource: str, row_id: int) -> Row | None:
        return self.tables[resource].get(row_id)

    # -- writes with their side effects ------------------------------------------
    def create(self, resource: str, values: Row) -> Row:
        schema = RESOURCES[resource]
        if schema.no_post:
            raise ApiError(405, [(101, "Method not allowed for this resource")])
        missing = [f for f in schema.required if not str(values.get(f) or "").strip()]
        if resource == "products" and missing:
            # A PHP warning, and nothing created (as the real store did).
            raise ApiError(500, [(3, f"[PHP Warning #2] Undefined array key {missing[0]!r}")])
        if missing:
            raise ApiError(400, [(41, f'parameter "{missing[0]}" required')])
        handler: Callable[[Row], Row] | None = getattr(self, f"_create_{resource}", None)
        if handler is not None:
            return handler(values)
        return self.new_row(resource, values)

    def _create_customers(self, values: Row) -> Row:
        email = str(values.get("email") or "").casefold()
        if any(str(c["email"]).casefold() == email for c in self.tables["customers"].values()):
            raise ApiError(
                500,
                [
                    (140, "The email is already used, please choose another one"),
                    (46, "Customer->email already used"),
                ],
            )
        row = self.new_row("customers", values)
        row["passwd"] = "$2y$10$" + "".join(self._random.choices(string.ascii_letters, k=53))
        row["secure_key"] = "".join(self._random.choices("0123456789abcdef", k=32))
        return row

    def _create_categories(self, values: Row) -> Row:
        row = self.new_row("categories", values)
        parent = self.get("categories", int(str(row["id_parent"] or 0) or 0))
        row["level_depth"] = int(parent["level_depth"] or 0) + 1 if parent else 1
        row["nb_products_recursive"] = -1  # ints, as the real answer has them
        row["id_shop_default"] = "1"
        return row

    def _create_manufacturers(self, values: Row) -> Row:
        row = self.new_row("manufacturers", values)
        slug = re.sub(r"[^a-z0-9]+", "-", str(row["name"]).casefold()).strip("-")
        row["link_rewrite"] = slug
        return row

    def _create_products(self, values: Row) -> Row:
        row = self.new_row("products", values)
        row["type"] = "simple"
        self._stock_row(row["id"], 0)
        return row

    def _create_combinations(self, values: Row) -> Row:
        product = self.get("products", int(str(values.get("id_product") or 0) or 0))
        if product is None:
            raise ApiError(400, [(85, "Property Combination->id_product is not valid")])
        row = self.new_row("combinations", values)
        row["default_on"] = ""  # the first combination is not made the default
        product["associations"].setdefault("combinations", []).append({"id": str(row["id"])})
        self._stock_row(product["id"], row["id"])
        return row

    def _stock_row(self, product_id: int, combination_id: int) -> None:
        stock = self.new_row(
            "stock_availables",
            {
                "id_product": str(product_id),
                "id_product_attribute": str(combination_id),
                "id_shop": "1",
                "quantity": "0",
                "depends_on_stock": "0",
                "out_of_stock": "2",
            },
        )
        product = self.tables["products"][product_id]
        product["associations"].setdefault("stock_availables", []).append(
            {"id": str(stock["id"]), "id_product_attribute": str(combination_id)}
        )

    def _create_orders(self, values: Row) -> Row:
        cart = self.get("carts", int(str(values.get("id_cart") or 0) or 0))
        if cart is None or not cart["associations"].get("cart_rows"):
            raise ApiError(500, body="")  # "Can't save Order Payment": a fatal, empty body
        if any(o["id_cart"] == str(cart["id"]) for o in self.tables["orders"].values()):
            raise ApiError(
                500,
                body="Cart cannot be loaded or an order has already been placed using this cart",
                content_type="text/html",
            )
        lines: list[Row] = []
        products_total = decimal.Decimal(0)
        for item in cart["associations"]["cart_rows"]:
            product = self.get("products", int(item["id_product"]))
            combination = self.get("combinations", int(item.get("id_product_attribute") or 0))
            price = _money(product["price"] if product else 0) + _money(
                combination["price"] if combination else 0
            )
            quantity = int(item.get("quantity") or 0)
            products_total += price * quantity
            lines.append(
                {
                    "id": str(len(lines) + 1),
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
        state = "11" if paid.quantize(decimal.Decimal("0.01")) == total else "8"
        reference = "".join(self._random.choices(string.ascii_uppercase, k=9))
        order = self.new_row(
            "orders",
            {
                **{k: v for k, v in values.items() if k != "associations"},
                "id_customer": cart["id_customer"],
                "id_address_delivery": cart["id_address_delivery"],
                "id_address_invoice": cart["id_address_invoice"],
                "id_carrier": carrier,
                "current_state": state,
                "valid": "0",
                "reference": reference,
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
        self.new_row(
            "order_carriers",
            {"id_order": str(order["id"]), "id_carrier": carrier, "tracking_number": ""},
        )
        self.change_state(order, state, send_email=True)
        if state == "11":
            self._mail("order_conf", order)
        return order

    # -- orders --------------------------------------------------------------
    def change_state(self, order: Row, state: str, *, send_email: bool) -> Row:
        """What POST order_histories (and PATCH current_state) do to an order."""
        was_valid = order["valid"] == "1"
        if state in _LOGABLE and not was_valid:
            order["valid"] = "1"
            self._move_stock(order, -1)
        elif state == "6" and was_valid:
            order["valid"] = "0"
            self._move_stock(order, +1)
        order["current_state"] = state
        order["date_upd"] = self.stamp()
        history = self.new_row(
            "order_histories",
            {"id_order": str(order["id"]), "id_order_state": state, "id_employee": "0"},
        )
        template = "payment" if state == "11" else _STATE_MAILS.get(state)
        if send_email and template:
            self._mail(template, order)
        return history

    def _move_stock(self, order: Row, sign: int) -> None:
        for line in order["associations"].get("order_rows", []):
            self.add_stock(
                int(line["product_id"]),
                int(line["product_attribute_id"]),
                sign * int(line["product_quantity"]),
            )

    def _mail(self, template: str, order: Row) -> None:
        customer = self.get("customers", int(order["id_customer"] or 0))
        self.mails.append(SentMail(template, str(customer["email"]) if customer else ""))

    # -- stock ----------------------------------------------------------------
    def stock_row(self, product_id: int, combination_id: int) -> Row | None:
        for row in self.tables["stock_availables"].values():
            if row["id_product"] == str(product_id) and row["id_product_attribute"] == str(
                combination_id
            ):
                return row
        return None

    def add_stock(self, product_id: int, combination_id: int, delta: int) -> None:
        row = self.stock_row(product_id, combination_id)
        if row is not None:
            row["quantity"] = str(int(row["quantity"] or 0) + delta)
            self.sum_stock(product_id)

    def sum_stock(self, product_id: int) -> None:
        """A product with combinations: its own row holds their sum."""
        rows = [
            r
            for r in self.tables["stock_availables"].values()
            if r["id_product"] == str(product_id)
        ]
        parts = [r for r in rows if r["id_product_attribute"] != "0"]
        own = [r for r in rows if r["id_product_attribute"] == "0"]
        if parts and own:
            own[0]["quantity"] = str(sum(int(r["quantity"] or 0) for r in parts))

    # -- deletes ---------------------------------------------------------------
    def delete(self, resource: str, row_id: int) -> None:
        row = self.tables[resource].pop(row_id, None)
        if row is None:
            raise ApiError(404, [(87, f"Id(s) not exists: {row_id}")])
        if resource == "products":
            for combination in list(self.tables["combinations"].values()):
                if combination["id_product"] == str(row_id):
                    self.delete("combinations", combination["id"])
        elif resource == "combinations":
            stock = self.stock_row(int(row["id_product"]), row_id)
            if stock is not None:
                del self.tables["stock_availables"][stock["id"]]
            product = self.get("products", int(row["id_product"]))
            if product is not None:
                for name in ("combinations", "stock_availables"):
                    product["associations"][name] = [
                        a
                        for a in product["associations"].get(name, [])
                        if a["id"] != str(row_id)
                        and (
                            name != "stock_availables"
                            or stock is None
                            or a["id"] != str(stock["id"])
                        )
                    ]
                self.sum_stock(product["id"])
        elif resource == "categories":
            for child in list(self.tables["categories"].values()):
                if child["id_parent"] == str(row_id):
                    self.delete("categories", child["id"])

    def schema(self, resource: str) -> Schema:
        return RESOURCES[resource]
