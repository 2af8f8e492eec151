"""The 301 map: old URL -> new URL from the id map, in Shopify's import format."""

from __future__ import annotations

import csv
import io

import attrs
import pytest

from cartmigrate import Category, ConfigurationError, Entity, MemoryCart, Product, SyncEngine
from cartmigrate.redirects import redirect_map, shopify_redirects_csv


def _stores() -> tuple[MemoryCart, MemoryCart]:
    old = MemoryCart(
        [
            Category(id="1", name="Clothing", slug="clothing"),
            Category(id="2", name="Tees", slug="tees", parent_id="1"),
            Product(id="10", name="V-Neck", sku="VN", slug="v-neck-tee", category_ids=["2"]),
            Product(id="11", name="No slug", sku="NS"),
        ],
        name="woocommerce",
    )
    return old, MemoryCart(name="shopify")


def test_woocommerce_paths_become_shopify_paths_in_its_csv_format() -> None:
    old, new = _stores()
    engine = SyncEngine(old, new)
    engine.full_migrate()
    redirects = redirect_map(engine)
    assert [(r.entity, r.source_id, r.old_path, r.new_path) for r in redirects] == [
        ("category", "1", "/product-category/clothing/", "/collections/clothing"),
        ("category", "2", "/product-category/clothing/tees/", "/collections/tees"),
        ("product", "10", "/product/v-neck-tee/", "/products/v-neck-tee"),
    ]
    rows = list(csv.reader(io.StringIO(shopify_redirects_csv(redirects))))
    assert rows[0] == ["Redirect from", "Redirect to"]
    assert rows[3] == ["/product/v-neck-tee/", "/products/v-neck-tee"]


def test_the_new_path_is_the_targets_own_slug() -> None:
    old, new = _stores()
    engine = SyncEngine(old, new)
    engine.full_migrate()
    tee = next(p for p in new.list(Product) if p.sku == "VN")
    new.add(attrs.evolve(tee, slug="v-neck-t-shirt"))  # renamed on the new shop
    (product,) = redirect_map(engine, kinds=[Product])
    assert (product.old_path, product.new_path) == (
        "/product/v-neck-tee/",
        "/products/v-neck-t-shirt",
    )


def test_an_unknown_platform_asks_for_its_paths() -> None:
    engine = SyncEngine(MemoryCart([Product(id="1", name="A", sku="A", slug="a")]), MemoryCart())
    engine.full_migrate()
    with pytest.raises(ConfigurationError, match="paths="):
        redirect_map(engine)

    def paths(side: str, entity: Entity) -> str:
        return f"/{'old' if side == 'source' else 'new'}/{getattr(entity, 'slug', '')}"

    (redirect,) = redirect_map(engine, kinds=[Product], paths=paths)
    assert (redirect.old_path, redirect.new_path) == ("/old/a", "/new/a")


def test_the_map_reads_each_type_of_the_source_once() -> None:
    old, new = _stores()
    engine = SyncEngine(old, new)
    engine.full_migrate()
    before = old.calls["read"]
    redirect_map(engine)
    assert old.calls["read"] - before == 2  # categories, then products


def test_every_entity_left_without_a_redirect_is_in_the_map_with_its_reason() -> None:
    old, new = _stores()
    old.add(Product(id="12", name="Refused", sku="RF", slug="refused"))
    old.add(Product(id="13", name="Same", sku="SM", slug="same"))
    engine = SyncEngine(old, new)
    engine.full_migrate()
    gone = next(p for p in new.list(Product) if p.sku == "VN")
    new.delete(Product, str(gone.id))  # deleted on the new shop
    engine.state.put([attrs.evolve(engine.state.get("product", ["12"])["12"], status="failed")])

    def paths(side: str, entity: Entity) -> str | None:
        slug = getattr(entity, "slug", None)
        if not slug:
            return None
        return f"/products/{slug}" if side == "target" or slug == "same" else f"/p/{slug}"

    result = redirect_map(engine, kinds=[Product], paths=paths)
    assert list(result) == []
    reasons = {s.source_id: s.reason for s in result.skipped}
    assert set(reasons) == {"10", "11", "12", "13"}
    assert "no longer on the target" in reasons["10"]
    assert "no URL on the source" in reasons["11"]
    assert "not migrated (state: failed)" in reasons["12"]
    assert "same path" in reasons["13"]
    assert "4 entity(ies) without one" in str(result)


def test_writing_redirects_needs_a_platform_with_an_api_for_them() -> None:
    from cartmigrate.redirects import write_redirects

    with pytest.raises(ConfigurationError, match="import the CSV"):
        write_redirects(MemoryCart(), [])
