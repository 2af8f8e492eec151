"""The simulator against the real store: the same requests, answered alike (>= 95%).

The simulator is loaded with the real store's own rows (read through the
webservice), then both get the same requests: lists, filters, paging, single
objects, errors, writes. Two answers are alike when their status is the same
and their bodies have the same shape: the same error codes (leaving out the
PHP-warning entries, code 3, which depend on the server's PHP), the same ids
in a list, the same fields on each object, and for a read the same values
(dates of objects written during the test aside).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from cartmigrate.connectors.prestashop._xml import Assoc, Lang, xml_body
from cartmigrate.testing.prestashop import PrestaShopSimulator

from .._stores import RealStore
from .conftest import API

SNAPSHOT = [
    "specific_prices",
    "products",
    "combinations",
    "stock_availables",
    "categories",
    "manufacturers",
    "customers",
    "addresses",
    "carts",
    "orders",
    "order_histories",
    "order_carriers",
    "order_states",
    "product_options",
    "product_option_values",
    "countries",
    "states",
    "currencies",
    "languages",
    "carriers",
    "groups",
    "configurations",
]
READ_ONLY = [
    "specific_prices",
    "products",
    "combinations",
    "stock_availables",
    "categories",
    "manufacturers",
    "customers",
    "addresses",
    "orders",
    "order_histories",
    "order_carriers",
    "order_states",
    "product_options",
    "product_option_values",
    "currencies",
    "languages",
    "carriers",
    "groups",
]

Request = tuple[str, str, dict[str, str], bytes | None]


def _requests(next_history: int) -> list[Request]:
    json_ = {"output_format": "JSON"}
    found: list[Request] = []
    for resource in READ_ONLY:
        found += [
            ("GET", resource, {**json_, "sort": "[id_ASC]"}, None),
            (
                "GET",
                resource,
                {**json_, "display": "full", "sort": "[id_ASC]", "limit": "0,5"},
                None,
            ),
            ("GET", f"{resource}/1", json_, None),
            ("GET", f"{resource}/999999", json_, None),
        ]
    found += [
        (
            "GET",
            "products",
            {**json_, "filter[reference]": "[demo_1]", "display": "[id,reference]"},
            None,
        ),
        (
            "GET",
            "products",
            {**json_, "filter[id]": ">[5]", "sort": "[id_ASC]", "limit": "0,3"},
            None,
        ),
        ("GET", "products", {**json_, "filter[id]": "[2,4]", "sort": "[id_DESC]"}, None),
        ("GET", "products", {**json_, "filter[id]": "[1|3|5]", "sort": "[id_ASC]"}, None),
        ("GET", "products", {**json_, "filter[date_upd]": "[2000-01-01,2999-01-01]"}, None),
        (
            "GET",
            "products",
            {
                **json_,
                "filter[date_upd]": "[2000-01-01,2999-01-01]",
                "date": "1",
                "sort": "[id_ASC]",
            },
            None,
        ),
        ("GET", "products", {**json_, "filter[nope]": "[1]"}, None),
        ("GET", "products", {**json_, "display": "[id,nope]"}, None),
        ("GET", "products", {**json_, "sort": "[nope_ASC]"}, None),
        ("GET", "products", {**json_, "limit": "500,5"}, None),
        ("GET", "products", {**json_, "limit": "abc"}, None),
        ("GET", "products/1", {**json_, "display": "[id,reference]"}, None),
        ("GET", "customers", {**json_, "filter[email]": "[pub@prestashop.com]"}, None),
        ("GET", "orders", {**json_, "filter[current_state]": "[1|10]", "sort": "[id_ASC]"}, None),
        (
            "GET",
            "stock_availables",
            {**json_, "filter[id_product]": "[1]", "display": "full", "sort": "[id_ASC]"},
            None,
        ),
        (
            "GET",
            "order_histories",
            {**json_, "filter[id_order]": "[1]", "display": "full", "sort": "[id_ASC]"},
            None,
        ),
        ("GET", "nowhere", json_, None),
    ]

    def post(resource: str, element: str, fields: dict[str, Any]) -> Request:
        return ("POST", resource, json_, xml_body(element, fields, languages=[1]))

    def patch(resource: str, element: str, id: int, fields: dict[str, Any]) -> Request:
        body = xml_body(element, {"id": id, **fields}, languages=[1])
        return ("PATCH", f"{resource}/{id}", json_, body)

    category = {
        "name": Lang("Fidelity"),
        "link_rewrite": Lang("fidelity"),
        "id_parent": 2,
        "active": 1,
    }
    found += [
        post("categories", "category", category),
        post("categories", "category", {"name": Lang("No slug"), "id_parent": 2}),
        post("manufacturers", "manufacturer", {"name": "Fidelity Works", "active": 1}),
        post(
            "customers",
            "customer",
            {
                "firstname": "Ada",
                "lastname": "Byron",
                "email": "pub@prestashop.com",
                "passwd": "pw12345678",
            },
        ),
        post("stock_availables", "stock_available", {"id_product": 1, "quantity": 1}),
        post("categories", "category", {**category, "id": 3}),
        patch("products", "product", 3, {"price": "31.000000"}),
        patch("products", "product", 999999, {"price": "1"}),
        patch("products", "product", 3, {"manufacturer_name": "x"}),
        patch("stock_availables", "stock_available", 3, {"quantity": 1499}),
        ("GET", "stock_availables/3", json_, None),
        ("GET", "products/3", {**json_, "display": "[id,price]"}, None),
        ("POST", "products", json_, b'{"product": {"name": "json"}}'),
        post(
            "combinations",
            "combination",
            {
                "id_product": 19,
                "minimal_quantity": 1,
                "associations": {
                    "product_option_values": Assoc("product_option_value", [{"id": 1}])
                },
            },
        ),
        ("DELETE", "manufacturers/999999", {}, None),
    ]
    return found + _order_path(post, patch, next_history)


def _order_path(
    post: Callable[[str, str, dict[str, Any]], Request],
    patch: Callable[[str, str, int, dict[str, Any]], Request],
    history: int,
) -> list[Request]:
    """What the connector sends to write a historical order (see ``_order_writes``):
    the state's e-mail off, a cart with a marker, a cart-bound price, the order born
    in state 8, its edits, the state moved without e-mails, the rows edited, deleted."""
    json_ = {"output_format": "JSON"}
    marker = "cartmigrate: migrating order F1"
    row = {"id_product": 1, "id_product_attribute": 1, "id_address_delivery": 5, "quantity": 2}
    return [
        patch("order_states", "order_state", 8, {"send_email": "0"}),
        ("GET", "order_states", {**json_, "filter[id]": "[8]", "display": "[id,send_email]"}, None),
        post(
            "carts",
            "cart",
            {
                "id_currency": 1,
                "id_lang": 1,
                "id_customer": 2,
                "id_address_delivery": 5,
                "id_address_invoice": 5,
                "id_carrier": 2,
                "gift": 0,
                "gift_message": marker,
                "associations": {"cart_rows": Assoc("cart_row", [row])},
            },
        ),
        ("GET", "carts", {**json_, "filter[gift_message]": f"[{marker}]", "display": "[id]"}, None),
        post(
            "specific_prices",
            "specific_price",
            {
                "id_shop": 0,
                "id_shop_group": 0,
                "id_cart": 6,
                "id_product": 1,
                "id_product_attribute": 1,
                "id_currency": 0,
                "id_country": 0,
                "id_group": 0,
                "id_customer": 0,
                "price": "11.110000",
                "from_quantity": 1,
                "reduction": 0,
                "reduction_tax": 0,
                "reduction_type": "amount",
                "from": "0000-00-00 00:00:00",
                "to": "0000-00-00 00:00:00",
            },
        ),
        ("GET", "specific_prices", {**json_, "filter[id_cart]": "[6]", "display": "[id]"}, None),
        post(
            "orders",
            "order",
            {
                "id_cart": 6,
                "id_customer": 2,
                "id_address_delivery": 5,
                "id_address_invoice": 5,
                "id_currency": 1,
                "id_lang": 1,
                "id_carrier": 2,
                "module": "ps_checkpayment",
                "payment": "Migrated",
                "total_paid": "0",
                "total_paid_real": "0",
                "total_products": "0",
                "total_products_wt": "0",
                "conversion_rate": "1",
            },
        ),
        (
            "GET",
            "orders",
            {
                **json_,
                "filter[gift_message]": f"[{marker}]",
                "display": "[id,current_state,gift_message,id_cart,valid,total_products]",
            },
            None,
        ),
        ("GET", "stock_availables/20", json_, None),
        patch(
            "orders",
            "order",
            6,
            {
                "reference": "F1",
                "note": "cartmigrate: source order F1, placed 2024-05-01T12:00:00+00:00",
                "date_add": "2024-05-01 12:00:00",
                "total_paid": "30.220000",
                "total_shipping_tax_excl": "8.000000",
            },
        ),
        post("order_histories", "order_history", {"id_order": 6, "id_order_state": 1}),
        post("order_histories", "order_history", {"id_order": 6, "id_order_state": 4}),
        ("GET", "stock_availables/20", json_, None),
        (
            "GET",
            "order_histories",
            {
                **json_,
                "filter[id_order]": "[6]",
                "display": "[id,id_order_state]",
                "sort": "[id_ASC]",
            },
            None,
        ),
        patch(
            "order_histories",
            "order_history",
            history,
            {"id_order_state": 1, "date_add": "2024-05-01 12:00:00"},
        ),
        ("DELETE", f"order_histories/{history + 1}", {}, None),
        patch("order_details", "order_detail", 8, {"product_name": "Source line"}),
        patch("order_carriers", "order_carrier", 6, {"tracking_number": "TRK-F1"}),
        patch("orders", "order", 6, {"gift_message": ""}),
        patch("order_states", "order_state", 8, {"send_email": "1"}),
        (
            "GET",
            "orders",
            {
                **json_,
                "filter[id]": "[6]",
                "display": "[id,current_state,reference,note,valid,total_paid,gift_message]",
            },
            None,
        ),
        (
            "GET",
            "order_histories",
            {
                **json_,
                "filter[id_order]": "[6]",
                "display": "[id,id_order_state,date_add]",
                "sort": "[id_ASC]",
            },
            None,
        ),
        (
            "GET",
            "order_carriers",
            {
                **json_,
                "filter[id_order]": "[6]",
                "display": "[id,id_order,id_carrier,tracking_number]",
            },
            None,
        ),
        ("GET", "stock_availables/20", json_, None),
        ("DELETE", "order_details/8", {}, None),
        ("DELETE", "order_carriers/6", {}, None),
        ("DELETE", "orders/6", {}, None),
        ("GET", "orders/6", json_, None),
    ]


def _codes(body: Any) -> list[int]:
    errors = body.get("errors", []) if isinstance(body, dict) else []
    return [int(e.get("code", 0)) for e in errors if int(e.get("code", 0)) != 3]


def _shape(response: httpx.Response, *, values: bool) -> Any:
    """What two answers must share to be alike."""
    text = response.text.strip()
    try:
        body = json.loads(text) if text else None
    except ValueError:
        return (response.status_code, "text", text[:40])
    if isinstance(body, dict) and "errors" in body:
        return (response.status_code, "errors", _codes(body))
    if isinstance(body, dict) and len(body) == 1:
        ((key, inner),) = body.items()
        if isinstance(inner, list):
            items = [{k: v for k, v in item.items() if values or k == "id"} for item in inner]
            return (response.status_code, key, _without_dates(items))
        if isinstance(inner, dict):
            fields = _without_dates(inner) if values else sorted(inner)
            return (response.status_code, key, fields)
    return (response.status_code, "json", body if values else type(body).__name__)


def _without_dates(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_dates(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_dates(v) for k, v in value.items() if k not in ("date_add", "date_upd")}
    return value


def test_the_simulator_answers_like_the_real_store(real_prestashop: RealStore) -> None:
    real_prestashop.reset()
    key = real_prestashop.credentials["PS_WS_KEY"]
    real = httpx.Client(base_url=f"{API}/", auth=(key, ""), timeout=60)
    snapshot: dict[str, list[dict[str, Any]]] = {}
    for resource in SNAPSHOT:
        body = real.get(resource, params={"output_format": "JSON", "display": "full"}).json()
        snapshot[resource] = body.get(resource, []) if isinstance(body, dict) else []
    sim = PrestaShopSimulator(key=key, host="127.0.0.1:8090", sample=False)
    sim.load(snapshot)
    offline = httpx.Client(base_url=f"{API}/", auth=(key, ""), transport=sim.transport, timeout=60)
    history = max(int(r["id"]) for r in snapshot["order_histories"]) + 1
    requests = _requests(history)
    mails = real_prestashop.mails()
    unlike: list[str] = []
    try:
        for method, path, params, body in requests:
            answers = [
                client.request(method, path, params=params, content=body)
                for client in (real, offline)
            ]
            read = method == "GET"
            shapes = [_shape(a, values=read) for a in answers]
            if shapes[0] != shapes[1]:
                unlike.append(
                    f"{method} {path} {params}: real {shapes[0]!r:.300} / sim {shapes[1]!r:.300}"
                )
        for auth in (None, ("BADKEYBADKEYBADKEYBADKEYBADKEY00", "")):
            answers = [
                httpx.get(f"{API}/products", params={"output_format": "JSON"}, auth=auth),
                httpx.Client(transport=sim.transport).get(
                    f"{API}/products", params={"output_format": "JSON"}, auth=auth
                ),
            ]
            requests.append(("GET", "products", {"auth": str(auth is not None)}, None))
            shapes = [_shape(a, values=True) for a in answers]
            if shapes[0] != shapes[1]:
                unlike.append(f"auth {auth is not None}: real {shapes[0]!r} / sim {shapes[1]!r}")
    finally:
        real.close()
        offline.close()
        real_prestashop.reset()
    assert real_prestashop.mails() == mails, "the order path sent no e-mail"
    alike = 1 - len(unlike) / len(requests)
    print(f"simulator fidelity: {len(requests) - len(unlike)}/{len(requests)} = {alike:.1%}")
    print("\n".join(unlike))
    assert alike >= 0.95, "\n".join(unlike)
