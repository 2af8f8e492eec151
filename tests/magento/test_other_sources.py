"""Stock at other MSI sources, said (scenario in ``_other_sources``)."""

from __future__ import annotations

from typing import Any

import httpx

from cartmigrate.testing.magento import MagentoSimulator

from ._other_sources import other_sources_said


def test_stock_at_other_sources_is_said_and_the_default_read(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )

    def post(path: str, body: Any) -> Any:
        return client.post(path, json=body).raise_for_status().json()

    other_sources_said(make_cart(sim), post)


def test_an_item_at_an_unknown_source_is_refused_as_magento_does(sim: MagentoSimulator) -> None:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )
    item = {"sku": "RM-SIMPLE-1", "source_code": "nowhere", "quantity": 1, "status": 1}
    answer = client.post("inventory/source-items", json={"sourceItems": [item]})
    assert (answer.status_code, answer.json()["message"]) == (400, "Could not save Source Item")
