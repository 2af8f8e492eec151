"""Stock at MSI sources other than ``default``, on the real Magento 2.4.7
store. The scenario is the offline test's (``tests/magento/_other_sources.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._other_sources import other_sources_said

from .._stores import RealStore
from .conftest import Raw


def test_stock_at_other_sources_is_said_and_the_default_read(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    other_sources_said(make_cart(), raw.post)
