"""The data and rules of the simulated WooCommerce store.

Behaviour follows the WooCommerce REST v3 reference and what a real 7.9
store did (``woocommerce-observed.md``): platform-assigned ids from shared
id spaces (products, variations and orders are WordPress posts; categories
and brands terms; reviews and order notes comments), read-only fields
silently ignored, derived fields (``price``, stock status when stock is
managed, order totals and number) computed by the store, duplicate SKUs and
e-mails refused with WooCommerce's error codes, and the side effects of an
order's status change: stock reduced or restored the way
``wc_maybe_reduce_stock_levels``/``wc_maybe_increase_stock_levels`` do it
(honouring a line's ``_reduced_stock`` meta), notes added, e-mails "sent".
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._semantics import (
    PRODUCT_DEFAULTS,
    UNIT_SETTINGS,
    inherited,
    stored_downloads,
    stored_variation_attributes,
)

__all__ = ["EMAIL_TEMPLATES", "ApiError", "SentEmail", "Store"]

#: The simulated site's address (media URLs are built on it).
SITE_URL = "https://shop.example"
_ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "trash",
)
_REDUCING = frozenset({"processing", "completed", "on-hold"})
_RESTORING = frozenset({"cancelled", "pending"})
_STATUS_LABELS = {
    "pending": "Pending payment",
    "processing": "Processing",
    "on-hold": "On hold",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
    "failed": "Failed",
}
_TERM_TAG = re.compile(
    r"</?(?!(?:a|abbr|acronym|b|blockquote|cite|code|del|em|i|q|s|strike|strong)\b)[a-zA-Z][^>]*>"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

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
_CUSTOMER_FIELDS = frozenset(
    ["email", "first_name", "last_name", "username", "password", "billing", "shipping", "meta_data"]
)
_ORDER_FIELDS = frozenset(
    [
        "parent_id",
        "status",
        "currency",
        "customer_id",
        "customer_note",
        "billing",
        "shipping",
        "payment_method",
        "payment_method_title",
        "transaction_id",
        "meta_data",
        "line_items",
        "shipping_lines",
        "fee_lines",
        "coupon_lines",
        "set_paid",
    ]
)
_TERM_FIELDS = frozenset(
    ["name", "slug", "parent", "description", "display", "image", "menu_order"]
)
_REVIEW_FIELDS = frozenset(
    ["product_id", "status", "reviewer", "reviewer_email", "review", "rating", "verified"]
)
_ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
)


class ApiError(Exception):
    """A WooCommerce error answer: ``{"code", "message", "data": {"status", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


def invalid_param(field: str, detail: str) -> ApiError:
    return ApiError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {field}",
        params={field: detail},
        details={field: {"code": "rest_invalid_param", "message": detail, "data": None}},
    )


#: The e-mails a store sends on its own, by WooCommerce's template ids
#: ("customer_invoice" is only sent by hand and has no on/off setting).
EMAIL_TEMPLATES = (
    "new_order",
    "cancelled_order",
    "failed_order",
    "customer_on_hold_order",
    "customer_processing_order",
    "customer_completed_order",
    "customer_refunded_order",
    "customer_note",
    "customer_new_account",
)


@attrs.define(frozen=True)
class SentEmail:
    """An e-mail the real store would have sent (template id as in WooCommerce)."""

    template: str
    to: str
    about: int


def _money(value: Any) -> decimal.Decimal:
    try:
        return decimal.Decimal(str(value)) if value not in (None, "") else decimal.Decimal(0)
    except decimal.InvalidOperation:
        return decimal.Decimal(0)


def _text(value: decimal.Decimal) -> str:
    """Two decimals, rounded half up as PHP's ``round`` does (10.125 -> 10.13)."""
    return str(value.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))


def _check_string(payload: Mapping[str, Any], *fields: str) -> None:
    for field in fields:
        if field in payload and payload[field] is not None and not isinstance(payload[field], str):
            raise invalid_param(field, f"{field} is not of type string.")


def _check_enum(payload: Mapping[str, Any], field: str, options: tuple[str, ...]) -> None:
    if field in payload and payload[field] not in options:
        raise invalid_param(field, f"{field} is not one of {', '.join(options)}.")


