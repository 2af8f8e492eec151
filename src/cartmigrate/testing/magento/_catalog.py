"""Catalog routes: store views, categories, products, attributes and MSI stock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._routes import Call, listing, route
from ._store import MagentoStore, SimError, not_found_field

__all__: list[str] = []

_URL_KEY_TAKEN = "URL key for specified store already exists."
#: The custom attributes every product answers with first, in the store's order.
_FIRST = (
    "options_container",
    "msrp_display_actual_price_type",
    "url_key",
    "required_options",
    "has_options",
    "tax_class_id",
    "category_ids",
)


# -- store -----------------------------------------------------------------------
@route("GET", "store/storeViews")
def store_views(call: Call) -> Any:
    return call.store.baseline["store_views"]


@route("GET", "store/storeConfigs")
def store_configs(call: Call) -> Any:
    """Per store view (the admin view is not among them), as 2.4.7 answers: the
    locale settings, the weight unit (general/locale/weight_unit) and base URLs."""
    store = call.store
    base = f"{store.base_url}/"
    wanted = {code for name, code in call.query if name.startswith("storeCodes")}
    return [
        {
            "id": view["id"],
            "code": view["code"],
            "website_id": view["website_id"],
            "locale": "en_US",
            "base_currency_code": "USD",
            "default_display_currency_code": "USD",
            "timezone": "UTC",
            "weight_unit": store.weight_unit,
            "base_url": base,
            "base_link_url": base,
            "base_static_url": f"{base}static/version1764590400/",
            "base_media_url": f"{base}media/",
            "secure_base_url": base,
            "secure_base_link_url": base,
            "secure_base_static_url": f"{base}static/version1764590400/",
            "secure_base_media_url": f"{base}media/",
        }
        for view in store.baseline["store_views"]
        if view["id"] > 0 and (not wanted or view["code"] in wanted)
    ]


@route("GET", "store/storeGroups")
def store_groups(call: Call) -> Any:
    return call.store.baseline["store_groups"]


# -- categories --------------------------------------------------------------------
def _custom(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"attribute_code": k, "value": v} for k, v in values.items()]


def _url_path(store: MagentoStore, raw: Mapping[str, Any]) -> str | None:
    parts = []
    for ident in str(raw["path"]).split("/")[2:]:
        category = store.categories.get(int(ident))
        key = category["custom_attributes"].get("url_key") if category else None
        if key:
            parts.append(str(key))
    return "/".join(parts) or None


def render_category(store: MagentoStore, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A category as the store answers: the attributes it shows depend on the level."""
    body = {k: v for k, v in raw.items() if k != "custom_attributes"}
    children = sorted(
        (c for c in store.categories.values() if c["parent_id"] == raw["id"]),
        key=lambda c: c["id"],
    )
    body["children"] = ",".join(str(c["id"]) for c in children)
    below = sum(1 for c in store.categories.values() if f"/{raw['id']}/" in f"/{c['path']}/") - 1
    if raw["level"] == 0:
        body.pop("is_active", None)
        custom: dict[str, Any] = {}
    elif raw["level"] == 1:
        custom = {"display_mode": "PRODUCTS"}
    else:
        custom = {"is_anchor": "1"}
    custom.update(path=raw["path"], children_count=str(below))
    for key, value in raw["custom_attributes"].items():
        if raw["level"] > 1:
            custom[key] = value
    if raw["level"] > 1 and custom.get("url_key"):
        custom["url_path"] = _url_path(store, raw)
    body["custom_attributes"] = _custom(custom)
    return body


def _category(store: MagentoStore, ident: str) -> dict[str, Any]:
    raw = store.categories.get(int(ident)) if ident.isdigit() else None
    if raw is None:
        raise not_found_field("id", int(ident) if ident.isdigit() else ident)
    return raw


def _check_url_key(store: MagentoStore, parent: int, key: str, own: int | None) -> None:
    for other in store.categories.values():
        if (
            other["parent_id"] == parent
            and other["id"] != own
            and other["custom_attributes"].get("url_key") == key
        ):
            raise SimError(400, "Could not save category: %1", [_URL_KEY_TAKEN])


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@route("GET", "categories/list")
def categories_list(call: Call) -> Any:
    return listing(
        call, list(call.store.categories.values()), lambda r: render_category(call.store, r)
    )


@route("GET", "categories/{id}")
def category_get(call: Call) -> Any:
    return render_category(call.store, _category(call.store, call.path["id"]))


