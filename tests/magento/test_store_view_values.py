"""Updates reach a store view's own values (scenario in ``_store_view_values``)."""

from __future__ import annotations

from typing import Any

import httpx

from cartmigrate.testing.magento import MagentoSimulator

from ._store_view_values import store_view_values


def test_an_update_reaches_the_store_views_own_values(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )
    store_view_values(
        make_cart(sim), lambda path, body: client.put(path, json=body).raise_for_status().json()
    )
