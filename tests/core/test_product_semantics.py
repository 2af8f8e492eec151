"""Product semantics beyond name and price: grouped, external, downloadable and
virtual products, dimensions, and variants that take any value of an attribute.

They are typed model fields (not ``extra``), refused at the boundary when
wrong, fingerprinted, referenced (a grouped product's children) and carried
by the engine like any other field.
"""

from __future__ import annotations

import decimal

import attrs
import pytest

from cartmigrate import (
    Dimensions,
    Download,
    InvalidEntity,
    LengthUnit,
    MappingRules,
    MemoryCart,
    MemoryStateStore,
    Product,
    ProductType,
    SQLiteStateStore,
    SyncEngine,
    Variant,
    WeightUnit,
)
from cartmigrate.models import Reference, fingerprint, plain, references_of, rewrite_references

_URL = "https://files.example/album.zip"


def _rich() -> list[Product]:
    """A grouped product listed before its children, and one of each other kind."""
    return [
        Product(
            id="g",
            name="Logo Collection",
            product_type="grouped",
            grouped_product_ids=["c1", "c2"],
        ),
        Product(id="c1", name="Cap", sku="CAP", price="5"),
        Product(
            id="c2",
            name="Poster",
            sku="POSTER",
            price="7",
            dimensions={"length": "24", "width": "1", "height": "2.5", "unit": "in"},
            weight="0.5",
            weight_unit="lbs",
        ),
        Product(
            id="x",
            name="Pennant",
            product_type=ProductType.EXTERNAL,
            external_url="https://shop.example/pennant",
            button_text="Buy elsewhere",
            price="11",
        ),
        Product(
            id="d",
            name="Album",
            sku="ALBUM",
            price="3",
            virtual=True,
            downloadable=True,
            downloads=[Download(url=_URL, name="Album"), {"url": "https://files.example/b.zip"}],
        ),
        Product(
            id="v",
            name="Tee",
            variants=[
                Variant(id="v1", sku="TEE-S", options={"Size": "S"}, any_options=["Colour"]),
                Variant(
                    id="v2",
                    sku="TEE-M",
                    options={"Size": "M", "Colour": "Red"},
                    weight="0.2",
                    dimensions=Dimensions(length=30, width=20, height=1, unit=LengthUnit.CM),
                ),
                Variant(
                    id="v3",
                    sku="TEE-PATTERN",
                    options={"Size": "Pattern"},
                    virtual=True,
                    downloadable=True,
                    downloads=[Download(url="https://files.example/tee.pdf", name="Pattern")],
                ),
            ],
        ),
    ]


def test_kind_follows_the_variants_unless_grouped_or_external() -> None:
    assert Product(name="a").product_type is ProductType.SIMPLE
    assert Product(name="a", variants=[Variant(sku="s")]).product_type is ProductType.VARIABLE
    # Simple and variable are not said but derived: a variable product that
    # loses its variants is a simple one.
    assert Product(name="a", product_type="variable").product_type is ProductType.SIMPLE
    assert Product(name="a", product_type="grouped").product_type is ProductType.GROUPED
    variable = Product(name="a", variants=[Variant(sku="s")])
    assert attrs.evolve(variable, variants=()).product_type is ProductType.SIMPLE


