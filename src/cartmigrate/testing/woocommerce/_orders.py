"""Orders of the simulated store: lines, totals, notes, status changes and tracking.

WooCommerce computes an order's totals and number itself, finds a line's
product by id or SKU, and on a status change adds its note, sends the
e-mails of that transition, and takes or puts back stock (``_stock``). An
order created as refunded gets a refund of it all. Tracking items are the
Shipment Tracking extension's.
"""

from __future__ import annotations

import copy
import decimal
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError, check_enum, invalid_param
from ._customers import ADDRESS_KEYS, EMAIL
from ._emails import SentEmail
from ._money import money, money_text
from ._stock import reduce_stock, restore_stock

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["ORDER_STATUSES", "add_note", "add_tracking", "save_order"]

ORDER_STATUSES = (
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


def _line_item(
    store: Store, payload: Mapping[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    item: dict[str, Any] = (
        current
        if current is not None
        else {
            "id": store.new_id("item"),
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
            for p in (*store.products.values(), *store.variations.values())
            if p.get("sku") == payload["sku"]
        ]
        if not by_sku:
            raise ApiError(
                400, "woocommerce_rest_invalid_product_id", "Product ID provided is invalid."
            )
        if by_sku[0] in store.variations:
            variation_id = by_sku[0]
            product_id = store.variations[variation_id]["parent_id"]
        else:
            product_id = by_sku[0]
    if current is None and not product_id and not variation_id:
        raise ApiError(
            400, "woocommerce_rest_required_product_reference", "Product ID or SKU is required."
        )
    if product_id and product_id not in store.products:
        raise ApiError(
            400, "woocommerce_rest_invalid_product_id", "Product ID provided is invalid."
        )
    if variation_id and store.variations.get(variation_id, {}).get("parent_id") != product_id:
        raise ApiError(
            400, "woocommerce_rest_invalid_variation_id", "Variation ID provided is invalid."
        )
    quantity = payload.get("quantity", item["quantity"])
    if not isinstance(quantity, int) or quantity < 0:
        raise invalid_param("line_items", "line_items[0][quantity] is not of type integer.")
    source = store.variations.get(variation_id) or store.products.get(product_id) or {}
    item.update(product_id=product_id, variation_id=variation_id, quantity=quantity)
    item["name"] = (
        payload.get("name") or item["name"] or store.products.get(product_id, {}).get("name", "")
    )
    item["sku"] = source.get("sku", "")
    unit = money(source.get("sale_price") or source.get("regular_price"))
    item["subtotal"] = (
        money_text(money(payload["subtotal"]))
        if "subtotal" in payload
        else (item["subtotal"] if current else money_text(unit * quantity))
    )
    item["total"] = (
        money_text(money(payload["total"]))
        if "total" in payload
        else (item["total"] if current else item["subtotal"])
    )
    item["price"] = float(money(item["total"]) / quantity) if quantity else 0
    item["meta_data"] = store.merge_meta(item["meta_data"], payload.get("meta_data"))
    return item


def save_order(store: Store, payload: Mapping[str, Any], oid: int | None = None) -> dict[str, Any]:
    creating = oid is None
    check_enum(payload, "status", store.statuses)
    currency = payload.get("currency")
    if currency is not None and not (
        isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)
    ):
        raise invalid_param("currency", "currency is not one of AED, AFN, ALL, ...")
    billing_email = (payload.get("billing") or {}).get("email")
    if billing_email and not store.in_batch and not EMAIL.match(str(billing_email)):
        raise invalid_param("billing", "billing[email] is not a valid email address.")
    customer = payload.get("customer_id")
    if customer not in (None, 0) and customer not in store.customers:
        raise ApiError(400, "woocommerce_rest_invalid_customer_id", "Customer ID is invalid.")
    obj: dict[str, Any] = (
        {
            "id": store.new_id("post"),
            "parent_id": 0,
            "status": "pending",
            "currency": "USD",
            "version": "7.9.0",
            "prices_include_tax": False,
            "customer_id": 0,
            "customer_note": "",
            "created_via": "rest-api",
            "billing": dict.fromkeys((*ADDRESS_KEYS, "email", "phone"), ""),
            "shipping": dict.fromkeys((*ADDRESS_KEYS, "phone"), ""),
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
        else copy.deepcopy(store.orders[oid or 0])
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
            item = _line_item(store, line, current)
            if current is None:
                obj["line_items"].append(item)
    if "shipping_lines" in payload:
        for line in payload["shipping_lines"] or ():
            obj["shipping_lines"].append(
                {
                    "id": store.new_id("item"),
                    "method_title": line.get("method_title", ""),
                    "method_id": line.get("method_id", ""),
                    "total": money_text(money(line.get("total"))),
                    "total_tax": "0.00",
                    "taxes": [],
                    "meta_data": [],
                }
            )
    obj["meta_data"] = store.merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
    _totals(obj)
    obj["number"] = str(obj["id"])
    obj["order_key"] = (
        obj.get("order_key") or "wc_order_" + hashlib.md5(str(obj["id"]).encode()).hexdigest()[:13]
    )
    store.stamp_dates(obj, created=creating)
    store.orders[obj["id"]] = obj
    store.notes.setdefault(obj["id"], [])
    new_status = payload.get("status", old_status)
    if payload.get("set_paid") is True:
        local, gmt = store.stamp()
        obj["date_paid"], obj["date_paid_gmt"] = local, gmt
        if new_status in ("pending", "failed", "on-hold"):
            new_status = "processing"
    obj["status"] = new_status
    if new_status != old_status:
        _transition(store, obj, old_status, new_status)
    if creating and new_status == "refunded" and not obj["refunds"]:
        # wc_order_fully_refunded: an order created as refunded gets a refund of it all.
        obj["refunds"] = [
            {"id": store.new_id("post"), "reason": "", "total": f"-{obj.get('total', '0.00')}"}
        ]
    return obj


def _totals(order: dict[str, Any]) -> None:
    subtotal = sum((money(i["subtotal"]) for i in order["line_items"]), decimal.Decimal(0))
    lines = sum((money(i["total"]) for i in order["line_items"]), decimal.Decimal(0))
    shipping = sum((money(s["total"]) for s in order["shipping_lines"]), decimal.Decimal(0))
    order["discount_total"] = money_text(subtotal - lines)
    order["discount_tax"] = order["shipping_tax"] = order["cart_tax"] = order["total_tax"] = "0.00"
    order["shipping_total"] = money_text(shipping)
    order["total"] = money_text(lines + shipping)


def add_note(
    store: Store, oid: int, text: str, *, customer_note: bool = False, by_user: bool = False
) -> dict[str, Any]:
    local, gmt = store.stamp()
    note = {
        "id": store.new_id("comment"),
        "author": "admin" if by_user else "WooCommerce",
        "date_created": local,
        "date_created_gmt": gmt,
        "note": text,
        "customer_note": customer_note,
    }
    store.notes.setdefault(oid, []).append(note)
    if customer_note and store.orders[oid]["billing"].get("email"):
        store.send_email(SentEmail("customer_note", store.orders[oid]["billing"]["email"], oid))
    return note


def _transition(store: Store, order: dict[str, Any], old: str, new: str) -> None:
    oid = order["id"]
    add_note(
        store,
        oid,
        f"Order status changed from {_STATUS_LABELS.get(old, old)}"
        f" to {_STATUS_LABELS.get(new, new)}.",
    )
    if new in _REDUCING:
        reduce_stock(store, order)
    elif new in _RESTORING:
        restore_stock(store, order)
    if new == "completed":
        local, gmt = store.stamp()
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
        store.send_email(SentEmail("new_order", admin, oid))
    if customer and pair in (
        "pending_to_processing",
        "failed_to_processing",
        "cancelled_to_processing",
        "on-hold_to_processing",
    ):
        store.send_email(SentEmail("customer_processing_order", customer, oid))
    if customer and new == "completed":
        store.send_email(SentEmail("customer_completed_order", customer, oid))
    if customer and pair in ("pending_to_on-hold", "failed_to_on-hold", "cancelled_to_on-hold"):
        store.send_email(SentEmail("customer_on_hold_order", customer, oid))
    if pair in ("processing_to_cancelled", "on-hold_to_cancelled"):
        store.send_email(SentEmail("cancelled_order", admin, oid))


def add_tracking(store: Store, oid: int, payload: Mapping[str, Any]) -> dict[str, Any]:
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
            f"{oid}:{number}:{len(store.trackings.get(oid, []))}".encode()
        ).hexdigest(),
        "tracking_provider": provider,
        "tracking_link": link,
        "tracking_number": number,
        "date_shipped": payload.get("date_shipped") or store.now().date().isoformat(),
    }
    store.trackings.setdefault(oid, []).append(item)
    return item
