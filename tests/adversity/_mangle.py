"""A WooCommerce source that mangles its records: a transport between the
connector and the simulator rewriting records of GET answers.

Which record is mangled, and how, depends only on (seed, resource, id), so a
list read and a fetch by id of the same record agree, as a real store's
broken record would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import attrs
import httpx

DELETE = object()

#: (resource, changes) — values a model cannot hold faithfully, as observed
#: from real stores and plugins (item 6-7 of issue 10).
CATALOG: dict[str, list[dict[str, Any]]] = {
    "products": [
        {"name": DELETE},
        {"name": 12},
        {"name": ["x"]},
        {"name": ""},
        # (A whole number as a SKU is kept as its text: lossless, like an id.)
        {"sku": ["a"]},
        {"sku": {"a": 1}},
        {"type": "simple", "regular_price": "1,5"},
        {"type": "simple", "regular_price": "abc"},
        {"type": "simple", "regular_price": "-3"},
        {"sale_price": "1,5"},
        {"status": "bogus"},
        {"status": 12},
        {"stock_status": "weird"},
        {"stock_status": 5},
        {"manage_stock": "yes"},
        {"manage_stock": True, "stock_quantity": "many"},
        {"manage_stock": True, "stock_quantity": 1.5},
        {"categories": 12},
        {"categories": [{"bogus": 1}]},
        {"categories": "x"},
        {"images": 1},
        {"images": [{"src": 5}]},
        {"tags": 3},
        {"date_created_gmt": "2024-13-45T00:00:00"},
        {"date_modified_gmt": "0000-00-00 00:00:00"},
        {"date_modified_gmt": 1700000000},
        {"weight": "heavy"},
        {"weight": "1,2"},
        {"description": 5},
        {"meta_data": "x"},
        {"brands": 7},
        {"slug": 9},
        {"id": DELETE},
        {"id": None},
        {"id": "abc"},
        {"id": 1.5},
        {"id": -1},
        {"id": 10**30},
    ],
    "variations": [
        {"sku": 1.5},
        {"regular_price": "1,5"},
        {"manage_stock": True, "stock_quantity": "x"},
        {"stock_status": "nope"},
        {"attributes": 5},
        {"id": DELETE},
    ],
    "categories": [
        {"name": DELETE},
        {"name": 12},
        {"parent": "x"},
        {"slug": 5},
        {"description": ["x"]},
        {"id": DELETE},
        {"id": -1},
    ],
    "brands": [{"name": DELETE}, {"name": 5}, {"id": None}],
    "customers": [
        {"email": DELETE},
        {"email": 12},
        {"email": "not an e-mail"},
        {"first_name": 5},
        {"billing": "str"},
        {"billing": 5},
        {"shipping": [1]},
        {"billing": {"first_name": "A", "country": "Germany"}},
        {"date_created_gmt": "2024-02-30T00:00:00"},
        {"date_modified_gmt": 3.5},
        {"meta_data": 4},
        {"id": DELETE},
        {"id": 1.5},
    ],
    "orders": [
        {"status": 12},
        {"currency": "EURO"},
        {"currency": 5},
        {"line_items": 5},
        {"line_items": [{"bogus": 1, "quantity": "x"}]},
        {"line_items": [{"name": 5, "quantity": 1, "price": "1"}]},
        {"line_items": [{"name": "a", "quantity": 1, "price": "1,5"}]},
        {"line_items": [{"name": "a", "quantity": 1.5, "price": "1"}]},
        {"total": "1,5"},
        {"shipping_total": "free"},
        {"billing": 5},
        {"billing": {"email": 5}},
        {"shipping": "x"},
        {"date_created_gmt": "2024-13-45T00:00:00"},
        {"date_modified_gmt": 1700000000},
        {"customer_note": 5},
        {"meta_data": [{"key": "_cartmigrate_status_history", "value": "{not json"}]},
        {"meta_data": [{"key": "_cartmigrate_shipments", "value": '[{"bogus": 1}]'}]},
        {"id": DELETE},
        {"id": "x"},
    ],
    "reviews": [
        {"rating": 2.5},
        {"rating": "x"},
        {"rating": 7},
        {"product_id": "x"},
        {"reviewer_email": 5},
        {"review": 5},
        {"status": "bogus"},
        {"date_created_gmt": "2024-13-45T00:00:00"},
        {"id": DELETE},
        {"id": -1},
    ],
}

KINDS = {
    "products": "product",
    "variations": "product",  # a variation's failure is its product's
    "categories": "category",
    "brands": "manufacturer",
    "customers": "customer",
    "orders": "order",
    "reviews": "review",
}


@attrs.define
class Mangled:
    """One mangled record: where it is reported, and what was done to it."""

    kind: str
    reported_id: str
    original_id: str
    resource: str
    changes: dict[str, Any]


def _resource(path: str) -> tuple[str, str | None] | None:
    """(resource, parent id) of a REST path, or None for what is not a record list."""
    parts = path.split("/wc/v3/", 1)[-1].strip("/").split("/")
    if parts[0] == "products":
        if len(parts) >= 2 and parts[1] in ("categories", "brands", "reviews"):
            return parts[1], None
        if len(parts) >= 3 and parts[2] == "variations":
            return "variations", parts[1]
        return "products", None
    if parts[0] in ("customers", "orders") and (len(parts) <= 2):
        return parts[0], None
    return None


class Mangler:
    """Mangles a share ``rate`` of records, each in one way from ``CATALOG``."""

    def __init__(
        self, handle: Callable[[httpx.Request], httpx.Response], *, seed: int, rate: float
    ):
        self.handle = handle
        self.seed = seed
        self.rate = rate
        self.mangled: dict[tuple[str, str], Mangled] = {}
        self.transport = httpx.MockTransport(self.serve)

    def _choice(self, resource: str, record_id: str) -> dict[str, Any] | None:
        digest = hashlib.sha256(f"{self.seed}:{resource}:{record_id}".encode()).digest()
        if digest[0] / 256 >= self.rate:
            return None
        options = CATALOG[resource]
        return options[int.from_bytes(digest[1:4], "big") % len(options)]

    def serve(self, request: httpx.Request) -> httpx.Response:
        response = self.handle(request)
        where = _resource(request.url.path) if request.method == "GET" else None
        if where is None or response.status_code != 200:
            return response
        resource, parent = where
        body = json.loads(response.content)
        if isinstance(body, list):
            body = [self._mangle(resource, parent, item) for item in body]
        elif isinstance(body, dict) and "id" in body:
            body = self._mangle(resource, parent, body)
        else:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(200, headers=headers, content=json.dumps(body).encode())

    def _mangle(self, resource: str, parent: str | None, item: Any) -> Any:
        if not isinstance(item, dict) or "id" not in item:
            return item
        original = str(item["id"])
        changes = self._choice(resource, original)
        if changes is None:
            return item
        item = dict(item)
        for key, value in changes.items():
            if value is DELETE:
                item.pop(key, None)
            else:
                item[key] = value
        if parent is not None:
            reported = parent
        elif "id" not in item or item["id"] is None:
            reported = "?"
        else:
            reported = str(item["id"])
        kind = KINDS[resource]
        self.mangled[(kind, original if parent is None else f"{parent}/{original}")] = Mangled(
            kind=kind,
            reported_id=reported,
            original_id=original,
            resource=resource,
            changes={k: ("<deleted>" if v is DELETE else v) for k, v in changes.items()},
        )
        return item
