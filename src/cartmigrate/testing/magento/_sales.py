"""Customer and sales routes: customers, groups, the directory, orders, shipments."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ._routes import Call, listing, route
from ._store import MagentoStore, SimError, not_found_field

__all__: list[str] = []

#: The directory's region lists for the countries the tests use (ids as Magento's).
REGIONS: dict[str, list[dict[str, Any]]] = {
    "US": [
        {"id": 12, "code": "CA", "name": "California"},
        {"id": 43, "code": "NY", "name": "New York"},
        {"id": 57, "code": "TX", "name": "Texas"},
    ],
    "DE": [
        {"id": 82, "code": "BER", "name": "Berlin"},
        {"id": 81, "code": "BAY", "name": "Bayern"},
    ],
    "FR": [{"id": 256, "code": "69", "name": "Rhône"}],
}
_REQUIRED = frozenset({"US"})


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
    body: dict[str, Any] = {"id": code, "two_letter_abbreviation": code}
    if code in REGIONS:
        body["available_regions"] = REGIONS[code]
    return body


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
        for item in REGIONS.get(country, ()):
            if item["id"] == int(data["region_id"]):
                region = {
                    "region_code": item["code"],
                    "region": item["name"],
                    "region_id": item["id"],
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


@route("POST", "customers")
def customer_create(call: Call) -> Any:
    store = call.store
    data = dict((call.body or {}).get("customer") or {})
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
    store.welcome(raw)
    return copy.deepcopy(raw)


@route("PUT", "customers/{id}")
def customer_update(call: Call) -> Any:
    store = call.store
    raw = _customer(store, call.path["id"])
    data = (call.body or {}).get("customer") or {}
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


def render_order(raw: Mapping[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(dict(raw))
    body["status_histories"] = sorted(
        body.get("status_histories") or (),
        key=lambda h: (h.get("created_at") or "", h.get("entity_id") or 0),
        reverse=True,
    )
    return body


@route("GET", "orders")
def orders_list(call: Call) -> Any:
    return listing(call, list(call.store.orders.values()), render_order, id_field="entity_id")


@route("GET", "orders/{id}")
def order_get(call: Call) -> Any:
    return render_order(_order(call.store, call.path["id"]))


def _items(store: MagentoStore, order: dict[str, Any], items: list[Any]) -> None:
    stamp = store.now()
    for data in items:
        known = next(
            (i for i in order["items"] if data.get("item_id") and i["item_id"] == data["item_id"]),
            None,
        )
        if known is not None:
            known.update({k: v for k, v in data.items() if k != "item_id"})
            continue
        item = {k: v for k, v in data.items() if k != "parent_item"}
        item.update(
            item_id=store.next_id("item"),
            order_id=order["entity_id"],
            created_at=stamp,
            updated_at=stamp,
        )
        order["items"].append(item)


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
        _items(store, order, list(data.get("items") or ()))
        _histories(store, order, list(data.get("status_histories") or ()))
        order["updated_at"] = stamp
        answer = render_order(order)
        for key in ("grand_total", "base_grand_total", "customer_email"):
            if key not in data:
                answer[key] = None  # the partial save answers with what it was given
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
        order["billing_address"] = {
            **order["billing_address"],
            "entity_id": store.next_id("address"),
            "parent_id": ident,
        }
    payment = order.get("payment")
    order["payment"] = {**(payment or {}), "entity_id": ident, "parent_id": ident}
    _items(store, order, list(data.get("items") or ()))
    _histories(store, order, list(data.get("status_histories") or ()))
    store.orders[ident] = order
    return render_order(order)


@route("GET", "shipments")
def shipments(call: Call) -> Any:
    return listing(call, list(call.store.shipments.values()), copy.deepcopy, id_field="entity_id")


@route("POST", "order/{id}/ship")
def ship(call: Call) -> Any:
    """A shipment document: it deducts its items from the source, as MSI does."""
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
        if item.get("product_type") == "configurable":
            continue
        qty = item.get("qty_ordered", 0)
        level = store.stock.get(item["sku"])
        if level is not None:
            level["quantity"] = level["quantity"] - qty
        items.append(
            {
                "sku": item["sku"],
                "name": item.get("name"),
                "qty": qty,
                "order_item_id": item["item_id"],
                "product_id": item.get("product_id"),
            }
        )
    store.shipments[ident] = {
        "entity_id": ident,
        "order_id": order["entity_id"],
        "created_at": store.now(),
        "items": items,
        "tracks": [
            {
                "order_id": order["entity_id"],
                "parent_id": ident,
                "entity_id": store.next_id("track"),
                **{k: t.get(k) for k in ("track_number", "title", "carrier_code")},
            }
            for t in body.get("tracks") or ()
        ],
        "comments": [],
    }
    return str(ident)
