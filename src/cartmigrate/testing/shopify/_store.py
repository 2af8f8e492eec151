"""The simulated shop's data and the rules Shopify applies when it changes.

Plain dictionaries keyed by numeric id; GIDs (``gid://shopify/Product/7``)
are only the outside view. Every mutation returns its payload with
``userErrors`` the way Shopify words them, and never half-applies: it checks
first, then changes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

__all__ = ["Store", "UserError", "gid", "parse_gid"]

_GID = re.compile(r"gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>\d+)")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: Any, kind: str) -> int | None:
    found = _GID.fullmatch(str(value or ""))
    if found is None or found["type"] != kind:
        return None
    return int(found["id"])


class UserError(Exception):
    """One Shopify ``userErrors`` entry: ``field`` is the input path."""

    def __init__(self, field: Sequence[str] | None, message: str, code: str | None = None):
        super().__init__(message)
        self.field = list(field) if field is not None else None
        self.message = message
        self.code = code

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "code": self.code}


def _handleize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "item"


def _money(value: Any, field: Sequence[str]) -> str:
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise UserError(field, f"{field[-1]} is invalid") from None
    if amount < 0:
        raise UserError(field, f"{field[-1]} must be greater than or equal to 0")
    return str(amount.quantize(decimal.Decimal("0.01")))


class Store:
    """Everything the shop holds; every method is called under the simulator's lock."""

    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self.now = now
        self.lock = threading.RLock()
        self._next = 1000
        self.location_id = self.new_id()
        self.locations: dict[int, dict[str, Any]] = {
            self.location_id: {"id": self.location_id, "name": "Shop location", "isPrimary": True}
        }
        self.products: dict[int, dict[str, Any]] = {}
        self.variants: dict[int, dict[str, Any]] = {}
        self.collections: dict[int, dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.fulfillment_orders: dict[int, dict[str, Any]] = {}
        self.order_number = 1000

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def stamp(self, record: dict[str, Any], *, created: bool = False) -> None:
        now = self.now().isoformat()
        if created:
            record["createdAt"] = now
        record["updatedAt"] = now

    # -- metafields --------------------------------------------------------
    @staticmethod
    def set_metafields(
        record: dict[str, Any], metafields: Sequence[Mapping[str, Any]] | None, path: list[str]
    ) -> None:
        for position, metafield in enumerate(metafields or ()):
            where = [*path, "metafields", str(position)]
            namespace, key = metafield.get("namespace"), metafield.get("key")
            if not namespace or not key:
                raise UserError(where, "Namespace and key are required")
            if metafield.get("value") is None:
                raise UserError([*where, "value"], "Value can't be blank")
            if not metafield.get("type"):
                raise UserError([*where, "type"], "Type can't be blank")
        for metafield in metafields or ():
            record.setdefault("metafields", {})[(metafield["namespace"], metafield["key"])] = {
                "namespace": metafield["namespace"],
                "key": metafield["key"],
                "value": metafield["value"],
                "type": metafield["type"],
            }

    # -- collections --------------------------------------------------------
    def _unique_handle(
        self,
        table: Mapping[int, Mapping[str, Any]],
        wanted: str | None,
        title: str,
        own: int | None,
    ) -> str:
        taken = {r["handle"] for i, r in table.items() if i != own}
        if wanted:
            if wanted in taken:
                raise UserError(["handle"], f"Handle '{wanted}' has already been taken")
            return wanted
        base = _handleize(title)
        handle, n = base, 1
        while handle in taken:
            handle, n = f"{base}-{n}", n + 1
        return handle

    def collection_create(self, data: Mapping[str, Any]) -> int:
        title = (data.get("title") or "").strip()
        if not title:
            raise UserError(["title"], "Title can't be blank")
        handle = self._unique_handle(self.collections, data.get("handle"), title, None)
        record: dict[str, Any] = {"title": title, "handle": handle, "products": set()}
        self.set_metafields(record, data.get("metafields"), [])
        record["descriptionHtml"] = data.get("descriptionHtml") or ""
        number = self.new_id()
        record["id"] = number
        for product in data.get("products") or ():
            self._product_for(product, ["products"])
            record["products"].add(parse_gid(product, "Product"))
        self.stamp(record, created=True)
        self.collections[number] = record
        return number

    def collection_update(self, data: Mapping[str, Any]) -> int:
        number = parse_gid(data.get("id"), "Collection")
        record = self.collections.get(number or -1)
        if number is None or record is None:
            raise UserError(["id"], "Collection does not exist")
        changes: dict[str, Any] = {}
        if "title" in data:
            if not (data.get("title") or "").strip():
                raise UserError(["title"], "Title can't be blank")
            changes["title"] = data["title"]
        if "handle" in data:
            changes["handle"] = self._unique_handle(
                self.collections, data.get("handle"), record["title"], number
            )
        if "descriptionHtml" in data:
            changes["descriptionHtml"] = data.get("descriptionHtml") or ""
        self.set_metafields(record, data.get("metafields"), [])
        record.update(changes)
        self.stamp(record)
        return number

    def collection_add_products(self, collection: Any, products: Sequence[Any]) -> int:
        number = parse_gid(collection, "Collection")
        record = self.collections.get(number or -1)
        if number is None or record is None:
            raise UserError(["id"], "Collection does not exist")
        ids = [self._product_for(p, ["productIds"]) for p in products]
        record["products"].update(ids)
        self.stamp(record)
        return number

    # -- products -----------------------------------------------------------
    def _product_for(self, value: Any, field: list[str]) -> int:
        number = parse_gid(value, "Product")
        if number is None or number not in self.products:
            raise UserError(field, "Product does not exist")
        return number

    def _collections_for(self, values: Sequence[Any], field: list[str]) -> set[int]:
        found: set[int] = set()
        for position, value in enumerate(values):
            number = parse_gid(value, "Collection")
            if number is None or number not in self.collections:
                raise UserError([*field, str(position)], "Collection does not exist")
            found.add(number)
        return found

    def product_set(self, data: Mapping[str, Any]) -> int:
        """``productSet``: create, or make an existing product look exactly like the input."""
        own = parse_gid(data.get("id"), "Product") if data.get("id") else None
        if data.get("id") and (own is None or own not in self.products):
            raise UserError(["input", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
        current = self.products.get(own) if own is not None else None
        title = data.get("title", current["title"] if current else None)
        if not (title or "").strip():
            raise UserError(["input", "title"], "Title can't be blank", "BLANK")
        handle = self._unique_handle(
            self.products,
            data.get("handle", current["handle"] if current else None),
            title,
            own,
        )
        options = [
            {"name": o.get("name"), "values": [v.get("name") for v in o.get("values") or ()]}
            for o in data.get("productOptions") or ()
        ]
        if current is not None and "productOptions" not in data:
            options = current["options"]
        variants_in = data.get("variants")
        if variants_in is None:
            variants_in = [] if current is None else None
        if not options:
            options = [{"name": "Title", "values": ["Default Title"]}]
            if variants_in == []:
                variants_in = [{"optionValues": [{"optionName": "Title", "name": "Default Title"}]}]
        if len(options) > 3:
            raise UserError(["input", "productOptions"], "Can only specify a maximum of 3 options")
        collections = (
            self._collections_for(data["collections"], ["input", "collections"])
            if "collections" in data
            else None
        )
        planned: list[dict[str, Any]] = []
        if variants_in is not None:
            if len(variants_in) > 2048:
                raise UserError(["input", "variants"], "Too many variants")
            seen: set[tuple[str, ...]] = set()
            names = [o["name"] for o in options]
            for position, variant in enumerate(variants_in):
                where = ["input", "variants", str(position)]
                chosen = {v.get("optionName"): v.get("name") for v in variant["optionValues"]}
                if sorted(chosen) != sorted(names):
                    raise UserError(
                        [*where, "optionValues"],
                        "The variant option values must match the product options",
                        "INVALID_VARIANT",
                    )
                for option in options:
                    if chosen[option["name"]] not in option["values"]:
                        raise UserError(
                            [*where, "optionValues"],
                            f"Option value '{chosen[option['name']]}' does not exist",
                            "INVALID_VARIANT",
                        )
                combination = tuple(chosen[n] for n in names)
                if combination in seen:
                    raise UserError(
                        [*where, "optionValues"],
                        f"The variant '{' / '.join(combination)}' already exists.",
                        "VARIANT_ALREADY_EXISTS",
                    )
                seen.add(combination)
                plan: dict[str, Any] = {
                    "selectedOptions": [{"name": n, "value": chosen[n]} for n in names],
                    "price": _money(variant.get("price") or "0", [*where, "price"]),
                    "compareAtPrice": (
                        _money(variant["compareAtPrice"], [*where, "compareAtPrice"])
                        if variant.get("compareAtPrice") is not None
                        else None
                    ),
                    "sku": variant.get("sku") or None,
                    "inventoryPolicy": variant.get("inventoryPolicy") or "DENY",
                    "tracked": bool((variant.get("inventoryItem") or {}).get("tracked", False)),
                    "position": position + 1,
                    "levels": {},
                    "metafields": {},
                }
                self.set_metafields(plan, variant.get("metafields"), where)
                for level in variant.get("inventoryQuantities") or ():
                    location = parse_gid(level.get("locationId"), "Location")
                    if location not in self.locations:
                        raise UserError([*where, "inventoryQuantities"], "Location not found")
                    if level.get("name") not in ("available", "on_hand"):
                        raise UserError(
                            [*where, "inventoryQuantities", "name"],
                            "The quantity name must be either 'available' or 'on_hand'",
                        )
                    plan["levels"][location] = int(level["quantity"])
                if variant.get("id"):
                    existing = parse_gid(variant["id"], "ProductVariant")
                    if existing is None or self.variants.get(existing, {}).get("product") != own:
                        raise UserError([*where, "id"], "Variant does not exist on this product")
                    plan["id"] = existing
                planned.append(plan)
        files = data.get("files")
        for position, file in enumerate(files or ()):
            source = str(file.get("originalSource") or "")
            if not source.startswith(("http://", "https://")):
                raise UserError(["input", "files", str(position), "originalSource"], "Invalid URL")
        metafield_holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(metafield_holder, data.get("metafields"), ["input"])
        # Every check passed: apply.
        created = current is None
        number = own if own is not None else self.new_id()
        record: dict[str, Any] = (
            current if current is not None else {"id": number, "variants": [], "images": []}
        )
        record.update(
            title=title,
            handle=handle,
            options=options,
            descriptionHtml=data.get("descriptionHtml", record.get("descriptionHtml") or ""),
            vendor=data.get("vendor", record.get("vendor") or ""),
            status=data.get("status", record.get("status") or "ACTIVE"),
            tags=list(data.get("tags", record.get("tags") or [])),
            seo=data.get("seo", record.get("seo") or {}),
        )
        record.setdefault("metafields", {}).update(metafield_holder["metafields"])
        if files is not None:
            record["images"] = [str(f["originalSource"]) for f in files]
        if variants_in is not None:
            keep: list[int] = []
            for plan in planned:
                variant_id = plan.pop("id", None)
                if variant_id is None:
                    variant_id = self.new_id()
                    plan["inventoryItem"] = self.new_id()
                    plan["createdAt"] = self.now().isoformat()
                    self.variants[variant_id] = {"id": variant_id, "product": number, **plan}
                else:
                    levels = plan.pop("levels")
                    self.variants[variant_id].update(plan)
                    self.variants[variant_id]["levels"].update(levels)
                self.variants[variant_id]["updatedAt"] = self.now().isoformat()
                keep.append(variant_id)
            for old in record["variants"]:
                if old not in keep:
                    del self.variants[old]
            record["variants"] = keep
        self.stamp(record, created=created)
        self.products[number] = record
        if collections is not None:
            for cid, collection in self.collections.items():
                if cid in collections:
                    collection["products"].add(number)
                else:
                    collection["products"].discard(number)
        return number

    def product_update(self, data: Mapping[str, Any]) -> int:
        number = self._product_for(data.get("id"), ["id"])
        record = self.products[number]
        join = self._collections_for(data.get("collectionsToJoin") or [], ["collectionsToJoin"])
        leave = self._collections_for(data.get("collectionsToLeave") or [], ["collectionsToLeave"])
        if "title" in data and not (data.get("title") or "").strip():
            raise UserError(["title"], "Title can't be blank")
        handle = record["handle"]
        if "handle" in data:
            handle = self._unique_handle(self.products, data["handle"], record["title"], number)
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, data.get("metafields"), [])
        for key in ("title", "descriptionHtml", "vendor", "status", "seo"):
            if key in data:
                record[key] = data[key] if data[key] is not None else ""
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        record["handle"] = handle
        record["metafields"].update(holder["metafields"])
        for cid in join:
            self.collections[cid]["products"].add(number)
        for cid in leave:
            self.collections[cid]["products"].discard(number)
        self.stamp(record)
        return number

    def variants_bulk_update(self, product: Any, variants: Sequence[Mapping[str, Any]]) -> int:
        number = self._product_for(product, ["productId"])
        plans: list[tuple[int, dict[str, Any]]] = []
        for position, variant in enumerate(variants):
            where = ["variants", str(position)]
            variant_id = parse_gid(variant.get("id"), "ProductVariant")
            if variant_id is None or self.variants.get(variant_id, {}).get("product") != number:
                raise UserError([*where, "id"], "Product variant does not exist")
            changes: dict[str, Any] = {}
            if "price" in variant:
                changes["price"] = _money(variant["price"], [*where, "price"])
            if "compareAtPrice" in variant:
                value = variant["compareAtPrice"]
                changes["compareAtPrice"] = (
                    None if value is None else _money(value, [*where, "compareAtPrice"])
                )
            if "inventoryPolicy" in variant:
                changes["inventoryPolicy"] = variant["inventoryPolicy"]
            item = variant.get("inventoryItem") or {}
            if "sku" in item:
                changes["sku"] = item["sku"] or None
            if "tracked" in item:
                changes["tracked"] = bool(item["tracked"])
            plans.append((variant_id, changes))
        for variant_id, changes in plans:
            self.variants[variant_id].update(changes)
            self.variants[variant_id]["updatedAt"] = self.now().isoformat()
        self.stamp(self.products[number])
        return number

    def product_delete(self, value: Any) -> int:
        number = self._product_for(value, ["id"])
        for variant_id in self.products[number]["variants"]:
            self.variants.pop(variant_id, None)
        del self.products[number]
        for collection in self.collections.values():
            collection["products"].discard(number)
        return number

    def variant_by_item(self, item: Any) -> dict[str, Any] | None:
        number = parse_gid(item, "InventoryItem")
        for variant in self.variants.values():
            if variant["inventoryItem"] == number:
                return variant
        return None

    def set_quantities(self, data: Mapping[str, Any]) -> None:
        if data.get("name") not in ("available", "on_hand"):
            raise UserError(
                ["input", "name"], "The quantity name must be either 'available' or 'on_hand'"
            )
        if not data.get("reason"):
            raise UserError(["input", "reason"], "Reason can't be blank")
        plans: list[tuple[dict[str, Any], int, int]] = []
        for position, quantity in enumerate(data.get("quantities") or ()):
            where = ["input", "quantities", str(position)]
            variant = self.variant_by_item(quantity.get("inventoryItemId"))
            if variant is None:
                raise UserError(
                    [*where, "inventoryItemId"], "The specified inventory item could not be found."
                )
            location = parse_gid(quantity.get("locationId"), "Location")
            if location not in self.locations:
                raise UserError(
                    [*where, "locationId"], "The specified location could not be found."
                )
            assert location is not None
            compare = quantity.get("compareQuantity")
            if (
                not data.get("ignoreCompareQuantity")
                and compare is not None
                and variant["levels"].get(location, 0) != compare
            ):
                raise UserError(
                    [*where, "compareQuantity"],
                    "The compareQuantity argument no longer matches the persisted quantity.",
                    "COMPARE_QUANTITY_STALE",
                )
            plans.append((variant, location, int(quantity["quantity"])))
        for variant, location, amount in plans:
            variant["levels"][location] = amount
            variant["updatedAt"] = self.now().isoformat()
            self.stamp(self.products[variant["product"]])

    # -- customers ----------------------------------------------------------
    def _check_customer(self, data: Mapping[str, Any], own: int | None) -> None:
        email = data.get("email")
        if email is not None:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                raise UserError(["email"], "Email is invalid")
            for number, other in self.customers.items():
                if number != own and (other.get("email") or "").casefold() == email.casefold():
                    raise UserError(["email"], "Email has already been taken")
        phone = data.get("phone")
        if phone:
            for number, other in self.customers.items():
                if number != own and other.get("phone") == phone:
                    raise UserError(["phone"], "Phone has already been taken")
        if own is None and not (
            data.get("email") or data.get("phone") or data.get("firstName") or data.get("lastName")
        ):
            raise UserError(None, "A name, phone number, or email address must be present")

    def customer_create(self, data: Mapping[str, Any]) -> int:
        self._check_customer(data, None)
        record: dict[str, Any] = {"metafields": {}}
        self.set_metafields(record, data.get("metafields"), [])
        number = self.new_id()
        record.update(
            id=number,
            email=data.get("email"),
            firstName=data.get("firstName"),
            lastName=data.get("lastName"),
            phone=data.get("phone"),
            note=data.get("note"),
            tags=list(data.get("tags") or []),
            addresses=[dict(a) for a in data.get("addresses") or ()],
        )
        self.stamp(record, created=True)
        self.customers[number] = record
        return number

    def customer_update(self, data: Mapping[str, Any]) -> int:
        number = parse_gid(data.get("id"), "Customer")
        if number is None or number not in self.customers:
            raise UserError(["id"], "Customer does not exist")
        self._check_customer(data, number)
        record = self.customers[number]
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, data.get("metafields"), [])
        for key in ("email", "firstName", "lastName", "phone", "note"):
            if key in data:
                record[key] = data[key]
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        if "addresses" in data:
            record["addresses"] = [dict(a) for a in data["addresses"] or ()]
        record["metafields"].update(holder["metafields"])
        self.stamp(record)
        return number

    def customer_delete(self, value: Any) -> int:
        number = parse_gid(value, "Customer")
        if number is None or number not in self.customers:
            raise UserError(["id"], "Customer does not exist")
        if any(o.get("customer") == number for o in self.orders.values()):
            raise UserError(["id"], "Customer can't be deleted because they have associated orders")
        del self.customers[number]
        return number

    # -- orders -------------------------------------------------------------
    def order_create(self, order: Mapping[str, Any], options: Mapping[str, Any] | None) -> int:
        lines = order.get("lineItems") or []
        if not lines:
            raise UserError(["order", "lineItems"], "Line items must have at least one line item")
        planned_lines: list[dict[str, Any]] = []
        for position, line in enumerate(lines):
            where = ["order", "lineItems", str(position)]
            variant = None
            if line.get("variantId"):
                variant_id = parse_gid(line["variantId"], "ProductVariant")
                variant = self.variants.get(variant_id or -1)
                if variant is None:
                    raise UserError([*where, "variantId"], "Variant is invalid")
            elif not line.get("title"):
                raise UserError([*where, "title"], "Title can't be blank")
            if int(line.get("quantity") or 0) < 1:
                raise UserError([*where, "quantity"], "Quantity must be greater than or equal to 1")
            price = (line.get("priceSet") or {}).get("shopMoney") or {}
            amount = price.get("amount", variant["price"] if variant else "0")
            planned_lines.append(
                {
                    "id": self.new_id(),
                    "name": line.get("title")
                    or (self.products[variant["product"]]["title"] if variant else ""),
                    "sku": line.get("sku") or (variant["sku"] if variant else None),
                    "quantity": int(line["quantity"]),
                    "price": _money(amount, [*where, "priceSet"]),
                    "variant": variant["id"] if variant else None,
                    "product": variant["product"] if variant else None,
                }
            )
        customer = None
        association = (order.get("customer") or {}).get("toAssociate")
        if association and association.get("id"):
            customer = parse_gid(association["id"], "Customer")
            if customer not in self.customers:
                raise UserError(
                    ["order", "customer", "toAssociate", "id"], "Customer does not exist"
                )
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, order.get("metafields"), ["order"])
        behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
        number = self.new_id()
        self.order_number += 1
        now = self.now().isoformat()
        record: dict[str, Any] = {
            "id": number,
            "orderNumber": self.order_number,
            "name": order.get("name") or f"#{self.order_number}",
            "email": order.get("email"),
            "customer": customer,
            "currencyCode": order.get("currency") or "USD",
            "lines": planned_lines,
            "note": order.get("note"),
            "tags": list(order.get("tags") or []),
            "processedAt": order.get("processedAt") or now,
            "closedAt": order.get("closedAt"),
            "cancelledAt": None,
            "financialStatus": order.get("financialStatus") or "PAID",
            "billingAddress": order.get("billingAddress"),
            "shippingAddress": order.get("shippingAddress"),
            "metafields": holder["metafields"],
            "fulfillments": [],
            "shipping": sum(
                (
                    decimal.Decimal(
                        str(s.get("priceSet", {}).get("shopMoney", {}).get("amount", 0))
                    )
                    for s in order.get("shippingLines") or ()
                ),
                decimal.Decimal(0),
            ),
            "tax": sum(
                (
                    decimal.Decimal(
                        str(t.get("priceSet", {}).get("shopMoney", {}).get("amount", 0))
                    )
                    for t in order.get("taxLines") or ()
                ),
                decimal.Decimal(0),
            ),
            "sentReceipt": bool((options or {}).get("sendReceipt")),
        }
        if behaviour != "BYPASS":
            for line in planned_lines:
                if line["variant"] is not None:
                    levels = self.variants[line["variant"]]["levels"]
                    levels[self.location_id] = levels.get(self.location_id, 0) - line["quantity"]
        self.stamp(record, created=True)
        self.orders[number] = record
        fulfillment_order = self.new_id()
        self.fulfillment_orders[fulfillment_order] = {
            "id": fulfillment_order,
            "order": number,
            "status": "OPEN",
            "lines": [
                {
                    "id": self.new_id(),
                    "line": line["id"],
                    "remaining": line["quantity"],
                    "total": line["quantity"],
                    "sku": line["sku"],
                }
                for line in planned_lines
            ],
        }
        return number

    def order_for(self, value: Any, field: list[str]) -> dict[str, Any]:
        number = parse_gid(value, "Order")
        record = self.orders.get(number or -1)
        if record is None:
            raise UserError(field, "Order does not exist")
        return record

    def order_update(self, data: Mapping[str, Any]) -> int:
        record = self.order_for(data.get("id"), ["id"])
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, data.get("metafields"), [])
        for key in ("email", "note"):
            if key in data:
                record[key] = data[key]
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        if "shippingAddress" in data:
            record["shippingAddress"] = data["shippingAddress"]
        record["metafields"].update(holder["metafields"])
        self.stamp(record)
        return int(record["id"])

    def order_close(self, value: Any) -> int:
        record = self.order_for(value, ["id"])
        record["closedAt"] = record["closedAt"] or self.now().isoformat()
        self.stamp(record)
        return int(record["id"])

    def order_mark_as_paid(self, value: Any) -> int:
        record = self.order_for(value, ["id"])
        if record["financialStatus"] in ("PAID", "REFUNDED", "PARTIALLY_REFUNDED", "VOIDED"):
            raise UserError(["id"], "Order cannot be marked as paid.")
        record["financialStatus"] = "PAID"
        self.stamp(record)
        return int(record["id"])

    def order_cancel(self, value: Any) -> int:
        record = self.order_for(value, ["orderId"])
        if record["cancelledAt"] is not None:
            raise UserError(["orderId"], "Cannot cancel an order that has already been canceled")
        record["cancelledAt"] = self.now().isoformat()
        record["closedAt"] = record["closedAt"] or record["cancelledAt"]
        for fulfillment_order in self.fulfillment_orders_of(int(record["id"])):
            if fulfillment_order["status"] in ("OPEN", "IN_PROGRESS"):
                fulfillment_order["status"] = "CLOSED"
        self.stamp(record)
        return int(record["id"])

    def order_delete(self, value: Any) -> int:
        record = self.order_for(value, ["orderId"])
        number = int(record["id"])
        del self.orders[number]
        for fo_id in [f["id"] for f in self.fulfillment_orders_of(number)]:
            del self.fulfillment_orders[fo_id]
        return number

    def fulfillment_orders_of(self, order: int) -> Iterator[dict[str, Any]]:
        return (f for f in list(self.fulfillment_orders.values()) if f["order"] == order)

    def fulfillment_create(self, data: Mapping[str, Any]) -> int:
        groups = data.get("lineItemsByFulfillmentOrder") or []
        if not groups:
            raise UserError(["fulfillment"], "Line items by fulfillment order can't be blank")
        plans: list[tuple[dict[str, Any], dict[str, Any], int]] = []
        order: int | None = None
        for position, group in enumerate(groups):
            where = ["fulfillment", "lineItemsByFulfillmentOrder", str(position)]
            number = parse_gid(group.get("fulfillmentOrderId"), "FulfillmentOrder")
            fulfillment_order = self.fulfillment_orders.get(number or -1)
            if fulfillment_order is None:
                raise UserError([*where, "fulfillmentOrderId"], "Fulfillment order does not exist.")
            if fulfillment_order["status"] not in ("OPEN", "IN_PROGRESS"):
                raise UserError(
                    [*where, "fulfillmentOrderId"],
                    f"Fulfillment order {group['fulfillmentOrderId']} has an unfulfillable"
                    f" status= {fulfillment_order['status'].lower()}.",
                )
            if order is not None and fulfillment_order["order"] != order:
                raise UserError(where, "All fulfillment orders must belong to the same order.")
            order = fulfillment_order["order"]
            wanted = group.get("fulfillmentOrderLineItems")
            by_id = {line["id"]: line for line in fulfillment_order["lines"]}
            if wanted is None:
                for line in fulfillment_order["lines"]:
                    if line["remaining"] > 0:
                        plans.append((fulfillment_order, line, line["remaining"]))
            else:
                for item in wanted:
                    line = by_id.get(parse_gid(item.get("id"), "FulfillmentOrderLineItem") or -1)
                    if line is None:
                        raise UserError(where, "Fulfillment order line item does not exist.")
                    if int(item["quantity"]) > line["remaining"] or int(item["quantity"]) < 1:
                        raise UserError(
                            where, "Invalid fulfillment order line item quantity requested."
                        )
                    plans.append((fulfillment_order, line, int(item["quantity"])))
        if not plans:
            raise UserError(["fulfillment"], "There are no fulfillable line items.")
        assert order is not None
        tracking = data.get("trackingInfo") or {}
        numbers = list(
            tracking.get("numbers") or ([tracking["number"]] if tracking.get("number") else [])
        )
        urls = list(tracking.get("urls") or ([tracking["url"]] if tracking.get("url") else []))
        fulfillment: dict[str, Any] = {
            "id": self.new_id(),
            "createdAt": self.now().isoformat(),
            "status": "SUCCESS",
            "tracking": [
                {
                    "company": tracking.get("company"),
                    "number": n,
                    "url": urls[i] if i < len(urls) else None,
                }
                for i, n in enumerate(numbers)
            ]
            or (
                [{"company": tracking.get("company"), "number": None, "url": None}]
                if tracking.get("company")
                else []
            ),
            "lines": [],
        }
        lines_by_id = {line["id"]: line for line in self.orders[order]["lines"]}
        for fulfillment_order, line, quantity in plans:
            line["remaining"] -= quantity
            fulfillment["lines"].append({"line": lines_by_id[line["line"]], "quantity": quantity})
            remaining = sum(item["remaining"] for item in fulfillment_order["lines"])
            fulfillment_order["status"] = "CLOSED" if remaining == 0 else "IN_PROGRESS"
        self.orders[order]["fulfillments"].append(fulfillment)
        self.stamp(self.orders[order])
        return int(fulfillment["id"])
