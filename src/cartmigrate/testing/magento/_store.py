"""The data of an offline Magento 2.4.7 store, and what each REST call does to it.

Records are kept in the shapes the real store answers with (measured on
Magento Open Source 2.4.7-p3, see the connector's docs), and the rules the
connector depends on are the store's own: ``POST /products`` with a known SKU
updates that product, URL keys are unique, a configurable product's children
need a value for each of its attributes, an attribute outside a product's
set is silently dropped, a stock change moves no ``updated_at``, a new
customer gets a welcome e-mail, an order saved through the repository
reserves and deducts nothing, and a shipment document deducts its items.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

__all__ = ["MagentoStore", "SentMail", "SimError"]

_BASE_CODES = frozenset(
    {
        "name",
        "sku",
        "price",
        "special_price",
        "status",
        "visibility",
        "url_key",
        "description",
        "short_description",
        "meta_title",
        "meta_description",
        "weight",
        "category_ids",
        "tax_class_id",
        "quantity_and_stock_status",
        "options_container",
        "msrp_display_actual_price_type",
        "required_options",
        "has_options",
    }
)


class SimError(Exception):
    """An error answer: status, Magento's message with its placeholders, parameters."""

    def __init__(self, status: int, message: str, parameters: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message}
        if self.parameters is not None:
            body["parameters"] = self.parameters
        return body


def not_found_field(field: str, value: Any) -> SimError:
    return SimError(
        404,
        "No such entity with %fieldName = %fieldValue",
        {"fieldName": field, "fieldValue": value},
    )


