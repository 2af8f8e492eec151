"""The shared connector contract suite, run against WooCommerce (on the simulator)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import CartContract


class TestWooCommerceContract(CartContract):
    #: WooCommerce numbers orders itself (``number`` is read-only).
    order_number_preserved: ClassVar[bool] = False

    @pytest.fixture
    def cart(self, make_sim: Any, make_cart: Any) -> WooCommerceCart:
        return make_cart(make_sim())
