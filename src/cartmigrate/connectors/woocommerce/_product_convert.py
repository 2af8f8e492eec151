"""WooCommerce REST v3 products and variations <-> cartmigrate models.

Pure functions, like ``_convert`` (whose helpers and meta keys they use):
prices (a sale is ``sale_price`` below ``regular_price``), stock (WooCommerce
derives a managed stock's status), images (WordPress re-hosts them; the
source URL is kept in meta), and what a product is beyond that
(``_semantics``).
"""

from __future__ import annotations

import decimal
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from ...models import LengthUnit, Product, ProductStatus, StockStatus, Variant, WeightUnit
from . import _semantics as sem
from ._convert import (
    _PRODUCT_STATUS_TO_WC,
    _STOCK_FROM_WC,
    _STOCK_TO_WC,
    IMAGES_KEY,
    POSITION_KEY,
    SEO_DESCRIPTION_KEY,
    SEO_TITLE_KEY,
    SOURCE_REF_KEY,
    VARIANT_COUNT_KEY,
    _extra,
    _id,
    _int_id,
    _json_meta,
    _meta,
    _money,
    _product_status,
    _text,
    meta_value,
    money_text,
    wc_time,
    wc_time_text,
)

__all__ = [
    "image_sources",
    "images_meta",
    "price_fields",
    "product_from_wc",
    "unread_brands",
    "product_to_wc",
    "stock_fields",
    "variant_from_wc",
    "variation_to_wc",
]


def _prices(data: Mapping[str, Any]) -> tuple[decimal.Decimal | None, decimal.Decimal | None]:
    """(price, compare-at price): a sale price is the price, the regular one the "was"."""
    regular = _money(data.get("regular_price"))
    sale = _money(data.get("sale_price"))
    if sale is not None:
        return sale, regular
    return (regular if regular is not None else _money(data.get("price"))), None


def price_fields(
    price: decimal.Decimal | None, compare_at: decimal.Decimal | None
) -> dict[str, str]:
    """``regular_price``/``sale_price`` for a price and a higher "compare at" price.

    A compare-at price that is not above the price has no WooCommerce
    equivalent (a sale price must be below the regular one) and is dropped.
    """
    if compare_at is not None and price is not None and compare_at > price:
        return {"regular_price": money_text(compare_at), "sale_price": money_text(price)}
    return {"regular_price": money_text(price), "sale_price": ""}


def stock_fields(quantity: int | None, status: StockStatus) -> dict[str, Any]:
    """Stock as WooCommerce holds it.

    With a quantity WooCommerce manages stock and derives ``stock_status`` from
    it (and from ``backorders``), so a backorder status becomes
    ``backorders: notify``; without one, ``stock_status`` is set as is.
    """
    if quantity is None:
        return {"manage_stock": False, "stock_status": _STOCK_TO_WC[StockStatus(status)]}
    return {
        "manage_stock": True,
        "stock_quantity": quantity,
        "backorders": "notify" if status == StockStatus.BACKORDER else "no",
    }


def _stock(data: Mapping[str, Any]) -> tuple[int | None, StockStatus]:
    managed = data.get("manage_stock")
    if managed not in (True, False, None, "parent"):  # "parent": a variation uses its product's
        raise ValueError(f"manage_stock must be true, false or 'parent', not {managed!r}")
    quantity = data.get("stock_quantity") if managed is True else None
    raw_status = data.get("stock_status")
    if raw_status is not None and raw_status not in _STOCK_FROM_WC:
        raise ValueError(f"unknown stock status {raw_status!r}")
    return quantity, _STOCK_FROM_WC.get(str(raw_status), StockStatus.IN_STOCK)


