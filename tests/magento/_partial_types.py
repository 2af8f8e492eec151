"""Bundles and downloadable products read from Magento: one scenario, on the
simulator and the real store.

Neither type has a place in the models as Magento holds it. The scenario
creates them through the store's own REST API (the connector writes
neither), reads them, and checks what was read and what the cart says was
not: a bundle becomes a grouped product of its selections without a price
(its dynamic price reads 0, which must not become a price of 0), a
downloadable product keeps its URL links as downloads, and each file link,
each product's samples and the bundle's options are reported, naming the
product and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from cartmigrate import MemoryCart, MemoryStateStore, Product, ProductType, SyncEngine
from cartmigrate.connectors.magento import MagentoCart

#: A host the store's downloadable_domains list holds (the test adds it).
DOMAIN = "files.example.test"

_BUNDLE = {
    "sku": "PT-BUNDLE",
    "name": "Starter kit",
    "attribute_set_id": 4,
    "type_id": "bundle",
    "status": 1,
    "visibility": 4,
    "price": 0,
    "custom_attributes": [
        {"attribute_code": "price_type", "value": "0"},
        {"attribute_code": "sku_type", "value": "0"},
        {"attribute_code": "price_view", "value": "0"},
    ],
    "extension_attributes": {
        "website_ids": [1],
        "bundle_product_options": [
            {
                "title": "Pick one",
                "type": "select",
                "required": True,
                "position": 1,
                "sku": "PT-BUNDLE",
                "product_links": [
                    {"sku": "RM-SIMPLE-2", "qty": 2, "is_default": False, "position": 2},
                    {"sku": "RM-SIMPLE-1", "qty": 1, "is_default": True, "position": 1},
                ],
            }
        ],
    },
}

_EBOOK = {
    "sku": "PT-EBOOK",
    "name": "Field guide",
    "attribute_set_id": 4,
    "type_id": "downloadable",
    "status": 1,
    "visibility": 4,
    "price": 9.5,
    "extension_attributes": {
        "website_ids": [1],
        "downloadable_product_links": [
            {
                "title": "Chapter 2",
                "sort_order": 2,
                "is_shareable": 0,
                "price": 0,
                "number_of_downloads": 0,
                "link_type": "file",
                "link_file_content": {"file_data": "JVBERi0xLjQK", "name": "chapter2.pdf"},
            },
            {
                "title": "Chapter 1",
                "sort_order": 1,
                "is_shareable": 0,
                "price": 0,
                "number_of_downloads": 0,
                "link_type": "url",
                "link_url": f"https://{DOMAIN}/chapter1.pdf",
            },
        ],
        "downloadable_product_samples": [
            {
                "title": "Excerpt",
                "sort_order": 1,
                "sample_type": "url",
                "sample_url": f"https://{DOMAIN}/excerpt.pdf",
            }
        ],
    },
}


def partial_types_read(
    cart: MagentoCart, post_product: Callable[[Mapping[str, Any]], Mapping[str, Any]]
) -> None:
    """``post_product(product)``: ``POST /products`` on the store, its answer.

    Read by id (the real store holds 2,000 products), then through the
    engine's report where the store is the simulator's."""
    bundle = post_product(_BUNDLE)
    ebook = post_product(_EBOOK)
    assert bundle["price"] == 0  # what a dynamic price reads
    [file_link] = [
        link
        for link in ebook["extension_attributes"]["downloadable_product_links"]
        if link["link_type"] == "file"
    ]
    bundle_id, ebook_id = str(bundle["id"]), str(ebook["id"])
    cart.take_not_read()
    read = cart.get_many(Product, [bundle_id, ebook_id])

    kit = read[bundle_id]
    assert kit.product_type is ProductType.GROUPED
    assert kit.price is None
    children = cart.get_many(Product, list(kit.grouped_product_ids))
    assert [children[i].sku for i in kit.grouped_product_ids] == ["RM-SIMPLE-1", "RM-SIMPLE-2"]

    guide = read[ebook_id]
    assert guide.downloadable and guide.virtual
    assert guide.price == Decimal("9.5")
    assert [(d.url, d.name) for d in guide.downloads] == [
        (f"https://{DOMAIN}/chapter1.pdf", "Chapter 1")
    ]

    said = {(kind, sid, field): why for kind, sid, field, why in cart.take_not_read()}
    assert set(said) == {
        (Product, bundle_id, "bundle_product_options"),
        (Product, ebook_id, f"downloadable_product_links[{file_link['id']}]"),
        (Product, ebook_id, "downloadable_product_samples"),
    }
    assert "'Pick one'" in said[Product, bundle_id, "bundle_product_options"]
    assert "price dynamic" in said[Product, bundle_id, "bundle_product_options"]
    assert (
        file_link["link_file"]
        in said[Product, ebook_id, f"downloadable_product_links[{file_link['id']}]"]
    )


def partial_types_reported(cart: MagentoCart) -> None:
    """After ``partial_types_read``: a migration of the store warns of the same
    three values, naming each product and field, and migrates the rest."""
    target = MemoryCart(name="target")
    report = SyncEngine(cart, target, state=MemoryStateStore()).full_migrate(entities=[Product])
    assert report.ok, report.summary()
    kit = next(p for p in target.read(Product) if p.sku == "PT-BUNDLE")
    assert kit.price is None and len(kit.grouped_product_ids) == 2
    fields = sorted(
        str(w.field)
        for w in report.warnings
        if w.entity == "product" and w.field != "category_ids"  # categories not selected
    )
    assert fields == [
        "bundle_product_options",
        "downloadable_product_links[1]",
        "downloadable_product_samples",
    ], fields
