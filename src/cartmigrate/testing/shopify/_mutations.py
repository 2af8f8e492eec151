"""The mutations the simulator serves: each checks through the store, which
raises ``UserError`` the way Shopify words it, and returns its payload."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._bulk import BulkOperations
from ._store import Store, UserError, gid, parse_gid
from ._views import Resolver, Views

__all__ = ["mutation_root"]


def mutation_root(store: Store, bulk: BulkOperations | None = None) -> dict[str, Any]:
    """The ``Mutation`` fields the simulator serves; each returns its payload."""
    views = Views(store)

    def guarded(
        run: Callable[..., dict[str, Any]],
        errors_key: str = "userErrors",
        empty: Mapping[str, Any] | None = None,
    ) -> Resolver:
        def resolve(info: Any, **arguments: Any) -> Any:
            try:
                payload = run(**arguments)
            except UserError as error:
                payload = dict(empty or {})
                payload[errors_key] = [error.as_dict()]
                if errors_key != "userErrors":
                    payload["userErrors"] = [error.as_dict()]
                return payload
            payload.setdefault(errors_key, [])
            payload.setdefault("userErrors", [])
            return payload

        return resolve

    shop = {"id": "gid://shopify/Shop/1", "name": "Simulated shop"}

    def set_quantities(input: Mapping[str, Any]) -> dict[str, Any]:
        store.set_quantities(input)
        group = {
            "id": gid("InventoryAdjustmentGroup", store.new_id()),
            "createdAt": store.now().isoformat(),
            "reason": input["reason"],
            "changes": [],
        }
        return {"inventoryAdjustmentGroup": group}

    extra: dict[str, Resolver] = {}
    if bulk is not None:
        extra["stagedUploadsCreate"] = guarded(bulk.staged_uploads_create)
        extra["bulkOperationRunMutation"] = guarded(bulk.run_mutation)
    return {
        **extra,
        "collectionCreate": guarded(
            lambda input: {"collection": views.collection(store.collection_create(input))}
        ),
        "collectionUpdate": guarded(
            lambda input: {"collection": views.collection(store.collection_update(input))}
        ),
        "collectionAddProducts": guarded(
            lambda id, productIds: {
                "collection": views.collection(store.collection_add_products(id, productIds))
            }
        ),
        "collectionDelete": guarded(
            lambda input: {
                "deletedCollectionId": gid(
                    "Collection", _pop(store.collections, input["id"], "Collection")
                ),
                "shop": shop,
            },
            empty={"shop": shop},
        ),
        "productSet": guarded(
            lambda input, synchronous=True, identifier=None: {
                "product": views.product(store.product_set(input, identifier))
            }
        ),
        "customerSet": guarded(
            lambda input, identifier=None: {
                "customer": views.customer(store.customer_set(input, identifier))
            }
        ),
        "metafieldDefinitionCreate": guarded(
            lambda definition: {
                "createdDefinition": {
                    "id": gid("MetafieldDefinition", store.definition_create(definition)["id"]),
                    "name": definition.get("name"),
                    "key": definition.get("key"),
                    "namespace": definition.get("namespace"),
                }
            }
        ),
        "productUpdate": guarded(
            lambda product=None, media=None: {
                "product": views.product(store.product_update(product or {}))
            }
        ),
        "productVariantsBulkUpdate": guarded(
            lambda productId, variants, **_: {
                "product": views.product(store.variants_bulk_update(productId, variants))
            }
        ),
        "productDelete": guarded(
            lambda input, synchronous=True: {
                "deletedProductId": gid("Product", store.product_delete(input["id"])),
                "shop": shop,
            },
            empty={"shop": shop},
        ),
        "inventorySetQuantities": guarded(set_quantities),
        "customerCreate": guarded(
            lambda input: {"customer": views.customer(store.customer_create(input))}
        ),
        "customerUpdate": guarded(
            lambda input: {"customer": views.customer(store.customer_update(input))}
        ),
        "customerDelete": guarded(
            lambda input: {
                "deletedCustomerId": gid("Customer", store.customer_delete(input["id"])),
                "shop": shop,
            },
            empty={"shop": shop},
        ),
        "orderCreate": guarded(
            lambda order, options=None: {"order": views.order(store.order_create(order, options))}
        ),
        "orderUpdate": guarded(lambda input: {"order": views.order(store.order_update(input))}),
        "orderClose": guarded(lambda input: {"order": views.order(store.order_close(input["id"]))}),
        "orderMarkAsPaid": guarded(
            lambda input: {"order": views.order(store.order_mark_as_paid(input["id"]))}
        ),
        "orderCancel": guarded(
            lambda orderId, restock, reason, **_: {
                "job": {"id": gid("Job", store.order_cancel(orderId)), "done": True}
            },
            errors_key="orderCancelUserErrors",
        ),
        "orderDelete": guarded(
            lambda orderId: {"deletedId": gid("Order", store.order_delete(orderId))}
        ),
        "fulfillmentCreate": guarded(
            lambda fulfillment, message=None: {
                "fulfillment": _fulfillment_view(
                    views, store, store.fulfillment_create(fulfillment)
                )
            }
        ),
    }


def _pop(table: dict[int, Any], value: Any, kind: str) -> int:
    number = parse_gid(value, kind)
    if number is None or number not in table:
        raise UserError(["id"], f"{kind} does not exist")
    del table[number]
    return number


def _fulfillment_view(views: Views, store: Store, number: int) -> dict[str, Any]:
    for order in store.orders.values():
        for fulfillment in order["fulfillments"]:
            if fulfillment["id"] == number:
                return views.fulfillment(fulfillment, order["currencyCode"])
    raise LookupError(number)
