"""Creating entities: payloads sent 100 to a ``/batch`` request, then their follow-ups.

A batch answers each item in place, an error or the resource made; an
error names the entity and, for a taken e-mail or a review posted twice,
the id of what is already there, so the engine can adopt it. A variable
product's variations and an order's tracking items and notes follow their
create (``_products``, ``_orders``); an order not finished is reported as
an unknown outcome, for the next run to find and finish.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..._exceptions import (
    CartMigrateError,
    ConnectorError,
    DuplicateEntity,
    EntityRejected,
    TransientError,
    UnsupportedEntity,
    WriteOutcomeUnknown,
)
from ...models import Category, Customer, Entity, Manufacturer, Order, Product, Review
from .._base import Created, WriteResult
from .._rest import fan_out, send_in_batches
from . import _convert as wc
from . import _order_convert as wo
from . import _product_convert as wp
from . import _semantics as sem
from ._orders import finish_created_order
from ._products import ensure_variations
from ._reviews import existing_reviews, with_reviewer_emails
from ._routes import BATCH_LIMIT, ROUTES, listings

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["create_many", "payload_for"]

E = TypeVar("E", bound=Entity)


def create_many(
    cart: WooCommerceCart, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
) -> list[WriteResult]:
    if not entities:
        return []
    kind = type(entities[0])
    cart._require(kind, write=True)
    if any(type(e) is not kind for e in entities):
        raise TypeError("create_many takes entities of one type")
    refs = list(source_refs) if source_refs is not None else [None] * len(entities)
    cart._before_writing(kind)
    cart._recent.forget(kind)
    results: list[WriteResult | None] = [None] * len(entities)
    if kind is Review:
        entities = cast(Sequence[E], with_reviewer_emails(cart, cast(Sequence[Review], entities)))
        for position, existing in existing_reviews(cart, cast(Sequence[Review], entities)).items():
            results[position] = DuplicateEntity(
                f"woocommerce: the same review is already on product"
                f" {cast(Review, entities[position]).product_id} (review {existing})",
                existing_id=existing,
                entity="review",
                field="body",
            )
    payloads: list[tuple[int, dict[str, Any]]] = []
    for position, (entity, ref) in enumerate(zip(entities, refs, strict=True)):
        if results[position] is not None:
            continue
        try:
            payloads.append((position, payload_for(cart, entity, ref)))
        except EntityRejected as error:
            error.entity = kind.kind
            results[position] = error
    answers = send_in_batches(
        lambda batch: cart._batch(ROUTES[kind], "create", [p for _, p in batch], kind.kind),
        payloads,
        size=BATCH_LIMIT,
        max_workers=cart._max_concurrency,
    )
    created: list[tuple[int, Mapping[str, Any]]] = []
    if any(isinstance(a, TransientError) for a in answers):
        # The store may still be writing what it was sent: look before trusting a miss.
        cart._recent.unsettle(kind)
    for (position, _), answer in zip(payloads, answers, strict=True):
        if isinstance(answer, CartMigrateError):
            results[position] = _create_error(cart, kind, entities[position], answer)
        else:
            results[position] = Created(id=str(answer["id"]))
            created.append((position, answer))
    if kind is Product:
        variable = [(p, raw) for p, raw in created if cast(Product, entities[p]).variants]
        finished = fan_out(
            lambda item: ensure_variations(
                cart, str(item[1]["id"]), cast(Product, entities[item[0]]).variants
            ),
            variable,
            max_workers=cart._max_concurrency,
        )
        for (position, raw), outcome in zip(variable, finished, strict=True):
            results[position] = (
                outcome
                if isinstance(outcome, CartMigrateError)
                else Created(id=str(raw["id"]), variant_ids=outcome)
            )
    if kind is Order:
        completed = fan_out(
            lambda item: finish_created_order(
                cart, str(item[1]["id"]), cast(Order, entities[item[0]])
            ),
            created,
            max_workers=cart._max_concurrency,
        )
        for (position, raw), done in zip(created, completed, strict=True):
            notes = wo.computed_totals(raw, cast(Order, entities[position]))
            if notes:
                results[position] = Created(id=str(raw["id"]), notes=notes)
            if not done:
                # Created, but not finished: say so, so the engine finds it
                # (by its reference), compares it, and finishes it later.
                results[position] = WriteOutcomeUnknown(
                    f"{cart.name}: order {raw['id']} was created, but its tracking"
                    " items or notes were not; the next call finishes it",
                    entity="order",
                )
    return [cast(WriteResult, r) for r in results]


def payload_for(cart: WooCommerceCart, entity: Entity, source_ref: str | None) -> dict[str, Any]:
    if isinstance(entity, Order):
        refused = cart._statuses.check(
            wo.wc_order_status(entity.status),
            str(getattr(entity.status, "value", entity.status)),
        )
        if refused is not None:
            raise refused
    if isinstance(entity, Product):
        body = wp.product_to_wc(
            entity,
            source_ref=source_ref,
            brands=cart._brands_supported(),
            dimension_unit=cart._unit() if sem.needs_unit([entity]) else None,
            weight_unit=cart._weight_unit() if sem.needs_weight_unit([entity]) else None,
        )
        # An image this cart saw uploaded from that URL (on a product it deleted)
        # is used again, not downloaded again: remigrate leaves no orphaned media.
        body["images"] = [
            {"id": cart._media[i["src"]]} if i.get("src") in cart._media else i
            for i in body.get("images") or ()
        ]
        return body
    if isinstance(entity, Customer):
        return wc.customer_to_wc(entity, source_ref=source_ref)
    if isinstance(entity, Order):
        payload = wo.order_to_wc(entity, source_ref=source_ref)
        # The shipments meta is written once the tracking items are in.
        payload["meta_data"] = [
            m for m in payload.get("meta_data", []) if m.get("key") != wc.SHIPMENTS_KEY
        ]
        return payload
    if isinstance(entity, Category):
        return wc.category_to_wc(entity)
    if isinstance(entity, Manufacturer):
        return wc.manufacturer_to_wc(entity)
    if isinstance(entity, Review):
        return wc.review_to_wc(entity)
    raise UnsupportedEntity(f"{cart.name} cannot write {entity.kind}", entity=entity.kind)


def _create_error(
    cart: WooCommerceCart, kind: type[Entity], entity: Entity, error: CartMigrateError
) -> CartMigrateError:
    if isinstance(error, ConnectorError):
        error.entity = error.entity or kind.kind
    if (
        isinstance(error, DuplicateEntity)
        and error.existing_id is None
        and isinstance(entity, Customer)
    ):
        # WooCommerce names no id for a taken e-mail: look it up, so it can be adopted.
        try:
            raws = [
                raw
                for listing in listings(Customer)
                for raw in cart._get("customers", params={**listing, "email": entity.email})
            ]
        except CartMigrateError:
            return error
        if raws:
            error.existing_id = str(raws[0]["id"])
    if (
        isinstance(error, DuplicateEntity)
        and error.existing_id is None
        and isinstance(entity, Review)
    ):
        # 409 "Duplicate comment": the same text by the same e-mail, e.g. a
        # create whose answer was lost. Name it, so it can be adopted.
        try:
            found = existing_reviews(cart, [entity])
        except CartMigrateError:
            return error
        error.existing_id = found.get(0)
    return error
