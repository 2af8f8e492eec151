"""Updates reach a store view's own values on the real Magento 2.4.7 store. The
scenario is the offline test's (``tests/magento/_store_view_values.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._store_view_values import store_view_values

from .._stores import RealStore
from .conftest import Raw


def test_an_update_reaches_the_store_views_own_values(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    store_view_values(make_cart(), raw.put)
