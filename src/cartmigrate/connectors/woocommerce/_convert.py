"""WooCommerce REST v3 payloads <-> cartmigrate models.

Pure functions, no I/O, so every mapping decision is testable against the
documentation's own example payloads. Where WooCommerce cannot hold a model
value in a field of its own (an order's status history with its original
times, shipments without the Shipment Tracking extension, the source
reference), it goes into ``meta_data`` under a ``_cartmigrate_*`` key: the
leading underscore keeps it out of the admin's custom-fields box, and the
value comes back exactly as written. Products and variations are in
``_product_convert``, orders in ``_order_convert``; the small helpers and
meta keys here serve all three.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..._exceptions import EntityRejected
from ...models import (
    Address,
    Category,
    Customer,
    Manufacturer,
    ProductStatus,
    Review,
    ReviewStatus,
    StockStatus,
)

__all__ = [
    "HISTORY_KEY",
    "POSITION_KEY",
    "REDUCED_STOCK_KEY",
    "SHIPMENTS_KEY",
    "SOURCE_REF_KEY",
    "category_from_wc",
    "category_to_wc",
    "customer_from_wc",
    "customer_to_wc",
    "manufacturer_from_wc",
    "manufacturer_to_wc",
    "meta_value",
    "review_from_wc",
    "review_to_wc",
]

#: Meta key holding the engine's source reference ("shop:product:42").
SOURCE_REF_KEY = "_cartmigrate_source_ref"
#: Meta keys holding what WooCommerce has no field for, verbatim as JSON.
HISTORY_KEY = "_cartmigrate_status_history"
SHIPMENTS_KEY = "_cartmigrate_shipments"
SOURCE_NUMBER_KEY = "_cartmigrate_source_number"
SOURCE_CREATED_KEY = "_cartmigrate_source_created_at"
GROUP_KEY = "_cartmigrate_group"
#: Product meta: the source URLs of its images, in order, as JSON. WordPress
#: downloads each image and serves it from ``/wp-content/uploads/`` under the
#: same file name (``-2`` added when taken); read back, an image whose file is
#: still that download shows its source URL, so it is not uploaded again.
IMAGES_KEY = "_cartmigrate_image_sources"
#: Product meta: how many variations cartmigrate created it with (to spot a half-made one).
VARIANT_COUNT_KEY = "_cartmigrate_variant_count"
#: Variation meta: its position in the source product, to finish a half-done create.
POSITION_KEY = "_cartmigrate_position"
#: Order line meta WooCommerce itself sets once it reduced stock for the line;
#: ``wc_reduce_stock_levels`` skips lines that carry it (see docs/connectors/woocommerce.md).
REDUCED_STOCK_KEY = "_reduced_stock"
#: Yoast SEO's meta keys, the de-facto place of a WooCommerce product's SEO title.
SEO_TITLE_KEY = "_yoast_wpseo_title"
SEO_DESCRIPTION_KEY = "_yoast_wpseo_metadesc"

_STOCK_TO_WC = {
    StockStatus.IN_STOCK: "instock",
    StockStatus.OUT_OF_STOCK: "outofstock",
    StockStatus.BACKORDER: "onbackorder",
}
_STOCK_FROM_WC = {v: k for k, v in _STOCK_TO_WC.items()}
_PRODUCT_STATUS_TO_WC = {
    ProductStatus.ACTIVE: "publish",
    ProductStatus.DRAFT: "draft",
    ProductStatus.ARCHIVED: "private",
}
_PRODUCT_STATUS_FROM_WC = {
    "publish": ProductStatus.ACTIVE,
    "private": ProductStatus.ARCHIVED,
    "draft": ProductStatus.DRAFT,
    "pending": ProductStatus.DRAFT,
    "future": ProductStatus.DRAFT,
}


def _product_status(value: Any) -> ProductStatus:
    """A product's status; one WooCommerce does not have is refused, not made a draft."""
    if value is None:
        return ProductStatus.DRAFT
    if value not in _PRODUCT_STATUS_FROM_WC:
        raise ValueError(f"unknown product status {value!r}")
    return _PRODUCT_STATUS_FROM_WC[value]


