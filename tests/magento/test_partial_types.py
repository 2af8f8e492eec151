"""Bundles and downloadable products read from Magento (scenario in ``_partial_types``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from cartmigrate import Product
from cartmigrate.testing.magento import MagentoSimulator

from ._partial_types import DOMAIN, partial_types_read, partial_types_reported


def _client(sim: MagentoSimulator) -> httpx.Client:
    return httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )


def _post(sim: MagentoSimulator) -> Any:
    client = _client(sim)

    def post(product: Mapping[str, Any]) -> Any:
        return client.post("products", json={"product": product}).raise_for_status().json()

    return post


def test_bundles_and_downloads_are_read_as_far_as_the_models_hold_them(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    sim.store.downloadable_domains.add(DOMAIN)
    cart = make_cart(sim)
    partial_types_read(cart, _post(sim))
    partial_types_reported(cart)


def test_a_download_url_on_an_unlisted_host_is_refused_as_the_real_store_does(
    sim: MagentoSimulator,
) -> None:
    product = {
        "sku": "PT-X",
        "name": "X",
        "attribute_set_id": 4,
        "type_id": "downloadable",
        "extension_attributes": {
            "downloadable_product_links": [
                {"title": "A", "link_type": "url", "link_url": "https://127.0.0.1/a.pdf"}
            ]
        },
    }
    sim.store.downloadable_domains.add("127.0.0.1")  # an IP address never passes
    response = _client(sim).post("products", json={"product": product})
    assert response.status_code == 400
    assert "downloadable_domains" in response.json()["message"]


def test_a_configurable_childs_option_value_without_a_label_is_reported(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    conf = sim.store.product_by_sku("RM-CONF-1")
    child_id = conf["configurable_product_links"][0]
    child = sim.store.products[child_id]
    child["custom_attributes"]["color"] = "999"  # an option id the attribute does not hold
    cart = make_cart(sim)
    read = cart.get_many(Product, [str(conf["id"])])[str(conf["id"])]
    [(kind, sid, field, why)] = cart.take_not_read()
    assert (kind, sid, field) == (Product, str(conf["id"]), f"variants[{child_id}].options.Color")
    assert "'999'" in why and "'color'" in why
    assert len(read.variants) == 2
