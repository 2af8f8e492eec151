"""The simulator's ``/batch`` routes: up to 100 creates, updates and deletes at once.

As WooCommerce 7.9 serves them: more than 100 items is a 413; each item is
answered in place, an error as ``{"id": 0, "error": {...}}`` without
stopping the others; a batch skips the REST schema checks a single request
gets (``Store.in_batch``), so ``/orders/batch`` turns a status it does not
know into pending, as ``WC_Order::set_status`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError

if TYPE_CHECKING:
    from ._resources import Resources

__all__ = ["BATCH_LIMIT", "batch"]

BATCH_LIMIT = 100


def batch(
    resources: Resources, resource: str, body: Mapping[str, Any], parent: int | None
) -> dict[str, Any]:
    total = sum(len(body.get(action) or ()) for action in ("create", "update", "delete"))
    if total > BATCH_LIMIT:
        raise ApiError(
            413,
            "woocommerce_rest_request_entity_too_large",
            f"Unable to accept more than {BATCH_LIMIT} items for this request.",
        )
    answer: dict[str, Any] = {}
    resources.store.in_batch = True  # /batch skips the schema checks a single request gets
    try:
        return _batch_actions(resources, resource, body, parent, answer)
    finally:
        resources.store.in_batch = False


def _batch_actions(
    resources: Resources,
    resource: str,
    body: Mapping[str, Any],
    parent: int | None,
    answer: dict[str, Any],
) -> dict[str, Any]:
    for action in ("create", "update", "delete"):
        if action not in body:
            continue
        results: list[Any] = []
        for entry in body.get(action) or ():
            if (
                resource == "orders"
                and action != "delete"
                and isinstance(entry, Mapping)
                and entry.get("status") not in (None, *resources.store.statuses)
            ):
                # /orders/batch skips the schema check a single POST applies, and
                # WC_Order::set_status turns a status it does not know into pending.
                entry = {**entry, "status": "pending"}
            try:
                if action == "create":
                    results.append(
                        resources.view(resource, resources.create(resource, dict(entry), parent))
                    )
                elif action == "update":
                    target = entry.get("id") if isinstance(entry, Mapping) else None
                    if not isinstance(target, int) or target not in resources.pool(
                        resource, parent
                    ):
                        raise ApiError(400, resources.not_found(resource).code, "Invalid ID.")
                    results.append(
                        resources.view(
                            resource, resources.update(resource, target, dict(entry), parent)
                        )
                    )
                else:
                    target = entry.get("id") if isinstance(entry, Mapping) else entry
                    results.append(
                        resources.delete(resource, int(str(target)), parent, {"force": "true"})
                    )
            except ApiError as error:
                results.append(
                    {
                        "id": 0,
                        "error": {
                            "code": error.code,
                            "message": error.message,
                            "data": {"status": error.status, **error.data},
                        },
                    }
                )
        answer[action] = results
    return answer
