"""What magento cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from typing import Any

from cartmigrate.connectors.magento._product_payload import product_from_raw
from tests.woocommerce._catalog import migrate_to_a_target_that_cannot_keep_them


def test_semantics_the_target_cannot_keep_are_warned_about_and_converge(
    sim: Any, make_cart: Any
) -> None:
    # The simulated shop has no "Colour"/"Size" select attributes: the tee fails
    # alone, saying so (the rest of the catalog is what this test is about).
    warned = migrate_to_a_target_that_cannot_keep_them(
        make_cart(sim), failing={"v": "variants.options"}
    )
    assert ("c1", "weight") not in warned  # Magento keeps it


def test_a_virtual_or_downloadable_magento_product_is_read_as_virtual() -> None:
    def read(type_id: str) -> bool:
        raw = {"id": 1, "sku": "S", "name": "N", "type_id": type_id, "status": 1}
        product = product_from_raw(raw, level=None, variants=[], roots=frozenset(), media_url="")
        return product.virtual

    assert (read("virtual"), read("downloadable"), read("simple")) == (True, True, False)
