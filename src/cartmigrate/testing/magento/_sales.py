"""Customer and sales routes: customers, groups, the directory, orders, shipments."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ._routes import Call, listing, route
from ._store import MagentoStore, SimError, not_found_field, tidy

__all__: list[str] = []

_REQUIRED = frozenset({"US"})


def _regions(store: MagentoStore, country: str) -> list[dict[str, Any]]:
    found = store.baseline["countries"].get(country) or {}
    return list(found.get("available_regions") or ())


@route("POST", "integration/admin/token")
def admin_token(call: Call) -> Any:
    body = call.body or {}
    if (body.get("username"), body.get("password")) != ("admin", "adminpass123"):
        raise SimError(
            401,
            "The account sign-in was incorrect or your account is disabled temporarily. Please"
            " wait and try again later.",
        )
    return "eyJsimulatedadmintoken"


@route("GET", "directory/countries/{id}")
def country(call: Call) -> Any:
    code = call.path["id"].upper()
    known = call.store.baseline["countries"].get(code)
    if known is None:
        return {"id": code, "two_letter_abbreviation": code}
    return copy.deepcopy(known)


# -- customers --------------------------------------------------------------------------
def _address(store: MagentoStore, data: Mapping[str, Any], customer_id: int) -> dict[str, Any]:
    missing = [
        label
        for key, label in (
            ("firstname", "First Name"),
            ("lastname", "Last Name"),
            ("street", "Street Address"),
            ("city", "City"),
            ("telephone", "Phone Number"),
            ("country_id", "Country"),
        )
        if not data.get(key)
    ]
    country = str(data.get("country_id") or "")
    region: dict[str, Any] | None = None
    if data.get("region_id"):
        for item in _regions(store, country):
            if int(item["id"]) == int(data["region_id"]):
                region = {
                    "region_code": item["code"],
                    "region": item["name"],
                    "region_id": int(item["id"]),
                }
    elif isinstance(data.get("region"), Mapping) and data["region"].get("region"):
        text = data["region"]["region"]
        region = {"region_code": text, "region": text, "region_id": 0}
    if region is None and country in _REQUIRED:
        missing.append("State/Province")
    if missing:
        raise SimError(400, "\n".join(f'"{m}" is a required value.' for m in missing))
    address = {
        "id": store.next_id("address"),
        "customer_id": customer_id,
        "region": region or {"region_code": None, "region": None, "region_id": 0},
        "region_id": region["region_id"] if region else 0,
        "country_id": country,
        "street": list(data.get("street") or ()),
        "telephone": data.get("telephone"),
        "postcode": data.get("postcode"),
        "city": data.get("city"),
        "firstname": data.get("firstname"),
        "lastname": data.get("lastname"),
    }
    if data.get("company"):
        address["company"] = data["company"]
    return address


def _set_addresses(store: MagentoStore, raw: dict[str, Any], given: list[Any]) -> None:
    addresses = []
    raw.pop("default_billing", None)
    raw.pop("default_shipping", None)
    for data in given:
        if data.get("id") and any(a["id"] == data["id"] for a in raw.get("addresses") or ()):
            address = {**data}
        else:
            address = _address(store, data, raw["id"])
        for flag in ("default_billing", "default_shipping"):
            if data.get(flag):
                address[flag] = True
                raw[flag] = str(address["id"])
            else:
                address.pop(flag, None)
        addresses.append(address)
    raw["addresses"] = addresses


def _check_customer(store: MagentoStore, data: Mapping[str, Any], own: int | None) -> None:
    missing = [
        label
        for key, label in (("firstname", "First Name"), ("lastname", "Last Name"))
        if not data.get(key)
    ]
    if missing:
        raise SimError(400, "\n".join(f'"{m}" is a required value.' for m in missing))
    email = str(data.get("email") or "").casefold()
    for other in store.customers.values():
        if other["id"] != own and other["email"].casefold() == email:
            raise SimError(
                400,
                "A customer with the same email address already exists in an associated website.",
            )


def _customer(store: MagentoStore, ident: str) -> dict[str, Any]:
    raw = store.customers.get(int(ident)) if ident.isdigit() else None
    if raw is None:
        raise not_found_field("customerId", int(ident) if ident.isdigit() else ident)
    return raw


@route("GET", "customers/search")
def customers_search(call: Call) -> Any:
    return listing(call, list(call.store.customers.values()), copy.deepcopy)


@route("GET", "customers/{id}")
def customer_get(call: Call) -> Any:
    return copy.deepcopy(_customer(call.store, call.path["id"]))


def _php_int(text: str) -> int:
    """PHP's ``(int)`` of a path parameter: its leading digits, else 0."""
    digits = ""
    for char in text.strip():
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0


