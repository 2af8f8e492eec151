"""Models as WooCommerce keeps them, to compare a source with what the store holds.

WooCommerce normalises some values as it stores them. ``as_stored`` applies
the same rules to a source entity, so that comparing it with the target's
copy sees only real differences (and ``verify=True`` writes nothing twice).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence
from typing import Any

import attrs

from ...models import (
    Category,
    Customer,
    Dimensions,
    Download,
    LengthUnit,
    Product,
    Review,
    StockStatus,
    Variant,
    WeightUnit,
)
from ._convert import review_to_wc
from ._semantics import download_name, option_attributes

__all__ = ["as_stored", "term_text"]

#: The only tags WordPress keeps in a term description (``wp_filter_kses``, ``$allowedtags``).
_TERM_TAGS = "a|abbr|acronym|b|blockquote|cite|code|del|em|i|q|s|strike|strong"
_TAG = re.compile(rf"</?(?!(?:{_TERM_TAGS})\b)[a-zA-Z][^>]*>")


def term_text(text: str) -> str:
    """A category description as WordPress stores it: other tags removed."""
    return _TAG.sub("", text).strip()


def _stored_stock(quantity: int | None, status: StockStatus | str) -> StockStatus:
    """A managed stock's status, as WooCommerce derives it from the quantity."""
    status = StockStatus(status)
    if quantity is None:
        return status
    if quantity > 0:
        return StockStatus.IN_STOCK
    return StockStatus.BACKORDER if status == StockStatus.BACKORDER else StockStatus.OUT_OF_STOCK


def _stored_prices(
    price: decimal.Decimal | None, compare_at: decimal.Decimal | None
) -> decimal.Decimal | None:
    """The compare-at price WooCommerce keeps: only one above the price (a sale)."""
    if compare_at is not None and price is not None and compare_at > price:
        return compare_at
    return None


def _in_unit(dimensions: Dimensions | None, unit: LengthUnit | None) -> Dimensions | None:
    """Dimensions as the store keeps them: bare numbers in its unit."""
    return None if dimensions is None else dimensions.in_unit(unit or LengthUnit.CM)


def _weight(entity: Product | Variant, unit: WeightUnit | None) -> dict[str, Any]:
    """A weight as the store keeps it: a bare number in its unit, read back in it."""
    if entity.weight is None or unit is None:
        return {}
    return {"weight": entity.weight_in(unit), "weight_unit": unit}


def _stored_variant(
    variant: Variant,
    unit: LengthUnit | None,
    open_ok: frozenset[str] | None = None,
    weight_unit: WeightUnit | None = None,
) -> Variant:
    return attrs.evolve(
        variant,
        **_weight(variant, weight_unit),
        compare_at_price=_stored_prices(variant.price, variant.compare_at_price),
        stock_status=_stored_stock(variant.quantity, variant.stock_status),
        dimensions=_in_unit(variant.dimensions, unit),
        downloads=_stored_downloads(variant.downloads),
        # An attribute left open whose values nobody knows is not on the product.
        any_options=[n for n in variant.any_options if open_ok is None or n in open_ok],
    )


def _stored_downloads(downloads: Sequence[Download]) -> list[Download]:
    """A download without a name is named after its file."""
    return [Download(url=d.url, name=d.name or download_name(d.url)) for d in downloads]


def _stored_semantics(
    product: Product, unit: LengthUnit | None, weight_unit: WeightUnit | None
) -> dict[str, Any]:
    """Downloads as the store names them; dimensions and weight are in the store's units."""
    return {
        **_weight(product, weight_unit),
        "downloads": _stored_downloads(product.downloads),
        "dimensions": _in_unit(product.dimensions, unit),
    }


def as_stored(
    entity: Any, unit: LengthUnit | None = None, weight_unit: WeightUnit | None = None
) -> Any:
    """``entity`` as WooCommerce will read it back after cartmigrate wrote it.

    What the store normalises (a managed stock's status, a variable product's
    price and stock status, the billing phone, a review's title) is
    normalised the same way here, so that comparing source and target sees
    only real differences. ``unit``, ``weight_unit``: the store's units.
    """
    if isinstance(entity, Variant):
        return _stored_variant(entity, unit, weight_unit=weight_unit)
    if isinstance(entity, Product):
        if not entity.variants:
            return attrs.evolve(
                entity,
                compare_at_price=_stored_prices(entity.price, entity.compare_at_price),
                stock_status=_stored_stock(entity.quantity, entity.stock_status),
                **_stored_semantics(entity, unit, weight_unit),
            )
        open_ok = frozenset(str(a["name"]) for a in option_attributes(entity))
        # A variation without a weight or dimensions of its own reads its product's.
        variants = [
            _stored_variant(
                attrs.evolve(
                    v,
                    **(
                        {"weight": entity.weight, "weight_unit": entity.weight_unit}
                        if v.weight is None
                        else {}
                    ),
                    dimensions=entity.dimensions if v.dimensions is None else v.dimensions,
                ),
                unit,
                open_ok,
                weight_unit,
            )
            for v in entity.variants
        ]
        status = _stored_stock(entity.quantity, entity.stock_status)
        if entity.quantity is None:
            # A variable product without stock of its own: its status is its variations'.
            statuses = {v.stock_status for v in variants}
            status = next(
                (s for s in (StockStatus.IN_STOCK, StockStatus.BACKORDER) if s in statuses),
                StockStatus.OUT_OF_STOCK,
            )
        return attrs.evolve(
            entity,
            price=None,
            compare_at_price=None,
            stock_status=status,
            variants=variants,
            **_stored_semantics(entity, unit, weight_unit),
        )
    if isinstance(entity, Customer):
        first = entity.addresses[0] if entity.addresses else None
        phone = (first.phone if first else None) or entity.phone
        addresses = list(entity.addresses[:2])
        if first is not None:
            addresses[0] = attrs.evolve(first, phone=phone)
        return attrs.evolve(entity, phone=phone, addresses=addresses)
    if isinstance(entity, Category) and entity.description:
        return attrs.evolve(entity, description=term_text(entity.description) or None)
    if isinstance(entity, Review):
        text = review_to_wc(entity)["review"]
        return attrs.evolve(
            entity,
            title=None,
            body=text or None,
            author=entity.author or "Anonymous",
        )
    return entity
