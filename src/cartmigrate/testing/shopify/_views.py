"""What the GraphQL schema sees of the store: dicts whose values are plain data
or callables ``(info, **arguments)``, which graphql-core's default resolver
calls. Only the fields the connector reads (and a few obvious neighbours) are
filled in; any other field resolves to null, and a null in a non-null field
fails the request, so a document asking for more than the simulator knows
fails loudly instead of silently."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from ._search import equality_values, matches, page
from ._store import Store, gid

__all__ = ["Views", "query_root"]

Resolver = Callable[..., Any]


def _metafield(record: Mapping[str, Any]) -> Resolver:
    def resolve(info: Any, key: str, namespace: str | None = None) -> Any:
        found = (record.get("metafields") or {}).get((namespace or "$app", key))
        return (
            None
            if found is None
            else {"id": gid("Metafield", hash((namespace, key)) & 0xFFFF), **found}
        )

    return resolve


def _money_bag(amount: Any, currency: str) -> dict[str, Any]:
    money = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": money}


def _count(n: int) -> dict[str, Any]:
    return {"count": n, "precision": "EXACT"}


class Views:
    """Builds the node dicts for one request."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- nodes --------------------------------------------------------------
    def location(self, number: int) -> dict[str, Any]:
        record = self.store.locations[number]
        return {
            "id": gid("Location", number),
            "name": record["name"],
            "isPrimary": record["isPrimary"],
            "isActive": True,
        }

    def collection(self, number: int) -> dict[str, Any]:
        record = self.store.collections[number]
        products = record["products"]
        return {
            "id": gid("Collection", number),
            "title": record["title"],
            "handle": record["handle"],
            "descriptionHtml": record["descriptionHtml"],
            "updatedAt": record["updatedAt"],
            "metafield": _metafield(record),
            "productsCount": lambda info, **_: _count(len(products)),
            "products": lambda info, first=None, after=None, **_: page(
                [(p, self.product(p)) for p in products if p in self.store.products],
                first=first,
                after=after,
            ),
        }

    def variant(self, number: int) -> dict[str, Any]:
        record = self.store.variants[number]
        store = self.store
        levels = record["levels"]
        return {
            "id": gid("ProductVariant", number),
            "title": " / ".join(o["value"] for o in record["selectedOptions"]),
            "sku": record["sku"],
            "price": record["price"],
            "compareAtPrice": record["compareAtPrice"],
            "position": record["position"],
            "inventoryPolicy": record["inventoryPolicy"],
            "inventoryQuantity": sum(levels.values()) if record["tracked"] else 0,
            "selectedOptions": record["selectedOptions"],
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "metafield": _metafield(record),
            "product": lambda info: self.product(record["product"]),
            "inventoryItem": {
                "id": gid("InventoryItem", record["inventoryItem"]),
                "sku": record["sku"],
                "tracked": record["tracked"],
                "measurement": {
                    "id": gid("InventoryItemMeasurement", record["inventoryItem"]),
                    "weight": dict(record.get("weight") or {"value": 0.0, "unit": "KILOGRAMS"}),
                },
                "inventoryLevel": lambda info, locationId: (
                    None
                    if str(locationId) not in {gid("Location", n) for n in store.locations}
                    else {
                        "id": gid("InventoryLevel", record["inventoryItem"]),
                        "quantities": lambda info, names: [
                            {
                                "name": name,
                                "quantity": levels.get(int(str(locationId).rsplit("/", 1)[1]), 0),
                            }
                            for name in names
                        ],
                    }
                ),
            },
        }

    def product(self, number: int) -> dict[str, Any]:
        record = self.store.products[number]
        variants = record["variants"]
        return {
            "id": gid("Product", number),
            "title": record["title"],
            "handle": record["handle"],
            "descriptionHtml": record["descriptionHtml"],
            "vendor": record["vendor"],
            "status": record["status"],
            "tags": record["tags"],
            "seo": {
                "title": record["seo"].get("title"),
                "description": record["seo"].get("description"),
            },
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "totalInventory": sum(sum(self.store.variants[v]["levels"].values()) for v in variants),
            "options": [
                {
                    "id": gid("ProductOption", number * 10 + i),
                    "name": o["name"],
                    "position": i + 1,
                    "values": o["values"],
                }
                for i, o in enumerate(record["options"])
            ],
            "metafield": _metafield(record),
            "variantsCount": lambda info: _count(len(variants)),
            "variants": lambda info, first=None, after=None, **_: page(
                [(self.store.variants[v]["position"], self.variant(v)) for v in variants],
                first=first,
                after=after,
            ),
            "collections": lambda info, first=None, after=None, **_: page(
                [
                    (c, self.collection(c))
                    for c, col in self.store.collections.items()
                    if number in col["products"]
                ],
                first=first,
                after=after,
            ),
            "media": lambda info, first=None, after=None, **_: page(
                [
                    (
                        i,
                        {
                            "__typename": "MediaImage",
                            "id": gid("MediaImage", number * 100 + i),
                            "mediaContentType": "IMAGE",
                            "status": "READY",
                            "alt": None,
                            "image": {"id": gid("ImageSource", number * 100 + i), "url": url},
                        },
                    )
                    for i, url in enumerate(record["images"])
                ],
                first=first,
                after=after,
            ),
            "images": lambda info, first=None, after=None, **_: page(
                [
                    (
                        i,
                        {
                            "id": gid("ProductImage", number * 100 + i),
                            "url": url,
                            "src": url,
                            "originalSrc": url,
                            "transformedSrc": url,
                            "altText": None,
                        },
                    )
                    for i, url in enumerate(record["images"])
                ],
                first=first,
                after=after,
            ),
        }

    def address(self, data: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if data is None:
            return None
        return {
            "id": gid("MailingAddress", abs(hash(tuple(sorted(data.items())))) % 10**9),
            "firstName": data.get("firstName"),
            "lastName": data.get("lastName"),
            "company": data.get("company"),
            "address1": data.get("address1"),
            "address2": data.get("address2"),
            "city": data.get("city"),
            "provinceCode": data.get("provinceCode"),
            "zip": data.get("zip"),
            "countryCodeV2": data.get("countryCode"),
            "phone": data.get("phone"),
            "formatted": [],
            "coordinatesValidated": False,
        }

    def customer(self, number: int) -> dict[str, Any]:
        record = self.store.customers[number]
        return {
            "id": gid("Customer", number),
            "email": record["email"],
            "firstName": record["firstName"],
            "lastName": record["lastName"],
            "phone": record["phone"],
            "note": record["note"],
            "tags": record["tags"],
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "metafield": _metafield(record),
            "defaultEmailAddress": None
            if not record["email"]
            else {
                "emailAddress": record["email"],
                "marketingState": "NOT_SUBSCRIBED",
                "marketingUnsubscribeUrl": "https://example.invalid/unsubscribe",
                "openTrackingLevel": "UNKNOWN",
                "openTrackingUrl": "https://example.invalid/open",
                "validFormat": True,
            },
            "defaultPhoneNumber": None
            if not record["phone"]
            else {"phoneNumber": record["phone"], "marketingState": "NOT_SUBSCRIBED"},
            "addresses": lambda info, first=None: [
                self.address(a) for a in record["addresses"][: first or None]
            ],
            "addressesV2": lambda info, first=None, after=None, **_: page(
                [(i, self.address(a)) for i, a in enumerate(record["addresses"])],
                first=first,
                after=after,
            ),
        }

    def line_item(self, line: Mapping[str, Any], currency: str) -> dict[str, Any]:
        return {
            "id": gid("LineItem", line["id"]),
            "name": line["name"],
            "title": line["name"],
            "sku": line["sku"],
            "quantity": line["quantity"],
            "originalUnitPriceSet": _money_bag(line["price"], currency),
            "variant": None
            if line["variant"] not in self.store.variants
            else self.variant(line["variant"]),
            "product": None
            if line["product"] not in self.store.products
            else self.product(line["product"]),
        }

    def order(self, number: int) -> dict[str, Any]:
        record = self.store.orders[number]
        currency = record["currencyCode"]
        subtotal = sum(
            (decimal.Decimal(line["price"]) * line["quantity"] for line in record["lines"]),
            decimal.Decimal(0),
        )
        fulfilled = sum(q["quantity"] for f in record["fulfillments"] for q in f["lines"])
        ordered = sum(line["quantity"] for line in record["lines"])
        display_fulfillment = (
            "FULFILLED"
            if ordered and fulfilled >= ordered
            else "PARTIALLY_FULFILLED"
            if fulfilled
            else "UNFULFILLED"
        )
        return {
            "id": gid("Order", number),
            "name": record["name"],
            "email": record["email"],
            "note": record["note"],
            "tags": record["tags"],
            "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"],
            "processedAt": record["processedAt"],
            "closed": record["closedAt"] is not None,
            "closedAt": record["closedAt"],
            "cancelledAt": record["cancelledAt"],
            "currencyCode": currency,
            "displayFinancialStatus": record["financialStatus"],
            "displayFulfillmentStatus": display_fulfillment,
            "customer": None
            if record["customer"] not in self.store.customers
            else self.customer(record["customer"]),
            "subtotalPriceSet": _money_bag(subtotal, currency),
            "totalShippingPriceSet": _money_bag(record["shipping"], currency),
            "totalTaxSet": _money_bag(record["tax"], currency),
            "totalDiscountsSet": _money_bag(0, currency),
            "totalPriceSet": _money_bag(subtotal + record["shipping"] + record["tax"], currency),
            "billingAddress": self.address(record["billingAddress"]),
            "shippingAddress": self.address(record["shippingAddress"]),
            "metafield": _metafield(record),
            "lineItems": lambda info, first=None, after=None, **_: page(
                [(line["id"], self.line_item(line, currency)) for line in record["lines"]],
                first=first,
                after=after,
            ),
            "fulfillmentsCount": _count(len(record["fulfillments"])),
            "fulfillments": lambda info, first=None, **_: [
                self.fulfillment(f, currency) for f in record["fulfillments"][: first or None]
            ],
            "fulfillmentOrders": lambda info, first=None, after=None, **_: page(
                [
                    (f["id"], self.fulfillment_order(f))
                    for f in self.store.fulfillment_orders_of(number)
                ],
                first=first,
                after=after,
            ),
        }

    def fulfillment(self, data: Mapping[str, Any], currency: str) -> dict[str, Any]:
        return {
            "id": gid("Fulfillment", data["id"]),
            "createdAt": data["createdAt"],
            "updatedAt": data["createdAt"],
            "status": data["status"],
            "trackingInfo": lambda info, first=None: data["tracking"][: first or None],
            "fulfillmentLineItems": lambda info, first=None, after=None, **_: page(
                [
                    (
                        i,
                        {
                            "id": gid("FulfillmentLineItem", data["id"] * 100 + i),
                            "quantity": item["quantity"],
                            "lineItem": self.line_item(item["line"], currency),
                        },
                    )
                    for i, item in enumerate(data["lines"])
                ],
                first=first,
                after=after,
            ),
        }

    def fulfillment_order(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": gid("FulfillmentOrder", data["id"]),
            "status": data["status"],
            "lineItems": lambda info, first=None, after=None, **_: page(
                [
                    (
                        line["id"],
                        {
                            "id": gid("FulfillmentOrderLineItem", line["id"]),
                            "sku": line["sku"],
                            "remainingQuantity": line["remaining"],
                            "totalQuantity": line["total"],
                        },
                    )
                    for line in data["lines"]
                ],
                first=first,
                after=after,
            ),
        }


