"""Which WooCommerce payload keys carry each model field, for partial updates.

An update sends only the keys of the fields that changed (a stock change is
``manage_stock``/``stock_quantity``/``backorders``/``stock_status``, never the
name), picked from the full payload the converters build, so the two cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from ..._exceptions import EntityRejected, InvalidEntity
from ...models import Category, Customer, Entity, Manufacturer, Product, Review, Variant
from . import _convert as wc

__all__ = ["FIELD_KEYS", "evolve_for_update", "pick_keys"]

E = TypeVar("E", bound=Entity)

#: Which WooCommerce keys carry each model field, for partial updates.
FIELD_KEYS: dict[type[Entity], dict[str, tuple[str, ...]]] = {
    Product: {
        "name": ("name",),
        "sku": ("sku",),
        "description": ("description",),
        "price": ("regular_price", "sale_price"),
        "compare_at_price": ("regular_price", "sale_price"),
        "quantity": ("manage_stock", "stock_quantity", "backorders", "stock_status"),
        "stock_status": ("manage_stock", "stock_quantity", "backorders", "stock_status"),
        "status": ("status",),
        "category_ids": ("categories",),
        "manufacturer_id": ("brands",),
        "images": ("images",),
        "slug": ("slug",),
        "meta_title": ("meta_data",),
        "meta_description": ("meta_data",),
        "weight": ("weight",),
        "weight_unit": ("weight",),
        "product_type": ("type",),
        "grouped_product_ids": ("grouped_products",),
        "external_url": ("external_url",),
        "button_text": ("button_text",),
        "virtual": ("virtual",),
        "downloadable": ("downloadable",),
        "downloads": ("downloads",),
        "dimensions": ("dimensions",),
    },
    Variant: {
        "sku": ("sku",),
        "price": ("regular_price", "sale_price"),
        "compare_at_price": ("regular_price", "sale_price"),
        "quantity": ("manage_stock", "stock_quantity", "backorders", "stock_status"),
        "stock_status": ("manage_stock", "stock_quantity", "backorders", "stock_status"),
        "options": ("attributes",),
        "any_options": ("attributes",),
        "weight": ("weight",),
        "weight_unit": ("weight",),
        "dimensions": ("dimensions",),
        "virtual": ("virtual",),
        "downloadable": ("downloadable",),
        "downloads": ("downloads",),
    },
    Customer: {
        "email": ("email", "billing"),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
        "phone": ("billing",),
        "addresses": ("billing", "shipping"),
        "group": ("meta_data",),
    },
    Category: {
        "name": ("name",),
        "parent_id": ("parent",),
        "slug": ("slug",),
        "description": ("description",),
    },
    Manufacturer: {"name": ("name",)},
    Review: {
        "rating": ("rating",),
        "title": ("review",),
        "body": ("review",),
        "author": ("reviewer",),
        "email": ("reviewer_email",),
        "status": ("status",),
        "product_id": ("product_id",),
        "customer_id": (),  # a WooCommerce review has no customer field: nothing to write
    },
}
_CLEARED: dict[str, Any] = {
    "sku": "",
    "description": "",
    "weight": "",
    "brands": [],
    "categories": [],
    "images": [],
    "first_name": "",
    "last_name": "",
    "shipping": {},
    "grouped_products": [],
    "external_url": "",
    "button_text": "",
    "downloads": [],
    "dimensions": {"length": "", "width": "", "height": ""},
}


def evolve_for_update(entity: E, changes: Mapping[str, Any]) -> E:
    """``entity`` with ``changes``, refusing fields WooCommerce cannot change."""
    table = FIELD_KEYS.get(type(entity), {})
    for field in changes:
        if field not in table and field != "id":
            raise EntityRejected(
                f"WooCommerce cannot change {entity.kind}.{field} through its REST API",
                entity=entity.kind,
                field=field,
            )
    try:
        return attrs.evolve(entity, **{k: v for k, v in changes.items() if k != "id"})
    except InvalidEntity as error:
        raise EntityRejected(str(error), entity=entity.kind, field=error.field) from error


def pick_keys(
    kind: type[Entity], changes: Mapping[str, Any], full: Mapping[str, Any]
) -> dict[str, Any]:
    """The part of a full payload that carries the changed fields (and only it)."""
    keys: list[str] = []
    for field in changes:
        for key in FIELD_KEYS[kind].get(field, ()):
            if key not in keys:
                keys.append(key)
    body: dict[str, Any] = {}
    for key in keys:
        if key == "meta_data":
            wanted = {wc.SEO_TITLE_KEY, wc.SEO_DESCRIPTION_KEY, wc.GROUP_KEY}
            present = {m["key"]: m["value"] for m in full.get("meta_data", ())}
            body["meta_data"] = [
                {"key": k, "value": present.get(k, "")}
                for k in sorted(wanted)
                if (k == wc.GROUP_KEY) == (kind is Customer)
            ]
        elif key in full:
            body[key] = full[key]
        elif key in _CLEARED:
            body[key] = _CLEARED[key]
    return body
