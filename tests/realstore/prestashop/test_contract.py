"""The connector keeps every promise of the ``Cart`` contract on the real store."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing import CartContract

from .._stores import RealStore


@pytest.fixture(scope="module")
def baseline(real_prestashop: RealStore) -> RealStore:
    real_prestashop.reset()
    return real_prestashop


class TestPrestaShopContractOnTheRealStore(CartContract):
    @pytest.fixture
    def cart(
        self, baseline: RealStore, make_presta: Callable[..., PrestaShopCart]
    ) -> PrestaShopCart:
        return make_presta()
