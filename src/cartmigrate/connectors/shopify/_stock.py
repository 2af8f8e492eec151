"""Stock, written by compare-and-swap so a change made on the shop meanwhile is
never overwritten blindly.

The engine reads the target (``get``) and writes only what differs. Every
product read here remembers each variant's quantity: the quantity *last seen*.
Writing a new quantity then

1. reads the variant's inventory item once more (it is needed for its id
   anyway): a total that is no longer the one last seen is a stock change
   made on the shop since the engine looked;
2. sends ``inventorySetQuantities`` with ``changeFromQuantity`` = the
   quantity at the location just read, so one made in the last instant is
   refused by Shopify (``CHANGE_FROM_QUANTITY_STALE``) instead of lost.

Either kind of conflict is settled by ``stock_conflicts``:

- ``"report"`` (default): nothing is written; the variant fails with a
  ``StockConflict`` naming both quantities, and the next call compares again
  with what the shop holds then;
- ``"source_wins"``: the source's quantity is written over the shop's (once
  more, from the quantity just read), and the report says what was replaced;
- ``"target_wins"``: the shop's quantity stays, and the report says so; it
  is not written again until the source's stock changes.

From 2026-01 each write carries ``@idempotent(key:)`` (required from
2026-04): the key names the inventory item, the location and the change
(from → to) and is kept across the retries of that one change, so a write
whose answer was lost is sent again and applied once. On 2025-01 (no
directive) ``compareQuantity`` makes the retry safe instead: it is refused
when the first attempt landed, and the quantity read then shows it did.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import uuid
from collections.abc import Mapping
from typing import Any, Literal

from ..._exceptions import EntityNotFound, EntityRejected, WriteOutcomeUnknown
from ...models import Product, StockStatus
from . import _convert as cv
from . import _graphql as docs
from ._shop import ShopifyBase

__all__ = ["STOCK_POLICIES", "StockConflict", "StockPolicy", "StockWrites"]

logger = logging.getLogger("cartmigrate.shopify")

StockPolicy = Literal["report", "source_wins", "target_wins"]
STOCK_POLICIES: tuple[str, ...] = ("report", "source_wins", "target_wins")
_STALE = frozenset({"CHANGE_FROM_QUANTITY_STALE", "COMPARE_QUANTITY_STALE"})
#: Sends of one stock change whose answer was lost, before giving up.
_ATTEMPTS = 3


class StockConflict(EntityRejected):
    """The shop's stock changed since it was read; nothing was written."""

    def __init__(self, message: str, *, seen: int | None, now: int | None, wanted: int) -> None:
        super().__init__(message, entity="variant", field="quantity")
        self.seen = seen
        self.now = now
        self.wanted = wanted


def _at_location(item: Mapping[str, Any]) -> int | None:
    level = (item.get("inventoryItem") or {}).get("inventoryLevel") or {}
    quantities = level.get("quantities") or []
    return int(quantities[0]["quantity"]) if quantities else None


