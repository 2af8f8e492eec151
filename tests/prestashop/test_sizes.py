"""Package sizes and combination weights on the simulator (the real store: tests/realstore)."""

from __future__ import annotations

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.testing.prestashop import PrestaShopSimulator

from ._sizes import sizes_and_combination_weights_are_read, summary_is_read_into_extra


def test_sizes_and_combination_weights_are_read(
    sim: PrestaShopSimulator, cart: PrestaShopCart
) -> None:
    def set_sizes(
        product: str, combination: str, width: str, height: str, depth: str, weight: str
    ) -> None:
        row = sim.shop.tables["products"][int(product)]
        row.update(width=width, height=height, depth=depth)
        sim.shop.tables["combinations"][int(combination)]["weight"] = weight

    sizes_and_combination_weights_are_read(cart, set_sizes)


def test_summary_is_read_into_extra(sim: PrestaShopSimulator, cart: PrestaShopCart) -> None:
    def set_summary(product: str, summary: str) -> None:
        sim.shop.tables["products"][int(product)]["description_short"] = summary

    summary_is_read_into_extra(cart, set_summary)