def variant_from_wc(
    data: Mapping[str, Any],
    parent: Mapping[str, Any] | None = None,
    *,
    dimension_unit: LengthUnit | None = None,
    base_url: str = "",
    weight_unit: WeightUnit | None = None,
) -> Variant:
    """``parent`` (the product read) says which attributes the variation leaves open;
    ``base_url`` makes download paths absolute."""
    price, compare_at = _prices(data)
    quantity, status = _stock(data)
    options = {
        str(a.get("name")): str(a.get("option"))
        for a in data.get("attributes") or ()
        if a.get("name") and a.get("option")
    }
    return Variant(
        id=str(data["id"]),
        sku=_text(data.get("sku")),
        price=price,
        compare_at_price=compare_at,
        quantity=quantity,
        stock_status=status,
        options=options,
        **sem.variant_semantics(data, parent or {}, dimension_unit, base_url, weight_unit),
        extra=_extra(
            data, ("description", "image", "menu_order", "download_limit", "download_expiry")
        ),
    )


def _brand_ids(data: Mapping[str, Any]) -> list[Any]:
    return [b.get("id") if isinstance(b, Mapping) else b for b in data.get("brands") or ()]


def unread_brands(data: Mapping[str, Any]) -> list[str]:
    """The brands of a product after its first: the models hold one
    manufacturer per product (WooCommerce lets a product have several)."""
    return [str(b) for b in _brand_ids(data)[1:]]


def product_from_wc(
    data: Mapping[str, Any],
    variations: Sequence[Mapping[str, Any]] = (),
    *,
    dimension_unit: LengthUnit | None = None,
    base_url: str = "",
    weight_unit: WeightUnit | None = None,
) -> Product:
    """``dimension_unit``, ``weight_unit``: the store's (settings; needed only
    where there are dimensions or a weight); ``base_url`` makes download paths
    absolute."""
    price, compare_at = _prices(data)
    quantity, status = _stock(data)
    brand_ids = _brand_ids(data)
    by_position = sorted(
        variations,
        key=lambda v: (
            int(meta_value(v, POSITION_KEY) or 1_000_000),
            int(v.get("menu_order") or 0),
            int(v["id"]),
        ),
    )
    return Product(
        id=str(data["id"]),
        name=data["name"],
        sku=_text(data.get("sku")),
        description=_text(data.get("description")),
        price=None if data.get("type") == "variable" else price,
        compare_at_price=None if data.get("type") == "variable" else compare_at,
        quantity=quantity,
        stock_status=status,
        status=_product_status(data.get("status")),
        category_ids=[str(c["id"]) for c in data.get("categories") or ()],
        manufacturer_id=_id(brand_ids[0]) if brand_ids else None,
        images=_images_read(data),
        variants=[
            variant_from_wc(
                v, data, dimension_unit=dimension_unit, base_url=base_url, weight_unit=weight_unit
            )
            for v in by_position
        ],
        tags=[str(t["name"]) for t in data.get("tags") or () if t.get("name")],
        slug=_text(data.get("slug")),
        meta_title=_text(meta_value(data, SEO_TITLE_KEY)),
        meta_description=_text(meta_value(data, SEO_DESCRIPTION_KEY)),
        weight=_money(data.get("weight")),
        created_at=wc_time(data.get("date_created_gmt")),
        updated_at=wc_time(data.get("date_modified_gmt")),
        **sem.product_semantics(
            data, unit=dimension_unit, base_url=base_url, weight_unit=weight_unit
        ),
        extra=_extra(
            data,
            (
                "short_description",
                "attributes",
                "permalink",
                "featured",
                "download_limit",
                "download_expiry",
            ),
        )
        | ({"type": data["type"]} if sem.unmodelled_type(data) else {}),
    )


def images_meta(images: Sequence[str]) -> str:
    return json.dumps(list(images))


def _file_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]


def _uploaded_from(uploaded: str, source: str) -> bool:
    """Whether ``uploaded`` (a media URL) is WordPress's copy of ``source``."""
    stem, dot, ext = _file_name(source).rpartition(".")
    if not dot or not stem:
        return False
    pattern = rf"{re.escape(stem)}(?:-\d+)?(?:-scaled)?\.{re.escape(ext)}"
    return re.fullmatch(pattern, _file_name(uploaded), flags=re.IGNORECASE) is not None


