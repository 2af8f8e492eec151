"""Issue #8 item 9 on the real store: grouped, external, downloadable/virtual and
dimensioned products, and "any value" variations, carried both ways.

The baseline (WooCommerce's sample data, set up in inches) has a grouped
product, an external one, two downloadable/virtual ones, dimensions on most
products and variations that leave an attribute open; read into memory they
must say what the store's REST API says. Our own catalog (in cm) written to
the store must read back field by field, and a second comparison write
nothing.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable

from cartmigrate import (
    Dimensions,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Product,
    ProductType,
    SyncEngine,
    Variant,
    WeightUnit,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from tests.woocommerce._catalog import FILE, SINGLE, semantic_catalog, semantics

from .._stores import RealStore
from ._support import api

_FIELDS = [
    "product_type",
    "grouped_product_ids",
    "external_url",
    "button_text",
    "virtual",
    "downloadable",
    "downloads",
    "dimensions",
    "weight",
]


def _number(text: str) -> decimal.Decimal | None:
    return decimal.Decimal(text) if text else None


def test_the_real_stores_product_semantics_are_read_as_its_api_says(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    real_woocommerce.reset()
    memory = MemoryCart()
    report = SyncEngine(woo, memory, state=MemoryStateStore()).full_migrate(entities=[Product])
    assert report.failures == []
    truth = {p["sku"]: p for p in api(real_woocommerce.credentials, "products", per_page=100)}
    read = {p.sku: p for p in memory.read(Product)}
    sku_of = {p.id: p.sku for p in memory.read(Product)}
    source_sku = {str(p["id"]): p["sku"] for p in truth.values()}
    for sku, raw in truth.items():
        product = read[sku]
        assert product.product_type == raw["type"], sku
        assert product.virtual is raw["virtual"] and product.downloadable is raw["downloadable"]
        assert [(d.name, d.url) for d in product.downloads] == [
            (d["name"], d["file"]) for d in raw["downloads"]
        ], sku
        edges = raw["dimensions"]
        if any(edges.values()):
            assert product.dimensions == Dimensions(
                **{k: _number(v) for k, v in edges.items()}, unit="in"
            ), sku
        else:
            assert product.dimensions is None, sku
        # The sample store weighs in pounds (woocommerce_weight_unit).
        assert product.weight == _number(raw["weight"]), sku
        assert product.weight_unit == ("lbs" if raw["weight"] else None), sku
        assert product.external_url == (raw["external_url"] or None), sku
        assert product.button_text == (raw["button_text"] or None), sku
        # Children by SKU: memory ids are not the store's.
        assert sorted(sku_of[i] for i in product.grouped_product_ids) == sorted(
            source_sku[str(i)] for i in raw["grouped_products"]
        ), sku
    assert read["logo-collection"].product_type is ProductType.GROUPED
    assert len(read["logo-collection"].grouped_product_ids) == 3
    assert read["wp-pennant"].external_url == (
        "https://mercantile.wordpress.org/product/wordpress-pennant/"
    )
    assert len(read["woo-album"].downloads) == 2
    # The V-Neck's variations fix the colour and leave the size open.
    tee = read["woo-vneck-tee"]
    assert tee.variants and all(v.any_options == ("Size",) for v in tee.variants)
    assert all(v.dimensions is not None and v.dimensions.unit == "in" for v in tee.variants)


def test_our_catalog_is_written_to_the_real_store_and_reads_back_field_by_field(
    real_woocommerce: RealStore, make_woo: Callable[..., WooCommerceCart]
) -> None:
    real_woocommerce.reset()
    woo = make_woo()
    source = MemoryCart(semantic_catalog())
    engine = SyncEngine(source, woo, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    assert not [w for w in report.warnings if w.field == "grouped_product_ids"]
    ours = [p for p in make_woo().read(Product) if (p.sku or "").startswith("SEM-")]
    expected = semantics(woo.as_stored(p) for p in source.read(Product))
    assert semantics(ours) == expected
    # The store's own answer, outside the connector.
    truth = {
        p["sku"]: p
        for p in api(real_woocommerce.credentials, "products", per_page=100, search="SEM")
    }
    ids = {p["sku"]: p["id"] for p in truth.values()}
    assert truth["SEM-GROUP"]["type"] == "grouped"
    assert sorted(truth["SEM-GROUP"]["grouped_products"]) == sorted(
        [ids["SEM-CAP"], ids["SEM-POSTER"]]
    )
    assert truth["SEM-EXT"]["type"] == "external"
    assert truth["SEM-EXT"]["external_url"] == "https://shop.example/pennant"
    assert truth["SEM-EXT"]["button_text"] == "Buy it there"
    assert truth["SEM-ALBUM"]["virtual"] is True and truth["SEM-ALBUM"]["downloadable"] is True
    assert [(d["name"], d["file"]) for d in truth["SEM-ALBUM"]["downloads"]] == [
        ("Album", FILE),
        ("single.jpg", FILE.replace("album", "single")),
    ]
    # 25.4 x 12.7 x 5 cm in an inch store.
    assert truth["SEM-CAP"]["dimensions"] == {"length": "10", "width": "5", "height": "1.9685"}
    variations = api(real_woocommerce.credentials, f"products/{ids['SEM-TEE']}/variations")
    small = next(v for v in variations if v["sku"] == "SEM-TEE-S")
    assert [a["name"] for a in small["attributes"]] == ["Size"]  # any Colour
    pattern = next(v for v in variations if v["sku"] == "SEM-TEE-PATTERN")
    assert (pattern["virtual"], pattern["downloadable"]) == (True, True)
    assert [(d["name"], d["file"]) for d in pattern["downloads"]] == [
        ("Sewing pattern", SINGLE),
        ("album.jpg", FILE),
    ]
    assert all(d["id"] for d in pattern["downloads"])
    assert small["downloads"] == [] and small["downloadable"] is False
    # A second comparison of every semantic field writes nothing.
    again = engine.smart_update(fields={Product: _FIELDS}, verify=True)
    assert again.failures == []
    assert again.total("updated") == 0, again.summary()


def test_a_grouped_product_migrated_before_its_children_is_linked_when_they_arrive(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    """The children are added to the grouped product on the real store afterwards
    (``grouped_products`` is writable on update too)."""
    real_woocommerce.reset()
    source = MemoryCart(semantic_catalog()[:3])
    state = MemoryStateStore()
    alone = MappingRules(filters={"product": lambda p: p.product_type == "grouped"})
    first = SyncEngine(source, woo, state=state, rules=alone).full_migrate(entities=[Product])
    assert {(w.source_id, w.field) for w in first.warnings} >= {("g", "grouped_product_ids")}
    second = SyncEngine(source, woo, state=state).full_migrate(entities=[Product])
    assert second.failures == []
    truth = {
        p["sku"]: p
        for p in api(real_woocommerce.credentials, "products", per_page=100, search="SEM")
    }
    assert sorted(truth["SEM-GROUP"]["grouped_products"]) == sorted(
        [truth["SEM-CAP"]["id"], truth["SEM-POSTER"]["id"]]
    )


def test_weights_in_kilograms_are_stored_in_the_pound_store_and_read_back_in_pounds(
    real_woocommerce: RealStore, woo: WooCommerceCart
) -> None:
    real_woocommerce.reset()
    source = MemoryCart(
        [
            Product(id="a", name="W Anvil", sku="W-ANVIL", price="9", weight=1, weight_unit="kg"),
            Product(
                id="c",
                name="W Cup",
                sku="W-CUP",
                weight="8",
                weight_unit="oz",
                variants=[
                    Variant(id="c1", sku="W-CUP-S", price="2", options={"Size": "S"}),
                    Variant(
                        id="c2",
                        sku="W-CUP-L",
                        price="2",
                        options={"Size": "L"},
                        weight=500,
                        weight_unit="g",
                    ),
                ],
            ),
        ]
    )
    engine = SyncEngine(source, woo, state=MemoryStateStore())
    assert engine.full_migrate(entities=[Product]).failures == []
    truth = {
        p["sku"]: p
        for p in api(real_woocommerce.credentials, "products", per_page=100, search="W ")
    }
    assert (truth["W-ANVIL"]["weight"], truth["W-CUP"]["weight"]) == ("2.2046", "0.5")
    variations = api(real_woocommerce.credentials, f"products/{truth['W-CUP']['id']}/variations")
    # The small cup has no weight of its own: the store shows its product's.
    assert {v["sku"]: v["weight"] for v in variations} == {"W-CUP-S": "0.5", "W-CUP-L": "1.1023"}
    read = {p.sku: p for p in woo.read(Product) if (p.sku or "").startswith("W-")}
    assert (read["W-ANVIL"].weight, read["W-ANVIL"].weight_unit) == (
        decimal.Decimal("2.2046"),
        WeightUnit.LBS,
    )
    assert read["W-ANVIL"].weight_in("kg") == 1
    again = engine.smart_update(entities=[Product], fields={Product: ["weight"]}, verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()
