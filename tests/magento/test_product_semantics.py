"""What magento cannot keep of a product's semantics (grouped, external,
downloadable/virtual, dimensions, "any value" variants) is reported per
product and field, never dropped without a word (issue #8 item 9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine, WeightUnit
from cartmigrate.connectors.magento._product_payload import product_from_raw
from cartmigrate.connectors.magento._units import weight_unit_of
from cartmigrate.testing.magento import MagentoSimulator
from tests.woocommerce._catalog import migrate_to_a_target_that_cannot_keep_them


def test_semantics_the_target_cannot_keep_are_warned_about_and_converge(
    sim: Any, make_cart: Any
) -> None:
    # The simulated shop has no "Colour"/"Size" select attributes: the tee fails
    # alone, saying so (the rest of the catalog is what this test is about).
    grouped = frozenset({("g", "product_type"), ("g", "grouped_product_ids")})
    warned = migrate_to_a_target_that_cannot_keep_them(
        make_cart(sim), failing={"v": "variants.options"}, kept=grouped
    )
    assert ("c1", "weight") not in warned  # Magento keeps it, and grouped products


def test_a_virtual_or_downloadable_magento_product_is_read_as_virtual() -> None:
    def read(type_id: str) -> bool:
        raw = {"id": 1, "sku": "S", "name": "N", "type_id": type_id, "status": 1}
        product = product_from_raw(raw, level=None, variants=[], roots=frozenset(), media_url="")
        return product.virtual

    assert (read("virtual"), read("downloadable"), read("simple")) == (True, True, False)


#: smart_update writes stock only unless told: the weight is what these compare.
_WEIGHT = {Product: ["weight", "weight_unit", "quantity"]}


def _anvil(weight: str, unit: str | None) -> Product:
    return Product(
        id="p1", name="Anvil", sku="ANVIL", price="10", quantity=5, weight=weight, weight_unit=unit
    )


@pytest.mark.parametrize(
    ("store_unit", "given", "stored"),
    [
        ("lbs", ("2", "kg"), ("4.4092", WeightUnit.LBS)),
        ("kgs", ("2", "lbs"), ("0.9072", WeightUnit.KG)),
        ("kgs", ("500", "g"), ("0.5", WeightUnit.KG)),
        ("lbs", ("3", None), ("3", WeightUnit.LBS)),  # no unit: the store's own
    ],
)
def test_weights_are_converted_to_the_stores_unit_and_converge(
    make_cart: Any, store_unit: str, given: tuple[str, str | None], stored: tuple[str, WeightUnit]
) -> None:
    sim = MagentoSimulator(weight_unit=store_unit)
    cart = make_cart(sim)
    engine = SyncEngine(MemoryCart([_anvil(*given)]), cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert report.failures == []
    assert [w for w in report.warnings if w.source_id] == []  # nothing per product
    (product,) = [p for p in cart.read(Product) if p.sku == "ANVIL"]
    assert (product.weight, product.weight_unit) == (Decimal(stored[0]), stored[1])
    raw = sim.store.product_by_sku("ANVIL")
    assert Decimal(str(raw["weight"])) == Decimal(stored[0])  # as the store keeps it
    writes = len([r for r in sim.requests if r.method in ("POST", "PUT")])
    again = engine.smart_update(entities=[Product], fields=_WEIGHT, verify=True)
    assert again.total("updated") == 0, again.summary()
    assert len([r for r in sim.requests if r.method in ("POST", "PUT")]) == writes


def test_a_changed_weight_is_written_converted(make_cart: Any) -> None:
    sim = MagentoSimulator(weight_unit="lbs")
    cart = make_cart(sim)
    source = MemoryCart([_anvil("2", "kg")])
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    engine.full_migrate(entities=[Product])
    source.update(Product, "p1", {"weight": Decimal("1"), "weight_unit": WeightUnit.KG})
    report = engine.smart_update(entities=[Product], fields=_WEIGHT, verify=True)
    assert report.total("updated") == 1, report.summary()
    assert Decimal(str(sim.store.product_by_sku("ANVIL")["weight"])) == Decimal("2.2046")
    again = engine.smart_update(entities=[Product], fields=_WEIGHT, verify=True)
    assert again.total("updated") == 0, again.summary()


def test_a_store_unit_cartmigrate_does_not_know_is_said_per_product(make_cart: Any) -> None:
    sim = MagentoSimulator(weight_unit="stone")
    cart = make_cart(sim)
    engine = SyncEngine(MemoryCart([_anvil("2", "kg")]), cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert [(w.source_id, w.field) for w in report.warnings if w.source_id] == [
        ("p1", "weight_unit")
    ]
    (product,) = [p for p in cart.read(Product) if p.sku == "ANVIL"]
    assert (product.weight, product.weight_unit) == (Decimal("2"), None)  # as it is
    again = engine.smart_update(entities=[Product], fields=_WEIGHT, verify=True)
    assert again.total("updated") == 0, again.summary()


def test_the_store_unit_is_asked_once(make_cart: Any) -> None:
    sim = MagentoSimulator(weight_unit="kgs")
    cart = make_cart(sim)
    source = MemoryCart([_anvil("2", "kg"), attrs.evolve(_anvil("1", "g"), id="p2", sku="B")])
    SyncEngine(source, cart, state=MemoryStateStore()).full_migrate(entities=[Product])
    asked = [r for r in sim.requests if r.template == "store/storeConfigs"]
    assert len(asked) == 1


def test_the_unit_is_the_carts_store_views() -> None:
    configs = [
        {"id": 1, "code": "default", "weight_unit": "lbs"},
        {"id": 2, "code": "de", "weight_unit": "kgs"},
    ]
    assert weight_unit_of(configs, "de") is WeightUnit.KG
    assert weight_unit_of(configs, "default") is WeightUnit.LBS
    assert weight_unit_of(configs, "gone") is WeightUnit.LBS  # the first real view's
    assert weight_unit_of([{"id": 1, "code": "default", "weight_unit": None}], "default") is None
    assert weight_unit_of({"message": "not a list"}, "default") is None
