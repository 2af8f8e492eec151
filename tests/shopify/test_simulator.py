"""The simulator behaves as Shopify's documentation says."""

from __future__ import annotations

import io
from typing import Any

import graphql
import httpx
import pytest

from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator

from .conftest import TOKEN

URL = "https://example.myshopify.com/admin/api/2025-01/graphql.json"


def post(
    sim: ShopifySimulator, query: str, variables: dict[str, Any] | None = None, token: str = TOKEN
) -> httpx.Response:
    with httpx.Client(transport=sim.transport) as client:
        return client.post(
            URL,
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": token},
        )


CREATE = """mutation C($input: CustomerInput!) {
  customerCreate(input: $input) { customer { id email } userErrors { field message } }
}"""


def test_bad_token_is_401(sim: ShopifySimulator) -> None:
    response = post(sim, "{ shop { name } }", token="wrong")
    assert response.status_code == 401
    assert "Invalid API key or access token" in response.text


def test_invalid_document_is_refused_with_200_errors(sim: ShopifySimulator) -> None:
    response = post(sim, "{ products(first: 1) { nodes { noSuchField } } }")
    assert response.status_code == 200
    assert "noSuchField" in response.json()["errors"][0]["message"]


def test_gids_user_errors_and_cost_extension(sim: ShopifySimulator) -> None:
    body = post(sim, CREATE, {"input": {"email": "a@example.com"}}).json()
    assert body["data"]["customerCreate"]["customer"]["id"].startswith("gid://shopify/Customer/")
    assert body["extensions"]["cost"]["requestedQueryCost"] == 10
    status = body["extensions"]["cost"]["throttleStatus"]
    assert status == {"maximumAvailable": 1000.0, "currentlyAvailable": 990.0, "restoreRate": 50.0}
    again = post(sim, CREATE, {"input": {"email": "A@example.com"}}).json()
    assert again["data"]["customerCreate"]["userErrors"] == [
        {"field": ["email"], "message": "Email has already been taken"}
    ]


def test_cursor_pagination(sim: ShopifySimulator) -> None:
    for n in range(5):
        post(sim, CREATE, {"input": {"email": f"c{n}@example.com"}})
    query = """query Q($after: String) { customers(first: 2, after: $after) {
        nodes { email } pageInfo { hasNextPage endCursor } } }"""
    emails: list[str] = []
    after = None
    while True:
        page = post(sim, query, {"after": after}).json()["data"]["customers"]
        emails += [n["email"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert emails == [f"c{n}@example.com" for n in range(5)]


def test_search_filters(sim: ShopifySimulator) -> None:
    for n in range(3):
        post(sim, CREATE, {"input": {"email": f"c{n}@example.com"}})
    query = 'query { customers(first: 5, query: "email:\\"c1@example.com\\"") { nodes { email } } }'
    assert post(sim, query).json()["data"]["customers"]["nodes"] == [{"email": "c1@example.com"}]


def test_bucket_throttles_and_restores(schema: graphql.GraphQLSchema) -> None:
    clock = FakeClock()
    sim = ShopifySimulator(
        schema=schema, clock=clock, access_token=TOKEN, capacity=30, restore_rate=10
    )
    for n in range(3):
        assert "data" in post(sim, CREATE, {"input": {"email": f"x{n}@example.com"}}).json()
    body = post(sim, CREATE, {"input": {"email": "late@example.com"}}).json()
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "data" not in body  # nothing was applied
    assert sim.bucket.lowest >= 0
    clock.sleep(1.0)  # 10 points restored
    assert "data" in post(sim, CREATE, {"input": {"email": "late@example.com"}}).json()


def test_query_over_max_cost_is_refused(sim: ShopifySimulator) -> None:
    query = "{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }"
    error = post(sim, query).json()["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"


def test_orders_are_named_from_1001(sim: ShopifySimulator) -> None:
    mutation = """mutation O($order: OrderCreateOrderInput!) {
      orderCreate(order: $order) { order { name } userErrors { field message } } }"""
    line = {
        "title": "Thing",
        "quantity": 1,
        "priceSet": {"shopMoney": {"amount": "1.00", "currencyCode": "USD"}},
    }
    first = post(sim, mutation, {"order": {"lineItems": [line]}}).json()
    second = post(sim, mutation, {"order": {"lineItems": [line]}}).json()
    assert first["data"]["orderCreate"]["order"]["name"] == "#1001"
    assert second["data"]["orderCreate"]["order"]["name"] == "#1002"


def test_faults(sim: ShopifySimulator) -> None:
    sim.fail_next("5xx", "timeout", "lost")
    assert post(sim, CREATE, {"input": {"email": "a@example.com"}}).status_code == 503
    with pytest.raises(httpx.ReadTimeout):
        post(sim, CREATE, {"input": {"email": "a@example.com"}})
    assert not sim.store.customers  # neither fault applied anything
    with pytest.raises(httpx.ReadTimeout):
        post(sim, CREATE, {"input": {"email": "a@example.com"}})
    assert len(sim.store.customers) == 1  # "lost": applied, answer lost
    assert [r.fault for r in sim.requests] == ["5xx", "timeout", "lost"]


def test_wsgi_app_serves_the_same_api(sim: ShopifySimulator) -> None:
    body = b'{"query": "{ location { id } }"}'
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/admin/api/2025-01/graphql.json",
        "HTTP_HOST": "example.myshopify.com",
        "HTTP_X_SHOPIFY_ACCESS_TOKEN": TOKEN,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "https",
    }
    statuses: list[str] = []
    out = b"".join(sim.wsgi_app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert sim.location_gid.encode() in out
