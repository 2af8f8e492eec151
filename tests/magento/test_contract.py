"""The contract suite, offline against the simulator."""

from __future__ import annotations

from typing import Any

import pytest

from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.testing import CartContract
from cartmigrate.testing.magento import MagentoSimulator


class TestMagentoCartContract(CartContract):
    @pytest.fixture
    def cart(self, sim: MagentoSimulator, make_cart: Any) -> MagentoCart:
        cart: MagentoCart = make_cart(sim)
        return cart
