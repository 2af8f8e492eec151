"""The follow-ups of writing a product: its variations, a half-made one, its media.

A variable product is created in two steps (the product, then a batch of its
variations), so a lost answer in between is finished or undone here. A
product deleted by cartmigrate leaves its images in WordPress's media
library; they are remembered so that the product created again reuses them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..._exceptions import (
    CartMigrateError,
    EntityNotFound,
    EntityRejected,
    TransientError,
    WriteOutcomeUnknown,
)
from ...models import Variant
from .._rest import chunked
from . import _convert as wc
from . import _product_convert as wp
from . import _semantics as sem

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["discard_product", "ensure_variations", "learn_media"]

logger = logging.getLogger("cartmigrate.woocommerce")

#: WooCommerce's own limit of items per batch request (413 above it).
BATCH_LIMIT = 100


def ensure_variations(
    cart: WooCommerceCart, product_id: str, variants: Sequence[Variant], *, rounds: int = 4
) -> tuple[str, ...] | CartMigrateError:
    """Create the product's variations; on a lost answer, look and finish what is missing.

    Each variation carries its position in meta, so a retry creates only
    what is not there. A variation the store refuses fails the whole
    product, which is then deleted so that nothing half-made stays behind.
    """
    path = f"products/{product_id}/variations"
    existing: dict[int, str] = {}
    for attempt in range(rounds):
        try:
            if attempt:  # an earlier answer was lost: see what is there now
                existing = {}
                for raw in cart._pages(path, {"orderby": "id", "order": "asc"}):
                    position = wc.meta_value(raw, wc.POSITION_KEY)
                    if isinstance(position, str) and position.isdigit():
                        existing.setdefault(int(position), str(raw["id"]))
            missing = [p for p in range(len(variants)) if p not in existing]
            unit = cart._unit() if any(v.dimensions is not None for v in variants) else None
            weight = cart._weight_unit() if sem.needs_weight_unit(variants) else None
            for chunk in chunked(missing, BATCH_LIMIT):
                answers = cart._batch(
                    path,
                    "create",
                    [
                        wp.variation_to_wc(variants[p], p, dimension_unit=unit, weight_unit=weight)
                        for p in chunk
                    ],
                    "variant",
                )
                for position, answer in zip(chunk, answers, strict=True):
                    if isinstance(answer, EntityRejected):
                        discard_product(cart, product_id)
                        return EntityRejected(
                            f"variant {position} (SKU {variants[position].sku!r}): {answer}",
                            entity="product",
                            field="variants." + (answer.field or "?"),
                            platform_message=answer.platform_message,
                            status_code=answer.status_code,
                        )
                    if isinstance(answer, Mapping):
                        existing[position] = str(answer["id"])
            if all(p in existing for p in range(len(variants))):
                return tuple(existing[p] for p in range(len(variants)))
        except TransientError as error:
            logger.warning(
                "%s: variations of product %s: %s; looking again", cart.name, product_id, error
            )
    if discard_product(cart, product_id):
        return TransientError(
            f"{cart.name}: variations of product {product_id} could not be created;"
            " the product was removed and will be created again"
        )
    return WriteOutcomeUnknown(f"{cart.name}: product {product_id} may lack variations")


def discard_product(cart: WooCommerceCart, product_id: str) -> bool:
    try:
        answer = cart._http.request(
            "DELETE", cart._route(f"products/{product_id}"), params={"force": "true"}
        ).json()
        learn_media(cart, answer)
    except EntityNotFound:
        return True
    except CartMigrateError as error:
        logger.warning(
            "%s: could not remove half-created product %s: %s", cart.name, product_id, error
        )
        return False
    return True


def learn_media(cart: WooCommerceCart, product: Any) -> None:
    """Remember which media a deleted product's images were, by source URL.

    WordPress keeps a deleted product's images in its media library, and
    the REST key cannot delete media: a product created again from the same
    URLs reuses them (``{"id": …}``) instead of downloading copies.
    """
    if not isinstance(product, Mapping):
        return
    images = [i for i in product.get("images") or () if isinstance(i, Mapping)]
    for image, source in zip(images, wp.image_sources(product), strict=False):
        if isinstance(image.get("id"), int) and image["id"]:
            cart._media[source] = image["id"]