def _new_customer(store: MagentoStore, data: Mapping[str, Any]) -> dict[str, Any]:
    _check_customer(store, data, None)
    ident = store.next_id("customer")
    stamp = store.now()
    raw: dict[str, Any] = {
        "id": ident,
        "group_id": int(data.get("group_id") or 1),
        "created_at": data.get("created_at") or stamp,
        "updated_at": stamp,
        "created_in": "Default Store View",
        "email": data["email"],
        "firstname": data["firstname"],
        "lastname": data["lastname"],
        "store_id": 1,
        "website_id": int(data.get("website_id") or 1),
        "disable_auto_group_change": 0,
        "extension_attributes": {"is_subscribed": False},
    }
    try:
        _set_addresses(store, raw, list(data.get("addresses") or ()))
    except SimError:
        store._next["customer"] -= 1
        raise
    store.customers[ident] = raw
    return raw


@route("POST", "customers")
def customer_create(call: Call) -> Any:
    """``AccountManagement::createAccount``: the account, and its welcome e-mail."""
    raw = _new_customer(call.store, dict((call.body or {}).get("customer") or {}))
    call.store.welcome(raw)
    return copy.deepcopy(raw)


@route("PUT", "customers/{id}")
def customer_update(call: Call) -> Any:
    """``CustomerRepository::save``. The REST plugin merges the body into the stored
    customer when ``(int) customerId`` is not 0; with 0 the repository saves the body as
    a new customer, and sends no e-mail (the store does the same)."""
    store = call.store
    data = (call.body or {}).get("customer") or {}
    if _php_int(call.path["id"]) == 0 and not data.get("id"):
        return copy.deepcopy(_new_customer(store, dict(data)))
    raw = _customer(store, call.path["id"])
    _check_customer(store, data, raw["id"])
    for key in ("email", "firstname", "lastname", "group_id", "website_id"):
        if key in data:
            raw[key] = data[key]
    if "addresses" in data:
        _set_addresses(store, raw, list(data["addresses"]))
    raw["updated_at"] = store.now()
    return copy.deepcopy(raw)


@route("DELETE", "customers/{id}")
def customer_delete(call: Call) -> Any:
    store = call.store
    raw = _customer(store, call.path["id"])
    del store.customers[raw["id"]]
    return True


@route("GET", "customerGroups/search")
def groups_search(call: Call) -> Any:
    records = [
        {"id": ident, "code": code, "tax_class_id": 3, "tax_class_name": "Retail Customer"}
        for ident, code in call.store.groups.items()
    ]
    return listing(call, records, dict)


@route("POST", "customerGroups")
def group_create(call: Call) -> Any:
    store = call.store
    code = str(((call.body or {}).get("group") or {}).get("code") or "")
    if any(c.casefold() == code.casefold() for c in store.groups.values()):
        raise SimError(400, "Customer Group already exists.")
    ident = store.next_id("group")
    store.groups[ident] = code
    return {"id": ident, "code": code, "tax_class_id": 3, "tax_class_name": "Retail Customer"}


# -- orders -----------------------------------------------------------------------------
def _order(store: MagentoStore, ident: str) -> dict[str, Any]:
    raw = store.orders.get(int(ident)) if ident.isdigit() else None
    if raw is None:
        raise SimError(
            404, "The entity that was requested doesn't exist. Verify the entity and try again."
        )
    return raw


