"""The shared connector contract suite, run against WooCommerce (on the simulator).

After each contract test, every request the connector sent is checked against
the official v3 reference tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import CartContract

from ._spec import SpecIndex, check_requests


class TestWooCommerceContract(CartContract):
    #: WooCommerce numbers orders itself (``number`` is read-only).
    order_number_preserved: ClassVar[bool] = False

    @pytest.fixture
    def cart(self, make_sim: Any, make_cart: Any, spec: SpecIndex) -> Iterator[WooCommerceCart]:
        sim = make_sim()
        yield make_cart(sim)
        assert check_requests(spec, sim.requests) == []
