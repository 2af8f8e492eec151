"""What Shopify will refuse, said before writing rather than discovered midway.

- A product holds at most 2,048 variants: a bigger one is refused here, before
  anything is sent, with the reason.
- A store with 50,000 variants or more may add at most 1,000 new variants a
  day (Shopify's rule for all but Plus shops). Before the first product write
  the target's variants are counted; when this run's new variants would cross
  the line, the report says how many the store has, how many come, and that
  the rest will be refused until the next day (each refused product fails
  alone and is retried by the next call).
- A development store accepts at most 5 orders a minute: said up front with
  the time the run's orders need at that rate.

Each is a ``write_notes`` line of the report and a warning in the log, once
per cart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..._exceptions import CartMigrateError, EntityRejected
from ...models import Entity, Order, Product

if TYPE_CHECKING:
    from ._shop import ShopifyBase

__all__ = ["LIMITATIONS", "MAX_VARIANTS", "Limits"]

logger = logging.getLogger("cartmigrate.shopify")

MAX_VARIANTS = 2048
STORE_VARIANTS = 50_000
NEW_VARIANTS_A_DAY = 1_000
DEV_ORDERS_A_MINUTE = 5

#: What Shopify cannot take, for reports and the docs.
LIMITATIONS: Mapping[str, str] = {
    "customer": "Shopify cannot import customer passwords: migrated customers must set a new"
    " password through an account invite (Customers > Send account invite).",
    "product": "Weights are written in their unit; a weight without one (from a source that"
    " cannot tell its unit, such as PrestaShop or Magento) is sent as kilograms, Shopify's"
    " default unit.",
    "review": "Shopify has no product reviews in its Admin API; reviews are skipped.",
    "order": "Shopify numbers its own orders from #1001; the source order number is kept as the"
    " order name, and the status history in the cartmigrate.status_history metafield.",
}


def variant_count(product: Product) -> int:
    return max(1, len(product.variants))


class Limits:
    """The limits of one target shop, checked before writing."""

    def __init__(self, cart: ShopifyBase, *, development_store: bool = False) -> None:
        self._cart = cart
        self.development_store = development_store
        self._lock = threading.Lock()
        self._notes: dict[str, list[str]] = {}
        self.store_variants: int | None = None
        self.new_variants = 0
        self.new_orders = 0

    def notes(self, kind: type[Entity]) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._notes.pop(kind.kind, []))

    def _say(self, kind: str, message: str) -> None:
        logger.warning("shopify: %s", message)
        self._notes.setdefault(kind, []).append(message)

    def check(self, entities: Sequence[Entity]) -> list[CartMigrateError | None]:
        """Per entity: the error Shopify would answer (sent nothing), or None."""
        products = [e for e in entities if isinstance(e, Product)]
        orders = [e for e in entities if isinstance(e, Order)]
        if products:
            self._count_variants(products)
        if orders:
            self._count_orders(len(orders))
        return [self._refusal(e) for e in entities]

    @staticmethod
    def _refusal(entity: Entity) -> CartMigrateError | None:
        if isinstance(entity, Product) and len(entity.variants) > MAX_VARIANTS:
            return EntityRejected(
                f"shopify: a product holds at most {MAX_VARIANTS} variants; this one has"
                f" {len(entity.variants)}: split it before migrating",
                entity="product",
                field="variants",
            )
        return None

    def _count_variants(self, products: Sequence[Product]) -> None:
        coming = sum(variant_count(p) for p in products if len(p.variants) <= MAX_VARIANTS)
        with self._lock:
            first = self.store_variants is None
            if first:
                count = self._cart.doc("VARIANTS_COUNT")
                data: dict[str, Any] = self._cart.run("VariantsCount", count)
                self.store_variants = int((data.get("productVariantsCount") or {}).get("count", 0))
            before = self.new_variants
            self.new_variants += coming
            assert self.store_variants is not None
            total = self.store_variants + self.new_variants
            crossing = total >= STORE_VARIANTS and (
                first or self.store_variants + before < STORE_VARIANTS
            )
            if crossing or (first and self.store_variants >= STORE_VARIANTS):
                self._say(
                    "product",
                    f"the store has {self.store_variants} variants; from {STORE_VARIANTS} on,"
                    f" Shopify accepts at most {NEW_VARIANTS_A_DAY} new variants a day (all but"
                    " Plus shops): products past that are refused, fail alone, and are retried"
                    " by the next call",
                )

    def _count_orders(self, count: int) -> None:
        with self._lock:
            first = self.new_orders == 0
            self.new_orders += count
            if self.development_store and first:
                self._say(
                    "order",
                    f"a development store accepts at most {DEV_ORDERS_A_MINUTE} orders a minute:"
                    " orders past that are refused, fail alone, and are retried by the next call",
                )
