"""Product and stock routes: the upsert, configurable checks, MSI source items."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ._catalog import _FIRST, _URL_KEY_TAKEN, _custom, _slug
from ._partial_types import bundle_options, downloadable_parts
from ._routes import Call, listing, route
from ._store import MagentoStore, SimError, tidy

__all__: list[str] = []

#: A stock item's settings as a fresh store answers them (the store's defaults).
_STOCK_ITEM: dict[str, Any] = {
    "stock_id": 1,
    "is_qty_decimal": False,
    "show_default_notification_message": False,
    "use_config_min_qty": True,
    "min_qty": 0,
    "use_config_min_sale_qty": 1,
    "min_sale_qty": 1,
    "use_config_max_sale_qty": True,
    "max_sale_qty": 10000,
    "use_config_backorders": True,
    "backorders": 0,
    "use_config_notify_stock_qty": True,
    "notify_stock_qty": 1,
    "use_config_qty_increments": True,
    "qty_increments": 0,
    "use_config_enable_qty_inc": True,
    "enable_qty_increments": False,
    "use_config_manage_stock": True,
    "manage_stock": True,
    "low_stock_date": None,
    "is_decimal_divided": False,
    "stock_status_changed_auto": 0,
}
_PLAIN = ("sku", "name", "attribute_set_id", "price", "status", "visibility", "type_id", "weight")


#: Attributes a store view can hold a value of its own of (store-view scope).
STORE_VIEW_SCOPED = frozenset({"name", "description", "meta_title", "meta_description"})


def render_product(
    store: MagentoStore,
    raw: Mapping[str, Any],
    *,
    stock: bool,
    saved: bool = False,
    store_view: bool = False,
) -> dict[str, Any]:
    """A product as a list, a GET (``stock``: with its stock item) or a save
    shows it; ``store_view``: as the default store view reads it, with the
    values it holds of its own over the global ones (observed on 2.4.7: a
    global save leaves them, so ``/rest/V1`` still reads them)."""
    body: dict[str, Any] = {"id": raw["id"]}
    for key in (
        "sku",
        "name",
        "attribute_set_id",
        "price",
        "status",
        "visibility",
        "type_id",
        "created_at",
        "updated_at",
        "weight",
    ):
        if raw.get(key) is not None:
            body[key] = raw[key]
    extension: dict[str, Any] = {"website_ids": list(raw["website_ids"])}
    if raw["category_links"]:
        extension["category_links"] = [dict(link) for link in raw["category_links"]]
    if raw["type_id"] == "configurable":
        extension["configurable_product_options"] = [
            dict(o) for o in raw.get("configurable_product_options") or ()
        ]
        extension["configurable_product_links"] = list(raw.get("configurable_product_links") or ())
    if stock:
        # A configurable product has no source item; its own stock item says in stock.
        default = 1 if raw["type_id"] == "configurable" else 0
        level = store.stock.get(raw["sku"], {"quantity": 0, "status": default})
        flags = {**_STOCK_ITEM, **raw.get("stock_flags", {})}
        managed = flags["manage_stock"] or flags["use_config_manage_stock"]
        extension["stock_item"] = {
            "item_id": raw["id"],
            "product_id": raw["id"],
            **flags,
            "qty": level["quantity"] if managed else None,  # as the real store answers
            # Not managed, a product is in stock, whatever its source item says.
            "is_in_stock": not managed or raw.get("stock_item_in_stock", level["status"] == 1),
        }
    if raw["type_id"] == "bundle":
        extension["bundle_product_options"] = copy.deepcopy(raw.get("bundle_product_options", []))
    if raw["type_id"] == "downloadable":
        for key in ("downloadable_product_links", "downloadable_product_samples"):
            extension[key] = copy.deepcopy(raw.get(key, []))
    body["extension_attributes"] = extension
    links = [dict(link) for link in raw.get("product_links") or ()]
    body.update(product_links=links, options=[], media_gallery_entries=[], tier_prices=[])
    if saved:  # a save's answer leaves out tier prices, and links where there are none
        del body["tier_prices"]
        if not links:
            del body["product_links"]
    custom = dict(raw["custom_attributes"])
    own = raw.get("store_view", {}) if store_view else {}
    if "name" in own:
        body["name"] = own["name"]
    custom.update({k: v for k, v in own.items() if k != "name"})
    custom.setdefault("msrp_display_actual_price_type", "0")
    custom.setdefault("required_options", "0")
    custom.setdefault("has_options", "1" if raw["type_id"] == "configurable" else "0")
    custom["category_ids"] = [str(link["category_id"]) for link in raw["category_links"]]
    ordered = {k: custom[k] for k in _FIRST if k in custom}
    ordered.update({k: v for k, v in custom.items() if k not in ordered})
    body["custom_attributes"] = _custom(ordered)
    return body


@route("GET", "products")
def products_list(call: Call) -> Any:
    store = call.store

    def value(record: Mapping[str, Any], field: str) -> Any:
        if field == "entity_id":
            return record["id"]
        if field in record:
            return record[field]
        return record["custom_attributes"].get(field)

    return listing(
        call,
        list(store.products.values()),
        lambda r: render_product(store, r, stock=False, store_view=not call.admin),
        value_of=value,
    )


@route("GET", "products/{sku}")
def product_get(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    return render_product(store, raw, stock=True, store_view=not call.admin)


def _url_key_free(store: MagentoStore, key: str, own: int | None) -> None:
    for other in store.products.values():
        if other["id"] != own and other["custom_attributes"].get("url_key") == key:
            raise SimError(400, _URL_KEY_TAKEN)


def _apply(store: MagentoStore, raw: dict[str, Any], data: Mapping[str, Any]) -> None:
    """A product body's fields onto a stored product (PUT is partial)."""
    data = tidy(data)
    for key in _PLAIN:
        if key in data and key != "sku":
            raw[key] = data[key]
    codes = store.attribute_sets.get(int(raw["attribute_set_id"]), {}).get("codes", frozenset())
    for item in data.get("custom_attributes") or ():
        code, value = item.get("attribute_code"), item.get("value")
        if code not in codes and code not in _FIRST:
            continue  # outside the product's attribute set: silently ignored, as Magento does
        if code == "special_price" and value in ("",):
            value = "0.000000"  # an empty special price is stored as zero
        if value is None:
            raw["custom_attributes"].pop(code, None)
        else:
            raw["custom_attributes"][code] = (
                f"{float(value):.6f}" if code == "special_price" else value
            )
            if code == "special_price":  # the store dates a special price from today
                raw["custom_attributes"]["special_from_date"] = store.now()[:10] + " 00:00:00"
    if isinstance(data.get("product_links"), list):
        raw["product_links"] = _links(store, raw, data["product_links"])
    extension = data.get("extension_attributes") or {}
    if "website_ids" in extension:
        raw["website_ids"] = list(extension["website_ids"])
    if "category_links" in extension:
        # Merged into the links there, as the real store's save does: a link
        # is added (or moved), never removed, except by an empty list.
        sent = {
            str(link["category_id"]): {
                "position": link.get("position", 0),
                "category_id": str(link["category_id"]),
            }
            for link in extension["category_links"]
        }
        kept = (
            []
            if not sent
            else [
                link for link in raw.get("category_links") or () if link["category_id"] not in sent
            ]
        )
        raw["category_links"] = [*kept, *sent.values()]
    if "configurable_product_options" in extension:
        raw["configurable_product_options"] = [
            {
                "id": store.next_id("configurable_option"),
                "attribute_id": str(o["attribute_id"]),
                "label": o.get("label"),
                "position": o.get("position", 0),
                "values": [{"value_index": v["value_index"]} for v in o.get("values") or ()],
                "product_id": raw["id"],
            }
            for o in extension["configurable_product_options"]
        ]
    if "configurable_product_links" in extension:
        links = [int(link) for link in extension["configurable_product_links"]]
        _check_children(store, raw, links)
        raw["configurable_product_links"] = links
    if raw["type_id"] == "bundle" and "bundle_product_options" in extension:
        raw["bundle_product_options"] = bundle_options(store, extension["bundle_product_options"])
    if raw["type_id"] == "downloadable":
        raw.update(downloadable_parts(store, extension))
    stock = extension.get("stock_item")
    if isinstance(stock, Mapping) and raw["type_id"] == "simple":
        for key in ("manage_stock", "use_config_manage_stock"):
            if key in stock:
                raw.setdefault("stock_flags", {})[key] = bool(stock[key])
        if "is_in_stock" in stock:
            raw["stock_item_in_stock"] = bool(stock["is_in_stock"])
        if stock.get("manage_stock") is True and raw["sku"] not in store.stock:
            return  # observed on 2.4.7: such a save makes no source item
        # Observed on 2.4.7 with MSI: the source item a product save makes or
        # changes is in stock (status 1), whatever ``is_in_stock`` says; only
        # the stock item keeps that.
        level = store.stock.setdefault(raw["sku"], {"quantity": 0, "status": 1})
        if "qty" in stock:
            level["quantity"] = stock["qty"]
        level["status"] = 1


