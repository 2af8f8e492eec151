"""Deleting entities: one by one, and 100 ids to a ``/batch`` request.

Deletes are forced (WooCommerce's trash is not a delete). A review that is
gone answers 403 "cannot delete", like a key without permission would, so
it is looked up to tell the two apart. A deleted product's images stay in
WordPress's media library; they are remembered, so the product created
again uses them instead of downloading them twice (``_products``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..._exceptions import (
    AuthenticationError,
    CartMigrateError,
    EntityNotFound,
    UnsupportedEntity,
    WriteOutcomeUnknown,
)
from ...models import Customer, Entity, Product, Review, Variant
from .._rest import chunked
from ._products import learn_media
from ._routes import BATCH_LIMIT, ROUTES, list_params

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["clear", "delete", "delete_many"]


def delete(cart: WooCommerceCart, kind: type[Entity], id: str) -> None:
    cart._require(kind, write=True)
    if kind is Variant:
        raise UnsupportedEntity("delete a variant through its product", entity="variant")
    cart._recent.forget(kind)
    if not id.isdigit():
        raise EntityNotFound(
            f"no {kind.kind} {id} in {cart.name}", entity=kind.kind, status_code=404
        )
    try:
        cart._http.request("DELETE", cart._route(f"{ROUTES[kind]}/{id}"), params={"force": "true"})
    except AuthenticationError:
        # A review that is gone answers 403 "cannot delete": tell it apart.
        if kind is Review and cart.get(kind, id) is None:
            raise EntityNotFound(
                f"no review {id} in {cart.name}", entity="review", status_code=404
            ) from None
        raise


def delete_many(
    cart: WooCommerceCart, kind: type[Entity], ids: Sequence[str]
) -> list[CartMigrateError | None]:
    """Through ``/batch``, 100 ids per request (WooCommerce forces batch deletes)."""
    cart._require(kind, write=True)
    if kind is Variant:
        raise UnsupportedEntity("delete a variant through its product", entity="variant")
    cart._recent.forget(kind)
    results: dict[int, CartMigrateError | None] = {}
    numeric = [(p, int(i)) for p, i in enumerate(ids) if i.isdigit()]
    for position, entity_id in enumerate(ids):
        if not entity_id.isdigit():
            results[position] = EntityNotFound(
                f"no {kind.kind} {entity_id} in {cart.name}", entity=kind.kind, status_code=404
            )
    for chunk in chunked(numeric, BATCH_LIMIT):
        try:
            answers = cart._batch(ROUTES[kind], "delete", [i for _, i in chunk], kind.kind)
        except CartMigrateError as error:
            answers = [error] * len(chunk)
        if len(answers) != len(chunk):
            answers = [WriteOutcomeUnknown(f"{cart.name}: batch delete answer")] * len(chunk)
        for (position, _), answer in zip(chunk, answers, strict=True):
            results[position] = answer if isinstance(answer, CartMigrateError) else None
            if kind is Product and isinstance(answer, Mapping):
                learn_media(cart, answer)
    return [results[p] for p in range(len(ids))]


def clear(cart: WooCommerceCart, kind: type[Entity]) -> int:
    """Delete every entity of ``kind`` through ``/batch`` (100 per request).

    Customers are the users of the ``customer`` role, the one a created
    customer gets: the shop's staff (whose account the key may be) are read
    as customers, never deleted as ones.
    """
    cart._require(kind, write=True)
    cart._recent.forget(kind)
    ids: list[int] = []
    for params in list_params(kind):
        if kind is Customer:
            params["role"] = "customer"
        ids += [int(raw["id"]) for raw in cart._pages(ROUTES[kind], params)]
    deleted = 0
    for chunk in chunked(ids, BATCH_LIMIT):
        answers = cart._batch(ROUTES[kind], "delete", list(chunk), kind.kind)
        failures = [a for a in answers if isinstance(a, CartMigrateError)]
        deleted += len(answers) - len(failures)
        if failures:
            raise failures[0]
    return deleted
