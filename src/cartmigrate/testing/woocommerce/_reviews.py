"""Product reviews of the simulated store: WordPress comments on a product.

A new review needs an existing product, a text, and a reviewer's name and
e-mail; WordPress refuses the same text by the same e-mail on the same
product twice (409, ``wp_allow_comment``). Unlike a product's, a review's
creation date is writable.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError, check_enum, invalid_param

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["save_review"]

_REVIEW_FIELDS = frozenset(
    ["product_id", "status", "reviewer", "reviewer_email", "review", "rating", "verified"]
)


def save_review(store: Store, payload: Mapping[str, Any], rid: int | None = None) -> dict[str, Any]:
    creating = rid is None
    check_enum(payload, "status", ("approved", "hold", "spam", "unspam", "trash", "untrash"))
    if creating:
        if payload.get("product_id") not in store.products:
            raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid product ID.")
        if not payload.get("review"):
            raise ApiError(
                400, "woocommerce_rest_review_content_invalid", "Invalid review content."
            )
        for other in store.reviews.values():
            if (
                other["product_id"] == payload.get("product_id")
                and str(other["reviewer_email"]).casefold()
                == str(payload.get("reviewer_email") or "").casefold()
                and other["review"] == payload.get("review")
            ):
                # WordPress's duplicate-comment check (wp_allow_comment).
                raise ApiError(
                    409,
                    "woocommerce_rest_comment_duplicate",
                    "Duplicate comment detected; it looks as though you&#8217;ve"
                    " already said that!",
                )
        if not payload.get("reviewer") or not payload.get("reviewer_email"):
            # WordPress's default "comment author must fill out name and email".
            raise ApiError(
                400,
                "rest_comment_author_data_required",
                "Creating a comment requires valid author name and email values.",
            )
    rating = payload.get("rating")
    if rating is not None and (not isinstance(rating, int) or not 0 <= rating <= 5):
        raise invalid_param("rating", "rating must be between 0 (inclusive) and 5 (inclusive)")
    obj: dict[str, Any] = (
        {
            "id": store.new_id("comment"),
            "product_id": 0,
            "status": "approved",
            "reviewer": "",
            "reviewer_email": "",
            "review": "",
            "rating": 0,
            "verified": False,
        }
        if creating
        else copy.deepcopy(store.reviews[rid or 0])
    )
    for key, value in payload.items():
        if key in _REVIEW_FIELDS:
            obj[key] = copy.deepcopy(value)
    if creating:
        local, gmt = store.stamp()
        obj["date_created"], obj["date_created_gmt"] = local, gmt
        backdated = payload.get("date_created_gmt") or payload.get("date_created")
        if isinstance(backdated, str):  # writable on reviews (the comment date)
            obj["date_created"] = obj["date_created_gmt"] = backdated
    store.reviews[obj["id"]] = obj
    return obj
