"""Terms of the simulated store: product categories and brands.

WordPress's rules for a term: a name is required and unique under its
parent (``term_exists``, naming the one there), a taken slug gets ``-2``,
``-3``..., a parent must exist, and a description keeps only a few inline
tags (``wp_filter_kses``). A product's reference to an unknown term is
dropped without a word.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError, check_string

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["save_term", "term_ref"]

_TERM_TAG = re.compile(
    r"</?(?!(?:a|abbr|acronym|b|blockquote|cite|code|del|em|i|q|s|strike|strong)\b)[a-zA-Z][^>]*>"
)
_TERM_FIELDS = frozenset(
    ["name", "slug", "parent", "description", "display", "image", "menu_order"]
)


def term_ref(pool: Mapping[int, Any], ref: Any) -> dict[str, Any] | None:
    term_id = ref.get("id") if isinstance(ref, Mapping) else ref
    if isinstance(term_id, int) and term_id in pool:
        term = pool[term_id]
        return {"id": term_id, "name": term["name"], "slug": term["slug"]}
    return None  # WooCommerce drops unknown term ids without a word


def save_term(
    store: Store,
    pool: dict[int, dict[str, Any]],
    payload: Mapping[str, Any],
    tid: int | None = None,
) -> dict[str, Any]:
    creating = tid is None
    if creating and not payload.get("name"):
        raise ApiError(
            400, "rest_missing_callback_param", "Missing parameter(s): name", params=["name"]
        )
    check_string(payload, "name", "slug", "description")
    obj: dict[str, Any] = (
        {
            "id": 0,
            "name": "",
            "slug": "",
            "parent": 0,
            "description": "",
            "display": "default",
            "image": None,
            "menu_order": 0,
            "count": 0,
        }
        if creating
        else copy.deepcopy(pool[tid or 0])
    )
    for key, value in payload.items():
        if key in _TERM_FIELDS:
            obj[key] = copy.deepcopy(value)
    if isinstance(obj.get("description"), str):
        # wp_filter_kses on term descriptions: only a few inline tags stay.
        obj["description"] = _TERM_TAG.sub("", obj["description"]).strip()
    parent = int(obj.get("parent") or 0)
    if parent and parent not in pool:
        raise ApiError(400, "woocommerce_rest_term_invalid", "Resource does not exist.")
    for other in pool.values():
        if other["id"] == tid:
            continue
        if (
            other["name"].casefold() == str(obj["name"]).casefold()
            and int(other.get("parent") or 0) == parent
        ):
            raise ApiError(
                400,
                "term_exists",
                "A term with the name provided already exists with this parent.",
                resource_id=other["id"],
            )
        if obj.get("slug") and other["slug"] == obj["slug"]:
            # wp_unique_term_slug: a taken slug gets "-2", "-3"...
            base, n = str(obj["slug"]), 2
            while any(o["slug"] == f"{base}-{n}" for o in pool.values()):
                n += 1
            obj["slug"] = f"{base}-{n}"
    if not obj.get("slug"):
        base = re.sub(r"[^a-z0-9]+", "-", str(obj["name"]).lower()).strip("-") or "term"
        slug, n = base, 2
        while any(o["slug"] == slug for o in pool.values() if o["id"] != tid):
            slug, n = f"{base}-{n}", n + 1
        obj["slug"] = slug
    if creating:
        obj["id"] = store.new_id("term")
    pool[obj["id"]] = obj
    return obj