_REVIEW_STATUS_TO_WC = {
    ReviewStatus.APPROVED: "approved",
    ReviewStatus.PENDING: "hold",
    ReviewStatus.REJECTED: "spam",
}
_REVIEW_STATUS_FROM_WC = {v: k for k, v in _REVIEW_STATUS_TO_WC.items()}


def _review_status(value: Any) -> ReviewStatus:
    """A review's status; one WooCommerce does not have is refused, not made pending."""
    if value is None:
        return ReviewStatus.PENDING
    if value == "trash":
        return ReviewStatus.REJECTED
    if value not in _REVIEW_STATUS_FROM_WC:
        raise ValueError(f"unknown review status {value!r}")
    return _REVIEW_STATUS_FROM_WC[value]


_ADDRESS_FIELDS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "company": "company",
    "line1": "address_1",
    "line2": "address_2",
    "city": "city",
    "region": "state",
    "postcode": "postcode",
    "country": "country",
}


# -- small helpers -----------------------------------------------------------
def wc_time(value: Any) -> dt.datetime | None:
    """A ``*_gmt`` time ("2017-03-23T20:01:14", no offset) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):  # a failure the read reports, never a quiet None
        raise ValueError(f"expected a GMT time text, got {type(value).__name__} {value!r}")
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def wc_time_text(value: dt.datetime) -> str:
    """An aware time as WooCommerce's GMT text (no offset, seconds)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def money_text(value: decimal.Decimal | None) -> str:
    """A number in fixed-point form: WooCommerce reads ``"1E+2"`` as 1 (then "12"...)."""
    if value is None:
        return ""
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def _whole(value: Any) -> int:
    """A whole number; 1.5 or "x" is refused (the read reports it), never truncated."""
    number = decimal.Decimal(str(value))
    if number != number.to_integral_value():
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def _money(value: Any) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    return decimal.Decimal(str(value))


def _text(value: Any) -> Any:
    """ "" as None; anything else as given, for the model to take or refuse (never a quiet None)."""
    return None if value is None or value == "" else value


def _id(value: Any) -> str | None:
    return None if value in (None, 0, "0", "") else str(value)


def _int_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise EntityRejected(f"WooCommerce ids are numbers, got {value!r}", field="id") from None


def meta_value(data: Mapping[str, Any], key: str) -> Any:
    """The value of meta ``key`` in a resource's ``meta_data``, or None."""
    for item in data.get("meta_data") or ():
        if isinstance(item, Mapping) and item.get("key") == key:
            return item.get("value")
    return None


