"""A default billing address that is the default shipping one too, said
(scenario in ``_shared_default_address``)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._shared_default_address import shared_default_said
from .conftest import SimRest


def test_a_shared_default_address_beside_others_is_said(
    sim: MagentoSimulator, make_cart: Any, rest: SimRest
) -> None:
    shared_default_said(make_cart(sim), rest.post)
