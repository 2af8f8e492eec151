"""A record deleted while a listing is read: on the real store and the simulator.

The store stays live during a migration. Paged by page number, deleting a
record of a page already read moved every later one a place up: the next
page started one past a record nobody read, and the listing's total shrank to
match, so nothing noticed. ``delete`` removes a product as the shop would
(through the cart, or the store's own API).
"""

from __future__ import annotations

from collections.abc import Callable

from cartmigrate import Product
from cartmigrate.connectors.magento import MagentoCart
from cartmigrate.connectors.magento._api import PAGE_SIZE as PAGE


def a_deletion_during_a_read_skips_nothing(
    cart: MagentoCart, delete: Callable[[str], None]
) -> None:
    before = [str(p.id) for p in cart.read(Product)]
    assert len(before) > PAGE + 1
    reading = cart.read(Product)
    first = next(reading)  # its page is read
    delete(str(first.id))
    rest = [str(p.id) for p in reading]
    read = {str(first.id), *rest}
    assert read == set(before), sorted(set(before) - read)[:5]
    assert len(rest) + 1 == len(read)  # nothing twice either
