"""What shopify cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from typing import Any

from tests.woocommerce._catalog import migrate_to_a_target_that_cannot_keep_them


def test_semantics_the_target_cannot_keep_are_warned_about_and_converge(cart: Any) -> None:
    # A Shopify variant must fix every option: the tee with an "any Colour"
    # variant fails alone, naming the variant's option values.
    warned = migrate_to_a_target_that_cannot_keep_them(cart, failing={"v": "variants.0"})
    # Weights are written (inventoryItem.measurement): no warning about them.
    assert not {f for _, f in warned if f and "weight" in f}