def _links(store: MagentoStore, raw: Mapping[str, Any], links: list[Any]) -> list[dict[str, Any]]:
    """``product_links`` as saved: all of them replace the product's (an empty
    list removes them), each linked SKU must exist (404, and nothing saved)."""
    saved = []
    for link in links:
        linked = str(link.get("linked_product_sku") or "")
        if not any(p["sku"] == linked for p in store.products.values()):
            raise SimError(404, 'The Product with the "%1" SKU doesn\'t exist.', [linked])
        saved.append(
            {
                "sku": raw["sku"],
                "link_type": link.get("link_type"),
                "linked_product_sku": linked,
                "linked_product_type": link.get("linked_product_type"),
                "position": int(link.get("position") or 0),
                "extension_attributes": {
                    "qty": (link.get("extension_attributes") or {}).get("qty", 0)
                },
            }
        )
    return sorted(saved, key=lambda link: link["position"])


def _check_children(store: MagentoStore, parent: Mapping[str, Any], links: list[int]) -> None:
    seen: dict[tuple[Any, ...], int] = {}
    for link in links:
        child = store.products.get(link)
        if child is None:
            raise SimError(400, 'The product with id "%1" does not exist.', [str(link)])
        values = []
        for option in parent.get("configurable_product_options") or ():
            attribute = store.attribute_by_id(option["attribute_id"])
            code = attribute["attribute_code"] if attribute else "?"
            value = child["custom_attributes"].get(code)
            if value in (None, ""):
                raise SimError(
                    400,
                    'Product with id "%1" does not contain required attribute "%2".',
                    [str(link), code],
                )
            values.append(value)
        key = tuple(values)
        if key in seen:
            raise SimError(
                400,
                'Products "%1" and "%2" have the same set of attribute values.',
                [str(seen[key]), str(link)],
            )
        seen[key] = link


