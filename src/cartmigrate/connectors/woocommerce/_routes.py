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
    "listings",
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


#: The listings that together hold every record of a type. Unasked,
#: WooCommerce lists only approved reviews, and only the users whose role is
#: ``customer``: a subscriber, a shop manager or an administrator who bought
#: was left out of a listing, its count and an e-mail search. A review's
#: ``status=all`` is WordPress's approved and held only, so spam (a rejected
#: review, which is how this cart writes one) is a listing of its own; trash
#: is what the shop deleted, and is not read.
_LISTINGS: dict[type[Entity], tuple[dict[str, str], ...]] = {
    Review: ({"status": "all"}, {"status": "spam"}),
    Customer: ({"role": "all"},),
}


def listings(kind: type[Entity]) -> list[dict[str, str]]:
    """The parameters of each listing that, together, hold every ``kind``."""
    return [dict(p) for p in _LISTINGS.get(kind, ({},))]


def list_params(kind: type[Entity]) -> list[dict[str, Any]]:
    """Each listing of ``kind`` (see ``listings``), oldest first.

    Paging by id, not by date: items edited during the read cannot shift
    between pages.
    """
    return [{"orderby": "id", "order": "asc", **p} for p in listings(kind)]


def newest_first(kind: type[Entity]) -> dict[str, Any]:
    """The first listing of ``kind``, newest first: for the types that carry
    source references (``WITH_META``), which have one listing."""
    return {"orderby": "id", "order": "desc", **listings(kind)[0]}
