"""A product's package size, its combinations' weights and its summary, read from PrestaShop.

All were left out of every read: a PrestaShop source handed on products
without their dimensions, variants without a weight of their own, and no
summary (``description_short``, which no model field holds: it is read into
``extra``), and nothing said so. The scenario runs on the simulator and on the real 8.2.1
store; ``set_sizes`` changes the shop behind the webservice's back (the
simulator's tables, the real store's database), as its back office would.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable

from cartmigrate import Dimensions, LengthUnit, Product, WeightUnit
from cartmigrate.connectors.prestashop import PrestaShopCart

#: (product id, combination id, width, height, depth, the combination's weight impact)
SetSizes = Callable[[str, str, str, str, str, str], None]
#: (product id, summary in the shop's default language)
SetSummary = Callable[[str, str], None]


def sizes_and_combination_weights_are_read(cart: PrestaShopCart, set_sizes: SetSizes) -> None:
    product = next(p for p in cart.read(Product) if len(p.variants) >= 2)
    assert product.dimensions is None  # 0 x 0 x 0: none, as the shop shows it
    assert all(v.weight is None for v in product.variants)
    assert product.id is not None and product.weight is not None
    first, second, *_ = product.variants
    assert first.id is not None
    set_sizes(product.id, first.id, "12.5", "3", "20", "0.25")
    read = cart.get(Product, product.id)
    assert read is not None
    assert read.dimensions == Dimensions(
        length=decimal.Decimal("20"),
        width=decimal.Decimal("12.5"),
        height=decimal.Decimal("3"),
        unit=LengthUnit.CM,
    )
    by_id = {v.id: v for v in read.variants}
    assert by_id[first.id].weight == product.weight + decimal.Decimal("0.25")
    assert by_id[first.id].weight_unit is WeightUnit.KG
    assert by_id[second.id].weight is None  # no impact: the product's own weight
    assert read.weight == product.weight


def summary_is_read_into_extra(cart: PrestaShopCart, set_summary: SetSummary) -> None:
    product = next(iter(cart.read(Product)))
    assert product.id is not None
    set_summary(product.id, "<p>Soft, warm and light.</p>")
    read = cart.get(Product, product.id)
    assert read is not None and read.extra["description_short"] == "<p>Soft, warm and light.</p>"
    set_summary(product.id, "")
    again = cart.get(Product, product.id)
    assert again is not None and "description_short" not in again.extra
