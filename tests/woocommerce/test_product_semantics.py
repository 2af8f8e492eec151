"""Grouped, external, downloadable/virtual and dimensioned products, and "any
value" variations, both ways through the WooCommerce simulator (issue #8 item 9).

The simulator answers as WooCommerce 7.9 was seen to: a variation does not
list an attribute it leaves open, a download sent without a name is named
after its file, a variation without dimensions reads its product's, and the
dimension unit is a store setting.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from cartmigrate import (
    Dimensions,
    Download,
    LengthUnit,
    MemoryCart,
    MemoryStateStore,
    Product,
    ProductType,
    SyncEngine,
    Variant,
    WeightUnit,
)
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator, load_sample_store

from ._catalog import FILE, SINGLE, semantic_catalog, semantics

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


def _inches(sim: WooCommerceSimulator) -> None:
    sim.store.units["woocommerce_dimension_unit"] = "in"


def test_memory_to_woocommerce_carries_every_semantic_and_reads_them_back(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    _inches(sim)
    source = MemoryCart(semantic_catalog())
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    assert not [w for w in report.warnings if w.field == "grouped_product_ids"]
    read = semantics(cart.read(Product))
    expected = semantics(cart.as_stored(p) for p in source.read(Product))
    assert read == expected
    # What that means, spelled out for a few fields.
    assert read["SEM-GROUP"]["product_type"] is ProductType.GROUPED
    assert read["SEM-GROUP"]["grouped"] == ["SEM-CAP", "SEM-POSTER"]
    assert read["SEM-CAP"]["dimensions"] == Dimensions(
        length=10, width=5, height="1.9685", unit="in"
    )
    assert read["SEM-ALBUM"]["downloads"] == [
        ("Album", FILE),
        ("single.jpg", FILE.replace("album", "single")),
    ]
    assert read["SEM-TEE"]["variants"]["SEM-TEE-S"][1] == ("Colour",)
    raw = {p["sku"]: p for p in sim.store.products.values()}
    assert raw["SEM-EXT"]["type"] == "external"
    assert raw["SEM-EXT"]["button_text"] == "Buy it there"
    assert raw["SEM-CAP"]["dimensions"] == {"length": "10", "width": "5", "height": "1.9685"}
    tee_s = next(v for v in sim.store.variations.values() if v["sku"] == "SEM-TEE-S")
    assert [a["name"] for a in tee_s["attributes"]] == ["Size"]  # "any Colour": not listed
    pattern = read["SEM-TEE"]["variants"]["SEM-TEE-PATTERN"]
    assert pattern[4:7] == (
        True,
        True,
        [("Sewing pattern", SINGLE), ("album.jpg", FILE)],
    )
    raw_pattern = next(v for v in sim.store.variations.values() if v["sku"] == "SEM-TEE-PATTERN")
    assert (raw_pattern["virtual"], raw_pattern["downloadable"]) == (True, True)
    assert [d["file"] for d in raw_pattern["downloads"]] == [SINGLE, FILE]
    # A second comparison of every semantic field writes nothing.
    puts = len(sim.requests_to("PUT", "wc/v3/products"))
    again = engine.smart_update(fields={Product: _FIELDS}, verify=True)
    assert again.failures == []
    assert len(sim.requests_to("PUT", "wc/v3/products")) == puts


def test_woocommerce_to_memory_to_woocommerce_round_trips_field_by_field(
    make_sim: Callable[..., WooCommerceSimulator],
    make_cart: Callable[..., WooCommerceCart],
) -> None:
    first, second = make_sim(), make_sim()
    _inches(first)  # the source store is in inches, the target in cm
    origin = make_cart(first)
    SyncEngine(MemoryCart(semantic_catalog()), origin, state=MemoryStateStore()).full_migrate()
    memory = MemoryCart()
    report = SyncEngine(origin, memory, state=MemoryStateStore()).full_migrate()
    assert report.failures == []
    read = list(origin.read(Product))
    assert semantics(memory.read(Product)) == semantics(read)
    target = make_cart(second)
    report = SyncEngine(memory, target, state=MemoryStateStore()).full_migrate()
    assert report.failures == []
    back = semantics(target.read(Product))
    # Same sizes, now in cm; everything else as it was.
    expected = semantics(
        attrs.evolve(p, dimensions=p.dimensions.in_unit(LengthUnit.CM) if p.dimensions else None)
        for p in (_cm_variants(p) for p in read)
    )
    assert back == expected
    assert back["SEM-CAP"]["dimensions"] == Dimensions(
        length="25.4", width="12.7", height="5", unit="cm"
    )
    assert back["SEM-TEE"]["variants"]["SEM-TEE-PATTERN"][6] == [
        ("Sewing pattern", SINGLE),
        ("album.jpg", FILE),
    ]


def _cm_variants(product: Product) -> Product:
    return attrs.evolve(
        product,
        variants=[
            attrs.evolve(v, dimensions=v.dimensions.in_unit("cm") if v.dimensions else None)
            for v in product.variants
        ],
    )


def test_a_changed_semantic_field_is_written_alone(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    source = MemoryCart(semantic_catalog())
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    engine.full_migrate()
    pennant = next(p for p in source.read(Product) if p.sku == "SEM-EXT")
    source.update(Product, str(pennant.id), {"external_url": "https://shop.example/moved"})
    album = next(p for p in source.read(Product) if p.sku == "SEM-ALBUM")
    source.update(Product, str(album.id), {"virtual": False})
    start = len(sim.requests)
    report = engine.smart_update(fields={Product: _FIELDS})
    assert report.failures == []
    bodies = [r.json for r in sim.requests[start:] if r.method == "PUT"]
    assert {"external_url": "https://shop.example/moved"} in bodies
    assert {"virtual": False} in bodies
    raw = {p["sku"]: p for p in sim.store.products.values()}
    assert raw["SEM-EXT"]["external_url"] == "https://shop.example/moved"
    assert raw["SEM-ALBUM"]["virtual"] is False


def test_a_store_key_that_cannot_read_the_unit_is_told_how_to_go_on(
    sim: WooCommerceSimulator, make_cart: Callable[..., WooCommerceCart]
) -> None:
    sim.seed("products", {"name": "Box", "dimensions": {"length": "2", "width": "", "height": ""}})
    _inches(sim)
    given = make_cart(sim, dimension_unit="mm")
    [box] = given.read(Product)
    assert box.dimensions == Dimensions(length=2, unit="mm")
    assert not sim.requests_to("GET", "wc/v3/settings/products")
    asked = make_cart(sim)
    [box] = asked.read(Product)
    assert box.dimensions == Dimensions(length=2, unit="in")
    assert box.weight is None


def test_the_simulator_stores_semantics_as_woocommerce_does(sim: WooCommerceSimulator) -> None:
    parent = sim.seed(
        "products",
        {
            "name": "Tee",
            "type": "variable",
            "weight": "0.5",
            "dimensions": {"length": "24", "width": "1", "height": "2"},
            "attributes": [
                {"name": "Size", "options": ["S", "M"], "variation": True},
                {"name": "Colour", "options": ["Red"], "variation": True},
            ],
        },
    )
    variation = sim.seed(
        "variations",
        {"attributes": [{"name": "Size", "option": "S"}, {"name": "Colour", "option": ""}]},
        parent=parent["id"],
    )
    view = sim.store.variation_view(sim.store.variations[variation["id"]])
    assert view["attributes"] == [{"id": 0, "name": "Size", "option": "S"}]
    assert view["weight"] == "0.5"  # its product's
    assert view["dimensions"] == {"length": "24", "width": "1", "height": "2"}
    album = sim.seed(
        "products", {"name": "Album", "downloadable": True, "downloads": [{"file": FILE}]}
    )
    [download] = sim.store.products[album["id"]]["downloads"]
    assert download["name"] == "album.jpg" and download["file"] == FILE and download["id"]
    plain: dict[str, Any] = sim.store.products[sim.seed("products", {"name": "Plain"})["id"]]
    assert plain["dimensions"] == {"length": "", "width": "", "height": ""}
    assert (plain["virtual"], plain["downloadable"], plain["grouped_products"]) == (
        False,
        False,
        [],
    )


def test_weights_are_converted_to_the_store_unit_and_read_back_in_it(
    sim: WooCommerceSimulator,
    make_sim: Callable[..., WooCommerceSimulator],
    make_cart: Callable[..., WooCommerceCart],
) -> None:
    """A pound store gets 1 kg as 2.2046 (not 1), reads it back as lbs, and a
    kilogram store it is migrated on to gets 1 kg again; a weight without a
    unit (a source that cannot tell) is written as it is."""
    sim.store.units["woocommerce_weight_unit"] = "lbs"
    pounds = make_cart(sim)
    source = MemoryCart(
        [
            Product(id="a", name="Anvil", sku="W-ANVIL", price="9", weight=1, weight_unit="kg"),
            Product(id="b", name="Bare", sku="W-BARE", price="9", weight="3"),
            Product(
                id="c",
                name="Cup",
                sku="W-CUP",
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
                weight="8",
                weight_unit="oz",
            ),
        ]
    )
    engine = SyncEngine(source, pounds, state=MemoryStateStore())
    assert engine.full_migrate().failures == []
    raw = {p["sku"]: p for p in sim.store.products.values()}
    assert (raw["W-ANVIL"]["weight"], raw["W-BARE"]["weight"], raw["W-CUP"]["weight"]) == (
        "2.2046",
        "3",
        "0.5",
    )
    cup_l = next(v for v in sim.store.variations.values() if v["sku"] == "W-CUP-L")
    assert cup_l["weight"] == "1.1023"
    read = {p.sku: p for p in pounds.read(Product)}
    assert (read["W-ANVIL"].weight, read["W-ANVIL"].weight_unit) == (
        decimal.Decimal("2.2046"),
        WeightUnit.LBS,
    )
    cup = {v.sku: (v.weight, v.weight_unit) for v in read["W-CUP"].variants}
    # The small cup has no weight of its own: it reads its product's, in lbs.
    assert cup == {
        "W-CUP-S": (decimal.Decimal("0.5"), WeightUnit.LBS),
        "W-CUP-L": (decimal.Decimal("1.1023"), WeightUnit.LBS),
    }
    # A second comparison with verify writes nothing: as_stored converts too.
    puts = len(sim.requests_to("PUT", "wc/v3/products"))
    again = engine.smart_update(fields={Product: ["weight", "weight_unit"]}, verify=True)
    assert again.failures == [] and again.total("updated") == 0, again.summary()
    assert len(sim.requests_to("PUT", "wc/v3/products")) == puts
    # On to a kilogram store told its unit (no settings request).
    kilos_sim = make_sim()
    kilos = make_cart(kilos_sim, weight_unit="kg")
    assert SyncEngine(pounds, kilos, state=MemoryStateStore()).full_migrate().failures == []
    assert not kilos_sim.requests_to("GET", "wc/v3/settings/products/woocommerce_weight_unit")
    back = {p["sku"]: p["weight"] for p in kilos_sim.store.products.values()}
    assert (back["W-ANVIL"], back["W-BARE"]) == ("1", "1.3608")
    # A changed source weight is written alone, converted.
    anvil = read["W-ANVIL"]
    source.update(Product, "a", {"weight": decimal.Decimal(2)})
    start = len(sim.requests)
    assert engine.smart_update(fields={Product: ["weight"]}).failures == []
    bodies = [r.json for r in sim.requests[start:] if r.method == "PUT"]
    assert bodies == [{"weight": "4.4092"}]
    assert anvil.id is not None


def test_a_key_that_cannot_read_the_weight_unit_is_told_how_to_go_on(
    sim: WooCommerceSimulator, make_cart: Callable[..., WooCommerceCart]
) -> None:
    sim.store.units["woocommerce_weight_unit"] = "bogus"
    sim.seed("products", {"name": "Box", "weight": "2"})
    asked = make_cart(sim)
    assert list(asked.read(Product)) == []  # not read in a unit it cannot tell: reported
    [(kind, _, problem)] = asked.take_unreadable()
    assert kind is Product and "pass weight_unit=" in str(problem)
    [box] = make_cart(sim, weight_unit="g").read(Product)
    assert (box.weight, box.weight_unit) == (2, WeightUnit.G)
    sim.seed("products", {"name": "Feather"})
    assert [p.weight_unit for p in make_cart(sim, weight_unit="oz").read(Product)] == [
        WeightUnit.OZ,
        None,
    ]


def test_a_variation_keeps_its_own_files_as_woocommerce_does(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """Seen on 7.9: a variation's downloads get ids and names of their own, its
    limits default to -1, and a read does not fill them in from its product."""
    parent = sim.seed(
        "products",
        {
            "name": "Book",
            "type": "variable",
            "downloadable": True,
            "downloads": [{"file": SINGLE}],
            "attributes": [{"name": "Format", "options": ["PDF", "Print"], "variation": True}],
        },
    )
    pdf = sim.seed(
        "variations",
        {
            "sku": "BOOK-PDF",
            "regular_price": "5",
            "virtual": True,
            "downloadable": True,
            "downloads": [{"file": FILE}],
            "download_limit": 3,
            "attributes": [{"name": "Format", "option": "PDF"}],
        },
        parent=parent["id"],
    )
    sim.seed(
        "variations",
        {
            "sku": "BOOK-P",
            "regular_price": "9",
            "attributes": [{"name": "Format", "option": "Print"}],
        },
        parent=parent["id"],
    )
    [download] = sim.store.variations[pdf["id"]]["downloads"]
    assert download["name"] == "album.jpg" and download["id"]
    [book] = cart.read(Product)
    by_sku = {v.sku: v for v in book.variants}
    assert (by_sku["BOOK-PDF"].virtual, by_sku["BOOK-PDF"].downloadable) == (True, True)
    assert by_sku["BOOK-PDF"].downloads == (Download(url=FILE, name="album.jpg"),)
    assert by_sku["BOOK-PDF"].extra["download_limit"] == 3
    assert by_sku["BOOK-P"].downloads == () and not by_sku["BOOK-P"].downloadable
    assert by_sku["BOOK-P"].extra["download_expiry"] == -1  # 7.9's default, as on the store
    # A changed variation file is written alone, on the variation.
    moved = Download(url=SINGLE, name="Book (PDF)")
    start = len(sim.requests)
    cart.update(Variant, str(by_sku["BOOK-PDF"].id), {"downloads": (moved,)}, parent_id=book.id)
    [put] = [r for r in sim.requests[start:] if r.method == "PUT"]
    assert put.json == {"downloads": [{"name": "Book (PDF)", "file": SINGLE}]}
    [book] = cart.read(Product)
    assert {v.sku: v.downloads for v in book.variants}["BOOK-PDF"] == (moved,)


def test_an_open_attribute_nobody_names_a_value_of_is_reported(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """WooCommerce keeps "any Colour" only as a product attribute with values; a
    source whose variants never name a colour gives none: said, not dropped."""
    tee = Product(
        id="t",
        name="Tee",
        variants=[
            Variant(id="s", sku="T-S", price=1, options={"Size": "S"}, any_options=["Colour"]),
            Variant(id="m", sku="T-M", price=1, options={"Size": "M"}, any_options=["Colour"]),
        ],
    )
    engine = SyncEngine(MemoryCart([tee]), cart, state=MemoryStateStore())
    report = engine.full_migrate()
    assert report.failures == []
    [notice] = [w for w in report.warnings if w.field == "variants.any_options"]
    assert notice.source_id == "t" and "Colour" in notice.message
    [raw] = sim.store.products.values()
    assert [a["name"] for a in raw["attributes"]] == ["Size"]
    again = engine.smart_update(fields={Variant: ["any_options"]}, verify=True)
    assert again.total("updated") == 0, again.summary()


def test_a_sample_csv_loads_grouped_external_downloadable_and_dimensioned_products(
    tmp_path: Path,
    make_sim: Callable[..., WooCommerceSimulator],
    make_cart: Callable[..., WooCommerceCart],
) -> None:
    """As WooCommerce's importer reads its product CSV (the real store's baseline)."""
    header = (
        "Type,SKU,Name,Published,Short description,Description,Categories,Images,"
        '"Weight (lbs)","Length (in)","Width (in)","Height (in)",Regular price,Sale price,'
        'Stock,"In stock?",Attribute 1 name,Attribute 1 value(s),Attribute 2 name,'
        'Attribute 2 value(s),Parent,"Grouped products","External URL","Button text",'
        '"Download limit","Download expiry days","Download 1 name","Download 1 URL"'
    )
    rows = [
        "simple,cap,Cap,1,,,,,.2,8,6.5,.5,5,,,1,,,,,,,,,,,,",
        "simple,belt,Belt,1,,,,,,,,,7,,,1,,,,,,,,,,,,",
        'grouped,set,Set,1,,,,,,,,,,,,1,,,,,,"cap, belt",,,,,,',
        "external,pen,Pennant,1,,,,,,,,,11,,,1,,,,,,,https://shop.example/p,Buy there,,,,",
        f'"simple, downloadable, virtual",album,Album,1,,,,,,,,,3,,,1,,,,,,,,,1,1,Album,{FILE}',
    ]
    path = tmp_path / "sample.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    sim = load_sample_store(path, make_sim())
    assert sim.store.units == {"woocommerce_dimension_unit": "in", "woocommerce_weight_unit": "lbs"}
    read = {p.sku: p for p in make_cart(sim).read(Product)}
    sku_of = {p.id: p.sku for p in read.values()}
    assert sorted(sku_of[i] for i in read["set"].grouped_product_ids) == ["belt", "cap"]
    assert read["pen"].product_type is ProductType.EXTERNAL
    assert (read["pen"].external_url, read["pen"].button_text) == (
        "https://shop.example/p",
        "Buy there",
    )
    assert read["album"].virtual and read["album"].downloadable
    assert [(d.name, d.url) for d in read["album"].downloads] == [("Album", FILE)]
    assert read["cap"].dimensions == Dimensions(length=8, width="6.5", height="0.5", unit="in")
    assert str(read["cap"].weight) == "0.2"


def test_a_product_with_a_bad_dimension_or_download_fails_alone_naming_the_field(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    sim.seed("products", {"name": "Good", "sku": "GOOD"})
    bad = sim.seed(
        "products",
        {"name": "Bad", "sku": "BAD", "dimensions": {"length": "ten", "width": "", "height": ""}},
    )
    ftp = sim.seed(
        "products",
        {
            "name": "Ftp",
            "sku": "FTP",
            "downloadable": True,
            "downloads": [{"file": "ftp://f.example/a"}],
        },
    )
    memory = MemoryCart()
    report = SyncEngine(cart, memory, state=MemoryStateStore()).full_migrate()
    assert sorted((f.source_id, f.field) for f in report.failures) == sorted(
        [(str(bad["id"]), "dimensions.length"), (str(ftp["id"]), "downloads[0].url")]
    )
    assert [p.sku for p in memory.read(Product)] == ["GOOD"]


def test_a_plugin_product_type_is_read_as_simple_and_said(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """WooCommerce Subscriptions and bundle plugins add types the models do not
    hold; the product still migrates, as a simple one, and the report says what
    was not read."""
    sub = sim.seed("products", {"name": "Box", "sku": "BOX", "regular_price": "9"})
    sim.store.products[int(sub["id"])]["type"] = "subscription"
    sim.seed("products", {"name": "Plain", "sku": "PLAIN", "regular_price": "3"})
    target = MemoryCart()
    report = SyncEngine(cart, target, state=MemoryStateStore()).full_migrate()
    assert report.failures == [] and report.total("created") == 2, report.summary()
    [notice] = [w for w in report.warnings if w.field == "product_type"]
    assert notice.source_id == str(sub["id"]) and "'subscription'" in notice.message
    box = next(p for p in target.read(Product) if p.sku == "BOX")
    assert box.product_type is ProductType.SIMPLE and str(box.price) == "9"
    assert box.extra["type"] == "subscription"


def test_brands_after_a_products_first_are_said_not_dropped(
    sim: WooCommerceSimulator, cart: WooCommerceCart
) -> None:
    """WooCommerce lets a product carry several brands; the models one."""
    acme = sim.seed("brands", {"name": "Acme"})
    zeta = sim.seed("brands", {"name": "Zeta"})
    both = sim.seed(
        "products", {"name": "Both", "brands": [{"id": acme["id"]}, {"id": zeta["id"]}]}
    )
    sim.seed("products", {"name": "One", "brands": [{"id": zeta["id"]}]})
    target = MemoryCart()
    report = SyncEngine(cart, target, state=MemoryStateStore()).full_migrate()
    assert report.failures == [], report.summary()
    [notice] = [w for w in report.warnings if w.field == "manufacturer_id"]
    assert notice.source_id == str(both["id"]) and str(zeta["id"]) in notice.message
    [read] = [p for p in cart.read(Product) if p.id == str(both["id"])]
    assert read.manufacturer_id == str(acme["id"])
