"""Every source value the target cannot take is a warning: entity, field, reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, cast

import attrs

from cartmigrate import (
    Created,
    Entity,
    MappingRules,
    MemoryCart,
    Order,
    Product,
    SyncEngine,
    Variant,
    WriteNote,
)
from cartmigrate.connectors import WriteResult

E = TypeVar("E", bound=Entity)


class _StockPerVariant(MemoryCart):
    """Like Shopify: a product with variants has no stock of its own."""

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        if isinstance(entity, Product) and entity.variants:
            return frozenset({"quantity", "stock_status"})
        return frozenset()


def _vneck(quantity: int | None) -> Product:
    return Product(
        id="11",
        name="V-Neck T-Shirt",
        sku="VNECK",
        quantity=quantity,
        variants=[Variant(id="111", sku="VNECK-S", quantity=4)],
    )


def test_a_parent_level_stock_change_on_a_variable_product_is_a_warning() -> None:
    source, target = MemoryCart([_vneck(None)]), _StockPerVariant()
    engine = SyncEngine(source, target)
    first = engine.full_migrate()
    assert first.warnings == []  # nothing at product level yet: nothing lost
    source.add(attrs.evolve(_vneck(9)))  # "9 left", managed on the parent
    report = engine.smart_update()
    (warning,) = [w for w in report.warnings if w.field == "quantity"]
    assert (warning.entity, warning.source_id) == ("product", "11")
    assert "computes a product's quantity from its variants" in warning.message
    assert "9" in warning.message and "not carried" in warning.message
    assert "product 11.quantity" in str(report)
    assert engine.smart_update().warnings == []  # said when it happened, not every night


def test_a_create_says_what_it_cannot_carry() -> None:
    report = SyncEngine(MemoryCart([_vneck(9)]), _StockPerVariant()).full_migrate()
    assert [(w.entity, w.source_id, w.field) for w in report.warnings] == [
        ("product", "11", "quantity")
    ]


def test_a_custom_order_status_without_a_mapping_is_a_warning() -> None:
    source = MemoryCart([Order(id="5", number="1005", status="awaiting-pickup")])
    report = SyncEngine(source, MemoryCart()).full_migrate()
    (warning,) = report.warnings
    assert (warning.entity, warning.source_id, warning.field) == ("order", "5", "status")
    assert "'awaiting-pickup' has no mapping" in warning.message


def test_a_field_the_target_does_not_store_is_a_warning_when_it_holds_a_value() -> None:
    class NoSeo(MemoryCart):
        def unstored_fields(self, entity: Entity) -> dict[str, str]:
            return {"meta_title": "no SEO titles"} if isinstance(entity, Product) else {}

    source = MemoryCart(
        [_vneck(None), attrs.evolve(_vneck(None), id="12", sku="B", meta_title="Buy")]
    )
    report = SyncEngine(source, NoSeo()).full_migrate()
    unstored = [w for w in report.warnings if w.field == "meta_title"]
    assert [(w.source_id, w.field, w.message) for w in unstored] == [
        ("12", "meta_title", "memory has nowhere to keep it (no SEO titles); not carried")
    ]


class _ComputesParentStock(_StockPerVariant):
    """Reads back a product's quantity as the sum of its variants', as Shopify does."""

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        found = super().get_many(kind, ids)
        return {
            key: cast(E, attrs.evolve(v, quantity=sum(x.quantity or 0 for x in v.variants)))
            if isinstance(v, Product) and v.variants
            else v
            for key, v in found.items()
        }


def test_a_variable_product_without_stock_of_its_own_is_no_warning_on_update() -> None:
    source, target = MemoryCart([_vneck(None)]), _ComputesParentStock()
    engine = SyncEngine(source, target)
    engine.full_migrate()
    source.add(attrs.evolve(_vneck(None), variants=[Variant(id="111", sku="VNECK-S", quantity=3)]))
    report = engine.smart_update()
    assert report.summary()["variant"]["updated"] == 1  # the variant's stock is carried
    assert report.warnings == []  # the parent had no stock of its own to leave behind


def test_a_custom_status_the_map_leads_to_is_chosen_not_unmapped() -> None:
    # The target has a custom status of its own: mapping to it is deliberate.
    source = MemoryCart(
        [
            Order(id="5", number="1005", status="awaiting-pickup"),
            Order(id="6", number="1006", status="in-transit"),
        ]
    )
    rules = MappingRules(order_status={"awaiting-pickup": "ready-for-pickup"})
    report = SyncEngine(source, MemoryCart(), rules=rules).full_migrate()
    assert [(w.source_id, w.field) for w in report.warnings] == [("6", "status")]


class _OwnShipping(MemoryCart):
    """Like PrestaShop: the target prices an order's shipping its own way."""

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        results = super().create_many(entities, source_refs=source_refs)
        return [
            attrs.evolve(r, notes=[WriteNote(field="shipping_total", message="shipping 7.00")])
            if isinstance(r, Created) and isinstance(e, Order)
            else r
            for e, r in zip(entities, results, strict=True)
        ]


def test_what_the_target_stored_differently_is_a_warning_per_entity_and_field() -> None:
    order = Order(id="501", number="1501", status="completed", lines=[])
    engine = SyncEngine(MemoryCart([order]), _OwnShipping())
    report = engine.full_migrate()
    assert report.summary()["order"]["created"] == 1
    notes = [(w.entity, w.source_id, w.field, w.message) for w in report.warnings]
    assert notes == [("order", "501", "shipping_total", "memory: shipping 7.00")]
