"""Products as Magento reads and takes them: the pure half, without requests.

- price: a ``special_price`` below ``price`` is a sale: the model's price is
  the special price and ``compare_at_price`` the regular one; written back
  the same way.
- status 1 is enabled (active), 2 disabled (draft; an archived product is
  written disabled too).
- the URL key is the slug; Magento refuses two alike, so a product without a
  slug gets one made of its name and SKU, which is distinct by construction.
- a configurable product's own price reads 0: the model's price is the lowest
  variant price, as the storefront shows it, and is derived.
- weight: a bare number in the store's unit (``_units``); written converted
  to it, read back with it. With the store's unit unknown, as it is.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from ...models import Product, ProductStatus, ProductType, StockStatus, Variant, WeightUnit
from ._api import parse_time
from ._categories import custom_attribute
from ._partial_types import downloads_of
from ._stock import Level

__all__ = [
    "money",
    "price_fields",
    "product_from_raw",
    "product_payload",
    "slugify",
    "variant_from_raw",
]


def slugify(text: str) -> str:
    """A URL key as Magento makes them: lower-case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "product"


def money(value: Any) -> decimal.Decimal | None:
    """An amount as the shop meant it: Magento's "19.900000" is 19.9.

    What is no amount ("1,5", a list) raises ``ValueError``: its record fails,
    reported with the field, rather than being read as "no price".
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | decimal.Decimal):
        raise ValueError(f"not an amount: a {type(value).__name__}")
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(f"not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    if amount == amount.to_integral_value():
        return amount.quantize(decimal.Decimal(1))
    return amount.normalize()


def _prices(raw: Mapping[str, Any]) -> tuple[decimal.Decimal | None, decimal.Decimal | None]:
    price = money(raw.get("price"))
    special = money(custom_attribute(raw, "special_price"))
    if special is not None and price is not None and special < price:
        return special, price
    return price, None


def _stock_status(level: Level | None) -> StockStatus:
    if level is None or level.in_stock:
        return StockStatus.IN_STOCK
    return StockStatus.OUT_OF_STOCK


def _text(raw: Mapping[str, Any], code: str) -> str | None:
    value = custom_attribute(raw, code)
    return value if isinstance(value, str) and value != "" else None


def variant_from_raw(
    raw: Mapping[str, Any], level: Level | None, options: Mapping[str, str]
) -> Variant:
    price, compare = _prices(raw)
    return Variant(
        id=str(raw["id"]),
        sku=raw.get("sku"),
        price=price,
        compare_at_price=compare,
        quantity=level.quantity if level else None,
        stock_status=_stock_status(level),
        options=options,
        extra={"name": raw.get("name"), "status": raw.get("status")},
    )


def product_from_raw(
    raw: Mapping[str, Any],
    *,
    level: Level | None,
    variants: Sequence[Variant],
    roots: frozenset[str],
    media_url: str,
    weight_unit: WeightUnit | None = None,
    grouped: Sequence[str] = (),
) -> Product:
    """``grouped``: a grouped product's children, by id (``_grouped.children_of``)."""
    price, compare = _prices(raw)
    quantity = level.quantity if level else None
    stock = _stock_status(level)
    kind = raw.get("type_id")
    if kind == "bundle":  # read as a grouped product: no price of its own (_partial_types)
        price, compare, quantity = None, None, None
    if kind == "configurable":
        prices = [v.price for v in variants if v.price is not None]
        price, compare, quantity = (min(prices) if prices else None), None, None
        in_stock = any(v.stock_status is StockStatus.IN_STOCK for v in variants)
        stock = StockStatus.IN_STOCK if in_stock else StockStatus.OUT_OF_STOCK
    extension = raw.get("extension_attributes") or {}
    categories = [
        str(link.get("category_id"))
        for link in extension.get("category_links") or ()
        if str(link.get("category_id")) not in roots
    ]
    entries = sorted(
        raw.get("media_gallery_entries") or (),
        key=lambda e: ("image" not in (e.get("types") or ()), e.get("position") or 0),
    )
    manufacturer = custom_attribute(raw, "manufacturer")
    weight = money(raw.get("weight"))
    return Product(
        id=str(raw["id"]),
        name=raw.get("name") or raw.get("sku") or "",
        sku=raw.get("sku"),
        description=_text(raw, "description"),
        price=price,
        compare_at_price=compare,
        quantity=quantity,
        stock_status=stock,
        status=ProductStatus.ACTIVE if str(raw.get("status")) == "1" else ProductStatus.DRAFT,
        category_ids=categories,
        manufacturer_id=str(manufacturer) if manufacturer not in (None, "") else None,
        images=[f"{media_url}{e['file']}" for e in entries if e.get("file")],
        variants=variants,
        slug=_text(raw, "url_key"),
        meta_title=_text(raw, "meta_title"),
        meta_description=_text(raw, "meta_description"),
        weight=weight,
        weight_unit=weight_unit if weight is not None else None,
        # Magento's virtual and downloadable types ship nothing (their files are links).
        virtual=kind in ("virtual", "downloadable"),
        downloadable=kind == "downloadable",
        downloads=downloads_of(raw) if kind == "downloadable" else (),
        product_type=ProductType.GROUPED if kind in ("grouped", "bundle") else None,
        grouped_product_ids=grouped,
        created_at=parse_time(raw.get("created_at")),
        updated_at=parse_time(raw.get("updated_at")),
        extra={
            "type_id": raw.get("type_id"),
            "attribute_set_id": raw.get("attribute_set_id"),
            "visibility": raw.get("visibility"),
            "website_ids": tuple(extension.get("website_ids") or ()),
            "short_description": _text(raw, "short_description"),
        },
    )


