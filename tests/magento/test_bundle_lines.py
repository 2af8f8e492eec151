"""A bundle's order line, read without its components, which are said
(scenario in ``_bundle_lines``)."""

from __future__ import annotations

from typing import Any

from cartmigrate.testing.magento import MagentoSimulator

from ._bundle_lines import bundle_line_read
from .conftest import SimRest


def test_a_bundle_line_is_read_as_the_bundles_and_its_components_said(
    sim: MagentoSimulator, make_cart: Any, rest: SimRest
) -> None:
    bundle_line_read(make_cart(sim), rest.get, rest.post)
