"""The connector keeps every promise of the ``Cart`` contract, offline on the simulator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing import CartContract
from cartmigrate.testing.prestashop import PrestaShopSimulator


class TestPrestaShopContract(CartContract):
    @pytest.fixture
    def cart(
        self, sim: PrestaShopSimulator, make_cart: Callable[..., PrestaShopCart]
    ) -> PrestaShopCart:
        return make_cart(sim)