@route("POST", "products")
def product_create(call: Call) -> Any:
    store = call.store
    data = (call.body or {}).get("product") or {}
    sku = str(data.get("sku") or "")
    if not sku:
        raise SimError(
            400, 'The "%1" attribute value is empty. Set the attribute and try again.', ["sku"]
        )
    try:
        existing = store.product_by_sku(sku)
    except SimError:
        existing = None
    if existing is not None:  # the real store's upsert
        _apply(store, existing, data)
        existing["updated_at"] = store.now()
        return render_product(store, existing, stock=True, saved=True)
    set_id = data.get("attribute_set_id")
    if set_id is None or int(set_id) not in store.attribute_sets:
        raise SimError(400, "Invalid product data: %1", ["Invalid attribute set entity type"])
    custom = {c["attribute_code"]: c.get("value") for c in data.get("custom_attributes") or ()}
    key = str(custom.get("url_key") or _slug(str(data.get("name") or sku)))
    _url_key_free(store, key, None)
    ident = store.next_id("product")
    stamp = store.now()
    raw: dict[str, Any] = {
        "id": ident,
        "sku": sku,
        "name": data.get("name"),
        "attribute_set_id": int(set_id),
        "price": data.get("price", None if data.get("type_id") == "grouped" else 0),
        "status": data.get("status", 1),
        "visibility": data.get("visibility", 4),
        "type_id": data.get("type_id", "simple"),
        "created_at": stamp,
        "updated_at": stamp,
        "weight": data.get("weight"),
        "website_ids": [],
        "category_links": [],
        "custom_attributes": {
            "options_container": "container2",
            "tax_class_id": "2",
            "url_key": key,
        },
    }
    store.products[ident] = raw
    try:
        _apply(store, raw, data)
    except SimError:
        del store.products[ident]
        raise
    return render_product(store, raw, stock=True, saved=True)


