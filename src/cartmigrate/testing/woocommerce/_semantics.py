"""How WooCommerce 7.9 stores product semantics, as observed on a real store.

Kept apart from the store's bookkeeping: a product's kind-specific defaults,
downloads (each gets an id; one sent without a name is named after its
file), a variation's "any value" attributes (not stored: a variation lists
only the attributes it fixes) and a variation's dimensions and weight, which
a read fills in from its product where the variation has none of its own.
The dimension and weight units are store settings.
"""

from __future__ import annotations

import copy
import urllib.parse
import uuid
from collections.abc import Mapping
from typing import Any

__all__ = [
    "PRODUCT_DEFAULTS",
    "UNIT_SETTINGS",
    "inherited",
    "stored_downloads",
    "stored_variation_attributes",
    "unit_setting",
]

#: What a product created without them holds.
PRODUCT_DEFAULTS: dict[str, Any] = {
    "virtual": False,
    "downloadable": False,
    "downloads": [],
    "download_limit": -1,
    "download_expiry": -1,
    "external_url": "",
    "button_text": "",
    "grouped_products": [],
    "dimensions": {"length": "", "width": "", "height": ""},
}

#: The settings' choices (Settings → Products → General).
UNIT_SETTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "woocommerce_dimension_unit": ("cm", ("m", "cm", "mm", "in", "yd")),
    "woocommerce_weight_unit": ("kg", ("kg", "g", "lbs", "oz")),
}


def stored_downloads(value: Any) -> list[dict[str, Any]]:
    """Each download with an id, named after its file when sent without a name."""
    stored: list[dict[str, Any]] = []
    for item in value or ():
        if not isinstance(item, Mapping) or not item.get("file"):
            continue
        file = str(item["file"])
        name = item.get("name") or urllib.parse.urlsplit(file).path.rsplit("/", 1)[-1]
        stored.append({"id": str(item.get("id") or uuid.uuid4()), "name": name, "file": file})
    return stored


def stored_variation_attributes(value: Any) -> list[dict[str, Any]]:
    """Only the attributes a variation fixes: an empty option means "any", not kept."""
    return [
        {"id": 0, **dict(a)}
        for a in value or ()
        if isinstance(a, Mapping) and a.get("name") and a.get("option")
    ]


def inherited(variation: Mapping[str, Any], parent: Mapping[str, Any] | None) -> dict[str, Any]:
    """A variation's weight and dimensions as a read shows them: each empty
    one is its product's (``WC_Product_Variation::get_weight`` in view)."""
    view = copy.deepcopy(dict(variation))
    if parent is None:
        return view
    if not view.get("weight"):
        view["weight"] = parent.get("weight") or ""
    own = dict(view.get("dimensions") or PRODUCT_DEFAULTS["dimensions"])
    theirs = parent.get("dimensions") or {}
    view["dimensions"] = {edge: own.get(edge) or theirs.get(edge) or "" for edge in own}
    return view


def unit_setting(setting: str, value: str) -> dict[str, Any]:
    """``GET /settings/products/<setting>`` as the store answers it."""
    default, options = UNIT_SETTINGS[setting]
    return {
        "id": setting,
        "type": "select",
        "default": default,
        "options": {o: o for o in options},
        "value": value,
        "group_id": "products",
    }