#: What every stored order item carries beside what was given (the store's defaults).
_ITEM_DEFAULTS: dict[str, Any] = {
    "amount_refunded": 0,
    "base_amount_refunded": 0,
    "base_cost": 0,
    "base_discount_amount": 0,
    "base_discount_invoiced": 0,
    "base_row_invoiced": 0,
    "base_tax_amount": 0,
    "base_tax_invoiced": 0,
    "discount_amount": 0,
    "discount_invoiced": 0,
    "discount_percent": 0,
    "free_shipping": 0,
    "no_discount": 0,
    "qty_backordered": 0,
    "qty_canceled": 0,
    "qty_invoiced": 0,
    "qty_refunded": 0,
    "qty_shipped": 0,
    "row_invoiced": 0,
    "row_weight": 0,
    "tax_amount": 0,
    "tax_invoiced": 0,
    "tax_percent": 0,
    "weight": 0,
}
_ORDER_EXTENSIONS: dict[str, Any] = {
    "payment_additional_info": [],
    "applied_taxes": [],
    "item_applied_taxes": [],
    "converting_from_quote": False,
    "taxes": [],
    "additional_itemized_taxes": [],
}


def render_order(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An order as a GET shows it: stored items with the defaults, shipping assignment totals."""
    body = copy.deepcopy(dict(raw))
    body["status_histories"] = sorted(
        body.get("status_histories") or (),
        key=lambda h: (h.get("created_at") or "", h.get("entity_id") or 0),
        reverse=True,
    )
    for entry in body["status_histories"]:
        entry["comment"] = entry.get("comment") or None  # an empty comment reads back as null
    if raw.get("seeded"):
        body.pop("seeded")
        return body
    body["items"] = [
        {**_ITEM_DEFAULTS, **item, "extension_attributes": {"itemized_taxes": []}}
        for item in body["items"]
    ]
    by_id = {item["item_id"]: item for item in body["items"]}
    for item in body["items"]:
        parent = by_id.get(item.get("parent_item_id"))
        if parent is not None:
            item["parent_item"] = {k: v for k, v in parent.items() if k != "extension_attributes"}
    extension = dict(body.get("extension_attributes") or {})
    for assignment in extension.get("shipping_assignments") or ():
        shipping = assignment.setdefault("shipping", {})
        shipping["total"] = {
            "base_shipping_amount": raw.get("base_shipping_amount", 0),
            "shipping_amount": raw.get("shipping_amount", 0),
        }
        assignment["items"] = [dict(item) for item in body["items"]]
    body["extension_attributes"] = {**extension, **_ORDER_EXTENSIONS}
    return body


def _address_record(store: MagentoStore, data: Mapping[str, Any], order_id: int) -> dict[str, Any]:
    record = {**data, "entity_id": store.next_id("order_address"), "parent_id": order_id}
    if record.get("region_id"):
        for item in _regions(store, str(record.get("country_id"))):
            if int(item["id"]) == int(record["region_id"]):
                record["region_code"] = item["code"]
    return record


@route("GET", "orders")
def orders_list(call: Call) -> Any:
    return listing(call, list(call.store.orders.values()), render_order, id_field="entity_id")


@route("GET", "orders/{id}")
def order_get(call: Call) -> Any:
    return render_order(_order(call.store, call.path["id"]))


def _items(store: MagentoStore, order: dict[str, Any], items: list[Any]) -> list[dict[str, Any]]:
    """Saves the given items (new ones, or given fields of stored ones); answers each as
    the partial save shows it: a new item whole, a stored one as its given fields with
    the item's ids and times, and row totals of 0 (the answer is built from the input)."""
    stamp = store.now()
    answer: list[dict[str, Any]] = []
    for data in items:
        known = next(
            (i for i in order["items"] if data.get("item_id") and i["item_id"] == data["item_id"]),
            None,
        )
        if known is not None:
            for key, value in data.items():
                if key == "item_id":
                    continue
                if value is None:
                    known.pop(key, None)  # a null clears the column; nulls are not shown
                else:
                    known[key] = value
            known["updated_at"] = stamp
            given = {k: v for k, v in data.items() if v is not None and k != "item_id"}
            answer.append(
                {
                    "created_at": known.get("created_at"),
                    "item_id": known["item_id"],
                    "order_id": order["entity_id"],
                    **given,
                    "updated_at": stamp,
                    "row_total": 0,
                    "base_row_total": 0,
                    "row_total_incl_tax": 0,
                    "base_row_total_incl_tax": 0,
                }
            )
            continue
        item = {k: v for k, v in tidy(data).items() if k != "parent_item"}
        item.update(
            item_id=store.next_id("item"),
            order_id=order["entity_id"],
            created_at=stamp,
            updated_at=stamp,
        )
        item.setdefault("row_total_incl_tax", item.get("row_total", 0))
        item.setdefault("base_row_total_incl_tax", item.get("base_row_total", 0))
        order["items"].append(item)
        answer.append(copy.deepcopy(item))
    return answer


def _histories(store: MagentoStore, order: dict[str, Any], entries: list[Any]) -> None:
    for data in entries:
        entry = {
            "comment": data.get("comment"),
            "created_at": data.get("created_at") or store.now(),
            "entity_id": store.next_id("history"),
            "is_customer_notified": data.get("is_customer_notified"),
            "is_visible_on_front": data.get("is_visible_on_front") or 0,
            "parent_id": order["entity_id"],
            "status": data.get("status"),
        }
        if "entity_name" in data:
            entry["entity_name"] = data["entity_name"]
        order["status_histories"].append(entry)


@route("POST", "orders")
def order_save(call: Call) -> Any:
    """The order repository's save: a new order as given, or given fields of one."""
    store = call.store
    data = dict((call.body or {}).get("entity") or {})
    stamp = store.now()
    if data.get("entity_id"):
        order = _order(store, str(data["entity_id"]))
        for key, value in data.items():
            if key not in ("entity_id", "items", "status_histories", "extension_attributes"):
                order[key] = value
        before_history = len(order["status_histories"])
        saved = _items(store, order, list(data.get("items") or ()))
        _histories(store, order, list(data.get("status_histories") or ()))
        order["updated_at"] = stamp
        # The partial save answers with the entity it built from what it was given.
        answer: dict[str, Any] = {
            "base_grand_total": None,
            "base_total_due": 0,
            "billing_address_id": order.get("billing_address_id"),
            "created_at": order.get("created_at"),
            "customer_email": None,
            "entity_id": order["entity_id"],
            "grand_total": None,
            "total_due": 0,
            "updated_at": stamp,
            **{k: v for k, v in data.items() if k in ("state", "status")},
            # What was given, else what is stored (loaded, with the store's defaults).
            "items": saved if data.get("items") else render_order(order)["items"],
            "billing_address": copy.deepcopy(order.get("billing_address")),
            "payment": copy.deepcopy(order.get("payment")),
            "status_histories": copy.deepcopy(order["status_histories"][before_history:])
            if data.get("status_histories")
            else copy.deepcopy(order["status_histories"]),
        }
        for entry in answer["status_histories"]:
            entry["comment"] = entry.get("comment") or None
        return answer
    number = str(data.get("increment_id") or "")
    if any(o["increment_id"] == number for o in store.orders.values()):
        raise SimError(
            500, "Internal Error. Details are available in Magento log file. Report ID: webapi-sim"
        )
    ident = store.next_id("order")
    order = {k: v for k, v in data.items() if k not in ("items", "status_histories")}
    order.update(
        entity_id=ident,
        increment_id=number or f"{ident:09d}",
        created_at=data.get("created_at") or stamp,
        updated_at=stamp,
        items=[],
        status_histories=[],
        store_name="Main Website\nMain Website Store\nDefault Store View",
    )
    if isinstance(order.get("billing_address"), Mapping):
        order["billing_address"] = _address_record(store, order["billing_address"], ident)
        order["billing_address_id"] = order["billing_address"]["entity_id"]
    for assignment in (order.get("extension_attributes") or {}).get("shipping_assignments") or ():
        shipping = assignment.get("shipping") or {}
        if isinstance(shipping.get("address"), Mapping):
            shipping["address"] = _address_record(store, shipping["address"], ident)
    paid = order.get("total_paid") or 0
    order["base_total_due"] = order["total_due"] = tidy(
        float(order.get("grand_total") or 0) - float(paid)
    )
    order["protect_code"] = f"{ident:032x}"
    order["total_item_count"] = len(list(data.get("items") or ()))
    payment = order.get("payment")
    order["payment"] = {
        "account_status": None,
        "additional_information": [],
        "cc_last4": None,
        **(payment or {}),
        "entity_id": ident,
        "parent_id": ident,
    }
    _items(store, order, list(data.get("items") or ()))
    _histories(store, order, list(data.get("status_histories") or ()))
    store.orders[ident] = tidy(order)
    return copy.deepcopy(store.orders[ident])  # the saved entity, not reloaded


@route("GET", "shipments")
def shipments(call: Call) -> Any:
    def render(raw: Mapping[str, Any]) -> dict[str, Any]:
        # A listing adds the source MSI shipped from (``LoadSourceForShipmentPlugin``).
        return {**copy.deepcopy(dict(raw)), "extension_attributes": {"source_code": "default"}}

    return listing(call, list(call.store.shipments.values()), render, id_field="entity_id")


def _deduct(store: MagentoStore, order: Mapping[str, Any], item: Mapping[str, Any]) -> None:
    """MSI on a new shipment: each shipped item leaves the source, and a compensating
    reservation is placed; an item whose order item has no product is skipped
    (``GetItemsToDeductFromShipment::shouldBeExcluded``)."""
    known = next((i for i in order["items"] if i["item_id"] == item.get("order_item_id")), None)
    if known is None or not known.get("product_id"):
        return
    qty = item.get("qty") or 0
    level = store.stock.get(str(known["sku"]))
    if level is not None:
        level["quantity"] = level["quantity"] - qty
        store.reservations[str(known["sku"])] = store.reservations.get(str(known["sku"]), 0) + qty


def _track(store: MagentoStore, order_id: int, parent: int, data: Mapping[str, Any]) -> Any:
    stamp = store.now()
    return {
        "order_id": order_id,
        "created_at": data.get("created_at") or stamp,
        "entity_id": store.next_id("track"),
        "parent_id": parent,
        "updated_at": stamp,
        "weight": None,
        "qty": None,
        "description": None,
        **{k: data.get(k) for k in ("track_number", "title", "carrier_code")},
    }


@route("POST", "order/{id}/ship")
def ship(call: Call) -> Any:
    """``ShipOrder``: a shipment document of the order's items, dated now."""
    store = call.store
    order = _order(store, call.path["id"])
    body = call.body or {}
    if any(s["order_id"] == order["entity_id"] for s in store.shipments.values()):
        raise SimError(
            400,
            "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be"
            " created.\nYou can't create a shipment without products.",
        )
    ident = store.next_id("shipment")
    items = []
    for item in order["items"]:
        if item.get("parent_item_id"):
            continue  # a configurable line ships as its parent's item
        qty = item.get("qty_ordered", 0)
        shipped = {
            "sku": item["sku"],
            "name": item.get("name"),
            "qty": qty,
            "order_item_id": item["item_id"],
            "product_id": item.get("product_id"),
        }
        _deduct(store, order, shipped)
        items.append(shipped)
    store.shipments[ident] = {
        "entity_id": ident,
        "order_id": order["entity_id"],
        "created_at": store.now(),
        "items": items,
        "tracks": [_track(store, order["entity_id"], ident, t) for t in body.get("tracks") or ()],
        "comments": [],
    }
    return str(ident)


@route("POST", "shipment")
def shipment_save(call: Call) -> Any:
    """The shipment repository's save: a document as given (its ``created_at`` too)."""
    store = call.store
    data = dict((call.body or {}).get("entity") or {})
    order = _order(store, str(data.get("order_id") or ""))
    ident = store.next_id("shipment")
    stamp = store.now()
    items = []
    for given in data.get("items") or ():
        item = {
            "entity_id": store.next_id("shipment_item"),
            "name": given.get("name"),
            "parent_id": ident,
            "price": given.get("price"),
            "sku": given.get("sku"),
            "order_item_id": given.get("order_item_id"),
            "qty": given.get("qty"),
        }
        _deduct(store, order, item)
        items.append(item)
    raw = {
        "created_at": data.get("created_at") or stamp,
        "entity_id": ident,
        "increment_id": f"{ident:09d}",
        "order_id": order["entity_id"],
        "packages": [],
        "store_id": data.get("store_id") or 1,
        "total_qty": data.get("total_qty"),
        "updated_at": stamp,
        "items": items,
        "tracks": [_track(store, order["entity_id"], ident, t) for t in data.get("tracks") or ()],
        "comments": [],
    }
    store.shipments[ident] = raw
    return copy.deepcopy(raw)
