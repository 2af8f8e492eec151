"""Stock levels of the simulated store, and what an order's status change does to them.

A managed product's (or variation's) stock status follows its quantity
and backorders setting. An order reaching a reducing status takes its
lines' stock once, as ``wc_maybe_reduce_stock_levels`` does, skipping a
line whose ``_reduced_stock`` meta says it was already handled; one going
back to cancelled or pending puts back what the lines say was taken
(``wc_maybe_increase_stock_levels``). Each move is noted on the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["apply_stock", "reduce_stock", "restore_stock"]


def apply_stock(obj: dict[str, Any]) -> None:
    if obj.get("manage_stock") is True:
        quantity = obj.get("stock_quantity")
        obj["stock_quantity"] = int(quantity) if quantity is not None else 0
        backorders = obj.get("backorders", "no")
        if obj["stock_quantity"] > 0:
            obj["stock_status"] = "instock"
        else:
            obj["stock_status"] = "onbackorder" if backorders in ("notify", "yes") else "outofstock"
    else:
        obj["stock_quantity"] = None


def _stock_target(store: Store, item: Mapping[str, Any]) -> dict[str, Any] | None:
    target = store.variations.get(item["variation_id"]) if item["variation_id"] else None
    if target is None or target.get("manage_stock") is not True:
        target = store.products.get(item["product_id"])
    return target if target is not None and target.get("manage_stock") is True else None


def _meta_get(item: Mapping[str, Any], key: str) -> Any:
    return next((m["value"] for m in item.get("meta_data", ()) if m["key"] == key), None)


def _truthy(value: Any) -> bool:
    return value not in (None, "", "0", 0, False)  # PHP's idea of true


def reduce_stock(store: Store, order: dict[str, Any]) -> None:
    """``wc_maybe_reduce_stock_levels``: once per order, skipping lines already reduced."""
    if order["id"] in store.stock_reduced:
        return
    changes: list[str] = []
    for item in order["line_items"]:
        target = _stock_target(store, item)
        if target is None or _truthy(_meta_get(item, "_reduced_stock")):
            continue
        before = target["stock_quantity"]
        target["stock_quantity"] = before - item["quantity"]
        apply_stock(target)
        _after_stock(store, target)
        item["meta_data"] = store.merge_meta(
            item["meta_data"], [{"key": "_reduced_stock", "value": str(item["quantity"])}]
        )
        changes.append(f"{item['name']} {before}\u2192{target['stock_quantity']}")
    store.stock_reduced.add(order["id"])
    if changes:
        store.add_note(order["id"], "Stock levels reduced: " + ", ".join(changes))


def restore_stock(store: Store, order: dict[str, Any]) -> None:
    """``wc_maybe_increase_stock_levels``: put back what the lines say was reduced."""
    if order["id"] not in store.stock_reduced:
        return
    changes: list[str] = []
    for item in order["line_items"]:
        amount = _meta_get(item, "_reduced_stock")
        target = _stock_target(store, item)
        if target is None or not _truthy(amount):
            continue
        before = target["stock_quantity"]
        target["stock_quantity"] = before + int(str(amount))
        apply_stock(target)
        _after_stock(store, target)
        item["meta_data"] = [m for m in item["meta_data"] if m["key"] != "_reduced_stock"]
        changes.append(f"{item['name']} {before}\u2192{target['stock_quantity']}")
    store.stock_reduced.discard(order["id"])
    if changes:
        store.add_note(order["id"], "Stock levels increased: " + ", ".join(changes))


def _after_stock(store: Store, target: dict[str, Any]) -> None:
    # ``wc_update_product_stock`` saves what it changed, and a variation's save
    # syncs and saves its variable parent: both dates move (observed on 7.9),
    # so ``/products?modified_after=`` lists a product whose variation sold.
    # Later versions are reported not to (``sales_move_dates=False``).
    if store.sales_move_dates:
        store.stamp_dates(target, created=False)
    if "parent_id" in target and target["parent_id"] in store.products:
        store.sync_variable(target["parent_id"])
        if store.sales_move_dates:
            store.stamp_dates(store.products[target["parent_id"]], created=False)
