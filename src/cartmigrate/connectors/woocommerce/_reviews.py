"""Reviews: the e-mail WordPress requires, and the check that stops a review twice.

Reviews carry no meta in WooCommerce, so a review whose create answer was
lost is recognised by its product, e-mail and text (read as stored, in the
``edit`` context) instead of being posted again.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from ...models import Customer, Review
from .._rest import chunked
from . import _convert as wc
from ._routes import listings

if TYPE_CHECKING:
    from ._cart import WooCommerceCart

__all__ = ["existing_reviews", "with_reviewer_emails"]


def with_reviewer_emails(cart: WooCommerceCart, reviews: Sequence[Review]) -> list[Review]:
    """Reviews by a customer but without an e-mail get the customer's (WordPress
    requires a reviewer e-mail); one request for the whole batch."""
    wanted = [r.customer_id for r in reviews if not r.email and r.customer_id]
    if not wanted:
        return list(reviews)
    customers = cart.get_many(Customer, [w for w in wanted if w])
    return [
        attrs.evolve(r, email=customers[r.customer_id].email)
        if not r.email and r.customer_id in customers
        else r
        for r in reviews
    ]


def existing_reviews(cart: WooCommerceCart, reviews: Sequence[Review]) -> dict[int, str]:
    """Positions of reviews already on the store (same product, e-mail and text).

    Reviews carry no meta in WooCommerce, so this is how a review whose
    create answer was lost is recognised instead of being posted twice.
    """
    products = sorted({r.product_id for r in reviews if r.product_id and r.product_id.isdigit()})
    if not products:
        return {}
    seen: dict[tuple[str, str, str], str] = {}
    for chunk, listing in itertools.product(chunked(products, 100), listings(Review)):
        params = {**listing, "product": ",".join(chunk)}  # (100 ids per page)
        for raw in cart._pages("products/reviews", params):
            key = (
                str(raw.get("product_id")),
                str(raw.get("reviewer_email") or "").casefold(),
                str(raw.get("review") or ""),
            )
            seen.setdefault(key, str(raw["id"]))
    found: dict[int, str] = {}
    for position, review in enumerate(reviews):
        text = wc.review_to_wc(review)["review"]
        key = (str(review.product_id), (review.email or "").casefold(), text)
        if key in seen:
            found[position] = seen[key]
    return found
