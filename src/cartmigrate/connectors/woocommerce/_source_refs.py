"""Finding what cartmigrate wrote by the reference it left in the entity's meta.

WooCommerce cannot filter by meta through REST, so a product, customer or
order is found by its source reference (a migrated order by its source
number) among the newest of its type, once the store is quiet
(``_recent``). A product found without all the variations it was created
with is half-made: it is removed, to be created whole again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ...models import Entity, Order, Product
from . import _convert as wc
from ._products import discard_product
from ._reading import convert_all
from ._routes import ROUTES, WITH_META, newest_first

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["find_by_source_ref", "find_migrated_order", "newest"]

logger = logging.getLogger("cartmigrate.woocommerce")

E = TypeVar("E", bound=Entity)


def find_by_source_ref(cart: WooCommerceCart, kind: type[E], source_ref: str) -> E | None:
    """``WooCommerceCart.find_by_source_ref``: the newest entity of ``kind`` whose
    meta holds ``source_ref``; a half-made product is removed and not returned."""
    cart._require(kind)
    if kind not in WITH_META:
        return None
    raw = _recent_with(cart, kind, wc.SOURCE_REF_KEY, source_ref)
    if raw is None:
        return None
    found = convert_all(cart, kind, [raw])
    if not found:
        return None
    entity = found[0]
    if isinstance(entity, Product) and _half_made(raw, entity):
        # Created, then the answer was lost before all its variations were:
        # remove it so that it is created whole again rather than adopted.
        logger.warning("%s: product %s lacks variations; removing it", cart.name, entity.id)
        if discard_product(cart, cast(str, entity.id)):
            cart._recent.forget(Product)
            return None
    return entity


def find_migrated_order(cart: WooCommerceCart, number: str) -> Order | None:
    """The order cartmigrate created for the source order ``number``.

    WooCommerce numbers orders itself, so the store's own order "57" is
    never the source's "57" (``?search=57`` would match it by id): only the
    source number cartmigrate wrote in meta counts, matched exactly.
    """
    raw = _recent_with(cart, Order, wc.SOURCE_NUMBER_KEY, number)
    if raw is None:
        return None
    found = convert_all(cart, Order, [raw])
    return found[0] if found else None


def _recent_with(
    cart: WooCommerceCart, kind: type[Entity], key: str, value: str
) -> Mapping[str, Any] | None:
    """The newest entity whose meta ``key`` is exactly ``value``, once the store is quiet."""
    cart._recent.settle(kind)
    for raw in cart._recent.recent(kind):
        if wc.meta_value(raw, key) == value:
            return raw
    return None


def newest(cart: WooCommerceCart, kind: type[Entity]) -> tuple[int | None, int | None]:
    """(how many, the newest id) of ``kind``: one small request."""
    response = cart._http.request(
        "GET",
        cart._route(ROUTES[kind]),
        params={**newest_first(kind), "per_page": 1, "context": "edit"},
    )
    body = response.json()
    total = response.headers.get("X-WP-Total")
    newest = body[0].get("id") if isinstance(body, list) and body else None
    return (int(total) if total and total.isdigit() else None), newest


def _half_made(raw: Mapping[str, Any], product: Product) -> bool:
    expected = wc.meta_value(raw, wc.VARIANT_COUNT_KEY)
    return (
        isinstance(expected, str) and expected.isdigit() and len(product.variants) < int(expected)
    )
