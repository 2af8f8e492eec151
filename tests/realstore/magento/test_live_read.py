"""A product deleted while the products are read, on the real Magento 2.4.7 store.

The scenario is the simulator's (``tests/magento/_live_read.py``), over the
store's 1,999-product sample catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cartmigrate import Product
from tests.magento._live_read import a_deletion_during_a_read_skips_nothing

from .._stores import RealStore


def test_a_deletion_during_a_read_skips_nothing(
    real_magento: RealStore, make_cart: Callable[..., Any]
) -> None:
    real_magento.reset()
    try:
        cart = make_cart()
        a_deletion_during_a_read_skips_nothing(cart, lambda id: cart.delete(Product, id))
    finally:
        real_magento.reset()  # the catalogue other tests read whole
