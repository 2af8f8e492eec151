"""The MemoryCart passes the contract suite every connector passes."""

from __future__ import annotations

import pytest

from cartmigrate import MemoryCart
from cartmigrate.testing import CartContract


class TestMemoryCartContract(CartContract):
    @pytest.fixture
    def cart(self) -> MemoryCart:
        return MemoryCart()
