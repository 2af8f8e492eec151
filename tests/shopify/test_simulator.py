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


SET = """mutation S($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {
  customerSet(input: $input, identifier: $identifier) {
    customer { id } userErrors { field message code } } }"""
DEFINE = """mutation D($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id } userErrors { field message code } } }"""
CUSTOM = {"customId": {"namespace": "cartmigrate", "key": "source_ref", "value": "s:customer:1"}}


def _define(sim: ShopifySimulator, owner: str = "CUSTOMER") -> Any:
    definition = {
        "name": "ref",
        "namespace": "cartmigrate",
        "key": "source_ref",
        "type": "id",
        "ownerType": owner,
    }
    return post(sim, DEFINE, {"definition": definition}).json()["data"]


def test_custom_ids_need_a_definition_and_upsert(sim: ShopifySimulator) -> None:
    refused = post(sim, SET, {"input": {"email": "a@example.com"}, "identifier": CUSTOM}).json()
    assert refused["data"]["customerSet"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert _define(sim)["metafieldDefinitionCreate"]["userErrors"] == []
    again = _define(sim)["metafieldDefinitionCreate"]["userErrors"]
    assert [e["code"] for e in again] == ["TAKEN"]
    first = post(sim, SET, {"input": {"email": "a@example.com"}, "identifier": CUSTOM}).json()
    second = post(sim, SET, {"input": {"firstName": "Ann"}, "identifier": CUSTOM}).json()
    ids = {r["data"]["customerSet"]["customer"]["id"] for r in (first, second)}
    assert len(ids) == 1 and len(sim.store.customers) == 1  # the second updated the first
    [record] = sim.store.customers.values()
    assert (record["email"], record["firstName"]) == ("a@example.com", "Ann")


def test_a_custom_id_is_unique_per_owner_type(sim: ShopifySimulator) -> None:
    _define(sim)
    create = """mutation C($input: CustomerInput!) {
      customerCreate(input: $input) { customer { id } userErrors { field message } } }"""
    field = {"namespace": "cartmigrate", "key": "source_ref", "value": "s:1", "type": "id"}
    ok = post(sim, create, {"input": {"email": "a@example.com", "metafields": [field]}}).json()
    assert ok["data"]["customerCreate"]["userErrors"] == []
    taken = post(sim, create, {"input": {"email": "b@example.com", "metafields": [field]}}).json()
    [error] = taken["data"]["customerCreate"]["userErrors"]
    assert error["message"] == "Value is already taken by another resource"
    assert len(sim.store.customers) == 1


def test_searches_lag_behind_writes_but_look_ups_do_not(
    schema: graphql.GraphQLSchema, clock: FakeClock
) -> None:
    sim = ShopifySimulator(schema=schema, clock=clock, access_token=TOKEN, search_lag=60)
    _define(sim)
    post(sim, SET, {"input": {"email": "a@example.com"}, "identifier": CUSTOM})
    search = 'query { customers(first: 5, query: "email:a@example.com") { nodes { id } } }'
    by_id = """query L($identifier: CustomerIdentifierInput!) {
      customerByIdentifier(identifier: $identifier) { id } }"""
    assert post(sim, search).json()["data"]["customers"]["nodes"] == []
    assert post(sim, by_id, {"identifier": CUSTOM}).json()["data"]["customerByIdentifier"]
    clock.sleep(61)
    assert len(post(sim, search).json()["data"]["customers"]["nodes"]) == 1


def test_one_bulk_mutation_at_a_time(sim: ShopifySimulator) -> None:
    stage = """mutation U($input: [StagedUploadInput!]!) {
      stagedUploadsCreate(input: $input) { stagedTargets { url parameters { name value } } } }"""
    run = """mutation R($m: String!, $p: String!) {
      bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) {
        bulkOperation { id status } userErrors { code } } }"""
    inner = (
        "mutation M($input: CustomerInput!) { customerCreate(input: $input) { customer { id } } }"
    )
    item = {"resource": "BULK_MUTATION_VARIABLES", "filename": "b.jsonl", "mimeType": "text/jsonl"}
    [target] = post(sim, stage, {"input": [item]}).json()["data"]["stagedUploadsCreate"][
        "stagedTargets"
    ]
    fields = {p["name"]: p["value"] for p in target["parameters"]}
    lines = b"".join(b'{"input": {"email": "b%d@example.com"}}\n' % n for n in range(30))
    with httpx.Client(transport=sim.transport) as client:
        uploaded = client.post(target["url"], data=fields, files={"file": ("b.jsonl", lines)})
        assert uploaded.status_code == 201
    first = post(sim, run, {"m": inner, "p": fields["key"]}).json()["data"]
    busy = post(sim, run, {"m": inner, "p": fields["key"]}).json()["data"]
    assert first["bulkOperationRunMutation"]["bulkOperation"]["status"] in ("CREATED", "RUNNING")
    assert busy["bulkOperationRunMutation"]["userErrors"] == [{"code": "OPERATION_IN_PROGRESS"}]
    sim.clock.sleep(30 / sim.bulk.rate)
    status = """query S($id: ID!) { bulkOperation(id: $id) { status objectCount url } }"""
    operation_id = first["bulkOperationRunMutation"]["bulkOperation"]["id"]
    done = post(sim, status, {"id": operation_id}).json()["data"]["bulkOperation"]
    assert done["status"] == "COMPLETED" and done["objectCount"] == "30"
    assert len(sim.store.customers) == 30
    with httpx.Client(transport=sim.transport) as client:
        assert len(client.get(done["url"]).text.splitlines()) == 30
