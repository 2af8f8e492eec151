"""A default billing address that is the default shipping one too, on the real
Magento 2.4.7 store. The scenario is the offline test's
(``tests/magento/_shared_default_address.py``)."""

from __future__ import annotations

from typing import Any

from tests.magento._shared_default_address import shared_default_said

from .._stores import RealStore
from .conftest import Raw


def test_a_shared_default_address_beside_others_is_said(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    shared_default_said(make_cart(), raw.post)
