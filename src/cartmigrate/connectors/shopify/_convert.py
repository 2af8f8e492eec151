"""Translating between cartmigrate's models and Shopify's GraphQL shapes.

Decisions, each documented in docs/connectors/shopify.md:

- A product without variants is a Shopify product with its one default
  variant ("Title" / "Default Title"); it reads back without variants.
- Stock: ``quantity`` None means "not tracked". ``stock_status`` has no
  Shopify field: BACKORDER is inventory policy CONTINUE ("keep selling when
  out of stock"); otherwise a tracked variant at zero is out of stock.
- Manufacturers are Shopify's free-text ``vendor``; a manufacturer's id is its name.
- Categories are custom collections; the tree's parent is kept in the
  ``cartmigrate.parent_id`` metafield (collections are flat in Shopify).
- An order's status as the source named it, its status history and its
  shipments' dates are kept in ``cartmigrate`` metafields on the order (visible
  in the admin under the order's metafields); Shopify's own state (paid,
  cancelled, closed, fulfillments with tracking) is set to the nearest match.
- The source reference is kept in the ``cartmigrate.source_ref`` metafield:
  from 2026-01 on a custom ID (metafield type ``id``, unique per owner type),
  which ``productSet`` / ``customerSet`` create by and ``*ByIdentifier`` find
  by at once; on 2025-01 a plain text metafield plus a ``cartmigrate:<ref>``
  tag, found by a tag search (which lags behind writes).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...models import (
    Address,
    Category,
    Customer,
    Product,
    ProductStatus,
    StockStatus,
    Variant,
    WeightUnit,
)
from ._graphql import NAMESPACE, SOURCE_REF

__all__ = [
    "REF_TAG",
    "category_from",
    "category_input",
    "customer_from",
    "customer_input",
    "metafield",
    "product_from",
    "product_set_input",
    "ref_tag",
]

REF_TAG = "cartmigrate:"
GROUP_TAG = "group:"
DEFAULT_OPTION = "Title"
DEFAULT_VALUE = "Default Title"


def ref_tag(source_ref: str) -> str:
    return f"{REF_TAG}{source_ref}"


def metafield(key: str, value: str, kind: str = "single_line_text_field") -> dict[str, str]:
    return {"namespace": NAMESPACE, "key": key, "value": value, "type": kind}


#: Metafield type of the source reference: "id" where it is a custom ID.
TEXT = "single_line_text_field"
CUSTOM_ID = "id"


def ref_metafield(source_ref: str, ref_type: str) -> dict[str, str]:
    return metafield(SOURCE_REF, source_ref, ref_type)


def custom_id(source_ref: str) -> dict[str, str]:
    """The ``UniqueMetafieldValueInput`` naming an entity by its source reference."""
    return {"namespace": NAMESPACE, "key": SOURCE_REF, "value": source_ref}


def _value(node: Mapping[str, Any] | None) -> str | None:
    return None if not node else node.get("value")


def _amount(node: Mapping[str, Any] | None) -> decimal.Decimal | None:
    money = (node or {}).get("shopMoney") or {}
    amount = money.get("amount")
    return None if amount is None else decimal.Decimal(str(amount))


def _money(value: decimal.Decimal | None) -> str | None:
    return None if value is None else str(value)


def _without_refs(tags: Iterable[str]) -> tuple[str, ...]:
    return tuple(t for t in tags if not t.startswith(REF_TAG) and not t.startswith(GROUP_TAG))


# -- categories -------------------------------------------------------------
def category_input(
    category: Category, source_ref: str | None, ref_type: str = TEXT
) -> dict[str, Any]:
    data: dict[str, Any] = {"title": category.name, "descriptionHtml": category.description or ""}
    if category.slug:
        data["handle"] = category.slug
    metafields = []
    if source_ref:
        metafields.append(ref_metafield(source_ref, ref_type))
    if category.parent_id:
        metafields.append(metafield("parent_id", category.parent_id))
    if metafields:
        data["metafields"] = metafields
    return data


def category_from(node: Mapping[str, Any]) -> Category:
    return Category(
        id=node["id"],
        name=node["title"],
        slug=node.get("handle"),
        description=node.get("descriptionHtml") or None,
        parent_id=_value(node.get("parent")),
        extra={"source_ref": _value(node.get("sourceRef"))} if node.get("sourceRef") else {},
    )


# -- products ---------------------------------------------------------------
#: Shopify's weight units (``WeightUnit``), the same four as ours.
_WEIGHT_UNITS = {
    WeightUnit.KG: "KILOGRAMS",
    WeightUnit.G: "GRAMS",
    WeightUnit.LBS: "POUNDS",
    WeightUnit.OZ: "OUNCES",
}
_WEIGHT_FROM = {name: unit for unit, name in _WEIGHT_UNITS.items()}


def measurement(weight: decimal.Decimal | None, unit: WeightUnit | None) -> dict[str, Any] | None:
    """``inventoryItem.measurement`` for a variant's weight, in its own unit (a
    weight without one is taken as kilograms, Shopify's default); None: no weight
    (Shopify reads 0 then)."""
    if weight is None or weight == 0:
        return None
    name = _WEIGHT_UNITS[WeightUnit(unit or WeightUnit.KG)]
    return {"weight": {"value": float(weight), "unit": name}}


def weight_from(node: Mapping[str, Any]) -> tuple[decimal.Decimal | None, WeightUnit | None]:
    """A variant's weight and unit; 0 (what Shopify reads for a variant never
    weighed) is no weight."""
    found = ((node.get("inventoryItem") or {}).get("measurement") or {}).get("weight") or {}
    value = found.get("value")
    if value in (None, 0) or found.get("unit") not in _WEIGHT_FROM:
        return None, None
    return decimal.Decimal(str(value)), _WEIGHT_FROM[found["unit"]]


def _stock(quantity: int | None, status: StockStatus) -> dict[str, Any]:
    return {
        "inventoryPolicy": "CONTINUE" if status == StockStatus.BACKORDER else "DENY",
        "inventoryItem": {"tracked": quantity is not None},
    }


def _variant_input(
    sku: str | None,
    price: decimal.Decimal | None,
    compare_at: decimal.Decimal | None,
    quantity: int | None,
    status: StockStatus,
    options: Sequence[tuple[str, str]],
    location_id: str,
    weight: tuple[decimal.Decimal | None, WeightUnit | None] = (None, None),
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "optionValues": [{"optionName": name, "name": value} for name, value in options],
        "price": _money(price) or "0.00",
        **_stock(quantity, status),
    }
    if compare_at is not None:
        data["compareAtPrice"] = _money(compare_at)
    if sku:
        data["sku"] = sku
        data["inventoryItem"]["sku"] = sku
    weighed = measurement(*weight)
    if weighed is not None:
        data["inventoryItem"]["measurement"] = weighed
    if quantity is not None:
        data["inventoryQuantities"] = [
            {"locationId": location_id, "name": "available", "quantity": quantity}
        ]
    return data


def option_names(product: Product) -> list[str]:
    names: list[str] = []
    for variant in product.variants:
        for name in variant.options:
            if name not in names:
                names.append(name)
    return names


def product_set_input(
    product: Product, source_ref: str | None, location_id: str, ref_type: str = TEXT
) -> dict[str, Any]:
    """``ProductSetInput`` for creating ``product`` (variants in input order)."""
    tags = list(product.tags)
    metafields = []
    if source_ref:
        tags.append(ref_tag(source_ref))
        metafields.append(ref_metafield(source_ref, ref_type))
    data: dict[str, Any] = {
        "title": product.name,
        "descriptionHtml": product.description or "",
        "status": product.status.value.upper(),
        "tags": tags,
        "collections": list(product.category_ids),
        "vendor": product.manufacturer_id or "",
    }
    if product.slug:
        data["handle"] = product.slug
    if product.meta_title or product.meta_description:
        data["seo"] = {"title": product.meta_title, "description": product.meta_description}
    if product.images:
        data["files"] = [{"originalSource": url, "contentType": "IMAGE"} for url in product.images]
    if metafields:
        data["metafields"] = metafields
    if not product.variants:
        data["productOptions"] = [{"name": DEFAULT_OPTION, "values": [{"name": DEFAULT_VALUE}]}]
        data["variants"] = [
            _variant_input(
                product.sku,
                product.price,
                product.compare_at_price,
                product.quantity,
                product.stock_status,
                [(DEFAULT_OPTION, DEFAULT_VALUE)],
                location_id,
                (product.weight, product.weight_unit),
            )
        ]
        return data
    names = option_names(product)
    values: dict[str, list[str]] = {name: [] for name in names}
    for variant in product.variants:
        for name, value in variant.options.items():
            if value not in values[name]:
                values[name].append(value)
    data["productOptions"] = [
        {"name": name, "values": [{"name": v} for v in values[name]]} for name in names
    ]
    data["variants"] = [
        _variant_input(
            v.sku,
            v.price if v.price is not None else product.price,
            v.compare_at_price,
            v.quantity,
            v.stock_status,
            [(name, v.options[name]) for name in names if name in v.options],
            location_id,
            # A variant without a weight of its own weighs what its product does.
            (v.weight, v.weight_unit)
            if v.weight is not None
            else (product.weight, product.weight_unit),
        )
        for v in product.variants
    ]
    return data


def _stock_status(node: Mapping[str, Any]) -> tuple[int | None, StockStatus]:
    tracked = bool((node.get("inventoryItem") or {}).get("tracked"))
    quantity = int(node.get("inventoryQuantity") or 0) if tracked else None
    if node.get("inventoryPolicy") == "CONTINUE":
        return quantity, StockStatus.BACKORDER
    if quantity is not None and quantity <= 0:
        return quantity, StockStatus.OUT_OF_STOCK
    return quantity, StockStatus.IN_STOCK


def variant_from(node: Mapping[str, Any]) -> Variant:
    quantity, status = _stock_status(node)
    weight, weight_unit = weight_from(node)
    return Variant(
        id=node["id"],
        sku=node.get("sku") or None,
        price=node.get("price"),
        compare_at_price=node.get("compareAtPrice"),
        quantity=quantity,
        stock_status=status,
        options={o["name"]: o["value"] for o in node.get("selectedOptions") or ()},
        weight=weight,
        weight_unit=weight_unit,
        extra={"inventory_item_id": (node.get("inventoryItem") or {}).get("id")},
    )


def is_default(node: Mapping[str, Any]) -> bool:
    options = node.get("options") or []
    return (
        len(options) == 1
        and options[0].get("values") == [DEFAULT_VALUE]
        and options[0].get("name") == DEFAULT_OPTION
    )


def _images(node: Mapping[str, Any]) -> list[str]:
    """Image URLs from ``media`` (MediaImage nodes; other media have no ``image``)."""
    media = (node.get("media") or {}).get("nodes") or ()
    return [m["image"]["url"] for m in media if (m or {}).get("image")]


def product_from(node: Mapping[str, Any]) -> Product:
    variant_nodes = ((node.get("variants") or {}).get("nodes")) or []
    tags = list(node.get("tags") or ())
    refs = [t[len(REF_TAG) :] for t in tags if t.startswith(REF_TAG)]
    seo = node.get("seo") or {}
    common: dict[str, Any] = {
        "id": node["id"],
        "name": node["title"],
        "description": node.get("descriptionHtml") or None,
        "status": ProductStatus(str(node.get("status") or "ACTIVE").lower()),
        "category_ids": [c["id"] for c in (node.get("collections") or {}).get("nodes") or ()],
        "manufacturer_id": node.get("vendor") or None,
        "images": _images(node),
        "tags": _without_refs(tags),
        "slug": node.get("handle"),
        "meta_title": seo.get("title"),
        "meta_description": seo.get("description"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "extra": {
            "source_ref": _value(node.get("sourceRef")) or (refs[0] if refs else None),
            "variant_inventory_items": {
                v["id"]: (v.get("inventoryItem") or {}).get("id") for v in variant_nodes
            },
        },
    }
    if is_default(node) and len(variant_nodes) == 1:
        only = variant_from(variant_nodes[0])
        return Product(
            **common,
            sku=only.sku,
            price=only.price,
            compare_at_price=only.compare_at_price,
            quantity=only.quantity,
            stock_status=only.stock_status,
            weight=only.weight,
            weight_unit=only.weight_unit,
        )
    variants = tuple(variant_from(v) for v in variant_nodes)
    tracked = [v.quantity for v in variants if v.quantity is not None]
    statuses = {v.stock_status for v in variants}
    status = (
        StockStatus.IN_STOCK
        if StockStatus.IN_STOCK in statuses or not statuses
        else StockStatus.BACKORDER
        if StockStatus.BACKORDER in statuses
        else StockStatus.OUT_OF_STOCK
    )
    return Product(
        **common,
        variants=variants,
        quantity=sum(tracked) if tracked else None,
        stock_status=status,
    )


# -- customers --------------------------------------------------------------
def address_input(address: Address) -> dict[str, Any]:
    data = {
        "firstName": address.first_name,
        "lastName": address.last_name,
        "company": address.company,
        "address1": address.line1,
        "address2": address.line2,
        "city": address.city,
        "provinceCode": address.region,
        "zip": address.postcode,
        "countryCode": address.country,
        "phone": address.phone,
    }
    return {k: v for k, v in data.items() if v is not None}


def address_from(node: Mapping[str, Any] | None) -> Address | None:
    if not node:
        return None
    return Address(
        first_name=node.get("firstName"),
        last_name=node.get("lastName"),
        company=node.get("company"),
        line1=node.get("address1"),
        line2=node.get("address2"),
        city=node.get("city"),
        region=node.get("provinceCode"),
        postcode=node.get("zip"),
        country=node.get("countryCodeV2"),
        phone=node.get("phone"),
    )


def customer_set_input(customer: Customer, source_ref: str | None) -> dict[str, Any]:
    """``CustomerSetInput`` (2026-01): the reference goes in ``identifier``, not here."""
    data = customer_input(customer, source_ref)
    data.pop("metafields", None)
    return data


def customer_input(customer: Customer, source_ref: str | None) -> dict[str, Any]:
    """``CustomerInput`` (2025-01) for creating ``customer``."""
    tags = [f"{GROUP_TAG}{customer.group}"] if customer.group else []
    data: dict[str, Any] = {
        "email": customer.email,
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "addresses": [address_input(a) for a in customer.addresses],
    }
    if customer.phone:
        data["phone"] = customer.phone
    if source_ref:
        tags.append(ref_tag(source_ref))
        data["metafields"] = [ref_metafield(source_ref, TEXT)]
    data["tags"] = tags
    return data


def customer_from(node: Mapping[str, Any]) -> Customer:
    tags = list(node.get("tags") or ())
    groups = [t[len(GROUP_TAG) :] for t in tags if t.startswith(GROUP_TAG)]
    email = (node.get("defaultEmailAddress") or {}).get("emailAddress") or node.get("email")
    phone = (node.get("defaultPhoneNumber") or {}).get("phoneNumber") or node.get("phone")
    address_nodes = (
        (node["addressesV2"].get("nodes") or ())
        if "addressesV2" in node
        else node.get("addresses") or ()
    )
    return Customer(
        id=node["id"],
        email=email or "",
        first_name=node.get("firstName"),
        last_name=node.get("lastName"),
        phone=phone,
        addresses=[a for a in (address_from(n) for n in address_nodes) if a],
        group=groups[0] if groups else None,
        created_at=node.get("createdAt"),
        updated_at=node.get("updatedAt"),
        extra={"source_ref": _value(node.get("sourceRef")), "tags": _without_refs(tags)},
    )
