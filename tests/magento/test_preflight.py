"""Issue #11 and the JSON answers for Magento: a wrong token ends a call with
one failure and no writes, after one cheap request; a 200 that is not JSON
(an HTML error page, a cut body) is retried, or for a write an unknown
outcome that is looked up, never a ``json.JSONDecodeError``; and a bad value
in a record read beside a product (a variant) names the field where it was."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from cartmigrate import Customer, MemoryCart, SyncEngine
from cartmigrate.connectors.http import RetryPolicy
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing.magento import MagentoSimulator

from ._scenario import source_store


def test_check_access_is_one_small_request(sim: MagentoSimulator, make_cart: Any) -> None:
    cart = make_cart(sim)
    before = len(sim.requests)
    cart.check_access()
    assert [(r.method, r.template) for r in sim.requests[before:]] == [("GET", "store/storeViews")]


@pytest.mark.parametrize("side", ["source", "target"])
def test_a_wrong_token_is_one_failure_and_nothing_is_written(
    sim: MagentoSimulator, make_cart: Any, side: str
) -> None:
    shop = MagentoCart(sim.url, "wrongtokenwrongtoken0000000000", transport=sim.transport)
    source, target = (shop, MemoryCart()) if side == "source" else (source_store(2), shop)
    report = SyncEngine(source, target).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert f"{side} magento:{sim.url}" in report.failures[0].message
    assert "wrongtoken" not in str(report.failures[0])
    assert report.total("created") == 0
    assert [(r.method, r.status) for r in sim.requests] == [("GET", 401)]


def _spoiled(sim: MagentoSimulator, method: str, template: str, body: bytes) -> Any:
    """The first ``method`` on the route ``template`` is carried out, but answered
    200 with ``body``."""
    handle = sim.transport.handler  # type: ignore[attr-defined]
    done: list[bool] = []

    def serve(request: httpx.Request) -> httpx.Response:
        response = handle(request)
        if not done and request.method == method and sim.requests[-1].template == template:
            done.append(True)
            return httpx.Response(200, headers={"Content-Type": "text/html"}, content=body)
        return response

    return httpx.MockTransport(serve)


def _cart(sim: MagentoSimulator, transport: httpx.MockTransport) -> MagentoCart:
    # No wait between attempts: the test is about what is retried, not when.
    return MagentoCart(
        sim.url, sim.token, transport=transport, retry=RetryPolicy(initial=0.0, jitter=0.0)
    )


@pytest.mark.parametrize("body", [b"<html>Bad gateway</html>", b'{"items": [{"id": 1'])
def test_a_read_answered_without_json_is_retried(
    sim: MagentoSimulator, make_cart: Any, body: bytes
) -> None:
    expected = [c.email for c in make_cart(sim).read(Customer)]
    cart = _cart(sim, _spoiled(sim, "GET", "customers/search", body))
    assert [c.email for c in cart.read(Customer)] == expected


def test_a_create_answered_without_json_is_looked_up_not_repeated(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    cart = _cart(sim, _spoiled(sim, "POST", "customers", b"<html>oops</html>"))
    created = cart.create(Customer(email="new.one@example.test", first_name="New", last_name="One"))
    found = [c for c in sim.store.customers.values() if c["email"] == "new.one@example.test"]
    assert [str(c["id"]) for c in found] == [created.id]


def test_a_bad_variant_fails_its_product_naming_the_field(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    from cartmigrate import Product

    cart = make_cart(sim)
    configurable = {p.id: p for p in cart.read(Product) if p.variants}
    assert configurable
    children = {v.id for p in configurable.values() for v in p.variants}
    handle = sim.transport.handler  # type: ignore[attr-defined]

    def serve(request: httpx.Request) -> httpx.Response:
        response = handle(request)
        if sim.requests[-1].template != "products" or request.method != "GET":
            return response
        body = json.loads(response.content)
        for item in body.get("items") or ():
            if str(item.get("id")) in children:
                item["price"] = "1,5"
        return httpx.Response(200, json=body)

    spoiled = _cart(sim, httpx.MockTransport(serve))
    read = {p.id for p in spoiled.read(Product)}
    unreadable = spoiled.take_unreadable()
    assert not read & set(configurable)
    assert {i for _, i, _ in unreadable} == set(configurable)
    assert all(
        e.field is not None and e.field.startswith("variants[") and e.field.endswith("].price")
        for _, _, e in unreadable
    ), unreadable
