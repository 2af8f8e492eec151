"""Stock sold through an order: what it moves, on the real store and the simulator.

Nightly smart updates read WooCommerce products incrementally
(``modified_after``), so they see a sale's stock only if the sale moves the
product's ``date_modified``. On the real 7.9 store it does: the order takes
the stock with ``wc_update_product_stock``, which saves the product (a save
with no other change still moves its ``post_modified``), and a variation's
save makes WooCommerce sync and save its variable parent, so the parent,
which is what ``/products?modified_after=`` lists, moves too. One scenario,
run on both stores (the simulator's answers must be the real store's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from cartmigrate import Cart, MemoryCart, Product, SyncEngine

#: What the real store answered (observed on 7.9, and checked by the real-store test).
OBSERVED = {
    "simple stock": 8,
    "variation stock": 4,
    "simple moved": True,
    "variation moved": True,
    "parent moved": True,
    "listed since the sale": ["simple", "variable"],
}


def _call(client: httpx.Client, method: str, path: str, **options: Any) -> Any:
    response = client.request(method, path, **options)
    response.raise_for_status()
    return response.json()


def sell(client: httpx.Client, pause: Callable[[], None]) -> dict[str, Any]:
    """Make a managed simple product (10 in stock) and a variable one with a
    managed variation (5), sell 2 and 1 on a paid order, and say what moved.

    ``client``: the REST v3 API (base URL ending ``/wc/v3/``). ``pause``: wait
    for the store's clock to move a second or more (time stamps are seconds).
    """
    simple = _call(
        client,
        "POST",
        "products",
        json={
            "name": "Sold simple",
            "sku": "sold-simple",
            "regular_price": "9.00",
            "manage_stock": True,
            "stock_quantity": 10,
        },
    )
    variable = _call(
        client,
        "POST",
        "products",
        json={
            "name": "Sold variable",
            "type": "variable",
            "sku": "sold-variable",
            "attributes": [{"name": "Size", "options": ["S", "M"], "variation": True}],
        },
    )
    variation = _call(
        client,
        "POST",
        f"products/{variable['id']}/variations",
        json={
            "sku": "sold-variable-s",
            "regular_price": "12.00",
            "manage_stock": True,
            "stock_quantity": 5,
            "attributes": [{"name": "Size", "option": "S"}],
        },
    )
    variation_path = f"products/{variable['id']}/variations/{variation['id']}"
    before = {
        "simple": _call(client, "GET", f"products/{simple['id']}")["date_modified_gmt"],
        "variation": _call(client, "GET", variation_path)["date_modified_gmt"],
        "parent": _call(client, "GET", f"products/{variable['id']}")["date_modified_gmt"],
    }
    pause()
    _call(
        client,
        "POST",
        "orders",
        json={
            "set_paid": True,
            "status": "processing",
            "line_items": [
                {"product_id": simple["id"], "quantity": 2},
                {"product_id": variable["id"], "variation_id": variation["id"], "quantity": 1},
            ],
        },
    )
    after_simple = _call(client, "GET", f"products/{simple['id']}")
    after_variation = _call(client, "GET", variation_path)
    after_parent = _call(client, "GET", f"products/{variable['id']}")
    # modified_after is exclusive: a second before the sale, and after the creates.
    since = max(before.values())
    listed = _call(
        client,
        "GET",
        "products",
        params={"modified_after": since, "dates_are_gmt": "true", "per_page": 100},
    )
    names = {simple["id"]: "simple", variable["id"]: "variable"}
    return {
        "simple stock": after_simple["stock_quantity"],
        "variation stock": after_variation["stock_quantity"],
        "simple moved": after_simple["date_modified_gmt"] > before["simple"],
        "variation moved": after_variation["date_modified_gmt"] > before["variation"],
        "parent moved": after_parent["date_modified_gmt"] > before["parent"],
        "listed since the sale": sorted(names[p["id"]] for p in listed if p["id"] in names),
    }


def stock(cart: MemoryCart, sku: str) -> tuple[int | None, list[int | None]]:
    """A product's quantity and its variants', on a memory store."""
    product = next(p for p in cart.read(Product) if p.sku == sku)
    return product.quantity, [v.quantity for v in product.variants]


def update_after_sale(engine: SyncEngine, source: Cart, made: dt.datetime) -> None:
    """The smart update after ``sell``: the target gets the stock sold, and the
    products were read ``since`` after they were ``made`` (so the sale is what
    listed them: their dates, or the orders changed since)."""
    target = engine.target
    assert isinstance(target, MemoryCart)
    assert stock(target, "sold-simple")[0] == 10  # as migrated, before the sale
    asked: list[dt.datetime | None] = []
    reading = source.read

    def counted(kind: Any, *, since: dt.datetime | None = None) -> Any:
        asked.append(since)
        return reading(kind, since=since)

    source.read = counted  # type: ignore[method-assign]
    try:
        report = engine.smart_update(entities=[Product])
    finally:
        del source.read  # type: ignore[method-assign]
    assert report.ok, report.summary()
    assert stock(target, "sold-simple") == (8, [])
    assert stock(target, "sold-variable")[1] == [4]
    assert len(asked) == 1 and asked[0] is not None and asked[0] > made, (asked, made)
