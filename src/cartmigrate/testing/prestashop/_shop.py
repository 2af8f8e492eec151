"""The simulated shop's data and the side effects PrestaShop runs on writes.

Rows are kept as the webservice's full-list JSON shows them: ``id`` an int,
every other value a string, multilingual values as the one language's
string, associations as lists of ``{"id": "n"}``. What a write does besides
storing its row is what the real store was seen doing: a product or
combination gets its ``stock_availables`` row, a product's own row is the
sum of its combinations', an order is made from a cart through the payment
module path (see ``_orders``).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from collections.abc import Callable
from typing import Any

import attrs

from ._schema import RESOURCES, Schema

__all__ = ["ApiError", "SentMail", "Shop"]

Row = dict[str, Any]

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

    def _create_carts(self, values: Row) -> Row:
        row = self.new_row("carts", values)
        row["id_shop"] = row["id_shop_group"] = "1"
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
        from ._orders import create_order  # it needs this module's errors

        return create_order(self, values)

    def change_state(self, order: Row, state: str, *, send_email: bool) -> Row:
        """What POST order_histories (and PATCH current_state) do to an order."""
        from ._orders import change_state

        return change_state(self, order, state, send_email=send_email)

    def mail(self, template: str, order: Row) -> None:
        customer = self.get("customers", int(order["id_customer"] or 0))
        self.mails.append(SentMail(template, str(customer["email"]) if customer else ""))

    def random_reference(self) -> str:
        return "".join(self._random.choices(string.ascii_uppercase, k=9))

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
