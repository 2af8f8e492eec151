"""Products and variations of the simulated store: their fields, SKUs, stock and images.

As WooCommerce 7.9 keeps them: a write takes only the fields the REST
schema lists (read-only ones are silently ignored), a SKU is unique across
products and variations (``product_invalid_sku``, with the id holding it),
``price`` is derived (a variable product's is its cheapest variation's),
an unmanaged variable product's stock status follows its variations, and
an image is downloaded into the uploads folder under its own file name
(``-1``, ``-2``... when taken), where it stays when the product is deleted.
"""

from __future__ import annotations

import copy
import decimal
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError, check_enum, check_string, invalid_param
from ._money import money, money_text
from ._semantics import PRODUCT_DEFAULTS, inherited, stored_downloads, stored_variation_attributes
from ._stock import apply_stock
from ._terms import term_ref

if TYPE_CHECKING:
    from ._store import Store

__all__ = [
    "delete_product",
    "product_view",
    "save_product",
    "save_variation",
    "sku_holder",
    "sync_variable",
    "variation_view",
]

#: The simulated site's address (media URLs are built on it).
SITE_URL = "https://shop.example"
_PRODUCT_FIELDS = frozenset(
    [
        "name",
        "slug",
        "type",
        "status",
        "featured",
        "catalog_visibility",
        "description",
        "short_description",
        "sku",
        "regular_price",
        "sale_price",
        "date_on_sale_from",
        "date_on_sale_from_gmt",
        "date_on_sale_to",
        "date_on_sale_to_gmt",
        "virtual",
        "downloadable",
        "downloads",
        "download_limit",
        "download_expiry",
        "external_url",
        "button_text",
        "tax_status",
        "tax_class",
        "manage_stock",
        "stock_quantity",
        "stock_status",
        "backorders",
        "sold_individually",
        "weight",
        "dimensions",
        "shipping_class",
        "reviews_allowed",
        "upsell_ids",
        "cross_sell_ids",
        "parent_id",
        "purchase_note",
        "categories",
        "tags",
        "images",
        "attributes",
        "default_attributes",
        "grouped_products",
        "menu_order",
        "meta_data",
        "brands",
    ]
)
_VARIATION_FIELDS = frozenset(
    [
        "description",
        "sku",
        "regular_price",
        "sale_price",
        "date_on_sale_from",
        "date_on_sale_from_gmt",
        "date_on_sale_to",
        "date_on_sale_to_gmt",
        "status",
        "virtual",
        "downloadable",
        "downloads",
        "download_limit",
        "download_expiry",
        "tax_status",
        "tax_class",
        "manage_stock",
        "stock_quantity",
        "stock_status",
        "backorders",
        "weight",
        "dimensions",
        "shipping_class",
        "image",
        "attributes",
        "menu_order",
        "meta_data",
    ]
)


def sku_holder(store: Store, sku: str, own: int | None) -> int | None:
    wanted = sku.casefold()
    for pool in (store.products, store.variations):
        for pid, obj in pool.items():
            if pid != own and str(obj.get("sku") or "").casefold() == wanted:
                return pid
    return None


def _check_sku(store: Store, payload: Mapping[str, Any], own: int | None) -> None:
    sku = payload.get("sku")
    if isinstance(sku, str) and sku:
        holder = sku_holder(store, sku, own)
        if holder is not None:
            raise ApiError(
                400,
                "product_invalid_sku",
                "Invalid or duplicated SKU.",
                resource_id=holder,
                unique_sku=f"{sku}-1",
            )


def _validate_sellable(payload: Mapping[str, Any]) -> None:
    check_string(payload, "regular_price", "sale_price", "sku", "weight", "description")
    check_enum(payload, "stock_status", ("instock", "outofstock", "onbackorder"))
    check_enum(payload, "backorders", ("no", "notify", "yes"))
    for field in ("regular_price", "sale_price"):
        value = payload.get(field)
        if isinstance(value, str) and value:
            try:
                decimal.Decimal(value)
            except decimal.InvalidOperation:
                raise invalid_param(field, f"{field} is not a valid price.") from None
    quantity = payload.get("stock_quantity")
    numeric = isinstance(quantity, str) and re.fullmatch(r"-?\d+", quantity) is not None
    if (
        quantity is not None
        and not numeric
        and (not isinstance(quantity, int) or isinstance(quantity, bool))
    ):
        raise invalid_param("stock_quantity", "stock_quantity is not of type integer,null.")