@pytest.mark.parametrize(
    ("build", "model", "field"),
    [
        (lambda: Product(name="x", product_type="bundle"), "Product", "product_type"),
        (
            lambda: Product(name="x", product_type="grouped", variants=[Variant(sku="s")]),
            "Product",
            "variants",
        ),
        (lambda: Product(name="x", grouped_product_ids=["1"]), "Product", "grouped_product_ids"),
        (lambda: Product(name="x", external_url="https://a.example"), "Product", "external_url"),
        (lambda: Product(name="x", button_text="Buy"), "Product", "button_text"),
        (
            lambda: Product(name="x", product_type="external", external_url="ftp://a.example/x"),
            "Product",
            "external_url",
        ),
        (
            lambda: Product(name="x", product_type="external", external_url="/relative"),
            "Product",
            "external_url",
        ),
        (lambda: Product(name="x", virtual="yes"), "Product", "virtual"),
        (lambda: Product(name="x", downloadable=1), "Product", "downloadable"),
        (lambda: Product(name="x", downloads=[{"name": "no url"}]), "Product", "downloads[0].url"),
        (lambda: Product(name="x", downloads=[{"url": "file.zip"}]), "Product", "downloads[0].url"),
        (lambda: Product(name="x", downloads="https://a.example/f"), "Product", "downloads"),
        (lambda: Product(name="x", dimensions={"length": 1}), "Product", "dimensions.unit"),
        (
            lambda: Product(name="x", dimensions={"length": -1, "unit": "cm"}),
            "Product",
            "dimensions.length",
        ),
        (
            lambda: Product(name="x", dimensions={"width": "wide", "unit": "cm"}),
            "Product",
            "dimensions.width",
        ),
        (
            lambda: Product(name="x", dimensions={"height": 1, "unit": "furlong"}),
            "Product",
            "dimensions.unit",
        ),
        (lambda: Variant(weight="-2"), "Variant", "weight"),
        (lambda: Variant(options={"Size": "S"}, any_options=["Size"]), "Variant", "any_options"),
        (lambda: Variant(any_options="Size"), "Variant", "any_options"),
        (lambda: Product(name="x", weight=1, weight_unit="stone"), "Product", "weight_unit"),
        (lambda: Variant(weight=1, weight_unit="KG"), "Variant", "weight_unit"),
        (lambda: Variant(virtual="yes"), "Variant", "virtual"),
        (lambda: Variant(downloadable=1), "Variant", "downloadable"),
        (lambda: Variant(downloads=[{"url": "file.zip"}]), "Variant", "downloads[0].url"),
        (
            lambda: Product(name="x", variants=[{"downloads": [{"name": "no url"}]}]),
            "Product",
            "variants[0].downloads[0].url",
        ),
        (
            lambda: Product(name="x", variants=[{"dimensions": {"length": 1}}]),
            "Product",
            "variants[0].dimensions.unit",
        ),
    ],
)
def test_bad_semantics_are_refused_naming_the_field(build, model, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidEntity) as info:
        build()
    assert info.value.model == model
    assert info.value.field == field


def test_dimensions_convert_between_units() -> None:
    inches = Dimensions(length=10, width="2.5", unit="in")
    cm = inches.in_unit(LengthUnit.CM)
    assert (cm.length, cm.width, cm.height, cm.unit) == (
        decimal.Decimal("25.4"),
        decimal.Decimal("6.35"),
        None,
        LengthUnit.CM,
    )
    assert cm.in_unit("in") == Dimensions(length=10, width="2.5", unit="in")
    assert inches.in_unit("in") is inches
    assert Dimensions(length=1, unit="m").in_unit("mm").length == 1000


def test_weights_convert_between_units_exactly() -> None:
    pound = Product(name="Bag", weight=1, weight_unit=WeightUnit.LBS)
    assert pound.weight_in("kg") == decimal.Decimal("0.4536")
    assert pound.weight_in(WeightUnit.G) == decimal.Decimal("453.5924")
    assert pound.weight_in("oz") == 16
    assert pound.weight_in("lbs") == 1
    assert Variant(weight="0.25", weight_unit="kg").weight_in("g") == 250
    assert Variant(weight="500", weight_unit="g").weight_in("kg") == decimal.Decimal("0.5")
    assert Variant(weight="2", weight_unit="oz").weight_in("g") == decimal.Decimal("56.699")
    # Without a unit, the weight is the store's own: taken as it is.
    assert Product(name="Old", weight="1.5").weight_in("lbs") == decimal.Decimal("1.5")
    assert Product(name="None").weight_in("kg") is None
    assert Product(name="A", weight=1, weight_unit="kg").weight_unit is WeightUnit.KG
    unit_only = attrs.evolve(pound, weight_unit=WeightUnit.KG)
    assert fingerprint(unit_only) != fingerprint(pound)
    assert Product(**plain(pound)) == pound


