"""Package sizes and combination weights, on the real PrestaShop 8.2.1 store.

The scenario is the simulator's (``tests/prestashop/_sizes.py``); the sizes are
set in the shop's database, as its back office would (the demo has none).
"""

from __future__ import annotations

from cartmigrate.connectors.prestashop import PrestaShopCart
from tests.prestashop._sizes import (
    sizes_and_combination_weights_are_read,
    summary_is_read_into_extra,
)

from .._stores import RealStore
from .conftest import Query


def test_sizes_and_combination_weights_are_read(
    real_prestashop: RealStore, presta: PrestaShopCart, shop_db: Query
) -> None:
    def set_sizes(
        product: str, combination: str, width: str, height: str, depth: str, weight: str
    ) -> None:
        shop_db(
            f"update ps_product set width={width}, height={height}, depth={depth}"
            f" where id_product={int(product)}"
        )
        for table in ("ps_product_attribute", "ps_product_attribute_shop"):
            shop_db(
                f"update {table} set weight={weight} where id_product_attribute={int(combination)}"
            )

    real_prestashop.reset()
    try:
        sizes_and_combination_weights_are_read(presta, set_sizes)
    finally:
        real_prestashop.reset()


def test_summary_is_read_into_extra(
    real_prestashop: RealStore, presta: PrestaShopCart, shop_db: Query
) -> None:
    def set_summary(product: str, summary: str) -> None:
        shop_db(
            f"update ps_product_lang set description_short='{summary}'"
            f" where id_product={int(product)}"
        )

    real_prestashop.reset()
    try:
        summary_is_read_into_extra(presta, set_summary)
    finally:
        real_prestashop.reset()
