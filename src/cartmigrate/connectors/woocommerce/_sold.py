"""Products sold since a time: what an incremental product read adds to ``modified_after``.

A sale takes stock without the product's form being saved. On 7.9 the
product's ``date_modified`` moves anyway (``wc_update_product_stock`` saves
it, and a variation's save saves its variable parent: observed, and checked
by ``tests/realstore/woocommerce/test_stock_sold.py``). Later versions are
reported not to (woocommerce/woocommerce#40060, filed in September 2023 and
still open): there ``/products?modified_after=`` leaves out every product
whose stock a sale changed, and a nightly smart update would keep the old
stock on the new shop until go-live. An order that takes or gives back stock
is created, changes status or is refunded, each of which moves the order's
own date (a refund's restock: observed on 7.9), so the products in the lines
of the orders changed since the same time are the ones a sale may have
changed. They are read too, unless the product listing had them already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ...models import Order
from . import _convert as wc
from ._routes import ROUTES, list_params

__all__ = ["sold_since"]


def sold_since(
    pages: Callable[[str, Mapping[str, Any]], Iterator[Any]],
    since: dt.datetime,
    listed: Iterable[str],
) -> list[str]:
    """Ids of the products (a variation's line names its parent) in the lines
    of orders changed at or after ``since``, less those ``listed``, in id order.

    ``pages``: the cart's paged GET (path, query) -> raw items.
    """
    query = {
        **list_params(Order)[0],
        "modified_after": wc.wc_time_text(since),
        "dates_are_gmt": "true",
    }
    known = set(listed)
    sold: set[int] = set()
    for order in pages(ROUTES[Order], query):
        # An order the store answers mangled is the order read's to report
        # (it fails there, by id and field); here its lines are passed over.
        lines = order.get("line_items") if isinstance(order, Mapping) else None
        for line in lines if isinstance(lines, list) else ():
            product_id = line.get("product_id") if isinstance(line, Mapping) else None
            if type(product_id) is int and product_id > 0 and str(product_id) not in known:
                sold.add(product_id)
    return [str(i) for i in sorted(sold)]
