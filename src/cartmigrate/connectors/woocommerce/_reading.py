"""Raw WooCommerce resources to models, with what lives at their sub-routes.

A resource read from a list is not the whole entity: a variable product's
variations, an order's notes and its Shipment Tracking items each live at
a route of their own. They are fetched here, one request per entity that
needs them (an order cartmigrate wrote carries its history and shipments
in meta and needs none), bounded in parallel by the cart's concurrency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ...models import Category, Customer, Entity, Manufacturer, Order, Product
from .._records import positive_int_id, tracked
from .._rest import fan_out
from . import _convert as wc
from . import _order_convert as wo
from . import _product_convert as wp
from . import _semantics as sem

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["convert_all"]

E = TypeVar("E", bound=Entity)


def convert_all(cart: WooCommerceCart, kind: type[E], raws: Sequence[Mapping[str, Any]]) -> list[E]:
    """Models for raw resources, fetching what lives at sub-routes, bounded in parallel."""

    def one(raw: Mapping[str, Any]) -> Entity | None:
        return cart.model_from(
            kind, raw, lambda data: _convert(cart, kind, data), valid_id=positive_int_id
        )

    converted = fan_out(one, raws, max_workers=cart._max_concurrency)
    return [cast(E, entity) for entity in converted if entity is not None]


def _convert(cart: WooCommerceCart, kind: type[Entity], raw: Mapping[str, Any]) -> Entity:
    if kind is Product:
        variations: list[Any] = []
        if raw.get("type") == "variable":
            variations = tracked(
                list(
                    cart._pages(
                        f"products/{raw['id']}/variations", {"orderby": "id", "order": "asc"}
                    )
                ),
                "variations",
            )
        if (plugin_type := sem.unmodelled_type(raw)) is not None:
            cart.report_not_read(
                Product,
                str(raw["id"]),
                "product_type",
                f"WooCommerce product type {plugin_type!r} (a plugin's) has no model: read as"
                " a simple product, without what that type adds (its own options, prices"
                " or parts)",
            )
        if others := wp.unread_brands(raw):
            cart.report_not_read(
                Product,
                str(raw["id"]),
                "manufacturer_id",
                f"the product has {len(others) + 1} brands and the models hold one: read"
                f" with its first, without brand {', '.join(others)}",
            )
        unit = cart._unit() if sem.has_dimensions(raw, *variations) else None
        weight = cart._weight_unit() if sem.has_weight(raw, *variations) else None
        return wp.product_from_wc(
            raw, variations, dimension_unit=unit, base_url=cart._url, weight_unit=weight
        )
    if kind is Order:
        notes: list[Any] = []
        trackings: list[Any] = []
        if wc.meta_value(raw, wc.HISTORY_KEY) is None:
            notes = cart._get(f"orders/{raw['id']}/notes")
        if wc.meta_value(raw, wc.SHIPMENTS_KEY) is None and cart._tracking_supported(
            str(raw["id"])
        ):
            trackings = cart._http.request("GET", cart._tracking_url(str(raw["id"]))).json()
        return wo.order_from_wc(raw, notes=notes, trackings=trackings)
    if kind is Category:
        return wc.category_from_wc(raw)
    if kind is Manufacturer:
        return wc.manufacturer_from_wc(raw)
    if kind is Customer:
        return wc.customer_from_wc(raw)
    return wc.review_from_wc(raw)
