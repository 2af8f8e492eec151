"""A product taken out of a category: on the real store and the simulator.

Magento merges a save's ``category_links`` into the product's: on the real
2.4.7 store, a product in [A, B] saved with [B, C] is in [A, B, C], with a
200; an empty list removes all; ``DELETE /categories/{id}/products/{sku}``
removes one (and answers 400 "The category doesn't contain the specified
product." when it is not there). So a category a product left on the
source stayed on the target, while each smart update said ``updated``.
"""

from __future__ import annotations

from cartmigrate import Category, Product
from cartmigrate.connectors.magento import MagentoCart


def categories_left_are_left(cart: MagentoCart, tag: str) -> None:
    a, b, c = (
        str(cart.create(Category(name=f"Left {tag} {n}", slug=f"left-{tag}-{n}")).id) for n in "abc"
    )
    sku = f"LEFT-{tag}".upper()
    product = str(
        cart.create(Product(name="Left", sku=sku, price="5", quantity=1, category_ids=[a, b])).id
    )

    def categories() -> list[str]:
        got = cart.get(Product, product)
        assert got is not None
        return sorted(got.category_ids)

    assert categories() == sorted([a, b])
    cart.update(Product, product, {"category_ids": (b, c)})
    assert categories() == sorted([b, c])
    cart.update(Product, product, {"category_ids": (b, c)})  # again: nothing to undo
    assert categories() == sorted([b, c])
    cart.update(Product, product, {"category_ids": ()})
    assert categories() == []
    cart.update(Product, product, {"category_ids": (a,)})
    assert categories() == [a]
