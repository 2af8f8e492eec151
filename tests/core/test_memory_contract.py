"""The MemoryCart passes the contract suite every connector passes."""

from __future__ import annotations

import pytest

from cartmigrate import MemoryCart
from cartmigrate.connectors import ForwardingCart
from cartmigrate.testing import CartContract


class TestMemoryCartContract(CartContract):
    @pytest.fixture
    def cart(self) -> MemoryCart:
        return MemoryCart()


class TestForwardingCartContract(CartContract):
    """A wrapper that changes nothing keeps every promise of what it wraps."""

    @pytest.fixture
    def cart(self) -> ForwardingCart:
        return ForwardingCart(MemoryCart())