class StockWrites(ShopifyBase):
    """Variant updates, stock by compare-and-swap (see the module docstring)."""

    stock_conflicts: StockPolicy = "report"

    def _stock_state(self) -> tuple[dict[str, int], threading.Lock]:
        state = self.__dict__.get("_seen_stock")
        if state is None:
            state = self.__dict__.setdefault("_seen_stock", ({}, threading.Lock()))
        return state  # type: ignore[no-any-return]

    def saw_stock(self, product: Product) -> None:
        seen, lock = self._stock_state()
        with lock:
            if product.variants:
                for variant in product.variants:
                    if variant.id and variant.quantity is not None:
                        seen[variant.id] = variant.quantity
            elif product.quantity is not None:
                for variant_id in product.extra.get("variant_inventory_items") or {}:
                    seen[variant_id] = product.quantity

    def _variant_item(self, id: str) -> dict[str, Any]:
        item = self.run(
            "VariantItem", docs.VARIANT_ITEM, {"id": id, "locationId": self.location_id}
        ).get("productVariant")
        if not item:
            raise EntityNotFound(f"shopify: no variant {id}", entity="variant")
        return dict(item)

    def update_variant(
        self, id: str, changes: Mapping[str, Any], *, product_id: str | None = None
    ) -> None:
        item = self._variant_item(id)
        product_id = product_id or item["product"]["id"]
        bulk: dict[str, Any] = {"id": id}
        for field, value in changes.items():
            if field == "price":
                bulk["price"] = str(value)
            elif field == "compare_at_price":
                bulk["compareAtPrice"] = None if value is None else str(value)
            elif field == "sku":
                bulk.setdefault("inventoryItem", {})["sku"] = value
            elif field == "stock_status":
                bulk["inventoryPolicy"] = "CONTINUE" if value == StockStatus.BACKORDER else "DENY"
            elif field in ("weight", "weight_unit"):
                bulk.setdefault("inventoryItem", {})["measurement"] = _measurement(item, changes)
            elif field == "quantity":
                tracked = value is not None
                if tracked != bool(item["inventoryItem"]["tracked"]):
                    bulk.setdefault("inventoryItem", {})["tracked"] = tracked
            else:
                raise EntityRejected(
                    f"shopify cannot update variant.{field}: change it in the Shopify admin",
                    entity="variant",
                    field=field,
                )
        if len(bulk) > 1:
            self.mutate(
                "variant",
                "VariantsUpdate",
                docs.VARIANTS_UPDATE,
                {"productId": product_id, "variants": [bulk]},
                "productVariantsBulkUpdate",
            )
        if changes.get("quantity") is not None:
            self.set_stock(id, item, int(changes["quantity"]))

    # -- compare-and-swap ---------------------------------------------------
    def set_stock(self, variant_id: str, item: Mapping[str, Any], wanted: int) -> None:
        seen_map, lock = self._stock_state()
        with lock:
            seen = seen_map.get(variant_id)
        total = item.get("inventoryQuantity")
        if seen is not None and isinstance(total, int) and total != seen:
            self._conflict(variant_id, item, wanted, seen=seen, now=total)
            return
        at_location = _at_location(item)
        if not self._swap(item, wanted, at_location):
            self._conflict(variant_id, item, wanted, seen=seen, now=None)
            return
        with lock:  # what the shop holds now, as far as this write knows
            if isinstance(total, int) and at_location is not None:
                seen_map[variant_id] = total - at_location + wanted
            else:
                seen_map.pop(variant_id, None)

    def _conflict(
        self,
        variant_id: str,
        item: Mapping[str, Any],
        wanted: int,
        *,
        seen: int | None,
        now: int | None,
    ) -> None:
        fresh = self._variant_item(variant_id)
        now = fresh.get("inventoryQuantity") if now is None else now
        what = (
            f"variant {variant_id}: stock changed on Shopify since it was read"
            f" (read {seen if seen is not None else 'unknown'}, now {now}); the source has {wanted}"
        )
        policy = self.stock_conflicts
        if policy == "target_wins":
            self.note("product", f"{what}; kept Shopify's (stock_conflicts='target_wins')")
            return
        if policy == "source_wins" and self._swap(fresh, wanted, _at_location(fresh)):
            self.note(
                "product", f"{what}; replaced by the source's (stock_conflicts='source_wins')"
            )
            return
        raise StockConflict(
            f"shopify {what}; not overwritten (stock_conflicts={policy!r}): the next call"
            " compares again",
            seen=seen,
            now=now if isinstance(now, int) else None,
            wanted=wanted,
        )

    def _swap(self, item: Mapping[str, Any], wanted: int, change_from: int | None) -> bool:
        """Set the location's available quantity from ``change_from`` to ``wanted``.

        False when Shopify says the quantity is no longer ``change_from``.
        """
        inventory_item = str(item["inventoryItem"]["id"])
        quantity: dict[str, Any] = {
            "inventoryItemId": inventory_item,
            "locationId": self.location_id,
            "quantity": wanted,
        }
        variables: dict[str, Any] = {
            "input": {
                "name": "available",
                "reason": "correction",
                "referenceDocumentUri": "cartmigrate://smart_update",
                "quantities": [quantity],
            }
        }
        if self.modern:
            quantity["changeFromQuantity"] = change_from
            variables["key"] = self._idempotency_key(inventory_item, change_from, wanted)
        elif change_from is not None:
            quantity["compareQuantity"] = change_from
        else:
            variables["input"]["ignoreCompareQuantity"] = True
        for attempt in range(_ATTEMPTS):
            try:
                data = self.graphql.execute(
                    "SetQuantities", self.doc("SET_QUANTITIES"), variables, mutation=True
                )
            except WriteOutcomeUnknown:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue  # the same key: applied once, whichever attempt landed
            payload = data.get("inventorySetQuantities") or {}
            errors = payload.get("userErrors") or []
            if not errors:
                return True
            if {e.get("code") for e in errors} & _STALE:
                if attempt > 0 and not self.modern:
                    # 2025-01: a retry refused because the first attempt landed.
                    fresh = self._variant_item(str(item["id"]))
                    if _at_location(fresh) == wanted:
                        return True
                return False
            raise self.user_error("variant", "SetQuantities", errors[0])
        return False  # pragma: no cover - the loop returns or raises

    def _idempotency_key(self, inventory_item: str, change_from: int | None, wanted: int) -> str:
        """The entity and the change, plus this cart's run and a sequence number, so
        the same change made again later (5 → 7, 7 → 5, 5 → 7) is not taken for a
        retry of the first one."""
        counter = self.__dict__.setdefault("_stock_sequence", itertools.count(1))
        nonce = self.__dict__.setdefault("_stock_nonce", uuid.uuid4().hex)
        change = (
            f"{inventory_item}|{self.location_id}|{change_from}->{wanted}|{nonce}|{next(counter)}"
        )
        return "cartmigrate-stock-" + hashlib.sha256(change.encode()).hexdigest()[:40]


def _measurement(item: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The new weight in its unit (the current one when only the number changed);
    no weight is 0, as Shopify holds a variant never weighed."""
    weight, unit = cv.weight_from(item)
    weight = changes.get("weight", weight)
    unit = changes.get("weight_unit", unit)
    found = cv.measurement(weight, unit)
    if found is None:
        current = ((item.get("inventoryItem") or {}).get("measurement") or {}).get("weight") or {}
        return {"weight": {"value": 0, "unit": current.get("unit") or "KILOGRAMS"}}
    return found