@route("POST", "categories")
def category_create(call: Call) -> Any:
    store = call.store
    data = dict((call.body or {}).get("category") or {})
    parent = _category(store, str(data.get("parent_id") or 2))
    custom = {c["attribute_code"]: c.get("value") for c in data.get("custom_attributes") or ()}
    key = str(custom.get("url_key") or _slug(str(data.get("name") or "")))
    _check_url_key(store, parent["id"], key, None)
    ident = store.next_id("category")
    stamp = store.now()
    custom["url_key"] = key
    siblings = [c for c in store.categories.values() if c["parent_id"] == parent["id"]]
    store.categories[ident] = {
        "id": ident,
        "parent_id": parent["id"],
        "name": data.get("name"),
        "is_active": bool(data.get("is_active", True)),
        "position": len(siblings) + 1,
        "level": parent["level"] + 1,
        "children": "",
        "created_at": stamp,
        "updated_at": stamp,
        "path": f"{parent['path']}/{ident}",
        "include_in_menu": bool(data.get("include_in_menu", True)),
        "custom_attributes": {k: v for k, v in custom.items() if v not in (None, "")},
    }
    return render_category(store, store.categories[ident])


@route("PUT", "categories/{id}")
def category_update(call: Call) -> Any:
    store = call.store
    raw = _category(store, call.path["id"])
    data = (call.body or {}).get("category") or {}
    custom = {c["attribute_code"]: c.get("value") for c in data.get("custom_attributes") or ()}
    if custom.get("url_key"):
        _check_url_key(store, raw["parent_id"], str(custom["url_key"]), raw["id"])
    if "name" in data:
        raw["name"] = data["name"]
    for key, value in custom.items():
        if value in (None, ""):
            raw["custom_attributes"].pop(key, None)
        else:
            raw["custom_attributes"][key] = value
    raw["updated_at"] = store.now()
    return render_category(store, raw)


@route("PUT", "categories/{id}/move")
def category_move(call: Call) -> Any:
    store = call.store
    raw = _category(store, call.path["id"])
    parent = _category(store, str((call.body or {}).get("parentId")))
    raw["parent_id"] = parent["id"]
    raw["level"] = parent["level"] + 1
    raw["path"] = f"{parent['path']}/{raw['id']}"
    raw["updated_at"] = store.now()
    return True


@route("DELETE", "categories/{id}")
def category_delete(call: Call) -> Any:
    store = call.store
    raw = _category(store, call.path["id"])
    doomed = [c for c in store.categories.values() if f"/{raw['id']}/" in f"/{c['path']}/"]
    for child in doomed:
        store.categories.pop(child["id"], None)
    for product in store.products.values():
        product["category_links"] = [
            link
            for link in product["category_links"]
            if int(link["category_id"]) not in {c["id"] for c in doomed}
        ]
    return True


# -- attributes --------------------------------------------------------------------
def _attribute(store: MagentoStore, code: str) -> dict[str, Any]:
    found = store.attributes.get(code) or store.attribute_by_id(code)
    if found is None:
        raise SimError(
            404,
            'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and'
            " try again.",
            [code],
        )
    return found


@route("GET", "products/attributes/{code}")
def attribute_get(call: Call) -> Any:
    return dict(_attribute(call.store, call.path["code"]))


@route("GET", "products/attributes")
def attributes_list(call: Call) -> Any:
    def value(record: Mapping[str, Any], field: str) -> Any:
        if field == "frontend_label":
            return record.get("default_frontend_label")
        return record.get(field)

    return listing(
        call, list(call.store.attributes.values()), dict, value_of=value, id_field="attribute_id"
    )


@route("GET", "products/attributes/{code}/options")
def options_get(call: Call) -> Any:
    return list(_attribute(call.store, call.path["code"])["options"])


@route("POST", "products/attributes/{code}/options")
def option_create(call: Call) -> Any:
    store = call.store
    attribute = _attribute(store, call.path["code"])
    label = str(((call.body or {}).get("option") or {}).get("label") or "")
    for option in attribute["options"]:
        if option["label"].casefold() == label.casefold():
            raise SimError(
                400, 'Admin store attribute option label "%1" is already exists.', [label]
            )
    ident = str(store.next_id("option"))
    attribute["options"].append({"label": label, "value": ident})
    return ident


@route("DELETE", "products/attributes/{code}/options/{option}")
def option_delete(call: Call) -> Any:
    attribute = _attribute(call.store, call.path["code"])
    kept = [o for o in attribute["options"] if o["value"] != call.path["option"]]
    if len(kept) == len(attribute["options"]):
        raise SimError(
            404,
            'The "%1" attribute doesn\'t include an option with "%2" ID.',
            [attribute["attribute_code"], call.path["option"]],
        )
    attribute["options"] = kept
    return True


@route("GET", "products/attribute-sets/sets/list")
def sets_list(call: Call) -> Any:
    records = [
        {
            "attribute_set_id": ident,
            "attribute_set_name": s["attribute_set_name"],
            "sort_order": s["sort_order"],
            "entity_type_id": 4,
        }
        for ident, s in call.store.attribute_sets.items()
    ]
    return listing(call, records, dict, id_field="attribute_set_id")


@route("GET", "products/attribute-sets/{id}/attributes")
def set_attributes(call: Call) -> Any:
    ident = call.path["id"]
    found = call.store.attribute_sets.get(int(ident)) if ident.isdigit() else None
    if found is None:
        raise SimError(
            404,
            "No such entity with %fieldName = %fieldValue",
            {"fieldName": "id", "fieldValue": ident},
        )
    return found["listed"]
