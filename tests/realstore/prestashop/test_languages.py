"""A second language on the real store: multilingual fields become lists, writes fill both."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from cartmigrate.connectors.prestashop import PrestaShopCart
from cartmigrate.connectors.prestashop._xml import xml_body
from cartmigrate.models import Category, Product, Variant

from .._stores import RealStore
from .conftest import API, Query


def test_a_shop_with_two_languages_reads_and_writes(
    real_prestashop: RealStore, make_presta: Callable[..., PrestaShopCart], shop_db: Query
) -> None:
    real_prestashop.reset()
    key = real_prestashop.credentials["PS_WS_KEY"]
    try:
        body = xml_body(
            "language",
            {
                "name": "Français (French)",
                "iso_code": "fr",
                "language_code": "fr-fr",
                "locale": "fr-FR",
                "active": 1,
                "date_format_lite": "d/m/Y",
                "date_format_full": "d/m/Y H:i:s",
            },
            languages=[1],
        )
        added = httpx.post(
            f"{API}/languages",
            params={"output_format": "JSON"},
            content=body,
            auth=(key, ""),
            headers={"Content-Type": "text/xml"},
            timeout=120,
        )
        assert added.status_code == 201, added.text[:300]
        french = str(added.json()["language"]["id"])
        raw = httpx.get(
            f"{API}/categories/3", params={"output_format": "JSON"}, auth=(key, ""), timeout=60
        ).json()["category"]
        assert isinstance(raw["name"], list), "two languages: the name is a list"

        english = make_presta()
        names = {c.name for c in english.read(Category)}
        assert "Clothes" in names and all(isinstance(n, str) for n in names)

        made = english.create(Category(name="Linen", slug="linen"))
        rows = shop_db(
            f"select id_lang, name from ps_category_lang where id_category = {int(made.id)}"
        )
        assert sorted(rows) == [("1", "Linen"), (french, "Linen")]
        product = english.create(
            Product(
                name="Linen shirt",
                sku="LIN-1",
                price="30",
                variants=[Variant(sku="LIN-1-S", price="30", quantity=2, options={"Size": "S"})],
            )
        )
        copy = english.get(Product, product.id)
        assert copy is not None and copy.name == "Linen shirt"
        assert [v.quantity for v in copy.variants] == [2]
        in_french = make_presta(language=int(french)).get(Category, "3")
        assert in_french is not None and in_french.name == "Clothes"  # copied from English
    finally:
        real_prestashop.reset()
