"""Shipment documents that move no stock.

Every new shipment Magento saves fires ``sales_order_shipment_save_after``,
whose MSI observer deducts the shipped items from a source and places a
compensating reservation (module-inventory-shipping
``Observer/SourceDeductionProcessor.php`` ``execute``, lines 92-118). For an
order recorded through the repository, which reserved nothing, that is
stock drift: measured 100 -> 98 on the source for a two-piece shipment, and
a ``+2`` reservation left dangling (restoring the source then shows 102
salable). The observer only deducts what ``GetItemsToDeductFromShipment``
returns, and that skips every shipment item whose order item has no
product (``shouldBeExcluded``: ``$orderItem->getProduct() === null``,
module-inventory-shipping ``Model/GetItemsToDeductFromShipment.php``
line 82 and 206-213; ``Order\\Item::getProduct`` answers null for an
item without a product id, module-sales ``Model/Order/Item.php`` 680-691).
Linking a product to an order item later deducts nothing (the observer
runs for new shipments only, ``getOrigData('entity_id')``).

So a migrated order's shipments are written in three steps: its items are
saved without their product ids (each remembers its product in
``additional_data``, the mark), the shipment documents are saved through
the shipment repository (``POST /shipment``: items, tracks and the
historical ``created_at``, which ``/order/{id}/ship`` cannot set), then the
items are pointed at their products again. Measured on the real store:
source quantity and salable quantity unchanged, no reservation, no e-mail.
A run killed between the steps leaves the mark, and the next write of that
order (a create finding it by number, or an update) finishes it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..._exceptions import TransientError, WriteOutcomeUnknown
from ...models import Order, Shipment
from ._api import Filter, MagentoApi, magento_time

__all__ = ["ShipmentWriter", "item_mark", "marked_product"]

_MARK = re.compile(r"^cartmigrate:product_id=(\d+)$")
#: Magento's carrier codes for the carriers it knows; any other is "custom".
_CARRIERS = {"ups": "ups", "usps": "usps", "fedex": "fedex", "dhl": "dhl"}


def item_mark(product_id: int) -> str:
    return f"cartmigrate:product_id={product_id}"


def marked_product(item: Mapping[str, Any]) -> int | None:
    """The product an item unlinked by the cart belongs to, if it carries the mark."""
    found = _MARK.match(str(item.get("additional_data") or ""))
    return int(found.group(1)) if found else None


def _carrier_code(carrier: str) -> str:
    return _CARRIERS.get(carrier.strip().casefold(), "custom")


class ShipmentWriter:
    """Writes an order's shipments as Magento shipment documents, stock untouched."""

    def __init__(self, api: MagentoApi, *, store_id: int) -> None:
        self.api = api
        self._store_id = store_id

    @staticmethod
    def documentable(order: Order, shipments: Sequence[Shipment]) -> bool:
        """Whether every shipment reads back as given from a document.

        A document keeps a carrier and tracking number only as a track, its
        date as ``created_at``, and its lines as items of the order; it has no
        tracking URL and needs at least one item. Documents are told apart by
        their tracking numbers (``record`` skips a number already there, so a
        lost answer is not shipped twice), so two shipments sharing one
        cannot both be documents. A shipment lacking any of these stays an
        order comment, which keeps everything.
        """
        skus = Counter(str(line.sku) for line in order.lines if line.sku)

        def fits(shipment: Shipment) -> bool:
            # One document item per shipment line, each on its own order item.
            wanted = Counter(str(line.sku) for line in shipment.lines if line.sku)
            return all(skus[sku] >= n for sku, n in wanted.items()) and all(
                line.sku and line.quantity > 0 for line in shipment.lines
            )

        numbers = [s.tracking_number for s in shipments]
        return (
            bool(shipments)
            and len(set(numbers)) == len(numbers)
            and all(
                s.carrier
                and s.tracking_number
                and s.shipped_at is not None
                and s.tracking_url is None
                and s.lines
                and fits(s)
                for s in shipments
            )
        )

    def stored(self, order_id: str) -> list[Mapping[str, Any]]:
        return [
            raw
            for page in self.api.search("shipments", [Filter("order_id", order_id)])
            for raw in page
        ]

    def _body(
        self, order_id: int, shipment: Shipment, items: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        free = [i for i in items if not i.get("parent_item_id")]
        shipped: list[dict[str, Any]] = []
        for line in shipment.lines:
            # The first order item of the line's SKU not shipped by an earlier line of it:
            # an order may sell a SKU on several lines, and each reads back as its own.
            item = next(i for i in free if str(i.get("sku")) == str(line.sku))
            free.remove(item)
            shipped.append(
                {
                    "order_item_id": int(item["item_id"]),
                    "qty": line.quantity,
                    "sku": line.sku,
                    "name": item.get("name") or line.sku,
                    "price": item.get("price") or 0,
                }
            )
        when = magento_time(shipment.shipped_at) if shipment.shipped_at else None
        carrier = str(shipment.carrier)
        return {
            "order_id": order_id,
            "store_id": self._store_id,
            "created_at": when,
            "total_qty": sum(line.quantity for line in shipment.lines),
            "items": shipped,
            "tracks": [
                {
                    "order_id": order_id,
                    "track_number": shipment.tracking_number,
                    "title": carrier,
                    "carrier_code": _carrier_code(carrier),
                    "created_at": when,
                }
            ],
        }

    def record(
        self, order_id: str, shipments: Sequence[Shipment], items: Sequence[Mapping[str, Any]]
    ) -> None:
        """Saves the shipments not stored yet (by tracking number), one document each.

        The order's items must carry no product id (see the module's docs).
        A lost answer is looked up before the document is sent again.
        """
        done = {
            str(track.get("track_number"))
            for raw in self.stored(order_id)
            for track in raw.get("tracks") or ()
        }
        for shipment in shipments:
            number = str(shipment.tracking_number)
            if number in done:
                continue
            body = {"entity": self._body(int(order_id), shipment, items)}
            for attempt in range(2):
                try:
                    self.api.send("POST", "shipment", body, idempotent=False)
                    break
                except TransientError:
                    tracks = {
                        str(track.get("track_number"))
                        for raw in self.stored(order_id)
                        for track in raw.get("tracks") or ()
                    }
                    if number in tracks:
                        break
                    if attempt == 1:
                        raise WriteOutcomeUnknown(
                            f"magento: order {order_id}'s shipment {number} could not be saved",
                            entity="order",
                        ) from None
            done.add(number)
