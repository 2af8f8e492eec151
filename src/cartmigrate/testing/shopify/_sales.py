"""The simulated shop's customers, orders and fulfillments."""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ._records import StoreBase, UserError, _money, parse_gid

__all__ = ["SalesStore"]


class SalesStore(StoreBase):
    """Customers, orders, fulfillment orders and fulfillments."""

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
        self.set_metafields(record, data.get("metafields"), [], owner="CUSTOMER")
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
        self.remember("CUSTOMER", number)
        return number

    def customer_update(self, data: Mapping[str, Any]) -> int:
        number = parse_gid(data.get("id"), "Customer")
        if number is None or number not in self.customers:
            raise UserError(["id"], "Customer does not exist")
        self._check_customer(data, number)
        record = self.customers[number]
        holder: dict[str, Any] = {"metafields": {}}
        self.set_metafields(holder, data.get("metafields"), [], owner="CUSTOMER", own=number)
        for key in ("email", "firstName", "lastName", "phone", "note"):
            if key in data:
                record[key] = data[key]
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        if "addresses" in data:
            record["addresses"] = [dict(a) for a in data["addresses"] or ()]
        record["metafields"].update(holder["metafields"])
        self.stamp(record)
        self.remember("CUSTOMER", number)
        return number

    def customer_set(
        self, data: Mapping[str, Any], identifier: Mapping[str, Any] | None = None
    ) -> int:
        """``customerSet`` (2026-01): create; update by ``id``; or upsert by
        ``email``, ``phone`` or ``customId`` (the customer holding that unique
        metafield value, or a new one holding it). Lists (addresses) are
        replaced; omitted fields are left alone."""
        if data.get("id"):
            raise UserError(
                ["input", "id"], "Use the identifier to update a customer", "ID_NOT_ALLOWED"
            )
        own: int | None = None
        creates_with: dict[str, Any] | None = None
        identifier = identifier or {}
        if identifier.get("id"):
            own = parse_gid(identifier["id"], "Customer")
            if own is None or own not in self.customers:
                raise UserError(["identifier", "id"], "Customer does not exist", "NOT_FOUND")
        elif identifier.get("customId"):
            custom = identifier["customId"]
            own = self.custom_id("CUSTOMER", custom, ["identifier", "customId"])
            if own is None:
                definition = self.definitions[
                    ("CUSTOMER", custom.get("namespace") or "$app", custom["key"])
                ]
                creates_with = {
                    "namespace": definition["namespace"],
                    "key": definition["key"],
                    "value": custom["value"],
                    "type": definition["type"],
                }
        elif identifier.get("email") or identifier.get("phone"):
            key = "email" if identifier.get("email") else "phone"
            wanted = str(identifier[key]).casefold()
            own = next(
                (n for n, c in self.customers.items() if (c.get(key) or "").casefold() == wanted),
                None,
            )
            if data.get(key) is not None and str(data[key]).casefold() != wanted:
                raise UserError(
                    ["input", key], f"The {key} must match the identifier", "INPUT_MISMATCH"
                )
        if own is None:
            number = self.customer_create(
                {**data, "metafields": [creates_with] if creates_with else []}
            )
        else:
            number = self.customer_update({**data, "id": f"gid://shopify/Customer/{own}"})
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
        self.set_metafields(holder, order.get("metafields"), ["order"], owner="ORDER")
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
        self.remember("ORDER", number)
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
        self.set_metafields(
            holder, data.get("metafields"), [], owner="ORDER", own=int(record["id"])
        )
        for key in ("email", "note"):
            if key in data:
                record[key] = data[key]
        if "tags" in data:
            record["tags"] = list(data["tags"] or [])
        if "shippingAddress" in data:
            record["shippingAddress"] = data["shippingAddress"]
        record["metafields"].update(holder["metafields"])
        self.stamp(record)
        self.remember("ORDER", int(record["id"]))
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
