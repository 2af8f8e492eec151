"""The library's connector contract suite, against the real WooCommerce 7.9 store."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest

from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import CartContract

from .._stores import RealStore


class TestRealWooCommerceContract(CartContract):
    #: WooCommerce numbers orders itself (``number`` is read-only).
    order_number_preserved: ClassVar[bool] = False

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _baseline(cls, real_woocommerce: RealStore) -> None:
        real_woocommerce.reset()

    @pytest.fixture
    def cart(self, make_woo: Callable[..., WooCommerceCart]) -> WooCommerceCart:
        return make_woo()
