"""PrestaShop's own fashion demo fixtures, served offline, read into the models."""

from __future__ import annotations

import decimal
import os
from pathlib import Path

import pytest

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.models import Category, Customer, Manufacturer, Order, Product
from cartmigrate.testing.prestashop import PrestaShopSimulator

from ..conftest import SHARED
from ._fashion import load_rows


@pytest.fixture(scope="module")
def fixtures_dir() -> Path:
    """``../shared/data/prestashop-fashion-fixtures`` (or under ``$CARTMIGRATE_SHARED``)."""
    for base in (SHARED, Path(os.environ.get("CARTMIGRATE_SHARED", "/nonexistent"))):
        found = base / "data" / "prestashop-fashion-fixtures"
        if found.is_dir():
            return found
    pytest.skip(f"{SHARED} is absent: the fashion fixtures live there (CI has it)")


def test_the_fashion_fixtures_read_into_the_models(fixtures_dir: Path) -> None:
    sim = PrestaShopSimulator()
    countries = {str(r["iso_code"]): int(r["id"]) for r in sim.shop.tables["countries"].values()}
    sim.load(load_rows(fixtures_dir, countries))
    cart = PrestaShopCart(sim.url, sim.key, transport=sim.transport)

    products = list(cart.read(Product))
    assert cart.take_unreadable() == []
    assert len(products) == 19
    assert sum(len(p.variants) for p in products) == 39
    assert sum(1 for p in products if p.variants) == 11
    shirt = next(p for p in products if p.sku == "demo_1")
    assert shirt.name == "Hummingbird printed t-shirt"
    assert shirt.price == decimal.Decimal("23.90")
    # (the fixtures hold 300 on the product row too: the installer sums it afterwards)
    assert [v.quantity for v in shirt.variants] == [300] * 8
    assert {frozenset(v.options) for v in shirt.variants} == {frozenset({"Size", "Color"})}
    assert {v.options["Size"] for v in shirt.variants} == {"S", "M", "L", "XL"}
    assert all(p.category_ids and p.manufacturer_id for p in products if p.sku == "demo_1")

    categories = list(cart.read(Category))
    assert {c.name for c in categories} >= {"Clothes", "Men", "Women", "Accessories"}
    assert all(c.slug for c in categories)
    assert {m.name for m in cart.read(Manufacturer)} == {"Studio Design", "Graphic Corner"}

    customers = {c.email: c for c in cart.read(Customer)}
    assert "pub@prestashop.com" in customers
    assert customers["pub@prestashop.com"].addresses

    orders = list(cart.read(Order))
    assert cart.take_unreadable() == []
    assert {o.number for o in orders} >= {"XKBKNABJK"}
    first = next(o for o in orders if o.number == "XKBKNABJK")
    assert first.total == decimal.Decimal("68.20")
    assert first.status == "cancelled"
    assert [line.sku for line in first.lines] == ["demo_1", "demo_3"]
    assert all(line.product_id for line in first.lines)
