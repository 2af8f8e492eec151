"""The simulator answers as the real store's README says it does."""

from __future__ import annotations

import httpx
import pytest

from cartmigrate.connectors.prestashop._xml import Assoc, Lang, xml_body
from cartmigrate.testing.prestashop import PrestaShopSimulator


@pytest.fixture
def http(sim: PrestaShopSimulator) -> httpx.Client:
    return httpx.Client(
        base_url=f"{sim.url}/api/", transport=sim.transport, auth=(sim.key, ""), timeout=5
    )


def _post(
    http: httpx.Client, resource: str, element: str, fields: dict[str, object]
) -> httpx.Response:
    body = xml_body(element, fields, languages=[1])
    return http.post(resource, params={"output_format": "JSON"}, content=body)


def test_single_get_drops_falsy_fields_lists_keep_them(http: httpx.Client) -> None:
    single = http.get("customers/1", params={"output_format": "JSON"}).json()["customer"]
    assert "active" not in single and "newsletter" not in single
    assert single["id"] == 1
    listed = http.get(
        "customers", params={"output_format": "JSON", "display": "full", "filter[id]": "[1]"}
    ).json()["customers"][0]
    assert listed["active"] == "0"


def test_paging_has_no_total_and_ends_with_an_empty_list(http: httpx.Client) -> None:
    page = http.get("products", params={"output_format": "JSON", "limit": "2,2"})
    assert page.json() == {"products": [{"id": 3}, {"id": 4}]}
    assert not any("total" in h.lower() for h in page.headers)
    assert http.get("products", params={"output_format": "JSON", "limit": "9,2"}).json() == []
    assert http.get("products", params={"output_format": "JSON", "limit": "abc"}).json() == []


def test_client_errors_come_as_500s_with_their_codes(http: httpx.Client) -> None:
    def codes(response: httpx.Response) -> list[int]:
        return [e["code"] for e in response.json()["errors"]]

    no_date = http.get("orders", params={"output_format": "JSON", "filter[date_upd]": "[2026]"})
    assert (no_date.status_code, codes(no_date)) == (500, [32])
    bad_display = http.get("orders", params={"output_format": "JSON", "display": "[id,nope]"})
    assert (bad_display.status_code, codes(bad_display)) == (500, [35])
    bad_sort = http.get("orders", params={"output_format": "JSON", "sort": "[nope_ASC]"})
    assert (bad_sort.status_code, codes(bad_sort)) == (500, [38])
    duplicate = _post(
        http,
        "customers",
        "customer",
        {"firstname": "A", "lastname": "B", "email": "pub@prestashop.com", "passwd": "x"},
    )
    assert (duplicate.status_code, codes(duplicate)) == (500, [140, 46])
    json_body = http.post("products", params={"output_format": "JSON"}, content=b'{"product": {}}')
    assert (json_body.status_code, codes(json_body)) == (500, [3, 127])
    as_xml = http.delete("manufacturers/999999")  # no output_format: errors in XML
    assert as_xml.status_code == 404 and "<code>87</code>" in as_xml.text
    stock = _post(http, "stock_availables", "stock_available", {"quantity": 1})
    assert (stock.status_code, codes(stock)) == (405, [101])
    missing = http.get("products/999", params={"output_format": "JSON"})
    assert (missing.status_code, missing.content) == (404, b"")


def test_put_replaces_patch_merges(http: httpx.Client) -> None:
    body = xml_body("product", {"id": 3, "price": "31"}, languages=[1])
    patched = http.patch("products/3", params={"output_format": "JSON"}, content=body).json()
    assert patched["product"]["id"] == "3" and patched["product"]["name"] == "Mountain poster"
    http.put("products/3", content=body)
    after = http.get("products/3", params={"output_format": "JSON"}).json()["product"]
    assert "name" not in after and after["price"] == "31"


def test_combinations_make_stock_rows_and_the_product_row_is_their_sum(
    sim: PrestaShopSimulator, http: httpx.Client
) -> None:
    made = _post(
        http,
        "combinations",
        "combination",
        {
            "id_product": 3,
            "minimal_quantity": 1,
            "associations": {"product_option_values": Assoc("product_option_value", [{"id": 1}])},
        },
    ).json()["combination"]
    row = sim.shop.stock_row(3, int(made["id"]))
    assert row is not None and row["quantity"] == "0"
    assert "default_on" not in made  # not the default by itself (and falsy: dropped)
    assert "ean13" not in made and made["id"] == str(made["id"])
    stock = xml_body("stock_available", {"id": row["id"], "quantity": 8}, languages=[1])
    http.patch(f"stock_availables/{row['id']}", content=stock)
    own = sim.shop.stock_row(3, 0)
    assert own is not None and own["quantity"] == "8"


def test_an_order_comes_from_a_cart_through_the_payment_module(
    sim: PrestaShopSimulator, http: httpx.Client
) -> None:
    cart = _post(
        http,
        "carts",
        "cart",
        {
            "id_currency": 1,
            "id_lang": 1,
            "id_customer": 2,
            "id_address_delivery": 3,
            "id_address_invoice": 3,
            "id_carrier": 1,
            "associations": {
                "cart_rows": Assoc(
                    "cart_row",
                    [
                        {
                            "id_product": 3,
                            "id_product_attribute": 0,
                            "id_address_delivery": 3,
                            "quantity": 2,
                        }
                    ],
                )
            },
        },
    ).json()["cart"]
    order_fields = {
        "id_cart": cart["id"],
        "id_customer": 2,
        "module": "ps_checkpayment",
        "payment": "Check",
        "total_paid": "58.00",
        "name": Lang("ignored"),
    }
    order = _post(http, "orders", "order", order_fields).json()["order"]
    assert "current_state" not in order  # the answer echoes what was posted
    assert sim.shop.tables["orders"][order["id"]]["current_state"] == "11"  # paid in full
    own = sim.shop.stock_row(3, 0)
    assert own is not None and own["quantity"] == "298"
    assert [m.template for m in sim.mails] == ["payment", "order_conf"]
    again = _post(http, "orders", "order", order_fields)
    assert again.status_code == 500 and "already been placed" in again.text


def test_a_state_change_moves_stock_as_prestashop_does(
    sim: PrestaShopSimulator, http: httpx.Client
) -> None:
    """OrderHistory::changeIdOrderState: 2 -> 6 puts stock back, 6 -> 1 -> 2 takes
    none, 6 -> 2 takes it; no e-mail without ?sendemail=1."""
    order = sim.shop.tables["orders"][2]  # state 4, valid: its stock was taken
    order["current_state"] = "2"

    def move(state: int) -> int:
        _post(http, "order_histories", "order_history", {"id_order": 2, "id_order_state": state})
        row = sim.shop.stock_row(3, 0)
        assert row is not None
        return int(row["quantity"])

    start = move(2)
    assert move(6) == start + 2
    assert move(1) == start + 2
    assert move(2) == start + 2
    assert move(8) == start + 4  # leaving a sold state for an error puts it back
    assert move(2) == start + 2  # and back out of the error takes it
    assert sim.mails == []
