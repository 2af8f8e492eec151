"""A bundle's order line, read without its components, which are said
(scenario in ``_bundle_lines``)."""

from __future__ import annotations

from typing import Any

import httpx

from cartmigrate.testing.magento import MagentoSimulator

from ._bundle_lines import bundle_line_read


def test_a_bundle_line_is_read_as_the_bundles_and_its_components_said(
    sim: MagentoSimulator, make_cart: Any
) -> None:
    client = httpx.Client(
        base_url=sim.url + "/rest/V1/",
        headers={"Authorization": f"Bearer {sim.token}"},
        transport=sim.transport,
    )
    bundle_line_read(
        make_cart(sim),
        lambda path: client.get(path).raise_for_status().json(),
        lambda path, body: client.post(path, json=body).raise_for_status().json(),
    )
