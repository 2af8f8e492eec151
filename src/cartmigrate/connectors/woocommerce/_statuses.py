"""Which order statuses the store has, so an unknown one is refused before it is sent.

A single ``POST /orders`` checks the status against the schema's enum, but
``/orders/batch`` does not: WooCommerce 7.9 stores an order with a status it
does not know as ``pending``, without a word. So the cart asks the store once
for its statuses (``/reports/orders/totals`` lists every registered one,
custom statuses of plugins included) and refuses an order whose status is not
among them, naming the mapping rule that would fix it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..._exceptions import CartMigrateError, EntityRejected

__all__ = ["OrderStatuses"]


class OrderStatuses:
    """The store's registered order statuses, asked for once per cart."""

    def __init__(self, fetch: Callable[[], Any]) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._known: frozenset[str] | None = None
        self._asked = False

    def known(self) -> frozenset[str] | None:
        """The slugs (``on-hold``, ``shipped``...), or None if the store cannot tell."""
        with self._lock:
            if not self._asked:
                try:
                    rows = self._fetch()
                except CartMigrateError:
                    rows = None
                if isinstance(rows, list):
                    self._known = frozenset(
                        str(row["slug"])
                        for row in rows
                        if isinstance(row, dict) and row.get("slug")
                    )
                self._asked = True
            return self._known

    def check(self, status: str, given: str | None = None) -> EntityRejected | None:
        """Why ``status`` (a WooCommerce slug) cannot be written here, if it cannot.

        ``given`` is the order's status as the model holds it (``wc-shipped``),
        which is what a mapping rule matches.
        """
        known = self.known()
        if not known or status in known:
            return None
        choices = ", ".join(sorted(s for s in known if s != "checkout-draft"))
        return EntityRejected(
            f"woocommerce: order status {status!r} is not registered on this store"
            f" (it has: {choices}); WooCommerce would store it as 'pending'."
            f" Map it, e.g. MappingRules(order_status={{{given or status!r}: 'processing'}}),"
            " or register the status on the store first",
            entity="order",
            field="status",
        )
