"""The route table: ``@route("GET", "products/{sku}")`` registers a handler.

A handler gets the store, the path's parameters, the query (as pairs), the
JSON body and whether the call came through ``/rest/all`` (global scope), and
returns the JSON answer; it raises ``SimError`` for an error answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._search import Criteria, apply_fields, matches, parse_criteria, parse_fields
from ._store import MagentoStore, SimError

__all__ = ["Call", "Handler", "ROUTES", "listing", "route"]


@attrs.define(frozen=True, kw_only=True)
class Call:
    store: MagentoStore
    path: Mapping[str, str]
    query: Sequence[tuple[str, str]]
    body: Any
    admin: bool


Handler = Callable[[Call], Any]
ROUTES: list[tuple[str, re.Pattern[str], str, Handler]] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    pattern = re.compile(
        "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    )

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, pattern, template, handler))
        return handler

    return register


def criteria_of(call: Call, *, required: bool = True) -> Criteria:
    criteria = parse_criteria(call.query)
    if criteria is None:
        if required:
            raise SimError(
                400,
                '"%fieldName" is required. Enter and try again.',
                {"fieldName": "searchCriteria"},
            )
        return {"filter_groups": [], "sort_orders": [], "page_size": None, "current_page": 1}
    return criteria


def _echo(criteria: Criteria) -> dict[str, Any]:
    echoed: dict[str, Any] = {
        "filter_groups": [
            {
                "filters": [
                    {
                        "field": f.get("field"),
                        "value": f.get("value"),
                        "condition_type": f.get("condition_type", "eq"),
                    }
                    for f in group
                ]
            }
            for group in criteria["filter_groups"]
        ]
    }
    if criteria["sort_orders"]:
        echoed["sort_orders"] = [
            {"field": s.get("field"), "direction": s.get("direction", "ASC")}
            for s in criteria["sort_orders"]
        ]
    if criteria["page_size"] is not None:
        echoed["page_size"] = criteria["page_size"]
        echoed["current_page"] = criteria["current_page"]
    return echoed


def listing(
    call: Call,
    records: Sequence[Mapping[str, Any]],
    render: Callable[[Mapping[str, Any]], Any],
    *,
    value_of: Callable[[Mapping[str, Any], str], Any] | None = None,
    id_field: str = "id",
    required: bool = True,
) -> Any:
    """A search result as Magento answers it: filtered, sorted, paged, ``fields`` applied."""
    criteria = criteria_of(call, required=required)

    def default_value(record: Mapping[str, Any], field: str) -> Any:
        if field == "entity_id":
            return record.get(id_field, record.get("entity_id"))
        if field in record:
            return record[field]
        custom = record.get("custom_attributes")
        if isinstance(custom, Mapping):
            return custom.get(field)
        return None

    value = value_of or default_value
    found = [r for r in records if matches(r, criteria, value)]
    for sort in reversed(criteria["sort_orders"]):
        field = sort.get("field", id_field)

        def key(record: Mapping[str, Any], field: str = field) -> tuple[int, Any]:
            have = value(record, field)
            try:
                return 0, float(have)
            except (TypeError, ValueError):
                return 1, str(have or "")

        found.sort(key=key, reverse=str(sort.get("direction", "ASC")).upper() == "DESC")
    total = len(found)
    size, page = criteria["page_size"], criteria["current_page"]
    if size:
        found = found[(page - 1) * size : page * size]
    body = {
        "items": [render(r) for r in found],
        "search_criteria": _echo(criteria),
        "total_count": total,
    }
    fields = dict(call.query).get("fields")
    return apply_fields(body, parse_fields(fields)) if fields else body
