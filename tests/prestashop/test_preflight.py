"""Issue #11 and the JSON answers for PrestaShop: a wrong key ends a call with
one failure and no writes; a read-only key is told from ``GET /api`` without
writing; a 200 that is not JSON is retried (or an unknown outcome), never a
``json.JSONDecodeError``."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from cartmigrate import Category, Customer, Manufacturer, MemoryCart, Product, SyncEngine
from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.connectors.prestashop._access import READS
from cartmigrate.testing.prestashop import PrestaShopSimulator

MakeCart = Callable[..., PrestaShopCart]

#: The real store's PS_WS_KEY_RO (see its README): GET/HEAD on four resources.
READ_ONLY = dict.fromkeys(
    ("products", "combinations", "stock_availables", "categories"), ("GET", "HEAD")
)


def _source() -> MemoryCart:
    return MemoryCart(
        [Category(id="c1", name="Shoes", slug="shoes"), Customer(id="u1", email="a@b.example")]
    )


def test_check_access_is_one_get_of_the_index(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    cart.check_access()
    assert [(r.method, r.resource) for r in sim.requests] == [("GET", "")]


@pytest.mark.parametrize("side", ["source", "target"])
def test_a_wrong_key_is_one_failure_and_nothing_is_written(
    sim: PrestaShopSimulator, make_cart: MakeCart, side: str
) -> None:
    shop = make_cart(sim, key="WRONGKEYWRONGKEYWRONGKEYWRONGKEY")
    source, target = (shop, MemoryCart()) if side == "source" else (_source(), shop)
    report = SyncEngine(source, target).full_migrate()
    assert [f.error for f in report.failures] == ["AuthenticationError"]
    assert f"{side} prestashop:https://shop.example" in report.failures[0].message
    assert report.total("created") == 0
    assert [(r.method, r.resource) for r in sim.requests] == [("GET", "")]
    assert "WRONGKEY" not in str(report.failures[0])


def test_the_full_key_lacks_nothing(cart: PrestaShopCart) -> None:
    assert cart.check_permissions(write=False) == []
    assert cart.check_permissions(write=True) == []


def test_a_read_only_key_is_told_without_writing(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    sim.add_key("READONLYKEYREADONLYKEYREADONLY02", READ_ONLY)
    shop = make_cart(sim, key="READONLYKEYREADONLYKEYREADONLY02")
    as_source = shop.check_permissions(write=False)
    (unread,) = as_source
    assert "cannot GET" in unread and "orders" in unread and "customers" in unread
    assert "products" not in unread.split(";")[0].split("GET ")[1].split(", ")
    as_target = shop.check_permissions(write=True)
    assert as_target[0] == unread
    assert [p.split(" ")[4] for p in as_target[1:]] == ["POST", "PATCH", "DELETE"]
    report = SyncEngine(_source(), shop).check()
    assert not report.ok
    assert {c.message for c in report.failures} == set(as_target)
    assert {r.method for r in sim.requests} == {"GET"}


def test_a_key_without_one_resource_names_it(sim: PrestaShopSimulator, make_cart: MakeCart) -> None:
    everything = ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")
    granted = {name: everything for name in READS if name != "order_histories"}
    sim.add_key("ALMOSTEVERYTHINGKEY0000000000003", granted)
    shop = make_cart(sim, key="ALMOSTEVERYTHINGKEY0000000000003")
    assert shop.check_permissions(write=False) == [
        "the webservice key cannot GET order_histories; tick GET"
        " (Advanced Parameters > Webservice > the key's permissions)"
    ]


def _html_first(sim: PrestaShopSimulator, method: str, resource: str) -> httpx.MockTransport:
    """Answers the first ``method`` on ``resource`` with an HTML 200 (after doing it)."""
    done: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        response = sim.handle(request)
        path = request.url.path.removeprefix("/api/").split("/")[0]
        if not done and request.method == method and path == resource:
            done.append(True)
            return httpx.Response(
                200, headers={"Content-Type": "text/html"}, text="<html>Bad gateway</html>"
            )
        return response

    return httpx.MockTransport(handle)


def test_an_html_page_answering_a_read_is_retried(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    shop = make_cart(sim, transport=_html_first(sim, "GET", "products"), sleep=lambda _: None)
    read = [p.id for p in shop.read(Product)]
    assert read and read == [p.id for p in make_cart(sim).read(Product)]
    assert len(sim.requests_to("GET", "products")) >= 3  # the HTML one, again, and the check


def test_an_html_page_answering_a_create_is_settled_by_looking(
    sim: PrestaShopSimulator, make_cart: MakeCart
) -> None:
    shop = make_cart(sim, transport=_html_first(sim, "POST", "manufacturers"))
    created = shop.create(Manufacturer(name="Acme Boots"))
    named = [m for m in make_cart(sim).read(Manufacturer) if m.name == "Acme Boots"]
    assert [m.id for m in named] == [created.id]  # made once, found, not sent again
