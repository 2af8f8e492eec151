"""Stock at other MSI sources, said (scenario in ``_other_sources``)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._other_sources import other_sources_said
from .conftest import SimRest


def test_stock_at_other_sources_is_said_and_the_default_read(
    sim: MagentoSimulator, make_cart: Any, rest: SimRest
) -> None:
    other_sources_said(make_cart(sim), rest.post)


def test_an_item_at_an_unknown_source_is_refused_as_magento_does(rest: SimRest) -> None:
    item = {"sku": "RM-SIMPLE-1", "source_code": "nowhere", "quantity": 1, "status": 1}
    answer = rest.client.post("inventory/source-items", json={"sourceItems": [item]})
    assert (answer.status_code, answer.json()["message"]) == (400, "Could not save Source Item")
