"""Where each entity type lives in WooCommerce's REST API v3, and how it is paged.

Read by the cart and by the modules that create, update, delete and look up
for it, so that a route, the batch limit or a listing's order is said once.
"""

from __future__ import annotations

from typing import Any

from ...models import Category, Customer, Entity, Manufacturer, Order, Product, Review
from .._rest import Paging

__all__ = [
    "BATCH_LIMIT",
    "CHANGE_TOKENS",
    "INCREMENTAL",
    "PAGING",
    "ROUTES",
    "WITH_META",
    "list_params",
    "newest_first",
]

#: WooCommerce's own limit of items per batch request (413 above it).
BATCH_LIMIT = 100
PAGING = Paging(per_page=100, total_header="X-WP-Total", total_pages_header="X-WP-TotalPages")

ROUTES: dict[type[Entity], str] = {
    Category: "products/categories",
    Manufacturer: "products/brands",
    Product: "products",
    Customer: "customers",
    Order: "orders",
    Review: "products/reviews",
}
#: Types whose resources carry ``meta_data``, where the source reference lives.
WITH_META = (Product, Customer, Order)
INCREMENTAL = frozenset({Product, Order})  # the docs list modified_after for these only
#: No ``modified_after`` for customers, but every save moves their
#: ``date_modified`` (observed on 7.9 for names, addresses, meta and e-mail).
CHANGE_TOKENS = frozenset({Customer})


def list_params(kind: type[Entity]) -> dict[str, Any]:
    # Paging by id, not by date: items edited during the read cannot shift between pages.
    params: dict[str, Any] = {"orderby": "id", "order": "asc"}
    if kind is Review:
        params["status"] = "all"
    return params


def newest_first(kind: type[Entity]) -> dict[str, Any]:
    params: dict[str, Any] = {"orderby": "id", "order": "desc"}
    if kind is Review:
        params["status"] = "all"
    return params
