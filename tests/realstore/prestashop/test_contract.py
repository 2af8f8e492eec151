"""The connector keeps every promise of the ``Cart`` contract on the real store."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing import CartContract

from .._stores import RealStore


class TestPrestaShopContractOnTheRealStore(CartContract):
    @pytest.fixture(scope="class")
    def _baseline(self, real_prestashop: RealStore) -> None:
        real_prestashop.reset()

    @pytest.fixture
    def cart(self, _baseline: None, make_presta: Callable[..., PrestaShopCart]) -> PrestaShopCart:
        return make_presta()
