"""A catalog with every product semantic WooCommerce has (issue #8 item 9), and
the field-by-field view both the simulator and the real-store tests compare."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cartmigrate import (
    Cart,
    Dimensions,
    Download,
    MemoryCart,
    MemoryStateStore,
    Product,
    SyncEngine,
    Variant,
)

#: An approved download directory on the real store (any URL works on the simulator).
FILE = "https://demo.woothemes.com/woocommerce/wp-content/uploads/sites/56/2017/08/album.jpg"
SINGLE = "https://demo.woothemes.com/woocommerce/wp-content/uploads/sites/56/2017/08/single.jpg"


def semantic_catalog(prefix: str = "SEM") -> list[Product]:
    """Grouped (listed before its children), external, downloadable and virtual,
    dimensioned (in cm) and variable with an "any value" attribute and a
    downloadable variation."""
    return [
        Product(
            id="g",
            name=f"{prefix} Collection",
            sku=f"{prefix}-GROUP",
            product_type="grouped",
            grouped_product_ids=["c1", "c2"],
        ),
        Product(
            id="c1",
            name=f"{prefix} Cap",
            sku=f"{prefix}-CAP",
            price="5",
            weight="0.3",
            dimensions=Dimensions(length="25.4", width="12.7", height=5, unit="cm"),
        ),
        Product(id="c2", name=f"{prefix} Poster", sku=f"{prefix}-POSTER", price="7"),
        Product(
            id="x",
            name=f"{prefix} Pennant",
            sku=f"{prefix}-EXT",
            price="11",
            product_type="external",
            external_url="https://shop.example/pennant",
            button_text="Buy it there",
        ),
        Product(
            id="d",
            name=f"{prefix} Album",
            sku=f"{prefix}-ALBUM",
            price="3",
            virtual=True,
            downloadable=True,
            downloads=[Download(url=FILE, name="Album"), Download(url=SINGLE)],
        ),
        Product(
            id="v",
            name=f"{prefix} Tee",
            sku=f"{prefix}-TEE",
            variants=[
                Variant(
                    id="v1",
                    sku=f"{prefix}-TEE-S",
                    price="9",
                    options={"Size": "S"},
                    any_options=["Colour"],
                ),
                Variant(
                    id="v2",
                    sku=f"{prefix}-TEE-M",
                    price="9",
                    options={"Size": "M", "Colour": "Red"},
                    weight="0.2",
                    dimensions=Dimensions(length=30, width=20, height=1, unit="cm"),
                ),
                Variant(
                    id="v3",
                    sku=f"{prefix}-TEE-L",
                    price="9",
                    options={"Size": "L", "Colour": "Blue"},
                ),
                Variant(
                    id="v4",
                    sku=f"{prefix}-TEE-PATTERN",
                    price="4",
                    options={"Size": "Pattern", "Colour": "Red"},
                    virtual=True,
                    downloadable=True,
                    downloads=[Download(url=SINGLE, name="Sewing pattern"), Download(url=FILE)],
                ),
            ],
        ),
    ]


def semantics(products: Iterable[Product]) -> dict[str, dict[str, Any]]:
    """Per SKU, every semantic field (grouped children by SKU, so that ids on
    two stores compare; dimensions as given, unit included)."""
    listed = list(products)
    sku_of: Mapping[str | None, str | None] = {p.id: p.sku for p in listed}
    return {
        str(p.sku): {
            "name": p.name,
            "product_type": p.product_type,
            "grouped": sorted(str(sku_of.get(i)) for i in p.grouped_product_ids),
            "external_url": p.external_url,
            "button_text": p.button_text,
            "virtual": p.virtual,
            "downloadable": p.downloadable,
            "downloads": [(d.name, d.url) for d in p.downloads],
            "dimensions": p.dimensions,
            "weight": p.weight,
            "weight_unit": p.weight_unit,
            "variants": {
                str(v.sku): (
                    dict(v.options),
                    v.any_options,
                    v.weight,
                    v.dimensions,
                    v.virtual,
                    v.downloadable,
                    [(d.name, d.url) for d in v.downloads],
                    v.weight_unit,
                )
                for v in p.variants
            },
        }
        for p in listed
    }


#: The semantic fields a smart update may be asked to compare.
SEMANTIC_FIELDS = [
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

#: (source id, field) a target that keeps none of the semantics must warn about.
NOT_KEPT_ANYWHERE_BUT_WOOCOMMERCE = {
    ("g", "product_type"),
    ("g", "grouped_product_ids"),
    ("x", "product_type"),
    ("x", "external_url"),
    ("x", "button_text"),
    ("d", "virtual"),
    ("d", "downloadable"),
    ("d", "downloads"),
    ("c1", "dimensions"),
    ("v", "variants.dimensions"),
    ("v", "variants.any_options"),
    ("v", "variants.virtual"),
    ("v", "variants.downloadable"),
    ("v", "variants.downloads"),
}


def migrate_to_a_target_that_cannot_keep_them(
    target: Cart,
    *,
    failing: Mapping[str, str] | None = None,
    kept: frozenset[tuple[str, str]] = frozenset(),
) -> set[tuple[str | None, str | None]]:
    """Migrate the catalog's products; every value not kept is a warning naming the
    product, its source id and the field; a second comparison writes nothing.
    ``failing``: products expected to fail alone (source id: start of the field
    named); ``kept``: the pairs of ``NOT_KEPT_ANYWHERE_BUT_WOOCOMMERCE`` this
    target keeps after all (never warned about). Returns the (source id, field)
    pairs warned about."""
    engine = SyncEngine(MemoryCart(semantic_catalog()), target, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    failed = {f.source_id: f.field or "" for f in report.failures}
    assert failed.keys() == (failing or {}).keys(), report.failures
    for source_id, field in (failing or {}).items():
        assert failed[source_id].startswith(field), report.failures
    warned = {
        (w.source_id, w.field)
        for w in report.warnings
        if w.entity == "product" and "nowhere to keep" in w.message
    }
    assert warned >= NOT_KEPT_ANYWHERE_BUT_WOOCOMMERCE - kept, warned
    assert not warned & kept, warned
    again = engine.smart_update(entities=[Product], fields={Product: SEMANTIC_FIELDS}, verify=True)
    assert {f.source_id for f in again.failures} == set(failing or {}), again.failures
    assert again.total("updated") == 0, again.summary()
    return warned
