"""The data of an offline Magento 2.4.7 store, and what each REST call does to it.

Records are kept in the shapes the real store answers with (measured on
Magento Open Source 2.4.7-p3, see the connector's docs), and the rules the
connector depends on are the store's own: ``POST /products`` with a known SKU
updates that product, URL keys are unique, a configurable product's children
need a value for each of its attributes, an attribute outside a product's
set is silently dropped, a stock change moves no ``updated_at``, a new
customer created with ``POST /customers`` gets a welcome e-mail (one saved
through the repository, ``PUT /customers/0``, none), an order saved through the repository
reserves and deducts nothing, and a shipment document deducts its items.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["MagentoStore", "SentMail", "SimError", "load_baseline", "tidy"]

_BASELINE = Path(__file__).with_name("baseline.json")


def load_baseline() -> dict[str, Any]:
    """The real test store's seeded records as its REST API answered them (recorded once)."""
    data: dict[str, Any] = json.loads(_BASELINE.read_text())
    return data


def tidy(value: Any) -> Any:
    """Numbers as Magento's JSON writes them: 20.0 is 20."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy(v) for v in value]
    return value


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

    def __init__(
        self, *, clock: Callable[[], dt.datetime] = _utcnow, weight_unit: str = "lbs"
    ) -> None:
        self.clock = clock
        #: general/locale/weight_unit: "lbs" (Magento's default) or "kgs"
        self.weight_unit = weight_unit
        #: the store's base URL (the simulator's), for the URLs it answers with
        self.base_url = "https://magento.example.test"
        #: env.php's downloadable_domains: the hosts a download's URL may be on
        #: (bin/magento downloadable:domains:add); the real store starts with its own
        self.downloadable_domains: set[str] = {"magento.example.test"}
        self.lock = threading.RLock()
        self.attributes: dict[str, dict[str, Any]] = {}
        self.attribute_sets: dict[int, dict[str, Any]] = {}
        self.categories: dict[int, dict[str, Any]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.stock: dict[str, dict[str, Any]] = {}
        #: source items of MSI sources other than ``default``: code -> SKU -> level
        self.other_sources: dict[str, dict[str, dict[str, Any]]] = {}
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
        baseline = load_baseline()
        for code, attribute in baseline["attributes"].items():
            self.attributes[code] = copy.deepcopy(attribute)
        for raw in baseline["sets"]:
            listed = baseline["set_attributes"][str(raw["attribute_set_id"])]
            self.attribute_sets[int(raw["attribute_set_id"])] = {
                "attribute_set_name": raw["attribute_set_name"],
                "sort_order": raw["sort_order"],
                "codes": frozenset(a["attribute_code"] for a in listed),
                "listed": listed,
            }
        self.groups = {int(g["id"]): str(g["code"]) for g in baseline["groups"]}
        self.baseline = baseline
        #: MSI sources (``default``, and those POST /inventory/sources adds)
        self.sources: list[dict[str, Any]] = list(baseline["sources"])
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
        self.customers[1] = copy.deepcopy(baseline["customer"])
        self.orders[1] = {**copy.deepcopy(baseline["order"]), "seeded": True}
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