def image_sources(data: Mapping[str, Any]) -> list[str]:
    """Per image of a product, the source URL it was uploaded from (as far as known:
    positions whose file is no longer that download are left out at the end)."""
    srcs = [str(i["src"]) for i in data.get("images") or () if i.get("src")]
    sources = _json_meta(data, IMAGES_KEY)
    if sources is None or len(sources) != len(srcs):
        return []
    out: list[str] = []
    for src, source in zip(srcs, sources, strict=True):
        if not (isinstance(source, str) and _uploaded_from(src, source)):
            break
        out.append(source)
    return out


def _images_read(data: Mapping[str, Any]) -> list[str]:
    srcs = [str(i["src"]) for i in data.get("images") or () if i.get("src")]
    sources = _json_meta(data, IMAGES_KEY)
    if sources is None or len(sources) != len(srcs):
        return srcs
    return [
        str(source) if isinstance(source, str) and _uploaded_from(src, source) else src
        for src, source in zip(srcs, sources, strict=True)
    ]


def product_to_wc(
    product: Product,
    *,
    source_ref: str | None = None,
    brands: bool = True,
    dimension_unit: LengthUnit | None = None,
    weight_unit: WeightUnit | None = None,
) -> dict[str, Any]:
    """A create payload; variations go separately (``variation_to_wc``).

    ``dimension_unit``, ``weight_unit``: the store's, which dimensions and a
    weight in a unit are converted to."""
    body: dict[str, Any] = {
        "name": product.name,
        "status": _PRODUCT_STATUS_TO_WC[ProductStatus(product.status)],
        "categories": [{"id": _int_id(c)} for c in product.category_ids],
        "images": [{"src": src} for src in product.images],
    }
    if product.sku:
        body["sku"] = product.sku
    if product.slug:
        body["slug"] = product.slug
    if product.description:
        body["description"] = product.description
    if product.weight is not None:
        body["weight"] = sem.weight_text(product, weight_unit)
    body.update(sem.semantics_to_wc(product, dimension_unit))
    if product.created_at is not None:
        # Writable on products (WordPress then also backdates date_modified).
        body["date_created_gmt"] = wc_time_text(product.created_at)
    if brands and product.manufacturer_id:
        body["brands"] = [_int_id(product.manufacturer_id)]
    if product.variants:
        body["attributes"] = sem.option_attributes(product)
        if product.quantity is not None:
            body.update(stock_fields(product.quantity, product.stock_status))
    else:
        body.update(price_fields(product.price, product.compare_at_price))
        body.update(stock_fields(product.quantity, product.stock_status))
    meta = _meta(
        [
            (SOURCE_REF_KEY, source_ref),
            (VARIANT_COUNT_KEY, str(len(product.variants)) if product.variants else None),
            (IMAGES_KEY, images_meta(product.images) if product.images else None),
            (SEO_TITLE_KEY, product.meta_title),
            (SEO_DESCRIPTION_KEY, product.meta_description),
        ]
    )
    if meta:
        body["meta_data"] = meta
    return body


def variation_to_wc(
    variant: Variant,
    position: int,
    *,
    dimension_unit: LengthUnit | None = None,
    weight_unit: WeightUnit | None = None,
) -> dict[str, Any]:
    """An attribute the variant leaves open is not listed (WooCommerce's "any")."""
    body: dict[str, Any] = {
        "attributes": [{"name": k, "option": v} for k, v in variant.options.items()],
        "menu_order": position,
        "meta_data": _meta([(POSITION_KEY, str(position))]),
    }
    if variant.sku:
        body["sku"] = variant.sku
    body.update(price_fields(variant.price, variant.compare_at_price))
    body.update(stock_fields(variant.quantity, variant.stock_status))
    body.update(sem.variant_semantics_to_wc(variant, dimension_unit, weight_unit))
    return body
