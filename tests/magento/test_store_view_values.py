"""Updates reach a store view's own values (scenario in ``_store_view_values``)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._store_view_values import store_view_values
from .conftest import SimRest


def test_an_update_reaches_the_store_views_own_values(
    sim: MagentoSimulator, make_cart: Any, rest: SimRest
) -> None:
    store_view_values(make_cart(sim), rest.put)