def save_product(
    store: Store, payload: Mapping[str, Any], pid: int | None = None
) -> dict[str, Any]:
    check_string(payload, "name", "slug", "short_description")
    if store.in_batch and payload.get("type") not in (
        None,
        "simple",
        "grouped",
        "external",
        "variable",
    ):
        payload = {**payload, "type": "simple"}  # WC_Product_Factory falls back to simple
    check_enum(payload, "type", ("simple", "grouped", "external", "variable"))
    check_enum(payload, "status", ("draft", "pending", "private", "publish"))
    _validate_sellable(payload)
    _check_sku(store, payload, pid)
    creating = pid is None
    obj: dict[str, Any] = (
        {
            "id": store.new_id("post"),
            "name": "Product",
            "slug": "",
            "type": "simple",
            "status": "publish",
            "description": "",
            "short_description": "",
            "sku": "",
            "regular_price": "",
            "sale_price": "",
            "manage_stock": False,
            "stock_quantity": None,
            "stock_status": "instock",
            "backorders": "no",
            "weight": "",
            "categories": [],
            "tags": [],
            "images": [],
            "attributes": [],
            "brands": [],
            "meta_data": [],
            "menu_order": 0,
            "total_sales": 0,
            **copy.deepcopy(PRODUCT_DEFAULTS),
        }
        if creating
        else copy.deepcopy(store.products[pid or 0])
    )
    for key, value in payload.items():
        if key not in _PRODUCT_FIELDS or key == "meta_data":
            continue
        if key == "categories":
            obj[key] = [
                term_ref(store.categories, c) for c in value or () if term_ref(store.categories, c)
            ]
        elif key == "brands":
            refs = [term_ref(store.brands, b) for b in value or ()]
            obj[key] = [r for r in refs if r]
        elif key == "images":
            kept = {i["id"]: i for i in obj.get("images") or ()}
            library = {
                mid: {"id": mid, "src": src, "name": "", "alt": ""}
                for mid, src in store.media.items()
            }
            obj[key] = [
                kept.get(i["id"]) or library[i["id"]]
                if isinstance(i.get("id"), int) and (i["id"] in kept or i["id"] in library)
                else {
                    "id": (media_id := store.new_id("post")),
                    "src": _upload(store, str(i.get("src", "")), media_id),
                    "name": i.get("name", ""),
                    "alt": i.get("alt", ""),
                }
                for i in value or ()
            ]
        elif key == "downloads":
            obj[key] = stored_downloads(value)
        elif key == "tags":
            obj[key] = [
                t for t in (value or ()) if isinstance(t, Mapping) and t.get("id")
            ]  # ids only
        else:
            obj[key] = copy.deepcopy(value)
    obj["meta_data"] = store.merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
    if not obj.get("slug"):
        obj["slug"] = re.sub(r"[^a-z0-9]+", "-", str(obj["name"]).lower()).strip("-") or str(
            obj["id"]
        )
    apply_stock(obj)
    backdated = payload.get("date_created_gmt") or payload.get("date_created")
    if creating and isinstance(backdated, str):
        # Observed: a back-dated create also back-dates date_modified (store in UTC).
        obj["date_created"] = obj["date_created_gmt"] = backdated
        obj["date_modified"] = obj["date_modified_gmt"] = backdated
    else:
        store.stamp_dates(obj, created=creating)
    store.products[obj["id"]] = obj
    sync_variable(store, obj["id"])
    return obj


