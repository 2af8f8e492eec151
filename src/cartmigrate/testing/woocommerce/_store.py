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

``Store`` holds the data, the id spaces and the clock; the rules are per
resource, next to it: ``_products`` (with variations, SKUs and images),
``_terms``, ``_customers``, ``_orders`` (with notes and tracking),
``_stock``, ``_reviews``; errors are ``_api_errors``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from . import _customers, _orders, _products, _reviews, _terms
from ._emails import EMAIL_TEMPLATES, SentEmail
from ._orders import ORDER_STATUSES
from ._semantics import UNIT_SETTINGS

__all__ = ["Store"]


class Store:
    """Every resource of the simulated store, as WooCommerce would answer it."""

    def __init__(
        self, now: Callable[[], dt.datetime], *, custom_statuses: tuple[str, ...] = ()
    ) -> None:
        #: The store's clock (``FakeClock.now`` in tests).
        self.now = now
        self.statuses = (*ORDER_STATUSES, *custom_statuses)
        #: Set while a /batch request is served: batches skip the REST schema checks.
        self.in_batch = False
        #: Media file names taken so far, as WordPress's uploads folder holds them.
        self.uploads: set[str] = set()
        #: The media library: attachment id -> URL (deleting a product leaves them).
        self.media: dict[int, str] = {}
        #: Whether WordPress could download an image URL (default: every one).
        self.fetch_image: Callable[[str], bool] = lambda src: True
        #: Whether a sale's stock change moves the products' dates (7.9: yes).
        self.sales_move_dates = True
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
        now = self.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0).isoformat()
        return now, now  # the simulated site's time zone is UTC

    def stamp_dates(self, obj: dict[str, Any], *, created: bool) -> None:
        local, gmt = self.stamp()
        if created:
            obj.setdefault("date_created", local)
            obj.setdefault("date_created_gmt", gmt)
        obj["date_modified"], obj["date_modified_gmt"] = local, gmt

    # -- meta ------------------------------------------------------------------
    def merge_meta(self, current: list[dict[str, Any]], incoming: Any) -> list[dict[str, Any]]:
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

    # -- the resources (rules in their modules) ------------------------------------
    def sku_holder(self, sku: str, own: int | None) -> int | None:
        return _products.sku_holder(self, sku, own)

    def save_product(self, payload: Mapping[str, Any], pid: int | None = None) -> dict[str, Any]:
        return _products.save_product(self, payload, pid)

    def sync_variable(self, pid: int) -> None:
        """A variable product's price and (unmanaged) stock status follow its variations."""
        _products.sync_variable(self, pid)

    def product_view(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        return _products.product_view(self, obj)

    def save_variation(
        self, pid: int, payload: Mapping[str, Any], vid: int | None = None
    ) -> dict[str, Any]:
        return _products.save_variation(self, pid, payload, vid)

    def variation_view(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        return _products.variation_view(self, obj)

    def delete_product(self, pid: int) -> None:
        _products.delete_product(self, pid)

    def save_term(
        self, pool: dict[int, dict[str, Any]], payload: Mapping[str, Any], tid: int | None = None
    ) -> dict[str, Any]:
        return _terms.save_term(self, pool, payload, tid)

    def save_customer(self, payload: Mapping[str, Any], cid: int | None = None) -> dict[str, Any]:
        return _customers.save_customer(self, payload, cid)

    def save_order(self, payload: Mapping[str, Any], oid: int | None = None) -> dict[str, Any]:
        return _orders.save_order(self, payload, oid)

    def add_note(
        self, oid: int, text: str, *, customer_note: bool = False, by_user: bool = False
    ) -> dict[str, Any]:
        return _orders.add_note(self, oid, text, customer_note=customer_note, by_user=by_user)

    def add_tracking(self, oid: int, payload: Mapping[str, Any]) -> dict[str, Any]:
        return _orders.add_tracking(self, oid, payload)

    def save_review(self, payload: Mapping[str, Any], rid: int | None = None) -> dict[str, Any]:
        return _reviews.save_review(self, payload, rid)