def _fields_product(store: Store, record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
    return {
        "updated_at": lambda: [record["updatedAt"]],
        "created_at": lambda: [record["createdAt"]],
        "handle": lambda: [record["handle"]],
        "title": lambda: [record["title"]],
        "tag": lambda: record["tags"],
        "vendor": lambda: [record["vendor"]],
        "status": lambda: [record["status"]],
        "id": lambda: [record["id"]],
        "sku": lambda: [store.variants[v]["sku"] for v in record["variants"]],
    }


def query_root(store: Store) -> dict[str, Any]:
    """The ``QueryRoot`` fields the simulator serves."""
    views = Views(store)

    def listing(
        table: Mapping[int, Mapping[str, Any]],
        view: Callable[[int], Any],
        fields: Callable[[Mapping[str, Any]], Mapping[str, Callable[[], list[Any]]]],
    ) -> Resolver:
        def resolve(
            info: Any,
            first: int | None = None,
            after: str | None = None,
            query: str | None = None,
            **_: Any,
        ) -> Any:
            records: Any = table.items()
            skus = equality_values(query, "sku") if table is store.variants else None
            if skus is not None:  # the SKU look-up: by a set, not term by term
                records = [(n, r) for n, r in records if str(r["sku"] or "").casefold() in skus]
            chosen = [n for n, r in records if matches(query, fields(r)) and indexed(query, r)]
            return page([(n, view(n)) for n in chosen], first=first, after=after)

        return resolve

    def indexed(query: str | None, record: Mapping[str, Any]) -> bool:
        """Whether a search sees ``record`` yet: Shopify's search index follows
        writes after a while (``store.search_lag`` seconds here); a look-up by
        id or custom ID sees them at once."""
        if not query or not store.search_lag:
            return True
        changed = dt.datetime.fromisoformat(str(record.get("updatedAt")))
        return (store.now() - changed).total_seconds() >= store.search_lag

    def counter(
        table: Mapping[int, Mapping[str, Any]],
        fields: Callable[[Mapping[str, Any]], Mapping[str, Callable[[], list[Any]]]],
    ) -> Resolver:
        def resolve(info: Any, query: str | None = None, **_: Any) -> Any:
            return _count(sum(1 for r in table.values() if matches(query, fields(r))))

        return resolve

    def by_id(table: Mapping[int, Any], kind: str, view: Callable[[int], Any]) -> Resolver:
        def resolve(info: Any, id: str) -> Any:
            prefix = f"gid://shopify/{kind}/"
            if not str(id).startswith(prefix) or not str(id)[len(prefix) :].isdigit():
                return None
            number = int(str(id)[len(prefix) :])
            return view(number) if number in table else None

        return resolve

    def variant_fields(record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
        return {
            "sku": lambda: [record["sku"]],
            "product_id": lambda: [record["product"]],
            "updated_at": lambda: [record["updatedAt"]],
            "id": lambda: [record["id"]],
        }

    def collection_fields(record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
        return {
            "handle": lambda: [record["handle"]],
            "title": lambda: [record["title"]],
            "updated_at": lambda: [record["updatedAt"]],
            "id": lambda: [record["id"]],
            "collection_type": lambda: ["custom"],
        }

    def customer_fields(record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
        return {
            "email": lambda: [record["email"]],
            "phone": lambda: [record["phone"]],
            "updated_at": lambda: [record["updatedAt"]],
            "created_at": lambda: [record["createdAt"]],
            "tag": lambda: record["tags"],
            "id": lambda: [record["id"]],
        }

    def order_fields(record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
        return {
            "name": lambda: [record["name"], record["name"].lstrip("#")],
            "email": lambda: [record["email"]],
            "updated_at": lambda: [record["updatedAt"]],
            "created_at": lambda: [record["createdAt"]],
            "processed_at": lambda: [record["processedAt"]],
            "tag": lambda: record["tags"],
            "id": lambda: [record["id"]],
        }

    def product_fields(record: Mapping[str, Any]) -> dict[str, Callable[[], list[Any]]]:
        return _fields_product(store, record)

    def location(info: Any, id: str | None = None) -> Any:
        if id is None:
            return views.location(store.location_id)
        return by_id(store.locations, "Location", views.location)(info, id)

    def vendors(info: Any, first: int | None = None, after: str | None = None, **_: Any) -> Any:
        names = sorted({p["vendor"] for p in store.products.values() if p["vendor"]})
        return page(list(enumerate(names)), first=first, after=after)

    def definitions(
        info: Any,
        ownerType: str,
        first: int | None = None,
        after: str | None = None,
        namespace: str | None = None,
        key: str | None = None,
        **_: Any,
    ) -> Any:
        chosen = [
            (d["id"], _definition_view(d))
            for (owner, ns, k), d in store.definitions.items()
            if owner == ownerType and namespace in (None, ns) and key in (None, k)
        ]
        return page(chosen, first=first, after=after)

    def by_custom_id(
        owner: str, table: Mapping[int, Any], view: Callable[[int], Any], kind: str
    ) -> Resolver:
        def resolve(info: Any, identifier: Mapping[str, Any]) -> Any:
            if identifier.get("id"):
                return by_id(table, kind, view)(info, identifier["id"])
            if identifier.get("handle"):
                wanted = str(identifier["handle"]).casefold()
                found = [n for n, r in table.items() if r.get("handle", "").casefold() == wanted]
                return view(found[0]) if found else None
            custom = identifier.get("customId")
            if not custom:
                return None
            number = store.custom_id(owner, custom, ["identifier", "customId"])
            return None if number is None else view(number)

        return resolve

    return {
        "productByIdentifier": by_custom_id("PRODUCT", store.products, views.product, "Product"),
        "customerByIdentifier": by_custom_id(
            "CUSTOMER", store.customers, views.customer, "Customer"
        ),
        "orderByIdentifier": by_custom_id("ORDER", store.orders, views.order, "Order"),
        "collectionByIdentifier": by_custom_id(
            "COLLECTION", store.collections, views.collection, "Collection"
        ),
        "productVariantsCount": counter(store.variants, variant_fields),
        "metafieldDefinitions": definitions,
        "productVendors": vendors,
        "location": location,
        "product": by_id(store.products, "Product", views.product),
        "productVariant": by_id(store.variants, "ProductVariant", views.variant),
        "collection": by_id(store.collections, "Collection", views.collection),
        "customer": by_id(store.customers, "Customer", views.customer),
        "order": by_id(store.orders, "Order", views.order),
        "products": listing(store.products, views.product, product_fields),
        "productVariants": listing(store.variants, views.variant, variant_fields),
        "collections": listing(store.collections, views.collection, collection_fields),
        "customers": listing(store.customers, views.customer, customer_fields),
        "orders": listing(store.orders, views.order, order_fields),
        "productsCount": counter(store.products, product_fields),
        "collectionsCount": counter(store.collections, collection_fields),
        "customersCount": counter(store.customers, customer_fields),
        "ordersCount": counter(store.orders, order_fields),
    }


def _definition_view(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": gid("MetafieldDefinition", definition["id"]),
        "name": definition["name"],
        "namespace": definition["namespace"],
        "key": definition["key"],
        "ownerType": definition["ownerType"],
        "type": {"name": definition["type"], "category": "TEXT"},
    }
