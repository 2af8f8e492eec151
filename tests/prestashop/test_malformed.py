"""A malformed record read beside an entity (an address of a customer) fails
that entity alone, as an ``InvalidEntity`` naming the field where it was."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from cartmigrate import Customer, Order, Product
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing.prestashop import PrestaShopSimulator


def test_a_bad_address_fails_its_customer_naming_the_field(
    sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        if request.url.path != "/api/addresses" or not response.content.startswith(b"{"):
            return response
        body = json.loads(response.content)
        for row in body.get("addresses", []):
            row["city"] = ["not", "a", "city"]
        return httpx.Response(200, json=body)

    good = {c.id: c for c in make_cart(sim).read(Customer)}
    cart = make_cart(sim, transport=httpx.MockTransport(handle))
    read = {c.id for c in cart.read(Customer)}
    unreadable = cart.take_unreadable()
    with_addresses = {i for i, c in good.items() if c.addresses}
    assert with_addresses and read == set(good) - with_addresses
    assert {(k, i) for k, i, _ in unreadable} == {(Customer, i) for i in with_addresses}
    assert all(e.field == "addresses[0].city" for _, _, e in unreadable), unreadable


def _mangled(
    sim: PrestaShopSimulator, path: str, key: str, bad: object
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        if request.url.path != f"/api/{path}" or not response.content.startswith(b"{"):
            return response
        body = json.loads(response.content)
        for row in body.get(path, []):
            row[key] = bad
        return httpx.Response(200, json=body)

    return handle


def test_a_bad_combination_fails_its_product_naming_the_variant_field(
    sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]
) -> None:
    good = {p.id: p for p in make_cart(sim).read(Product)}
    handle = _mangled(sim, "combinations", "price", "1,5")
    cart = make_cart(sim, transport=httpx.MockTransport(handle))
    read = {p.id for p in cart.read(Product)}
    unreadable = cart.take_unreadable()
    with_variants = {i for i, p in good.items() if p.variants}
    assert with_variants and read == set(good) - with_variants
    assert {(k, i) for k, i, _ in unreadable} == {(Product, i) for i in with_variants}
    assert all(e.field == "variants[0].price" for _, _, e in unreadable), unreadable


def test_a_bad_history_row_fails_its_order_naming_the_field(
    sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]
) -> None:
    good = {o.id: o for o in make_cart(sim).read(Order)}
    handle = _mangled(sim, "order_histories", "date_add", "2024-13-45 99:00:00")
    cart = make_cart(sim, transport=httpx.MockTransport(handle))
    read = {o.id for o in cart.read(Order)}
    unreadable = cart.take_unreadable()
    with_history = {i for i, o in good.items() if o.status_history}
    assert with_history and read == set(good) - with_history
    assert all(e.field == "status_history[0].date_add" for _, _, e in unreadable), unreadable
