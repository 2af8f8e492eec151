"""The official WooCommerce REST v3 reference tables, parsed, and a checker for requests.

Reads ``_<resource>.md`` from ``../shared/specs/woocommerce``: every property
table (with its read-only marks and the sub-tables its rows link to) and
every "Available parameters" table, by operation. ``check_requests`` then says
which recorded request used a query parameter or a JSON field the reference
does not list for that route and operation, or wrote a read-only field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from cartmigrate.testing.woocommerce import RecordedRequest

_HEADING = re.compile(r"^(#{2,4})\s+(.*?)\s*#*\s*$")
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]*?)\s*\|(.*)\|\s*$")
_LINK = re.compile(r"See \[([^\]]+)\]")


@attrs.define
class Table:
    fields: dict[str, str] = attrs.field(factory=dict)  # name -> type
    read_only: set[str] = attrs.field(factory=set)
    links: dict[str, str] = attrs.field(factory=dict)  # name -> sub-table title


@attrs.define
class Resource:
    tables: dict[str, Table] = attrs.field(factory=dict)  # title -> table
    main: str = ""
    params: dict[str, set[str]] = attrs.field(factory=dict)  # operation -> parameter names


@attrs.define
class SpecIndex:
    resources: dict[str, Resource]

    @classmethod
    def load(cls, folder: Path) -> SpecIndex:
        resources = {}
        for path in sorted(folder.glob("_*.md")):
            if path.name in ("_index.md", "_introduction.md", "_authentication.md"):
                continue
            resources[path.stem.lstrip("_")] = _parse(path.read_text(encoding="utf-8"))
        return cls(resources)


def _parse(text: str) -> Resource:
    resource = Resource()
    heading = ""
    current: Table | None = None
    params: set[str] | None = None
    section = ""
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            level, title = len(match[1]), match[2].strip()
            current, params = None, None
            if level == 2:
                section = title
            if title.endswith("properties"):
                current = resource.tables.setdefault(title, Table())
                if not resource.main and level == 2:
                    resource.main = title
            elif title == "Available parameters":
                operation = section.split()[0].lower()  # list / retrieve / delete / ...
                params = resource.params.setdefault(operation, set())
            heading = title
            continue
        row = _ROW.match(line)
        if row is None:
            continue
        name, kind, description = row[1], row[2], row[3]
        if current is not None:
            current.fields[name] = kind
            if "read-only" in description:
                current.read_only.add(name)
            link = _LINK.search(description)
            if link:
                current.links[name] = link[1]
        elif params is not None:
            params.add(name)
    del heading
    return resource


#: Routes the reference covers: (pattern, resource file, is item route).
_ROUTES = [
    (re.compile(r"wc/v3/products/categories(/\d+)?"), "product-categories"),
    (re.compile(r"wc/v3/products/reviews(/\d+)?"), "product-reviews"),
    (re.compile(r"wc/v3/products/\d+/variations(/\d+)?"), "product-variations"),
    (re.compile(r"wc/v3/products(/\d+)?"), "products"),
    (re.compile(r"wc/v3/customers(/\d+)?"), "customers"),
    (re.compile(r"wc/v3/orders/\d+/notes(/\d+)?"), "order-notes"),
    (re.compile(r"wc/v3/orders(/\d+)?"), "orders"),
]
_BATCH = re.compile(r"(.*)/batch")

# Not in the v3 reference files: allow-listed explicitly.
# - Brands (core since WooCommerce 9.6) "mimic /products/categories" (WooCommerce's
#   Brands REST API page), so they are checked against the categories tables; the
#   product field `brands` (a list of brand ids) is documented on the same page.
# - Shipment Tracking is an extension with its own namespace; fields from its REST docs.
_BRANDS = re.compile(r"wc/v3/products/brands(/\d+|/batch)?")
_TRACKING = re.compile(r"wc-shipment-tracking/v3/orders/\d+/shipment-trackings(/\w+)?")
_TRACKING_FIELDS = {
    "tracking_number",
    "tracking_provider",
    "custom_tracking_provider",
    "custom_tracking_link",
    "date_shipped",
}
_EXTRA_FIELDS = {"products": {"brands"}}
# - Settings: the e-mails' "enabled" checkbox, switched off while writing. The
#   settings routes and their `value` argument are in the v3 route index (_index.md),
#   not in the reference pages kept in shared/specs.
_EMAIL_SETTING = re.compile(r"wc/v3/settings/email_[a-z_]+/enabled")
# - and the store's units (Settings → Products), only read: dimensions and
#   weights are bare numbers in them.
_UNIT_SETTING = re.compile(r"wc/v3/settings/products/woocommerce_(dimension|weight)_unit")
# Observed on the real WooCommerce 7.9 store (tests/realstore/woocommerce), where the
# reference pages are silent (the store wins):
# - `GET /reports/orders/totals` lists every registered order status (custom ones too);
#   the cart asks it once, to refuse a status /orders/batch would store as "pending";
# - `context` (view/edit) is accepted on every item GET, as WordPress adds it to all
#   routes; `edit` returns texts as stored, without wpautop's <p>…</p>;
# - `shipping.phone` exists on customers and orders since WooCommerce 5.6;
# - `date_created_gmt` is marked read-only, but products and reviews take it (a
#   backdated product also gets date_modified = that date); orders ignore it.
_REPORT_TOTALS = "wc/v3/reports/orders/totals"
_ITEM_PARAMS = {"context"}
_SHIPPING_EXTRA = {"phone"}
_WRITABLE_DATES = {"products": {"date_created_gmt"}, "product-reviews": {"date_created_gmt"}}


def _check_body(
    resource: Resource, table: Table, body: Any, where: str, problems: list[str], *, allow_id: bool
) -> None:
    if isinstance(body, list):
        for item in body:
            _check_body(resource, table, item, where, problems, allow_id=allow_id)
        return
    if not isinstance(body, Mapping):
        return
    for key, value in body.items():
        if key == "id" and allow_id:
            continue
        if where.endswith(".shipping") and key in _SHIPPING_EXTRA:
            continue
        if key not in table.fields:
            problems.append(f"{where}: field {key!r} is not in the reference")
            continue
        if key in table.read_only:
            problems.append(f"{where}: field {key!r} is read-only")
        sub = table.links.get(key)
        if sub is not None and sub in resource.tables and isinstance(value, list | dict):
            if sub.endswith("Meta data properties"):
                continue  # key/value pairs; any key is allowed
            _check_body(
                resource, resource.tables[sub], value, f"{where}.{key}", problems, allow_id=True
            )


def check_requests(spec: SpecIndex, requests: Iterable[RecordedRequest]) -> list[str]:
    """What in these requests the reference does not document (empty: all fine)."""
    problems: list[str] = []
    for request in requests:
        path, method = request.path, request.method
        where = f"{method} {path}"
        if _EMAIL_SETTING.fullmatch(path):
            if method != "GET" and request.json not in ({"value": "yes"}, {"value": "no"}):
                problems.append(f"{where}: setting body {request.json!r}")
            continue
        if path == _REPORT_TOTALS or _UNIT_SETTING.fullmatch(path):
            if method != "GET":
                problems.append(f"{where}: only read")
            continue
        if _TRACKING.fullmatch(path):
            if isinstance(request.json, Mapping):
                extra = set(request.json) - _TRACKING_FIELDS
                if extra:
                    problems.append(f"{where}: tracking fields {sorted(extra)}")
            continue
        batch = _BATCH.fullmatch(path)
        base = batch[1] if batch else path
        is_brand = bool(_BRANDS.fullmatch(path))
        name = "product-categories" if is_brand else None
        item = False
        if name is None:
            for pattern, candidate in _ROUTES:
                found = pattern.fullmatch(base)
                if found:
                    name, item = candidate, bool(found.group(1))
                    break
        else:
            item = bool(re.search(r"/\d+$", path))
        if name is None:
            problems.append(f"{where}: route not in the reference")
            continue
        resource = spec.resources[name]
        table = attrs.evolve(resource.tables[resource.main])
        table.read_only = table.read_only - _WRITABLE_DATES.get(name, set())
        extra_fields = _EXTRA_FIELDS.get(name, set())
        table.fields = {**table.fields, **dict.fromkeys(extra_fields, "array")}
        operation = {"GET": "retrieve" if item else "list", "DELETE": "delete"}.get(method)
        allowed_params = resource.params.get(operation or "", set()) if operation else set()
        if operation in ("retrieve", "delete"):
            allowed_params = allowed_params | _ITEM_PARAMS
        for key, _ in request.params:
            plain = key[:-2] if key.endswith("[]") else key
            if plain not in allowed_params:
                problems.append(
                    f"{where}: parameter {plain!r} is not documented for {operation or method}"
                )
        if batch:
            body = request.json or {}
            for action in ("create", "update"):
                _check_body(
                    resource,
                    table,
                    body.get(action) or [],
                    f"{where}[{action}]",
                    problems,
                    allow_id=action == "update",
                )
            if "delete" in body and not all(isinstance(i, int) for i in body["delete"]):
                problems.append(f"{where}: delete takes ids")
            unknown = set(body) - {"create", "update", "delete"}
            if unknown:
                problems.append(f"{where}: batch keys {sorted(unknown)}")
        elif method in ("POST", "PUT", "PATCH"):
            _check_body(resource, table, request.json, where, problems, allow_id=False)
    return problems
