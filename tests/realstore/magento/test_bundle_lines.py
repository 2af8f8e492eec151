"""A bundle's order line on the real Magento 2.4.7 store. The scenario is the
offline test's (``tests/magento/_bundle_lines.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._bundle_lines import bundle_line_read

from .._stores import RealStore
from .conftest import Raw


def test_a_bundle_line_is_read_as_the_bundles_and_its_components_said(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    bundle_line_read(make_cart(), raw.get, raw.post)
