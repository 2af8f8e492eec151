"""PrestaShop and Magento sources that mangle their records, as ``_mangle``
does for WooCommerce: a transport between the connector and the simulator
rewriting records of GET answers.

Which record is mangled, and how, depends only on (seed, resource, id), so a
list read and a fetch by id of the same record agree. Only records of the
lists a type is read from are mangled (not follow-ups such as addresses):
each mangled record is then reported under its own id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import attrs
import httpx

DELETE = object()
#: ``{WHOLE: value}``: the record itself becomes ``value`` (a wrong shape).
WHOLE = "<the whole record>"

_ODD_IDS: list[dict[str, Any]] = [
    {WHOLE: 5},
    {WHOLE: ["x"]},
    {"id": DELETE},
    {"id": None},
    {"id": -1},
    {"id": 1.5},
    {"id": "abc"},
]

#: PrestaShop: every value is a string, ids are ints (see its README).
PRESTASHOP: dict[str, list[dict[str, Any]]] = {
    "products": [
        {"price": "1,5"},
        {"price": "abc"},
        {"price": ["1"]},
        {"date_add": "2024-13-45 00:00:00"},
        {"date_upd": "2024-02-30 10:00:00"},
        {"name": {"a": 1}},
        {"name": ["x"]},
        {"reference": ["a"]},
        {"active": "yes"},
        {"weight": "1,2"},
        {"associations": "x"},
        {"associations": {"categories": 5}},
        *_ODD_IDS,
    ],
    "categories": [
        {"name": {"x": 1}},
        {"date_add": "2024-13-45 00:00:00"},
        {"id_parent": ["1"]},
        {"id": -1},
        {"id": DELETE},
    ],
    "manufacturers": [
        {"name": ["x"]},
        {"name": {"a": 1}},
        {"description": ["x"]},
        {"id": None},
    ],
    "customers": [
        {"email": ["x"]},
        {"email": {"a": 1}},
        {"date_add": "2024-13-45 00:00:00"},
        {"firstname": ["x"]},
        {"id": 1.5},
        {"id": DELETE},
    ],
    "orders": [
        {"total_paid_tax_incl": "1,5"},
        {"total_products": "abc"},
        {"date_add": "2024-13-45 00:00:00"},
        {"current_state": ["x"]},
        {"associations": {"order_rows": 5}},
        {"associations": 7},
        {
            "associations": {
                "order_rows": [
                    {"product_quantity": "1.5", "product_name": "a", "unit_price_tax_excl": "1"}
                ]
            }
        },
        {
            "associations": {
                "order_rows": [
                    {"product_quantity": "1", "product_name": "a", "unit_price_tax_excl": "1,5"}
                ]
            }
        },
        {"id": -1},
        {"id": DELETE},
    ],
}

PRESTASHOP_KINDS = {
    "products": "product",
    "categories": "category",
    "manufacturers": "manufacturer",
    "customers": "customer",
    "orders": "order",
}

#: Magento: numbers are numbers, amounts and times strings or numbers.
MAGENTO: dict[str, list[dict[str, Any]]] = {
    "products": [
        {"price": "1,5"},
        {"price": "abc"},
        {"price": [1]},
        {"created_at": "2024-13-45 00:00:00"},
        {"updated_at": 1700000000},
        {"name": ["x"]},
        {"sku": ["a"]},
        {"weight": "heavy"},
        {"extension_attributes": 5},
        *_ODD_IDS,
    ],
    "categories": [
        {"name": ["x"]},
        {"name": 5},
        {"level": "x"},
        {"level": 3, "parent_id": "x"},
        {"level": 3, "parent_id": DELETE},
        {"id": -1},
        {"id": DELETE},
    ],
    "customers": [
        {"email": ["x"]},
        {"email": 5},
        {"created_at": "2024-02-30 00:00:00"},
        {"addresses": 5},
        {"addresses": [5]},
        {"id": 1.5},
        {"id": None},
    ],
    "orders": [
        {"grand_total": "1,5"},
        {"subtotal": "abc"},
        {"created_at": "2024-13-45 00:00:00"},
        {"items": 5},
        {"items": [{"name": "a", "qty_ordered": "1.5", "price": "1"}]},
        {"items": [{"name": "a", "qty_ordered": "1", "price": "1,5"}]},
        {"status_histories": "x"},
        {"billing_address": 5},
        {"entity_id": -1},
        {"entity_id": DELETE},
    ],
}

MAGENTO_KINDS = {
    "products": "product",
    "categories": "category",
    "customers": "customer",
    "orders": "order",
}

#: Magento list routes (after ``/V1/``) and the resource their items are.
_MAGENTO_ROUTES = {
    "products": "products",
    "categories/list": "categories",
    "customers/search": "customers",
    "orders": "orders",
}


def prestashop_records(path: str, body: Any) -> tuple[str, list[Any]] | None:
    """(resource, the answer's list of records) of a PrestaShop list answer."""
    resource = path.split("/api/", 1)[-1].strip("/").split("/")[0]
    if resource in PRESTASHOP and isinstance(body, dict):
        items = body.get(resource)
        if isinstance(items, list):
            return resource, items
    return None


def magento_records(path: str, body: Any) -> tuple[str, list[Any]] | None:
    """(resource, the answer's list of records) of a Magento search answer."""
    route = path.split("/V1/", 1)[-1].strip("/")
    resource = _MAGENTO_ROUTES.get(route)
    if resource is not None and isinstance(body, dict) and isinstance(body.get("items"), list):
        return resource, body["items"]
    return None


@attrs.define
class Mangled:
    """One mangled record: where it is reported, and what was done to it."""

    kind: str
    reported_id: str
    original_id: str
    resource: str
    changes: dict[str, Any]


class StoreMangler:
    """Mangles a share ``rate`` of records, each in one way from ``catalog``.

    ``keep(resource, record)`` says whether a record may be mangled (a
    Magento variant is read as a part of its product, and is left alone).
    """

    def __init__(
        self,
        handle: Callable[[httpx.Request], httpx.Response],
        *,
        seed: int,
        rate: float,
        catalog: dict[str, list[dict[str, Any]]],
        kinds: dict[str, str],
        records: Callable[[str, Any], tuple[str, list[Any]] | None],
        id_keys: dict[str, str] | None = None,
        keep: Callable[[str, dict[str, Any]], bool] = lambda resource, record: True,
    ) -> None:
        self.handle = handle
        self.seed = seed
        self.rate = rate
        self.catalog = catalog
        self.kinds = kinds
        self.records = records
        self.id_keys = id_keys or {}
        self.keep = keep
        self.mangled: dict[tuple[str, str], Mangled] = {}
        self.transport = httpx.MockTransport(self.serve)

    def _choice(self, resource: str, record_id: str) -> dict[str, Any] | None:
        digest = hashlib.sha256(f"{self.seed}:{resource}:{record_id}".encode()).digest()
        if digest[0] / 256 >= self.rate:
            return None
        options = self.catalog[resource]
        return options[int.from_bytes(digest[1:4], "big") % len(options)]

    def serve(self, request: httpx.Request) -> httpx.Response:
        response = self.handle(request)
        if request.method != "GET" or response.status_code != 200 or not response.content:
            return response
        try:
            body = json.loads(response.content)
        except ValueError:
            return response
        found = self.records(request.url.path, body)
        if found is None:
            return response
        resource, items = found
        items[:] = [self._mangle(resource, item) for item in items]
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(200, headers=headers, content=json.dumps(body).encode())

    def _mangle(self, resource: str, item: Any) -> Any:
        id_key = self.id_keys.get(resource, "id")
        if not isinstance(item, dict) or id_key not in item or not self.keep(resource, item):
            return item
        original = str(item[id_key])
        changes = self._choice(resource, original)
        if changes is None:
            return item
        kind = self.kinds[resource]
        if WHOLE in changes:
            self.mangled[(kind, original)] = Mangled(
                kind=kind,
                reported_id="?",
                original_id=original,
                resource=resource,
                changes={WHOLE: changes[WHOLE]},
            )
            return changes[WHOLE]
        item = dict(item)
        for key, value in changes.items():
            if value is DELETE:
                item.pop(key, None)
            else:
                item[key] = value
        value = item.get(id_key)
        reported = "?" if value is None or isinstance(value, bool) else str(value)
        self.mangled[(kind, original)] = Mangled(
            kind=kind,
            reported_id=reported,
            original_id=original,
            resource=resource,
            changes={k: ("<deleted>" if v is DELETE else v) for k, v in changes.items()},
        )
        return item