class Store:
    """Every resource of the simulated store, as WooCommerce would answer it."""

    def __init__(
        self, now: Callable[[], dt.datetime], *, custom_statuses: tuple[str, ...] = ()
    ) -> None:
        self._now = now
        self.statuses = (*_ORDER_STATUSES, *custom_statuses)
        #: Set while a /batch request is served: batches skip the REST schema checks.
        self.in_batch = False
        #: Media file names taken so far, as WordPress's uploads folder holds them.
        self.uploads: set[str] = set()
        #: The media library: attachment id -> URL (deleting a product leaves them).
        self.media: dict[int, str] = {}
        #: Whether WordPress could download an image URL (default: every one).
        self.fetch_image: Callable[[str], bool] = lambda src: True
        self._ids = {"post": 10, "term": 10, "user": 1, "comment": 10, "meta": 100, "item": 100}
        self.products: dict[int, dict[str, Any]] = {}
        self.variations: dict[int, dict[str, Any]] = {}
        self.categories: dict[int, dict[str, Any]] = {}
        self.brands: dict[int, dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.reviews: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.trackings: dict[int, list[dict[str, Any]]] = {}
        self.stock_reduced: set[int] = set()
        self.emails: list[SentEmail] = []
        #: WooCommerce → Settings → Emails: "yes" sends, "no" does not.
        self.email_enabled: dict[str, str] = dict.fromkeys(EMAIL_TEMPLATES, "yes")
        #: Settings → Products: the dimension and weight units.
        self.units: dict[str, str] = {k: d for k, (d, _) in UNIT_SETTINGS.items()}

    def send_email(self, email: SentEmail) -> None:
        """Send, unless the store owner switched that e-mail off."""
        if self.email_enabled.get(email.template, "yes") == "yes":
            self.emails.append(email)

    # -- ids and times ---------------------------------------------------------
    def new_id(self, space: str) -> int:
        self._ids[space] += 1
        return self._ids[space]

    def stamp(self) -> tuple[str, str]:
        now = self._now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()
        return now, now  # the simulated site's time zone is UTC

    def _dates(self, obj: dict[str, Any], *, created: bool) -> None:
        local, gmt = self.stamp()
        if created:
            obj.setdefault("date_created", local)
            obj.setdefault("date_created_gmt", gmt)
        obj["date_modified"], obj["date_modified_gmt"] = local, gmt

    # -- meta ------------------------------------------------------------------
    def _merge_meta(self, current: list[dict[str, Any]], incoming: Any) -> list[dict[str, Any]]:
        merged = [dict(m) for m in current]
        for item in incoming or ():
            if not isinstance(item, Mapping) or "key" not in item:
                continue
            for existing in merged:
                if existing["key"] == item["key"]:
                    existing["value"] = item.get("value")
                    break
            else:
                merged.append(
                    {"id": self.new_id("meta"), "key": item["key"], "value": item.get("value")}
                )
        return merged

    # -- SKUs -------------------------------------------------------------------
    def sku_holder(self, sku: str, own: int | None) -> int | None:
        wanted = sku.casefold()
        for pool in (self.products, self.variations):
            for pid, obj in pool.items():
                if pid != own and str(obj.get("sku") or "").casefold() == wanted:
                    return pid
        return None

    def _check_sku(self, payload: Mapping[str, Any], own: int | None) -> None:
        sku = payload.get("sku")
        if isinstance(sku, str) and sku:
            holder = self.sku_holder(sku, own)
            if holder is not None:
                raise ApiError(
                    400,
                    "product_invalid_sku",
                    "Invalid or duplicated SKU.",
                    resource_id=holder,
                    unique_sku=f"{sku}-1",
                )

    # -- products and variations ----------------------------------------------
    def _apply_stock(self, obj: dict[str, Any]) -> None:
        if obj.get("manage_stock") is True:
            quantity = obj.get("stock_quantity")
            obj["stock_quantity"] = int(quantity) if quantity is not None else 0
            backorders = obj.get("backorders", "no")
            if obj["stock_quantity"] > 0:
                obj["stock_status"] = "instock"
            else:
                obj["stock_status"] = (
                    "onbackorder" if backorders in ("notify", "yes") else "outofstock"
                )
        else:
            obj["stock_quantity"] = None

    def _validate_sellable(self, payload: Mapping[str, Any]) -> None:
        _check_string(payload, "regular_price", "sale_price", "sku", "weight", "description")
        _check_enum(payload, "stock_status", ("instock", "outofstock", "onbackorder"))
        _check_enum(payload, "backorders", ("no", "notify", "yes"))
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

    def save_product(self, payload: Mapping[str, Any], pid: int | None = None) -> dict[str, Any]:
        _check_string(payload, "name", "slug", "short_description")
        if self.in_batch and payload.get("type") not in (
            None,
            "simple",
            "grouped",
            "external",
            "variable",
        ):
            payload = {**payload, "type": "simple"}  # WC_Product_Factory falls back to simple
        _check_enum(payload, "type", ("simple", "grouped", "external", "variable"))
        _check_enum(payload, "status", ("draft", "pending", "private", "publish"))
        self._validate_sellable(payload)
        self._check_sku(payload, pid)
        creating = pid is None
        obj: dict[str, Any] = (
            {
                "id": self.new_id("post"),
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
            else copy.deepcopy(self.products[pid or 0])
        )
        for key, value in payload.items():
            if key not in _PRODUCT_FIELDS or key == "meta_data":
                continue
            if key == "categories":
                obj[key] = [
                    self._term_ref(self.categories, c)
                    for c in value or ()
                    if self._term_ref(self.categories, c)
                ]
            elif key == "brands":
                refs = [self._term_ref(self.brands, b) for b in value or ()]
                obj[key] = [r for r in refs if r]
            elif key == "images":
                kept = {i["id"]: i for i in obj.get("images") or ()}
                library = {
                    mid: {"id": mid, "src": src, "name": "", "alt": ""}
                    for mid, src in self.media.items()
                }
                obj[key] = [
                    kept.get(i["id"]) or library[i["id"]]
                    if isinstance(i.get("id"), int) and (i["id"] in kept or i["id"] in library)
                    else {
                        "id": (media_id := self.new_id("post")),
                        "src": self._upload(str(i.get("src", "")), media_id),
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
        obj["meta_data"] = self._merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
        if not obj.get("slug"):
            obj["slug"] = re.sub(r"[^a-z0-9]+", "-", str(obj["name"]).lower()).strip("-") or str(
                obj["id"]
            )
        self._apply_stock(obj)
        backdated = payload.get("date_created_gmt") or payload.get("date_created")
        if creating and isinstance(backdated, str):
            # Observed: a back-dated create also back-dates date_modified (store in UTC).
            obj["date_created"] = obj["date_created_gmt"] = backdated
            obj["date_modified"] = obj["date_modified_gmt"] = backdated
        else:
            self._dates(obj, created=creating)
        self.products[obj["id"]] = obj
        self.sync_variable(obj["id"])
        return obj

    def _term_ref(self, pool: Mapping[int, Any], ref: Any) -> dict[str, Any] | None:
        term_id = ref.get("id") if isinstance(ref, Mapping) else ref
        if isinstance(term_id, int) and term_id in pool:
            term = pool[term_id]
            return {"id": term_id, "name": term["name"], "slug": term["slug"]}
        return None  # WooCommerce drops unknown term ids without a word

    def sync_variable(self, pid: int) -> None:
        """A variable product's price and (unmanaged) stock status follow its variations."""
        product = self.products.get(pid)
        if product is None or product.get("type") != "variable":
            return
        children = [v for v in self.variations.values() if v["parent_id"] == pid]
        if product.get("manage_stock") is not True:
            statuses = {c["stock_status"] for c in children}  # none: out of stock
            product["stock_status"] = next(
                (s for s in ("instock", "onbackorder") if s in statuses), "outofstock"
            )

    def product_view(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        view = copy.deepcopy(dict(obj))
        children = sorted(v["id"] for v in self.variations.values() if v["parent_id"] == obj["id"])
        view["variations"] = children if obj.get("type") == "variable" else []
        price = obj.get("sale_price") or obj.get("regular_price") or ""
        if obj.get("type") == "variable" and children:
            prices = [_money(self.variation_view(self.variations[c])["price"]) for c in children]
            price = _text(min(prices)) if prices else ""
        view["price"] = price
        view["on_sale"] = bool(obj.get("sale_price"))
        view["permalink"] = f"https://shop.example/product/{obj['slug']}/"
        return view

    def save_variation(
        self, pid: int, payload: Mapping[str, Any], vid: int | None = None
    ) -> dict[str, Any]:
        if pid not in self.products:
            raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
        self._validate_sellable(payload)
        self._check_sku(payload, vid)
        creating = vid is None
        obj: dict[str, Any] = (
            {
                "id": self.new_id("post"),
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
            else copy.deepcopy(self.variations[vid or 0])
        )
        for key, value in payload.items():
            if key == "attributes":
                obj[key] = stored_variation_attributes(value)
            elif key == "downloads":
                obj[key] = stored_downloads(value)
            elif key in _VARIATION_FIELDS and key != "meta_data":
                obj[key] = copy.deepcopy(value)
        obj["meta_data"] = self._merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
        self._apply_stock(obj)
        self._dates(obj, created=creating)
        self.variations[obj["id"]] = obj
        self.sync_variable(pid)
        self._dates(self.products[pid], created=False)
        return obj

    def variation_view(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        view = inherited(obj, self.products.get(obj["parent_id"]))
        view["price"] = obj.get("sale_price") or obj.get("regular_price") or ""
        view["on_sale"] = bool(obj.get("sale_price"))
        return view

    def delete_product(self, pid: int) -> None:
        self.products.pop(pid)
        for vid in [v for v, obj in self.variations.items() if obj["parent_id"] == pid]:
            del self.variations[vid]

    # -- terms (categories, brands) -----------------------------------------------
    def save_term(
        self, pool: dict[int, dict[str, Any]], payload: Mapping[str, Any], tid: int | None = None
    ) -> dict[str, Any]:
        creating = tid is None
        if creating and not payload.get("name"):
            raise ApiError(
                400, "rest_missing_callback_param", "Missing parameter(s): name", params=["name"]
            )
        _check_string(payload, "name", "slug", "description")
        obj: dict[str, Any] = (
            {
                "id": 0,
                "name": "",
                "slug": "",
                "parent": 0,
                "description": "",
                "display": "default",
                "image": None,
                "menu_order": 0,
                "count": 0,
            }
            if creating
            else copy.deepcopy(pool[tid or 0])
        )
        for key, value in payload.items():
            if key in _TERM_FIELDS:
                obj[key] = copy.deepcopy(value)
        if isinstance(obj.get("description"), str):
            # wp_filter_kses on term descriptions: only a few inline tags stay.
            obj["description"] = _TERM_TAG.sub("", obj["description"]).strip()
        parent = int(obj.get("parent") or 0)
        if parent and parent not in pool:
            raise ApiError(400, "woocommerce_rest_term_invalid", "Resource does not exist.")
        for other in pool.values():
            if other["id"] == tid:
                continue
            if (
                other["name"].casefold() == str(obj["name"]).casefold()
                and int(other.get("parent") or 0) == parent
            ):
                raise ApiError(
                    400,
                    "term_exists",
                    "A term with the name provided already exists with this parent.",
                    resource_id=other["id"],
                )
            if obj.get("slug") and other["slug"] == obj["slug"]:
                # wp_unique_term_slug: a taken slug gets "-2", "-3"...
                base, n = str(obj["slug"]), 2
                while any(o["slug"] == f"{base}-{n}" for o in pool.values()):
                    n += 1
                obj["slug"] = f"{base}-{n}"
        if not obj.get("slug"):
            base = re.sub(r"[^a-z0-9]+", "-", str(obj["name"]).lower()).strip("-") or "term"
            slug, n = base, 2
            while any(o["slug"] == slug for o in pool.values() if o["id"] != tid):
                slug, n = f"{base}-{n}", n + 1
            obj["slug"] = slug
        if creating:
            obj["id"] = self.new_id("term")
        pool[obj["id"]] = obj
        return obj

    # -- customers ------------------------------------------------------------
    def save_customer(self, payload: Mapping[str, Any], cid: int | None = None) -> dict[str, Any]:
        creating = cid is None
        if creating and not payload.get("email"):
            raise ApiError(
                400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"]
            )
        if "email" in payload and not _EMAIL.match(str(payload["email"])):
            if self.in_batch:  # no schema check: WC_Customer::set_email refuses it
                raise ApiError(400, "customer_invalid_email", "Invalid email address.")
            raise invalid_param("email", "Invalid email address.")
        email = str(payload.get("email") or "")
        if email and any(
            c["email"].casefold() == email.casefold() and c["id"] != cid
            for c in self.customers.values()
        ):
            raise ApiError(
                400,
                "registration-error-email-exists",
                "An account is already registered with your email address."
                ' <a href="#" class="showlogin">Please log in.</a>',
            )
        obj: dict[str, Any] = (
            {
                "id": self.new_id("user"),
                "email": "",
                "first_name": "",
                "last_name": "",
                "role": "customer",
                "username": "",
                "billing": dict.fromkeys((*_ADDRESS_KEYS, "email", "phone"), ""),
                "shipping": dict.fromkeys((*_ADDRESS_KEYS, "phone"), ""),
                "is_paying_customer": False,
                "meta_data": [],
            }
            if creating
            else copy.deepcopy(self.customers[cid or 0])
        )
        for key, value in payload.items():
            if key not in _CUSTOMER_FIELDS or key in ("meta_data", "password"):
                continue
            if key in ("billing", "shipping") and isinstance(value, Mapping):
                obj[key].update({k: v for k, v in value.items() if k in obj[key]})
            else:
                obj[key] = copy.deepcopy(value)
        if creating and not obj.get("username"):
            obj["username"] = email.split("@")[0]
        obj["meta_data"] = self._merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
        self._dates(obj, created=creating)
        self.customers[obj["id"]] = obj
        if creating:
            self.send_email(SentEmail("customer_new_account", obj["email"], obj["id"]))
        return obj

    # -- orders ------------------------------------------------------------------
    def _line_item(
        self, payload: Mapping[str, Any], current: dict[str, Any] | None
    ) -> dict[str, Any]:
        item: dict[str, Any] = (
            current
            if current is not None
            else {
                "id": self.new_id("item"),
                "name": "",
                "product_id": 0,
                "variation_id": 0,
                "quantity": 1,
                "tax_class": "",
                "subtotal": "0.00",
                "subtotal_tax": "0.00",
                "total": "0.00",
                "total_tax": "0.00",
                "taxes": [],
                "meta_data": [],
                "sku": "",
                "price": 0,
            }
        )
        product_id = int(payload.get("product_id") or item["product_id"] or 0)
        variation_id = int(payload.get("variation_id") or item["variation_id"] or 0)
        if not product_id and not variation_id and payload.get("sku"):
            by_sku = [
                p["id"]
                for p in (*self.products.values(), *self.variations.values())
                if p.get("sku") == payload["sku"]
            ]
            if not by_sku:
                raise ApiError(
                    400, "woocommerce_rest_invalid_product_id", "Product ID provided is invalid."
                )
            if by_sku[0] in self.variations:
                variation_id = by_sku[0]
                product_id = self.variations[variation_id]["parent_id"]
            else:
                product_id = by_sku[0]
        if current is None and not product_id and not variation_id:
            raise ApiError(
                400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required."
            )
        if product_id and product_id not in self.products:
            raise ApiError(
                400, "woocommerce_rest_invalid_product_id", "Product ID provided is invalid."
            )
        if variation_id and self.variations.get(variation_id, {}).get("parent_id") != product_id:
            raise ApiError(
                400, "woocommerce_rest_invalid_variation_id", "Variation ID provided is invalid."
            )
        quantity = payload.get("quantity", item["quantity"])
        if not isinstance(quantity, int) or quantity < 0:
            raise invalid_param("line_items", "line_items[0][quantity] is not of type integer.")
        source = self.variations.get(variation_id) or self.products.get(product_id) or {}
        item.update(product_id=product_id, variation_id=variation_id, quantity=quantity)
        item["name"] = (
            payload.get("name") or item["name"] or self.products.get(product_id, {}).get("name", "")
        )
        item["sku"] = source.get("sku", "")
        unit = _money(source.get("sale_price") or source.get("regular_price"))
        item["subtotal"] = (
            _text(_money(payload["subtotal"]))
            if "subtotal" in payload
            else (item["subtotal"] if current else _text(unit * quantity))
        )
        item["total"] = (
            _text(_money(payload["total"]))
            if "total" in payload
            else (item["total"] if current else item["subtotal"])
        )
        item["price"] = float(_money(item["total"]) / quantity) if quantity else 0
        item["meta_data"] = self._merge_meta(item["meta_data"], payload.get("meta_data"))
        return item

    def save_order(self, payload: Mapping[str, Any], oid: int | None = None) -> dict[str, Any]:
        creating = oid is None
        _check_enum(payload, "status", self.statuses)
        currency = payload.get("currency")
        if currency is not None and not (
            isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)
        ):
            raise invalid_param("currency", "currency is not one of AED, AFN, ALL, ...")
        billing_email = (payload.get("billing") or {}).get("email")
        if billing_email and not self.in_batch and not _EMAIL.match(str(billing_email)):
            raise invalid_param("billing", "billing[email] is not a valid email address.")
        customer = payload.get("customer_id")
        if customer not in (None, 0) and customer not in self.customers:
            raise ApiError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")
        obj: dict[str, Any] = (
            {
                "id": self.new_id("post"),
                "parent_id": 0,
                "status": "pending",
                "currency": "USD",
                "version": "7.9.0",
                "prices_include_tax": False,
                "customer_id": 0,
                "customer_note": "",
                "created_via": "rest-api",
                "billing": dict.fromkeys((*_ADDRESS_KEYS, "email", "phone"), ""),
                "shipping": dict.fromkeys((*_ADDRESS_KEYS, "phone"), ""),
                "payment_method": "",
                "payment_method_title": "",
                "transaction_id": "",
                "date_paid": None,
                "date_paid_gmt": None,
                "date_completed": None,
                "date_completed_gmt": None,
                "meta_data": [],
                "line_items": [],
                "tax_lines": [],
                "shipping_lines": [],
                "fee_lines": [],
                "coupon_lines": [],
                "refunds": [],
            }
            if creating
            else copy.deepcopy(self.orders[oid or 0])
        )
        old_status = "pending" if creating else obj["status"]
        for key, value in payload.items():
            if key not in _ORDER_FIELDS or key in (
                "meta_data",
                "line_items",
                "shipping_lines",
                "status",
                "set_paid",
            ):
                continue
            if key in ("billing", "shipping") and isinstance(value, Mapping):
                obj[key].update({k: v for k, v in value.items() if k in obj[key]})
            else:
                obj[key] = copy.deepcopy(value)
        if "line_items" in payload:
            by_id = {item["id"]: item for item in obj["line_items"]}
            for line in payload["line_items"] or ():
                current = by_id.get(line.get("id")) if line.get("id") else None
                if line.get("id") and current is None:
                    raise ApiError(
                        400,
                        "woocommerce_rest_invalid_item_id",
                        "Order item ID provided is not associated with order.",
                    )
                item = self._line_item(line, current)
                if current is None:
                    obj["line_items"].append(item)
        if "shipping_lines" in payload:
            for line in payload["shipping_lines"] or ():
                obj["shipping_lines"].append(
                    {
                        "id": self.new_id("item"),
                        "method_title": line.get("method_title", ""),
                        "method_id": line.get("method_id", ""),
                        "total": _text(_money(line.get("total"))),
                        "total_tax": "0.00",
                        "taxes": [],
                        "meta_data": [],
                    }
                )
        obj["meta_data"] = self._merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
        self._totals(obj)
        obj["number"] = str(obj["id"])
        obj["order_key"] = (
            obj.get("order_key")
            or "wc_order_" + hashlib.md5(str(obj["id"]).encode()).hexdigest()[:13]
        )
        self._dates(obj, created=creating)
        self.orders[obj["id"]] = obj
        self.notes.setdefault(obj["id"], [])
        new_status = payload.get("status", old_status)
        if payload.get("set_paid") is True:
            local, gmt = self.stamp()
            obj["date_paid"], obj["date_paid_gmt"] = local, gmt
            if new_status in ("pending", "failed", "on-hold"):
                new_status = "processing"
        obj["status"] = new_status
        if new_status != old_status:
            self._transition(obj, old_status, new_status)
        if creating and new_status == "refunded" and not obj["refunds"]:
            # wc_order_fully_refunded: an order created as refunded gets a refund of it all.
            obj["refunds"] = [
                {"id": self.new_id("post"), "reason": "", "total": f"-{obj.get('total', '0.00')}"}
            ]
        return obj

    def _totals(self, order: dict[str, Any]) -> None:
        subtotal = sum((_money(i["subtotal"]) for i in order["line_items"]), decimal.Decimal(0))
        lines = sum((_money(i["total"]) for i in order["line_items"]), decimal.Decimal(0))
        shipping = sum((_money(s["total"]) for s in order["shipping_lines"]), decimal.Decimal(0))
        order["discount_total"] = _text(subtotal - lines)
        order["discount_tax"] = order["shipping_tax"] = order["cart_tax"] = order["total_tax"] = (
            "0.00"
        )
        order["shipping_total"] = _text(shipping)
        order["total"] = _text(lines + shipping)

    def add_note(
        self, oid: int, text: str, *, customer_note: bool = False, by_user: bool = False
    ) -> dict[str, Any]:
        local, gmt = self.stamp()
        note = {
            "id": self.new_id("comment"),
            "author": "admin" if by_user else "WooCommerce",
            "date_created": local,
            "date_created_gmt": gmt,
            "note": text,
            "customer_note": customer_note,
        }
        self.notes.setdefault(oid, []).append(note)
        if customer_note and self.orders[oid]["billing"].get("email"):
            self.send_email(SentEmail("customer_note", self.orders[oid]["billing"]["email"], oid))
        return note

    def _transition(self, order: dict[str, Any], old: str, new: str) -> None:
        oid = order["id"]
        self.add_note(
            oid,
            f"Order status changed from {_STATUS_LABELS.get(old, old)}"
            f" to {_STATUS_LABELS.get(new, new)}.",
        )
        if new in _REDUCING:
            self._reduce_stock(order)
        elif new in _RESTORING:
            self._restore_stock(order)
        if new == "completed":
            local, gmt = self.stamp()
            order["date_completed"], order["date_completed_gmt"] = local, gmt
        customer = order["billing"].get("email") or ""
        admin = "admin@shop.example"
        pair = f"{old}_to_{new}"
        if pair in (
            "pending_to_processing",
            "pending_to_completed",
            "pending_to_on-hold",
            "failed_to_processing",
            "failed_to_completed",
            "failed_to_on-hold",
            "cancelled_to_processing",
            "cancelled_to_completed",
            "cancelled_to_on-hold",
        ):
            self.send_email(SentEmail("new_order", admin, oid))
        if customer and pair in (
            "pending_to_processing",
            "failed_to_processing",
            "cancelled_to_processing",
            "on-hold_to_processing",
        ):
            self.send_email(SentEmail("customer_processing_order", customer, oid))
        if customer and new == "completed":
            self.send_email(SentEmail("customer_completed_order", customer, oid))
        if customer and pair in ("pending_to_on-hold", "failed_to_on-hold", "cancelled_to_on-hold"):
            self.send_email(SentEmail("customer_on_hold_order", customer, oid))
        if pair in ("processing_to_cancelled", "on-hold_to_cancelled"):
            self.send_email(SentEmail("cancelled_order", admin, oid))

    def _stock_target(self, item: Mapping[str, Any]) -> dict[str, Any] | None:
        target = self.variations.get(item["variation_id"]) if item["variation_id"] else None
        if target is None or target.get("manage_stock") is not True:
            target = self.products.get(item["product_id"])
        return target if target is not None and target.get("manage_stock") is True else None

    @staticmethod
    def _meta_get(item: Mapping[str, Any], key: str) -> Any:
        return next((m["value"] for m in item.get("meta_data", ()) if m["key"] == key), None)

    @staticmethod
    def _truthy(value: Any) -> bool:
        return value not in (None, "", "0", 0, False)  # PHP's idea of true

    def _reduce_stock(self, order: dict[str, Any]) -> None:
        """``wc_maybe_reduce_stock_levels``: once per order, skipping lines already reduced."""
        if order["id"] in self.stock_reduced:
            return
        changes: list[str] = []
        for item in order["line_items"]:
            target = self._stock_target(item)
            if target is None or self._truthy(self._meta_get(item, "_reduced_stock")):
                continue
            before = target["stock_quantity"]
            target["stock_quantity"] = before - item["quantity"]
            self._apply_stock(target)
            self._after_stock(target)
            item["meta_data"] = self._merge_meta(
                item["meta_data"], [{"key": "_reduced_stock", "value": str(item["quantity"])}]
            )
            changes.append(f"{item['name']} {before}\u2192{target['stock_quantity']}")
        self.stock_reduced.add(order["id"])
        if changes:
            self.add_note(order["id"], "Stock levels reduced: " + ", ".join(changes))

    def _restore_stock(self, order: dict[str, Any]) -> None:
        """``wc_maybe_increase_stock_levels``: put back what the lines say was reduced."""
        if order["id"] not in self.stock_reduced:
            return
        changes: list[str] = []
        for item in order["line_items"]:
            amount = self._meta_get(item, "_reduced_stock")
            target = self._stock_target(item)
            if target is None or not self._truthy(amount):
                continue
            before = target["stock_quantity"]
            target["stock_quantity"] = before + int(str(amount))
            self._apply_stock(target)
            self._after_stock(target)
            item["meta_data"] = [m for m in item["meta_data"] if m["key"] != "_reduced_stock"]
            changes.append(f"{item['name']} {before}\u2192{target['stock_quantity']}")
        self.stock_reduced.discard(order["id"])
        if changes:
            self.add_note(order["id"], "Stock levels increased: " + ", ".join(changes))

    def _after_stock(self, target: dict[str, Any]) -> None:
        self._dates(target, created=False)
        if "parent_id" in target and target["parent_id"] in self.products:
            self.sync_variable(target["parent_id"])

    # -- reviews -----------------------------------------------------------------
    def _upload(self, src: str, media_id: int) -> str:
        """WordPress downloads an image and serves its own copy from the uploads folder,
        under the same file name, ``-1``, ``-2``... added when the name is taken."""
        if not self.fetch_image(src):
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
        while candidate in self.uploads:
            n += 1
            candidate = f"{stem}-{n}.{ext}"
        self.uploads.add(candidate)
        now = self._now()
        url = f"{SITE_URL}/wp-content/uploads/{now:%Y/%m}/{candidate}"
        self.media[media_id] = url  # the media library keeps it, product deleted or not
        return url

    def save_review(self, payload: Mapping[str, Any], rid: int | None = None) -> dict[str, Any]:
        creating = rid is None
        _check_enum(payload, "status", ("approved", "hold", "spam", "unspam", "trash", "untrash"))
        if creating:
            if payload.get("product_id") not in self.products:
                raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid product ID.")
            if not payload.get("review"):
                raise ApiError(
                    400, "woocommerce_rest_review_content_invalid", "Invalid review content."
                )
            for other in self.reviews.values():
                if (
                    other["product_id"] == payload.get("product_id")
                    and str(other["reviewer_email"]).casefold()
                    == str(payload.get("reviewer_email") or "").casefold()
                    and other["review"] == payload.get("review")
                ):
                    # WordPress's duplicate-comment check (wp_allow_comment).
                    raise ApiError(
                        409,
                        "woocommerce_rest_comment_duplicate",
                        "Duplicate comment detected; it looks as though you&#8217;ve"
                        " already said that!",
                    )
            if not payload.get("reviewer") or not payload.get("reviewer_email"):
                # WordPress's default "comment author must fill out name and email".
                raise ApiError(
                    400,
                    "rest_comment_author_data_required",
                    "Creating a comment requires valid author name and email values.",
                )
        rating = payload.get("rating")
        if rating is not None and (not isinstance(rating, int) or not 0 <= rating <= 5):
            raise invalid_param("rating", "rating must be between 0 (inclusive) and 5 (inclusive)")
        obj: dict[str, Any] = (
            {
                "id": self.new_id("comment"),
                "product_id": 0,
                "status": "approved",
                "reviewer": "",
                "reviewer_email": "",
                "review": "",
                "rating": 0,
                "verified": False,
            }
            if creating
            else copy.deepcopy(self.reviews[rid or 0])
        )
        for key, value in payload.items():
            if key in _REVIEW_FIELDS:
                obj[key] = copy.deepcopy(value)
        if creating:
            local, gmt = self.stamp()
            obj["date_created"], obj["date_created_gmt"] = local, gmt
            backdated = payload.get("date_created_gmt") or payload.get("date_created")
            if isinstance(backdated, str):  # writable on reviews (the comment date)
                obj["date_created"] = obj["date_created_gmt"] = backdated
        self.reviews[obj["id"]] = obj
        return obj

    # -- tracking (Shipment Tracking extension) -----------------------------------
    def add_tracking(self, oid: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        if not payload.get("tracking_number"):
            raise ApiError(
                400,
                "rest_missing_callback_param",
                "Missing parameter(s): tracking_number",
                params=["tracking_number"],
            )
        number = str(payload["tracking_number"])
        provider = payload.get("tracking_provider") or payload.get("custom_tracking_provider") or ""
        link = str(payload.get("custom_tracking_link") or "").replace("%1$s", number)
        item = {
            "tracking_id": hashlib.md5(
                f"{oid}:{number}:{len(self.trackings.get(oid, []))}".encode()
            ).hexdigest(),
            "tracking_provider": provider,
            "tracking_link": link,
            "tracking_number": number,
            "date_shipped": payload.get("date_shipped") or self._now().date().isoformat(),
        }
        self.trackings.setdefault(oid, []).append(item)
        return item
