"""A default billing address that is the default shipping one too, said
(scenario in ``_shared_default_address``)."""

from __future__ import annotations

from typing import Any

import httpx

from cartmigrate.testing.magento import MagentoSimulator

from ._shared_default_address import shared_default_said


def test_a_shared_default_address_beside_others_is_said(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )
    shared_default_said(
        make_cart(sim), lambda path, body: client.post(path, json=body).raise_for_status().json()
    )