def test_grouped_children_are_references_to_products() -> None:
    grouped = _rich()[0]
    assert list(references_of(grouped)) == [
        Reference("grouped_product_ids", Product, "c1"),
        Reference("grouped_product_ids", Product, "c2"),
    ]
    rewritten, dropped = rewrite_references(grouped, _only_c1)
    assert rewritten.grouped_product_ids == ("101",)
    assert dropped == [Reference("grouped_product_ids", Product, "c2")]


def _only_c1(kind: type, id: str) -> str | None:
    return "101" if kind is Product and id == "c1" else None


@pytest.mark.parametrize("position", range(6))
def test_every_semantic_field_survives_plain_data_and_changes_the_fingerprint(
    position: int,
) -> None:
    product = _rich()[position]
    assert Product(**plain(product)) == product
    assert fingerprint(Product(**plain(product))) == fingerprint(product)
    changes = {
        0: lambda: {"grouped_product_ids": ("c1",)},
        1: lambda: {"dimensions": Dimensions(height=1, unit="mm")},
        2: lambda: {"dimensions": Dimensions(length=24, width=1, height="2.5", unit="cm")},
        3: lambda: {"button_text": "Buy there"},
        4: lambda: {"downloads": (Download(url=_URL, name="Album (FLAC)"),)},
        5: lambda: {
            "variants": (attrs.evolve(product.variants[0], any_options=()), product.variants[1])
        },
    }
    changed = changes[position]()
    assert fingerprint(attrs.evolve(product, **changed)) != fingerprint(product)


def test_flags_change_the_fingerprint() -> None:
    product = Product(name="Service")
    assert fingerprint(attrs.evolve(product, virtual=True)) != fingerprint(product)
    assert fingerprint(attrs.evolve(product, downloadable=True)) != fingerprint(product)


def test_a_variant_carries_its_own_files() -> None:
    """A book's PDF variation is virtual and downloadable, its print one is not."""
    pdf = Variant(
        sku="BOOK-PDF",
        options={"Format": "PDF"},
        virtual=True,
        downloadable=True,
        downloads=[{"url": _URL}, Download(url="https://files.example/b.epub", name="ePub")],
    )
    assert pdf.downloads == (
        Download(url=_URL),
        Download(url="https://files.example/b.epub", name="ePub"),
    )
    assert Variant(sku="BOOK").downloads == ()
    assert not Variant(sku="BOOK").virtual and not Variant(sku="BOOK").downloadable
    product = Product(name="Book", variants=[pdf, Variant(sku="BOOK-P", options={"Format": "P"})])
    assert Product(**plain(product)) == product
    for change in ({"virtual": False}, {"downloadable": False}, {"downloads": ()}):
        changed = attrs.evolve(product, variants=[attrs.evolve(pdf, **change), product.variants[1]])
        assert fingerprint(changed) != fingerprint(product)


def _semantics(product: Product) -> tuple[object, ...]:
    variants = tuple(
        (v.options, v.any_options, v.weight, v.dimensions, v.virtual, v.downloadable, v.downloads)
        for v in product.variants
    )
    return (
        product.name,
        product.product_type,
        product.external_url,
        product.button_text,
        product.virtual,
        product.downloadable,
        product.downloads,
        product.dimensions,
        product.weight,
        product.weight_unit,
        variants,
    )


