"""What magento cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from typing import Any

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
