"""The simulator's listings: filters, order, pages and the headers that count them.

``GET`` on a collection filters by what WooCommerce's controllers take
(``include``, ``exclude``, ``modified_after``, ``sku``, ``status``,
``search``...), orders by ``orderby``/``order`` with each resource's
defaults, and pages with ``X-WP-Total``, ``X-WP-TotalPages`` and ``Link``
headers; a page past the end is ``200 []``, as on WooCommerce 7.9. Notes
and tracking items are listed whole, notes newest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ._api_errors import invalid_param

if TYPE_CHECKING:
    from ._resources import Resources

__all__ = ["list_page"]


def list_page(
    resources: Resources,
    resource: str,
    query: Mapping[str, str],
    params: tuple[tuple[str, str], ...],
    parent: int | None,
) -> tuple[int, Any, dict[str, str]]:
    items = list(resources.pool(resource, parent).values())
    if resource == "notes":  # newest first, as WooCommerce lists them
        return 200, [resources.view(resource, i) for i in reversed(items)], {}
    if resource == "trackings":
        return 200, [resources.view(resource, i) for i in items], {}
    page = _int(query, "page", 1, low=1)
    per_page = _int(query, "per_page", 10, low=1, high=100)
    items = [i for i in items if _matches(resource, i, query, params)]
    order_by = query.get(
        "orderby", "id" if resource in ("customers", "categories", "brands") else "date"
    )
    if order_by not in (
        "id",
        "date",
        "include",
        "name",
        "slug",
        "title",
        "registered_date",
        "date_gmt",
        "modified",
    ):
        raise invalid_param("orderby", "orderby is not one of the allowed values.")
    if order_by in ("date", "date_gmt", "registered_date", "modified"):
        items.sort(key=lambda i: (str(i.get("date_created_gmt") or ""), i["id"]))
    elif order_by in ("name", "title"):
        items.sort(key=lambda i: (str(i.get("name", "")).casefold(), i["id"]))
    elif order_by == "slug":
        items.sort(key=lambda i: (str(i.get("slug", "")), i["id"]))
    else:
        items.sort(key=lambda i: i["id"])
    default_order = "asc" if resource in ("customers", "categories", "brands") else "desc"
    if query.get("order", default_order) == "desc":
        items.reverse()
    offset = _int(query, "offset", 0, low=0) if "offset" in query else (page - 1) * per_page
    total = len(items)
    pages = math.ceil(total / per_page) if total else 0
    # A page past the end is 200 [] on WooCommerce 7.9 (its CRUD controllers do
    # not check it, unlike WordPress's posts controller).
    chunk = items[offset : offset + per_page]
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    base = httpx.URL(f"https://shop.example/wp-json/{'wc/v3/' + resource}")
    kept = [(k, v) for k, v in params if k != "page"]
    if page > 1:
        links.append(f'<{base.copy_with(params=[*kept, ("page", str(page - 1))])}>; rel="prev"')
    if page < pages:
        links.append(f'<{base.copy_with(params=[*kept, ("page", str(page + 1))])}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return 200, [resources.view(resource, i) for i in chunk], headers


def _int(
    query: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_param(name, f"{name} is not of type integer.") from None
    if value < low or (high is not None and value > high):
        raise invalid_param(
            name, f"{name} must be between {low} (inclusive) and {high} (inclusive)"
        )
    return value


def _list_values(params: tuple[tuple[str, str], ...], name: str) -> list[str] | None:
    values = [v for k, v in params if k in (name, f"{name}[]")]
    if not values:
        return None
    return [part for value in values for part in value.split(",") if part]


def _matches(
    resource: str,
    item: Mapping[str, Any],
    query: Mapping[str, str],
    params: tuple[tuple[str, str], ...],
) -> bool:
    include = _list_values(params, "include")
    if include is not None and str(item["id"]) not in include:
        return False
    exclude = _list_values(params, "exclude")
    if exclude is not None and str(item["id"]) in exclude:
        return False
    for name in ("modified_after", "modified_before"):
        if name in query and resource in ("products", "orders", "variations"):
            bound = query[name].replace("Z", "").split("+")[0]
            stamp = str(item.get("date_modified_gmt") or "")
            if (name == "modified_after" and not stamp > bound) or (
                name == "modified_before" and not stamp < bound
            ):
                return False
    if "sku" in query and resource in ("products", "variations"):
        skus = [s.casefold() for s in query["sku"].split(",")]
        if str(item.get("sku") or "").casefold() not in skus:
            return False
    if "slug" in query and str(item.get("slug")) != query["slug"]:
        return False
    if (
        "email" in query
        and resource == "customers"
        and str(item.get("email", "")).casefold() != query["email"].casefold()
    ):
        return False
    if resource == "customers" and query.get("role", "customer") not in (
        "all",
        item.get("role"),
    ):
        return False
    if "status" in query and resource in ("products", "orders"):
        wanted = query["status"].split(",")
        if "any" not in wanted and item.get("status") not in wanted:
            return False
    if resource == "reviews":
        # WordPress's comment query: "all" is approved and held, not spam or trash.
        status = query.get("status", "approved")
        statuses = ("approved", "hold") if status == "all" else (status,)
        if item.get("status") not in statuses:
            return False
        products = _list_values(params, "product")
        if products is not None and str(item.get("product_id")) not in products:
            return False
        emails = _list_values(params, "reviewer_email")
        if emails is not None and str(item.get("reviewer_email", "")).casefold() not in [
            e.casefold() for e in emails
        ]:
            return False
    if (
        "parent" in query
        and resource in ("categories", "brands")
        and str(item.get("parent")) != query["parent"]
    ):
        return False
    if (
        "customer" in query
        and resource == "orders"
        and str(item.get("customer_id")) != query["customer"]
    ):
        return False
    if "search" in query:
        needle = query["search"].casefold()
        haystack = _search_text(resource, item)
        if needle not in haystack:
            return False
    return True


def _search_text(resource: str, item: Mapping[str, Any]) -> str:
    if resource == "orders":
        billing = item.get("billing") or {}
        parts = [
            str(item["id"]),
            str(billing.get("email", "")),
            str(billing.get("first_name", "")),
            str(billing.get("last_name", "")),
        ]
        parts += [str(li.get("name", "")) for li in item.get("line_items", ())]
    elif resource == "customers":
        parts = [str(item.get(k, "")) for k in ("email", "first_name", "last_name", "username")]
    elif resource == "reviews":
        parts = [str(item.get("review", ""))]
    else:
        parts = [str(item.get(k, "")) for k in ("name", "description", "short_description", "slug")]
    return " ".join(parts).casefold()