def _meta(pairs: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": key, "value": value} for key, value in pairs if value is not None]


def _json_meta(data: Mapping[str, Any], key: str) -> list[Any] | None:
    raw = meta_value(data, key)
    if raw is None:
        return None
    value = json.loads(raw) if isinstance(raw, str) else raw  # unreadable: the read reports it
    if not isinstance(value, list):
        raise ValueError(f"meta {key} is not a list")
    return value


def _extra(data: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: data[key] for key in keys if data.get(key) not in (None, "", [], {})}


# -- categories and brands ---------------------------------------------------
def category_from_wc(data: Mapping[str, Any]) -> Category:
    return Category(
        id=str(data["id"]),
        name=data["name"],
        parent_id=_id(data.get("parent")),
        slug=_text(data.get("slug")),
        description=_text(data.get("description")),
        extra=_extra(data, ("display", "menu_order", "image", "count")),
    )


def category_to_wc(category: Category) -> dict[str, Any]:
    body: dict[str, Any] = {"name": category.name}
    body["parent"] = _int_id(category.parent_id) if category.parent_id else 0
    if category.slug:
        body["slug"] = category.slug
    if category.description:
        body["description"] = category.description
    return body


def manufacturer_from_wc(data: Mapping[str, Any]) -> Manufacturer:
    return Manufacturer(id=str(data["id"]), name=data["name"], extra=_extra(data, ("slug",)))


def manufacturer_to_wc(manufacturer: Manufacturer) -> dict[str, Any]:
    return {"name": manufacturer.name}


# -- customers ---------------------------------------------------------------
def _address_from_wc(data: Mapping[str, Any] | None) -> Address | None:
    if not data or not any(data.get(k) for k in _ADDRESS_FIELDS.values()):
        return None
    values = {field: _text(data.get(key)) for field, key in _ADDRESS_FIELDS.items()}
    return Address(**values, phone=_text(data.get("phone")))


def _address_to_wc(address: Address | None) -> dict[str, str]:
    """Billing or shipping; both have a phone since WooCommerce 5.6."""
    if address is None:
        return {}
    body = {key: getattr(address, field) or "" for field, key in _ADDRESS_FIELDS.items()}
    body["phone"] = address.phone or ""
    return body


def customer_from_wc(data: Mapping[str, Any]) -> Customer:
    billing = data.get("billing") or {}
    addresses = [
        a for a in (_address_from_wc(billing), _address_from_wc(data.get("shipping"))) if a
    ]
    return Customer(
        id=str(data["id"]),
        email=data["email"],
        first_name=_text(data.get("first_name")),
        last_name=_text(data.get("last_name")),
        phone=_text(billing.get("phone")),
        addresses=addresses,
        group=_text(meta_value(data, GROUP_KEY)),
        created_at=wc_time(data.get("date_created_gmt")),
        updated_at=wc_time(data.get("date_modified_gmt")),
        extra=_extra(data, ("username", "role", "is_paying_customer")),
    )


def customer_to_wc(customer: Customer, *, source_ref: str | None = None) -> dict[str, Any]:
    """Billing holds the first address, shipping the second; WooCommerce has no third."""
    first = customer.addresses[0] if customer.addresses else None
    billing = _address_to_wc(first)
    billing["email"] = customer.email
    billing["phone"] = (first.phone if first else None) or customer.phone or ""
    body: dict[str, Any] = {"email": customer.email, "billing": billing}
    if customer.first_name:
        body["first_name"] = customer.first_name
    if customer.last_name:
        body["last_name"] = customer.last_name
    if len(customer.addresses) > 1:
        body["shipping"] = _address_to_wc(customer.addresses[1])
    meta = _meta([(SOURCE_REF_KEY, source_ref), (GROUP_KEY, customer.group)])
    if meta:
        body["meta_data"] = meta
    return body


# -- reviews -----------------------------------------------------------------
def review_from_wc(data: Mapping[str, Any]) -> Review:
    return Review(
        id=str(data["id"]),
        product_id=_id(data.get("product_id")),
        rating=data.get("rating") or 1,
        body=_text(data.get("review")),
        author=_text(data.get("reviewer")),
        email=_text(data.get("reviewer_email")),
        status=_review_status(data.get("status")),
        created_at=wc_time(data.get("date_created_gmt")),
        extra=_extra(data, ("verified",)),
    )


def review_to_wc(review: Review) -> dict[str, Any]:
    """A review; WooCommerce reviews have no title, so a title leads the text."""
    text = review.body or ""
    if review.title:
        text = f"{review.title}\n\n{text}" if text else review.title
    body: dict[str, Any] = {
        "review": text,
        "reviewer": review.author or "Anonymous",
        "reviewer_email": review.email or "",
        "rating": review.rating,
        "status": _REVIEW_STATUS_TO_WC[ReviewStatus(review.status)],
    }
    if review.product_id:
        body["product_id"] = _int_id(review.product_id)
    if review.created_at is not None:
        body["date_created_gmt"] = wc_time_text(review.created_at)  # writable on reviews
    return body