def test_memory_to_memory_carries_every_semantic_field_and_links_grouped_children() -> None:
    source = MemoryCart(name="source")
    for product in _rich():
        source.add(product)
    target = MemoryCart(name="target", check_references=True)
    engine = SyncEngine(source, target, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    migrated = {p.name: p for p in target.read(Product)}
    for product in source.read(Product):
        assert _semantics(migrated[product.name]) == _semantics(product)
    # The grouped product came first in the source, but is created after its
    # children: it points to their ids on the target, none dropped.
    grouped = migrated["Logo Collection"]
    names = {migrated[n].id: n for n in migrated}
    assert [names[i] for i in grouped.grouped_product_ids] == ["Cap", "Poster"]
    assert not [w for w in report.warnings if w.field == "grouped_product_ids"]


def test_a_grouped_product_whose_children_come_later_is_linked_when_they_arrive() -> None:
    source = MemoryCart(name="source")
    grouped, cap, poster = _rich()[:3]
    for product in (grouped, cap, poster):
        source.add(product)
    target = MemoryCart(name="target")
    state = MemoryStateStore()
    engine = SyncEngine(source, target, state=state)
    # First call: only the grouped product (its children are filtered out).
    first = SyncEngine(
        source,
        target,
        state=state,
        rules=MappingRules(filters={"product": lambda p: p.id == "g"}),
    ).full_migrate()
    [on_target] = target.read(Product)
    assert on_target.grouped_product_ids == ()
    assert {(w.source_id, w.field) for w in first.warnings} >= {
        ("g", "grouped_product_ids"),
    }
    second = engine.full_migrate()
    assert second.failures == []
    by_name = {p.name: p for p in target.read(Product)}
    assert set(by_name["Logo Collection"].grouped_product_ids) == {
        by_name["Cap"].id,
        by_name["Poster"].id,
    }
    assert any(
        w.source_id == "g" and w.field == "grouped_product_ids" and "now point" in w.message
        for w in second.warnings
    )


def test_semantics_survive_a_sqlite_state_across_engines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The fingerprint kept in a state file covers them: an unchanged product
    costs no write a month later, a changed download or dimension is seen."""
    source = MemoryCart(name="source")
    for product in _rich():
        source.add(product)
    target = MemoryCart(name="target")
    path = tmp_path / "state.db"
    SyncEngine(source, target, state=SQLiteStateStore(path)).full_migrate()
    fields = {Product: ["downloads", "dimensions", "button_text"]}
    later = SyncEngine(source, target, state=SQLiteStateStore(path))
    assert later.smart_update(fields=fields).total("updated") == 0
    album = next(p for p in source.read(Product) if p.name == "Album")
    source.update(Product, str(album.id), {"downloads": (Download(url=_URL, name="Album v2"),)})
    report = SyncEngine(source, target, state=SQLiteStateStore(path)).smart_update(fields=fields)
    assert report.summary()["product"]["updated"] == 1
    on_target = next(p for p in target.read(Product) if p.name == "Album")
    assert on_target.downloads == (Download(url=_URL, name="Album v2"),)


def test_a_dry_run_lists_the_semantic_fields_it_would_write() -> None:
    source = MemoryCart(name="source")
    for product in _rich():
        source.add(product)
    report = SyncEngine(source, MemoryCart(name="target"), state=MemoryStateStore()).full_migrate(
        dry_run=True
    )
    fields = {
        (c.source_id, name): c.fields[name].new
        for c in report.changes
        for name in c.fields
        if name in ("product_type", "external_url", "downloads", "dimensions")
    }
    assert fields[("x", "external_url")] == "https://shop.example/pennant"
    assert fields[("g", "product_type")] == "grouped"
    assert fields[("d", "downloads")][0] == {"url": _URL, "name": "Album"}
    assert fields[("c2", "dimensions")]["unit"] == "in"
    assert '"button_text": {' in report.to_json()  # the report is JSON-safe with them


def test_a_target_that_keeps_weights_in_its_own_unit_warns_about_the_unit() -> None:
    """PrestaShop and Magento convert a product's weight to the store's unit
    (PS_WEIGHT_UNIT, general/locale/weight_unit: tests/prestashop, tests/magento)
    but write no variant weight: that one's unit is said, and left out."""
    from cartmigrate.connectors._unstored import MAGENTO, PRESTASHOP, held, without

    product = Product(
        name="Anvil",
        weight=1,
        weight_unit="lbs",
        variants=[Variant(sku="A-1", weight=2, weight_unit="oz", options={"Size": "S"})],
    )
    for table in (PRESTASHOP, MAGENTO):
        fields = held(product, table)
        assert "variants.weight_unit" in fields and "weight_unit" not in fields
        stored = without(product, fields)
        assert stored.weight_unit == "lbs" and stored.variants[0].weight_unit is None
