"""The simulator's REST resources: one place that finds, shows, creates, updates, deletes.

Every route (single requests, ``/batch`` and listings) goes through
``Resources``, which knows where each resource lives in the store (a
product's variations, an order's notes and tracking items under their
parent), the "not found" answer WooCommerce gives for each (a review it
cannot find is a 403, as WordPress checks the permission first), and what
a delete answers. The default ``view`` context runs texts through
``wpautop``; the ``edit`` context shows them as stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import NO_ROUTE, ApiError

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["Resources", "rendered"]


def _autop(text: str) -> str:
    """WordPress's ``wpautop``, enough for plain texts: paragraphs in ``<p>``, a
    line break as ``<br />``, a trailing newline; block HTML left as it is."""
    if not text.strip():
        return ""
    if re.search(r"<(?:p|ul|ol|div|h[1-6]|table|blockquote)\b", text):
        return text if text.endswith("\n") else text + "\n"
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br />' + chr(10))}</p>\n" for p in paragraphs)


def rendered(resource: str, payload: Any, query: Mapping[str, str]) -> Any:
    """The default ``view`` context runs texts through ``wpautop``; ``edit`` does not."""
    if query.get("context") == "edit":
        return payload
    fields = {
        "reviews": ("review",),
        "products": ("description", "short_description"),
        "variations": ("description",),
    }.get(resource, ())
    items = payload if isinstance(payload, list) else [payload]
    for item in items:
        for field in fields:
            if isinstance(item, dict) and isinstance(item.get(field), str):
                item[field] = _autop(item[field])
    return payload


class Resources:
    """The store's resources by route name ("products", "notes", ...)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def pool(self, resource: str, parent: int | None = None) -> dict[Any, dict[str, Any]]:
        store = self.store
        if resource == "variations":
            if parent not in store.products:
                raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            return {k: v for k, v in store.variations.items() if v["parent_id"] == parent}
        if resource == "notes":
            if parent not in store.orders:
                raise ApiError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
            return {n["id"]: n for n in store.notes.get(parent or 0, [])}
        if resource == "trackings":
            if parent not in store.orders:
                raise ApiError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
            return {t["tracking_id"]: t for t in store.trackings.get(parent or 0, [])}
        pool: dict[Any, dict[str, Any]] = getattr(store, resource)
        return pool

    def not_found(self, resource: str) -> ApiError:
        code = {
            "products": "woocommerce_rest_product_invalid_id",
            "variations": "woocommerce_rest_product_variation_invalid_id",
            "orders": "woocommerce_rest_shop_order_invalid_id",
            "customers": "woocommerce_rest_invalid_id",
            "reviews": "woocommerce_rest_review_invalid_id",
            "notes": "woocommerce_rest_invalid_id",
            "trackings": "woocommerce_rest_invalid_id",
        }.get(resource, "woocommerce_rest_term_invalid")
        return ApiError(
            404, code, "Invalid ID." if resource != "categories" else "Resource does not exist."
        )

    def find(
        self, resource: str, item: Any, parent: int | None, *, method: str = "GET"
    ) -> dict[str, Any]:
        key = item if resource == "trackings" else int(item)
        found = self.pool(resource, parent).get(key)
        if found is None and resource == "reviews" and not self.store.in_batch:
            # WordPress checks the permission on the comment it cannot find: 403.
            if method == "DELETE":
                raise ApiError(
                    403, "woocommerce_rest_cannot_delete", "Sorry, you cannot delete this resource."
                )
            raise ApiError(
                403, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
            )
        if found is None and resource == "customers" and method == "DELETE":
            raise ApiError(400, "woocommerce_rest_invalid_id", "Invalid resource id.")
        if found is None:
            raise self.not_found(resource)
        return found

    def view(self, resource: str, obj: Mapping[str, Any]) -> dict[str, Any]:
        if resource == "products":
            return self.store.product_view(obj)
        if resource == "variations":
            return self.store.variation_view(obj)
        copied: dict[str, Any] = json.loads(json.dumps(obj))
        return copied

    def create(self, resource: str, body: dict[str, Any], parent: int | None) -> dict[str, Any]:
        store = self.store
        if not isinstance(body, Mapping):
            raise ApiError(400, "rest_invalid_json", "Invalid JSON body passed.")
        if resource == "products":
            return store.save_product(body)
        if resource == "variations":
            return store.save_variation(parent or 0, body)
        if resource in ("categories", "brands"):
            return store.save_term(getattr(store, resource), body)
        if resource == "customers":
            return store.save_customer(body)
        if resource == "orders":
            return store.save_order(body)
        if resource == "reviews":
            return store.save_review(body)
        if resource == "notes":
            self.pool("notes", parent)
            if not body.get("note"):
                raise ApiError(
                    400,
                    "rest_missing_callback_param",
                    "Missing parameter(s): note",
                    params=["note"],
                )
            return store.add_note(
                parent or 0,
                str(body["note"]),
                customer_note=bool(body.get("customer_note")),
                by_user=bool(body.get("added_by_user")),
            )
        self.pool("trackings", parent)
        return store.add_tracking(parent or 0, body)

    def update(
        self, resource: str, item: Any, body: dict[str, Any], parent: int | None
    ) -> dict[str, Any]:
        store = self.store
        current = self.find(resource, item, parent)
        if resource == "products":
            return store.save_product(body, current["id"])
        if resource == "variations":
            return store.save_variation(parent or 0, body, current["id"])
        if resource in ("categories", "brands"):
            return store.save_term(getattr(store, resource), body, current["id"])
        if resource == "customers":
            return store.save_customer(body, current["id"])
        if resource == "orders":
            return store.save_order(body, current["id"])
        if resource == "reviews":
            return store.save_review(body, current["id"])
        raise NO_ROUTE

    def delete(
        self, resource: str, item: Any, parent: int | None, query: Mapping[str, str]
    ) -> dict[str, Any]:
        store = self.store
        current = self.find(resource, item, parent, method="DELETE")
        view = self.view(resource, current)
        if resource == "customers" and query.get("force") not in ("true", "1"):
            raise ApiError(
                501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing."
            )
        if resource == "products":
            store.delete_product(current["id"])
        elif resource == "variations":
            del store.variations[current["id"]]
            store.sync_variable(parent or 0)
        elif resource == "notes":
            store.notes[parent or 0].remove(current)
        elif resource == "trackings":
            store.trackings[parent or 0].remove(current)
        else:
            del getattr(store, resource)[current["id"]]
        if resource == "reviews":
            return {"deleted": True, "previous": view}  # the comments controller's shape
        return view
