"""``_sold.sold_since``: the products in the lines of the orders changed since a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from cartmigrate.connectors.woocommerce._sold import sold_since

SINCE = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _pages(orders: list[Any], asked: list[tuple[str, dict[str, Any]]]) -> Any:
    def pages(path: str, query: Mapping[str, Any]) -> Iterator[Any]:
        asked.append((path, dict(query)))
        yield from orders

    return pages


def test_the_products_of_changed_orders_less_those_listed_in_id_order() -> None:
    asked: list[tuple[str, dict[str, Any]]] = []
    orders = [
        {"id": 1, "line_items": [{"product_id": 30, "variation_id": 0}, {"product_id": 7}]},
        {"id": 2, "line_items": [{"product_id": 10, "variation_id": 24}, {"product_id": 30}]},
        {"id": 3, "line_items": [{"product_id": 0}, {"name": "a fee, no product"}]},
    ]
    found = sold_since(_pages(orders, asked), SINCE, listed=["7"])
    assert found == ["10", "30"]  # the variation's parent; 7 listed already; 0 is none
    [(path, query)] = asked
    assert path == "orders"
    assert query["modified_after"].startswith("2026-03-01T12:00:00")
    assert query["dates_are_gmt"] == "true"


def test_a_mangled_order_is_passed_over_not_fatal() -> None:
    orders: list[Any] = [
        "not an order",
        {"id": 1, "line_items": 5},
        {"id": 2, "line_items": ["x", {"product_id": "12"}, {"product_id": True}]},
        {"id": 3, "line_items": [{"product_id": 12}]},
    ]
    assert sold_since(_pages(orders, []), SINCE, listed=()) == ["12"]