@route("PUT", "products/{sku}")
def product_update(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    data = (call.body or {}).get("product") or {}
    custom = {c["attribute_code"]: c.get("value") for c in data.get("custom_attributes") or ()}
    if custom.get("url_key"):
        _url_key_free(store, str(custom["url_key"]), raw["id"])
    if not call.admin:
        # A save in a store view keeps its scoped values as the view's own.
        own = raw.setdefault("store_view", {})
        if "name" in data:
            own["name"] = data["name"]
        own.update({k: v for k, v in custom.items() if k in STORE_VIEW_SCOPED})
        data = {k: v for k, v in data.items() if k != "name"}
        data["custom_attributes"] = [
            c
            for c in data.get("custom_attributes") or ()
            if c["attribute_code"] not in STORE_VIEW_SCOPED
        ]
    _apply(store, raw, data)
    raw["updated_at"] = store.now()
    return render_product(store, raw, stock=True, saved=True, store_view=not call.admin)


@route("DELETE", "products/{sku}")
def product_delete(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    del store.products[raw["id"]]
    store.stock.pop(raw["sku"], None)
    for other in store.products.values():
        if raw["id"] in (other.get("configurable_product_links") or ()):
            other["configurable_product_links"].remove(raw["id"])
        if other.get("product_links"):  # (the link table's rows go with the product)
            other["product_links"] = [
                link for link in other["product_links"] if link["linked_product_sku"] != raw["sku"]
            ]
    return True


@route("DELETE", "categories/{id}/products/{sku}")
def category_product_delete(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    category = str(call.path["id"])
    links = raw.get("category_links") or []
    if not any(link["category_id"] == category for link in links):
        raise SimError(400, "The category doesn't contain the specified product.")
    raw["category_links"] = [link for link in links if link["category_id"] != category]
    raw["updated_at"] = store.now()
    return True


# -- MSI ----------------------------------------------------------------------------
@route("GET", "inventory/sources")
def sources(call: Call) -> Any:
    return listing(call, call.store.sources, dict, id_field="source_code")


@route("POST", "inventory/sources")
def source_save(call: Call) -> Any:
    source = dict((call.body or {}).get("source") or {})
    code = str(source.get("source_code") or "")
    if not code or not source.get("name"):
        raise SimError(400, "Could not save Source")
    store = call.store
    store.sources = [s for s in store.sources if s["source_code"] != code] + [source]
    return []  # as 2.4.7 answers


@route("GET", "inventory/source-items")
def source_items(call: Call) -> Any:
    store = call.store
    items = [("default", sku, level) for sku, level in store.stock.items()]
    items += [
        (code, sku, level)
        for code, held in store.other_sources.items()
        for sku, level in held.items()
    ]
    records = [
        {
            "source_item_id": position,
            "sku": sku,
            "source_code": code,
            "quantity": level["quantity"],
            "status": level["status"],
        }
        for position, (code, sku, level) in enumerate(items, start=1)
    ]
    return listing(
        call,
        records,
        lambda r: {k: r[k] for k in ("sku", "source_code", "quantity", "status")},
        id_field="source_item_id",
    )


@route("POST", "inventory/source-items")
def source_items_save(call: Call) -> Any:
    store = call.store
    items = (call.body or {}).get("sourceItems") or []
    for item in items:
        sku = str(item.get("sku"))
        code = str(item.get("source_code") or "default")
        if code != "default" and code not in {s["source_code"] for s in store.sources}:
            raise SimError(400, "Could not save Source Item")  # as 2.4.7 answers
        store.product_by_sku(sku)
        level = {"quantity": item.get("quantity", 0), "status": int(item.get("status", 1))}
        if code == "default":
            store.stock[sku] = level
        else:
            store.other_sources.setdefault(code, {})[sku] = level
    return []


@route("GET", "inventory/get-product-salable-quantity/{sku}/{stock}")
def salable(call: Call) -> Any:
    store = call.store
    sku = unquote(call.path["sku"])
    level = store.stock.get(sku, {"quantity": 0})
    return level["quantity"] + store.reservations.get(sku, 0)


# -- legacy stock (a store without MSI) ---------------------------------------------------
@route("GET", "stockItems/{sku}")
def stock_item(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    return render_product(store, raw, stock=True)["extension_attributes"]["stock_item"]


@route("PUT", "products/{sku}/stockItems/{item}")
def stock_item_save(call: Call) -> Any:
    store = call.store
    raw = store.product_by_sku(unquote(call.path["sku"]))
    data = (call.body or {}).get("stockItem") or {}
    for key in ("manage_stock", "use_config_manage_stock"):
        if key in data:
            raw.setdefault("stock_flags", {})[key] = bool(data[key])
    level = store.stock.setdefault(raw["sku"], {"quantity": 0, "status": 1})
    if "qty" in data:
        level["quantity"] = data["qty"]
    if "is_in_stock" in data:
        level["status"] = 1 if data["is_in_stock"] else 0
        raw["stock_item_in_stock"] = bool(data["is_in_stock"])
    _unmanaged_in_stock(raw, level)
    return raw["id"]


def _unmanaged_in_stock(raw: dict[str, Any], level: dict[str, Any]) -> None:
    """A stock item saved without managing stock is in stock, its source item
    too, whatever the save said (observed on 2.4.7: ``is_in_stock: false``
    with ``manage_stock: false`` reads back true, and the source item's
    status turns 1)."""
    flags = {**_STOCK_ITEM, **raw.get("stock_flags", {})}
    if not (flags["manage_stock"] or flags["use_config_manage_stock"]):
        level["status"] = 1
        raw["stock_item_in_stock"] = True