def sync_variable(store: Store, pid: int) -> None:
    """A variable product's price and (unmanaged) stock status follow its variations."""
    product = store.products.get(pid)
    if product is None or product.get("type") != "variable":
        return
    children = [v for v in store.variations.values() if v["parent_id"] == pid]
    if product.get("manage_stock") is not True:
        statuses = {c["stock_status"] for c in children}  # none: out of stock
        product["stock_status"] = next(
            (s for s in ("instock", "onbackorder") if s in statuses), "outofstock"
        )


def product_view(store: Store, obj: Mapping[str, Any]) -> dict[str, Any]:
    view = copy.deepcopy(dict(obj))
    children = sorted(v["id"] for v in store.variations.values() if v["parent_id"] == obj["id"])
    view["variations"] = children if obj.get("type") == "variable" else []
    price = obj.get("sale_price") or obj.get("regular_price") or ""
    if obj.get("type") == "variable" and children:
        prices = [money(variation_view(store, store.variations[c])["price"]) for c in children]
        price = money_text(min(prices)) if prices else ""
    view["price"] = price
    view["on_sale"] = bool(obj.get("sale_price"))
    view["permalink"] = f"https://shop.example/product/{obj['slug']}/"
    return view


def save_variation(
    store: Store, pid: int, payload: Mapping[str, Any], vid: int | None = None
) -> dict[str, Any]:
    if pid not in store.products:
        raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
    _validate_sellable(payload)
    _check_sku(store, payload, vid)
    creating = vid is None
    obj: dict[str, Any] = (
        {
            "id": store.new_id("post"),
            "parent_id": pid,
            "description": "",
            "sku": "",
            "regular_price": "",
            "sale_price": "",
            "status": "publish",
            "manage_stock": False,
            "stock_quantity": None,
            "stock_status": "instock",
            "backorders": "no",
            "weight": "",
            "dimensions": {"length": "", "width": "", "height": ""},
            "virtual": False,
            "downloadable": False,
            "downloads": [],
            "download_limit": -1,
            "download_expiry": -1,
            "attributes": [],
            "menu_order": 0,
            "meta_data": [],
            "image": None,
        }
        if creating
        else copy.deepcopy(store.variations[vid or 0])
    )
    for key, value in payload.items():
        if key == "attributes":
            obj[key] = stored_variation_attributes(value)
        elif key == "downloads":
            obj[key] = stored_downloads(value)
        elif key in _VARIATION_FIELDS and key != "meta_data":
            obj[key] = copy.deepcopy(value)
    obj["meta_data"] = store.merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
    apply_stock(obj)
    store.stamp_dates(obj, created=creating)
    store.variations[obj["id"]] = obj
    sync_variable(store, pid)
    store.stamp_dates(store.products[pid], created=False)
    return obj


def variation_view(store: Store, obj: Mapping[str, Any]) -> dict[str, Any]:
    view = inherited(obj, store.products.get(obj["parent_id"]))
    view["price"] = obj.get("sale_price") or obj.get("regular_price") or ""
    view["on_sale"] = bool(obj.get("sale_price"))
    return view


def delete_product(store: Store, pid: int) -> None:
    store.products.pop(pid)
    for vid in [v for v, obj in store.variations.items() if obj["parent_id"] == pid]:
        del store.variations[vid]


def _upload(store: Store, src: str, media_id: int) -> str:
    """WordPress downloads an image and serves its own copy from the uploads folder,
    under the same file name, ``-1``, ``-2``... added when the name is taken."""
    if not store.fetch_image(src):
        raise ApiError(
            400,
            "woocommerce_product_image_upload_error",
            f"Error getting remote image {src}. Error: A valid URL was not provided.",
        )
    name = src.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "image.jpg"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, "jpg"
    candidate, n = f"{stem}.{ext}", 0
    while candidate in store.uploads:
        n += 1
        candidate = f"{stem}-{n}.{ext}"
    store.uploads.add(candidate)
    now = store.now()
    url = f"{SITE_URL}/wp-content/uploads/{now:%Y/%m}/{candidate}"
    store.media[media_id] = url  # the media library keeps it, product deleted or not
    return url