def _attribute(code: str, value: Any) -> dict[str, Any]:
    return {"attribute_code": code, "value": value}


def price_fields(
    price: decimal.Decimal | None, compare: decimal.Decimal | None, *, clear: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``price`` field and the ``special_price`` attribute for a price pair.

    ``clear`` (an update) removes a sale price that is no longer there; on a
    create nothing is sent, since an empty special price is stored as 0.
    """
    if compare is not None and price is not None and compare > price:
        return {"price": float(compare)}, [_attribute("special_price", str(price))]
    return {"price": float(price or 0)}, ([_attribute("special_price", None)] if clear else [])


def product_payload(
    product: Product | Variant,
    *,
    fields: frozenset[str] | None,
    name: str,
    slug: str | None,
    weight_unit: WeightUnit | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The product body's plain fields and custom attributes for ``fields`` (None: all).

    ``name`` and ``slug`` are passed in since a variant has neither of its own;
    ``weight_unit`` is the store's (None: not known, the weight goes as it is).
    """

    def wanted(field: str) -> bool:
        return fields is None or field in fields

    body: dict[str, Any] = {}
    attributes: list[dict[str, Any]] = []
    if wanted("price") or wanted("compare_at_price"):
        plain, extra = price_fields(
            product.price, product.compare_at_price, clear=fields is not None
        )
        body.update(plain)
        attributes += extra
    if isinstance(product, Variant):
        return body, attributes
    if wanted("name"):
        body["name"] = name
    if wanted("status"):
        body["status"] = 1 if product.status is ProductStatus.ACTIVE else 2
    if (wanted("weight") or wanted("weight_unit")) and (
        product.weight is not None or fields is not None
    ):
        weight = product.weight if weight_unit is None else product.weight_in(weight_unit)
        body["weight"] = float(weight) if weight is not None else 0
    if wanted("slug") and slug:
        attributes.append(_attribute("url_key", slug))
    for field in ("description", "meta_title", "meta_description"):
        if wanted(field):
            value = getattr(product, field)
            if value is not None or fields is not None:
                attributes.append(_attribute(field, value or ""))
    return body, attributes
