"""Updating one entity: read it, apply the changes, ``PUT`` only the fields that changed.

The changes are applied to the entity as read (a variant through its
product's variations route), turned into the full payload a create would
send, and cut down to the keys the changed fields write (``_fields``), so
a field nobody changed is never sent back. An order's update is
``_orders``'s: a placed order's lines can only be pointed at other products.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._exceptions import EntityNotFound, EntityRejected
from ...models import Entity, Order, Product, Review, Variant
from . import _convert as wc
from . import _product_convert as wp
from . import _semantics as sem
from ._create import payload_for
from ._fields import evolve_for_update, pick_keys
from ._orders import update_order
from ._routes import ROUTES

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["update"]


def update(
    cart: WooCommerceCart,
    kind: type[Entity],
    id: str,
    changes: Mapping[str, Any],
    *,
    parent_id: str | None = None,
) -> None:
    cart._require(kind, write=True)
    cart._before_writing(kind)
    cart._recent.forget(Product if kind is Variant else kind)
    if kind is Order:
        update_order(cart, id, changes)
        return
    if kind is Variant:
        if not parent_id:
            raise EntityRejected(
                "a variant update needs its product's id", entity="variant", field="parent_id"
            )
        path = f"products/{parent_id}/variations/{id}"
        try:
            raw = cart._get(path)
            unit = cart._unit() if sem.has_dimensions(raw) else None
            current: Entity = wp.variant_from_wc(
                raw,
                dimension_unit=unit,
                base_url=cart._url,
                weight_unit=cart._weight_unit() if sem.has_weight(raw) else None,
            )
        except EntityNotFound as error:
            error.entity = "variant"
            raise
    else:
        found = cart.get(kind, id)
        if found is None:
            raise EntityNotFound(
                f"no {kind.kind} {id} in {cart.name}", entity=kind.kind, status_code=404
            )
        current = found
        path = f"{ROUTES[kind]}/{id}"
    updated = evolve_for_update(current, changes)
    full = (
        wp.variation_to_wc(
            updated,
            0,
            dimension_unit=cart._unit() if updated.dimensions is not None else None,
            weight_unit=cart._weight_unit() if sem.needs_weight_unit([updated]) else None,
        )
        if isinstance(updated, Variant)
        else payload_for(cart, updated, None)
    )
    body = pick_keys(kind, changes, full)
    if isinstance(updated, Review) and not body.get("reviewer_email", "x"):
        body.pop("reviewer_email")  # WordPress refuses "", and has the e-mail already
    if isinstance(updated, Product) and "images" in changes:
        # Which source URL each uploaded image came from (read back as that URL).
        body.setdefault("meta_data", []).append(
            {"key": wc.IMAGES_KEY, "value": wp.images_meta(updated.images)}
        )
    if isinstance(updated, Product) and updated.variants:
        body.pop("regular_price", None)
        body.pop("sale_price", None)
    if body:
        cart._http.request("PUT", cart._route(path), json=body)
