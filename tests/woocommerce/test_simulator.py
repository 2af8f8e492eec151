"""The simulator behaves as the reference and the observed store say (raw HTTP, no connector)."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest

from cartmigrate.testing.woocommerce import FaultPlan, WooCommerceSimulator, load_sample_store

from .conftest import KEY, SECRET


def client(sim: WooCommerceSimulator, *, auth: tuple[str, str] = (KEY, SECRET)) -> httpx.Client:
    return httpx.Client(
        base_url="https://shop.example/wp-json/wc/v3/", transport=sim.transport, auth=auth
    )


def test_bad_key_gets_the_observed_401(sim: WooCommerceSimulator) -> None:
    response = client(sim, auth=(KEY, "wrong")).get("products")
    assert response.status_code == 401
    assert response.json()["code"] == "woocommerce_rest_cannot_view"


def test_pagination_headers_and_link(sim: WooCommerceSimulator) -> None:
    for i in range(25):
        sim.seed("products", {"name": f"P{i}", "sku": f"S{i}"})
    response = client(sim).get("products", params={"per_page": 10, "page": 2})
    assert response.headers["X-WP-Total"] == "25" and response.headers["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in response.headers["Link"] and 'rel="prev"' in response.headers["Link"]
    assert len(response.json()) == 10
    # A page past the end: 200 [] on WooCommerce 7.9 (observed on the real store).
    past = client(sim).get("products", params={"per_page": 10, "page": 4})
    assert past.status_code == 200 and past.json() == []


def test_batch_over_100_is_413_and_failed_items_come_back_in_place(
    sim: WooCommerceSimulator,
) -> None:
    http = client(sim)
    too_many = http.post("products/batch", json={"create": [{"name": f"P{i}"} for i in range(101)]})
    assert too_many.status_code == 413
    assert too_many.json()["code"] == "woocommerce_rest_request_entity_too_large"
    answer = http.post(
        "products/batch",
        json={
            "create": [
                {"name": "A", "sku": "X"},
                {"name": "B", "sku": "X"},
                {"name": "C", "stock_status": "sold"},
            ]
        },
    )
    assert answer.status_code == 200
    created, duplicate, invalid = answer.json()["create"]
    assert created["id"] > 0
    assert duplicate["id"] == 0 and duplicate["error"]["code"] == "product_invalid_sku"
    assert duplicate["error"]["data"]["resource_id"] == created["id"]
    assert (
        invalid["error"]["code"] == "rest_invalid_param"
        and "stock_status" in invalid["error"]["data"]["params"]
    )


def test_read_only_fields_are_ignored(sim: WooCommerceSimulator) -> None:
    product = (
        client(sim)
        .post(
            "products", json={"name": "A", "price": "99", "total_sales": 5, "regular_price": "10"}
        )
        .json()
    )
    assert product["price"] == "10" and product["total_sales"] == 0
    order = (
        client(sim)
        .post(
            "orders",
            json={
                "number": "1042",
                "total": "1.00",
                "line_items": [{"product_id": product["id"], "quantity": 2}],
            },
        )
        .json()
    )
    assert order["number"] == str(order["id"]) and order["total"] == "20.00"


def test_processing_reduces_stock_unless_the_line_says_it_was_reduced(
    sim: WooCommerceSimulator,
) -> None:
    http = client(sim)
    product = http.post(
        "products",
        json={"name": "A", "regular_price": "5", "manage_stock": True, "stock_quantity": 10},
    ).json()
    plain = http.post(
        "orders", json={"line_items": [{"product_id": product["id"], "quantity": 2}]}
    ).json()
    assert (
        http.get(f"products/{product['id']}").json()["stock_quantity"] == 10
    )  # pending: untouched
    http.put(f"orders/{plain['id']}", json={"status": "processing"})
    assert http.get(f"products/{product['id']}").json()["stock_quantity"] == 8
    notes = http.get(f"orders/{plain['id']}/notes").json()
    assert any("Stock levels reduced" in n["note"] for n in notes)
    marked = {
        "product_id": product["id"],
        "quantity": 3,
        "meta_data": [{"key": "_reduced_stock", "value": "3"}],
    }
    http.post("orders", json={"status": "processing", "line_items": [marked]})
    assert http.get(f"products/{product['id']}").json()["stock_quantity"] == 8
    paid = {
        "set_paid": True,
        "billing": {"email": "b@example.com"},
        "line_items": [{"product_id": product["id"], "quantity": 1}],
    }
    http.post("orders", json=paid)
    assert http.get(f"products/{product['id']}").json()["stock_quantity"] == 7
    assert {e.template for e in sim.emails} >= {"new_order", "customer_processing_order"}


def test_brands_and_tracking_routes_can_be_absent(make_sim: Any) -> None:
    sim = make_sim(brands=False, shipment_tracking=False)
    response = client(sim).get("products/brands")
    assert response.status_code == 404 and response.json()["code"] == "rest_no_route"


def test_faults_are_seeded_and_lost_answers_are_applied(make_sim: Any) -> None:
    sim = make_sim(faults=FaultPlan(rate=1.0, seed=1, kinds=("lost",)))
    with pytest.raises(httpx.ReadTimeout):
        client(sim).post("products", json={"name": "A"})
    assert len(sim.store.products) == 1 and sim.injected == ["lost"]


def test_rate_limit_answers_429_with_retry_after(make_sim: Any) -> None:
    sim = make_sim(rate_limit=(2, 10.0))
    http = client(sim)
    assert [http.get("products").status_code for _ in range(3)] == [200, 200, 429]
    assert int(http.get("products").headers["Retry-After"]) >= 1 and sim.throttled == 2
    sim.clock.advance(10)
    assert http.get("products").status_code == 200


def test_wsgi_app_serves_the_same_store(sim: WooCommerceSimulator) -> None:
    sim.seed("products", {"name": "A"})
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, {k.lower(): v for k, v in headers}

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/wp-json/wc/v3/products",
        "QUERY_STRING": "per_page=5",
        "HTTP_AUTHORIZATION": next(
            httpx.BasicAuth(KEY, SECRET).auth_flow(httpx.Request("GET", "https://x"))
        ).headers["Authorization"],
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "https",
        "HTTP_HOST": "shop.example",
    }
    body = b"".join(sim.wsgi_app(environ, start))
    assert seen["status"].startswith("200") and seen["headers"]["x-wp-total"] == "1"
    assert [p["name"] for p in json.loads(body)] == ["A"]


def test_sample_store_loads(shared_dir: Any) -> None:
    sim = load_sample_store(shared_dir / "data" / "woocommerce-sample-data" / "sample_products.csv")
    variable = [p for p in sim.store.products.values() if p["type"] == "variable"]
    assert len(variable) == 2 and len(sim.store.variations) == 7
    assert {c["name"] for c in sim.store.categories.values()} >= {"Clothing", "Tshirts", "Music"}