@attrs.define(frozen=True)
class SentMail:
    to: str
    subject: str


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class MagentoStore:
    """Everything the simulator holds; ``lock`` guards it (requests come from threads)."""

    def __init__(self, *, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.attributes: dict[str, dict[str, Any]] = {}
        self.attribute_sets: dict[int, dict[str, Any]] = {}
        self.categories: dict[int, dict[str, Any]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.stock: dict[str, dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, str] = {
            0: "NOT LOGGED IN",
            1: "General",
            2: "Wholesale",
            3: "Retailer",
        }
        self.orders: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.mails: list[SentMail] = []
        self._next: dict[str, int] = {}
        self._seed()

    # -- ids and times --------------------------------------------------------
    def next_id(self, kind: str) -> int:
        value = self._next.get(kind, 1)
        self._next[kind] = value + 1
        return value

    def now(self) -> str:
        return self.clock().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")

    # -- the seeded baseline (the real store's, without the sample catalogue) ---
    def _seed(self) -> None:
        self._next.update(
            attribute=200,
            option=200,
            category=4,
            product=6,
            customer=2,
            address=2,
            order=2,
            item=4,
            history=1,
            shipment=1,
            track=1,
            group=4,
            source_item=6,
        )
        self.attributes["color"] = {
            "attribute_id": 93,
            "attribute_code": "color",
            "default_frontend_label": "Color",
            "frontend_input": "select",
            "scope": "global",
            "options": [{"label": " ", "value": ""}]
            + [{"label": t, "value": str(v)} for t, v in (("Red", 4), ("Blue", 5), ("Green", 6))],
        }
        self.attributes["size"] = {
            "attribute_id": 144,
            "attribute_code": "size",
            "default_frontend_label": "Size",
            "frontend_input": "select",
            "scope": "global",
            "options": [{"label": " ", "value": ""}]
            + [
                {"label": t, "value": str(v)}
                for t, v in (("XS", 166), ("S", 167), ("M", 168), ("L", 169), ("XL", 170))
            ],
        }
        self.attributes["manufacturer"] = {
            "attribute_id": 83,
            "attribute_code": "manufacturer",
            "default_frontend_label": "Manufacturer",
            "frontend_input": "select",
            "scope": "global",
            "options": [{"label": " ", "value": ""}],
        }
        self.attribute_sets = {
            9: {
                "attribute_set_name": "Top",
                "sort_order": 0,
                "codes": _BASE_CODES | {"color", "size"},
            },
            4: {"attribute_set_name": "Default", "sort_order": 1, "codes": _BASE_CODES | {"color"}},
        }
        stamp = self.now()
        for ident, parent, name, level, key in (
            (1, 0, "Root Catalog", 0, None),
            (2, 1, "Default Category", 1, "default-category"),
            (3, 2, "RM Category", 2, "rm-category"),
        ):
            path = {1: "1", 2: "1/2", 3: "1/2/3"}[ident]
            self.categories[ident] = {
                "id": ident,
                "parent_id": parent,
                "name": name,
                "is_active": True,
                "position": 1,
                "level": level,
                "children": "",
                "created_at": stamp,
                "updated_at": stamp,
                "path": path,
                "include_in_menu": True,
                "custom_attributes": {"url_key": key} if key else {},
            }
        simple = {"options_container": "container2", "tax_class_id": "2"}
        for ident, sku, name, price, qty, type_id, visibility, attrs_ in (
            (
                1,
                "RM-SIMPLE-1",
                "RealMagento Simple 1",
                19.99,
                100,
                "simple",
                4,
                {"description": "<p>RealMagento Simple 1</p>"},
            ),
            (
                2,
                "RM-SIMPLE-2",
                "RealMagento Simple 2",
                5,
                0,
                "simple",
                4,
                {"description": "<p>RealMagento Simple 2</p>"},
            ),
            (3, "RM-CONF-1-RED", "RM Conf 1 Red", 30, 10, "simple", 1, {"color": "4"}),
            (4, "RM-CONF-1-BLUE", "RM Conf 1 Blue", 30, 10, "simple", 1, {"color": "5"}),
            (5, "RM-CONF-1", "RealMagento Configurable 1", 0, None, "configurable", 4, {}),
        ):
            self.products[ident] = {
                "id": ident,
                "sku": sku,
                "name": name,
                "attribute_set_id": 4,
                "price": price,
                "status": 1,
                "visibility": visibility,
                "type_id": type_id,
                "created_at": stamp,
                "updated_at": stamp,
                "weight": 1 if type_id == "simple" else None,
                "website_ids": [1],
                "category_links": [{"position": 0, "category_id": "3"}] if ident in (1, 5) else [],
                "custom_attributes": {
                    **simple,
                    "url_key": name.lower().replace(" ", "-"),
                    **attrs_,
                },
            }
            if qty is not None:
                self.stock[sku] = {"quantity": qty, "status": 1}
        self.products[5]["configurable_product_options"] = [
            {
                "id": 1,
                "attribute_id": "93",
                "label": "Color",
                "position": 0,
                "values": [{"value_index": 4}, {"value_index": 5}],
                "product_id": 5,
            }
        ]
        self.products[5]["configurable_product_links"] = [3, 4]
        address = {
            "id": 1,
            "customer_id": 1,
            "region": {"region_code": "TX", "region": "Texas", "region_id": 57},
            "region_id": 57,
            "country_id": "US",
            "street": ["1 Main St"],
            "telephone": "5125550100",
            "postcode": "78701",
            "city": "Austin",
            "firstname": "Jane",
            "lastname": "Doe",
            "default_shipping": True,
            "default_billing": True,
        }
        self.customers[1] = {
            "id": 1,
            "group_id": 1,
            "default_billing": "1",
            "default_shipping": "1",
            "created_at": stamp,
            "updated_at": stamp,
            "created_in": "Default Store View",
            "email": "jane@example.test",
            "firstname": "Jane",
            "lastname": "Doe",
            "store_id": 1,
            "website_id": 1,
            "addresses": [address],
            "disable_auto_group_change": 0,
            "extension_attributes": {"is_subscribed": False},
        }
        guest = {
            "city": "Austin",
            "country_id": "US",
            "email": "guest@example.test",
            "firstname": "Guest",
            "lastname": "Buyer",
            "postcode": "78701",
            "region": "Texas",
            "region_code": "TX",
            "region_id": 57,
            "street": ["2 Elm St"],
            "telephone": "5125550101",
        }
        self.orders[1] = {
            "entity_id": 1,
            "increment_id": "000000001",
            "state": "new",
            "status": "pending",
            "store_id": 1,
            "customer_email": "guest@example.test",
            "customer_is_guest": 1,
            "customer_firstname": "Guest",
            "customer_lastname": "Buyer",
            "order_currency_code": "USD",
            "base_currency_code": "USD",
            "global_currency_code": "USD",
            "store_currency_code": "USD",
            "subtotal": 69.98,
            "base_subtotal": 69.98,
            "shipping_amount": 15,
            "base_shipping_amount": 15,
            "tax_amount": 0,
            "base_tax_amount": 0,
            "discount_amount": 0,
            "base_discount_amount": 0,
            "grand_total": 84.98,
            "base_grand_total": 84.98,
            "total_qty_ordered": 3,
            "created_at": stamp,
            "updated_at": stamp,
            "shipping_description": "Flat Rate - Fixed",
            "items": [
                {
                    "item_id": 1,
                    "order_id": 1,
                    "sku": "RM-SIMPLE-1",
                    "name": "RealMagento Simple 1",
                    "product_id": 1,
                    "product_type": "simple",
                    "qty_ordered": 2,
                    "price": 19.99,
                    "base_price": 19.99,
                    "original_price": 19.99,
                    "row_total": 39.98,
                    "base_row_total": 39.98,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
                {
                    "item_id": 2,
                    "order_id": 1,
                    "sku": "RM-CONF-1-BLUE",
                    "name": "RealMagento Configurable 1",
                    "product_id": 5,
                    "product_type": "configurable",
                    "qty_ordered": 1,
                    "price": 30,
                    "base_price": 30,
                    "original_price": 30,
                    "row_total": 30,
                    "base_row_total": 30,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
                {
                    "item_id": 3,
                    "order_id": 1,
                    "parent_item_id": 2,
                    "sku": "RM-CONF-1-BLUE",
                    "name": "RM Conf 1 Blue",
                    "product_id": 4,
                    "product_type": "simple",
                    "qty_ordered": 1,
                    "price": 0,
                    "base_price": 0,
                    "original_price": 0,
                    "row_total": 0,
                    "base_row_total": 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            ],
            "billing_address": {**guest, "address_type": "billing", "entity_id": 2, "parent_id": 1},
            "payment": {"method": "checkmo", "entity_id": 1, "parent_id": 1},
            "status_histories": [],
            "extension_attributes": {
                "shipping_assignments": [
                    {
                        "shipping": {
                            "address": {
                                **guest,
                                "address_type": "shipping",
                                "entity_id": 1,
                                "parent_id": 1,
                            },
                            "method": "flatrate_flatrate",
                        },
                        "items": [],
                    }
                ]
            },
        }
        # The seed order reserved two RM-SIMPLE-1 and one blue child.
        self.reservations: dict[str, float] = {"RM-SIMPLE-1": -2, "RM-CONF-1-BLUE": -1}

    # -- helpers ----------------------------------------------------------------
    def product_by_sku(self, sku: str) -> dict[str, Any]:
        for product in self.products.values():
            if product["sku"].casefold() == sku.casefold():
                return product
        raise SimError(
            404, "The product that was requested doesn't exist. Verify the product and try again."
        )

    def attribute_by_id(self, ident: Any) -> dict[str, Any] | None:
        for attribute in self.attributes.values():
            if str(attribute["attribute_id"]) == str(ident):
                return attribute
        return None

    def welcome(self, customer: Mapping[str, Any]) -> None:
        self.mails.append(
            SentMail(
                to=str(customer.get("email")),
                subject="Welcome to Main Website Store",
            )
        )

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(
                {"products": self.products, "stock": self.stock, "orders": self.orders}
            )
