"""What prestashop cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine, WeightUnit
from tests.woocommerce._catalog import migrate_to_a_target_that_cannot_keep_them


def test_semantics_the_target_cannot_keep_are_warned_about_and_converge(cart: Any) -> None:
    warned = migrate_to_a_target_that_cannot_keep_them(cart)
    assert ("c1", "weight") not in warned  # PrestaShop keeps it


def test_a_virtual_prestashop_product_is_read_as_virtual(sim: Any, cart: Any) -> None:
    created = cart.create(Product(name="Gift card", sku="GIFT", price="10"))
    assert cart.get(Product, created.id).virtual is False
    sim.shop.tables["products"][int(created.id)]["is_virtual"] = "1"
    assert cart.get(Product, created.id).virtual is True


def _shop_unit(sim: Any, value: str) -> None:
    for row in sim.shop.tables["configurations"].values():
        if row["name"] == "PS_WEIGHT_UNIT":
            row["value"] = value


def test_weights_are_converted_to_the_shops_unit_and_converge(sim: Any, cart: Any) -> None:
    source = MemoryCart(
        [
            Product(
                id="p1",
                name="Anvil",
                sku="ANVIL",
                price="10",
                quantity=5,
                weight="2",
                weight_unit="lbs",
            )
        ]
    )
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert report.failures == []
    assert [w for w in report.warnings if w.source_id] == []  # nothing per product
    (stored,) = [p for p in cart.read(Product) if p.sku == "ANVIL"]
    assert (stored.weight, stored.weight_unit) == (Decimal("0.9072"), WeightUnit.KG)
    row = sim.shop.tables["products"][int(stored.id)]
    assert Decimal(str(row["weight"])) == Decimal("0.9072")  # kg, as the shop keeps it
    again = engine.smart_update(
        entities=[Product], fields={Product: ["weight", "weight_unit"]}, verify=True
    )
    assert again.total("updated") == 0, again.summary()


def test_a_shop_unit_cartmigrate_does_not_know_is_said_per_product(sim: Any, cart: Any) -> None:
    _shop_unit(sim, "stone")
    source = MemoryCart(
        [
            Product(
                id="p1",
                name="Anvil",
                sku="ANVIL",
                price="10",
                quantity=5,
                weight="2",
                weight_unit="lbs",
            )
        ]
    )
    report = SyncEngine(source, cart, state=MemoryStateStore()).full_migrate(entities=[Product])
    assert [(w.source_id, w.field) for w in report.warnings if w.source_id] == [
        ("p1", "weight_unit")
    ]
    (stored,) = [p for p in cart.read(Product) if p.sku == "ANVIL"]
    assert (stored.weight, stored.weight_unit) == (Decimal("2"), None)  # as it is
