"""Product fields a target has nowhere to keep: which hold a value, and the
entity as the target will read it back without them.

A connector declares a table ``{field: why}`` (``"variants.dimensions"``
names a field of each variant); ``held`` keeps the fields that hold a value
on a given product, for ``Cart.unstored_fields`` (the engine warns about each,
naming the entity and field), and ``without`` clears them, for
``Cart.as_stored``: comparing a source with what the target holds then sees
no difference the target could never remove, so ``verify=True`` converges
and a lost create is still recognised by its content.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs

from ..models import Customer, Entity, Product, ProductType, Variant, WeightUnit

__all__ = [
    "MAGENTO",
    "PRESTASHOP",
    "SHOPIFY",
    "held",
    "phone_on_addresses",
    "phone_stored",
    "without",
]

E = TypeVar("E", bound=Entity)

_EMPTY: tuple[Any, ...] = (None, "", (), False)


def _holds(value: Any) -> bool:
    if isinstance(value, Mapping):
        return bool(value)
    return not any(value is empty or value == empty for empty in _EMPTY)


def held(entity: Entity, table: Mapping[str, str]) -> dict[str, str]:
    """The fields of ``table`` that hold a value on ``entity`` (a product), with why."""
    if not isinstance(entity, Product):
        return {}
    found: dict[str, str] = {}
    for field, reason in table.items():
        head, _, inner = field.partition(".")
        if inner:
            if any(_holds(getattr(v, inner)) for v in entity.variants):
                found[field] = reason
        elif head in _KINDS:
            if entity.product_type in _KINDS[head]:
                found["product_type"] = reason  # (the field, whichever kinds the key names)
        elif _holds(getattr(entity, head)):
            found[field] = reason
    return found


def _stored_phone(customer: Customer) -> str | None:
    # Written onto the first address when it has none of its own, and read
    # back from the first address.
    if not customer.addresses:
        return None
    return customer.addresses[0].phone or customer.phone


def phone_on_addresses(entity: Entity, platform: str) -> dict[str, str]:
    """A customer's phone, with why, where a platform that keeps phones on
    addresses only (Magento, PrestaShop) will not keep it: the customer has
    no address, or the first one has a phone of its own."""
    if not isinstance(entity, Customer) or not entity.phone:
        return {}
    if _stored_phone(entity) == entity.phone:
        return {}
    if not entity.addresses:
        why = "and this customer has none"
    else:
        why = "and this customer's first address, which would hold it, has another"
    return {"phone": f"{platform} keeps phones on addresses only, {why}"}


def phone_stored(entity: E) -> E:
    """``entity`` (a customer) with the phone it reads back with (see above)."""
    if not isinstance(entity, Customer) or not entity.phone:
        return entity
    phone = _stored_phone(entity)
    return entity if phone == entity.phone else cast(E, attrs.evolve(entity, phone=phone))


#: The keys that name a kind of product a target cannot keep, and those kinds:
#: ``product_type`` grouped and external ones, ``product_type:external`` only
#: external ones (a target that keeps grouped products).
_KINDS = {
    "product_type": (ProductType.GROUPED, ProductType.EXTERNAL),
    "product_type:external": (ProductType.EXTERNAL,),
}


def _default(default: Any) -> Any:
    factory = getattr(default, "factory", None)  # an ``attrs.Factory``
    return factory() if callable(factory) else default


def without(entity: E, fields: Mapping[str, str]) -> E:
    """``entity`` with ``fields`` (as ``held`` names them) back to their defaults."""
    if not fields or not isinstance(entity, Product):
        return entity
    defaults = {a.name: a.default for a in attrs.fields(Product)}
    variant_defaults = {a.name: a.default for a in attrs.fields(Variant)}
    changes: dict[str, Any] = {}
    per_variant: dict[str, Any] = {}
    for field in fields:
        head, _, inner = field.partition(".")
        if inner:
            per_variant[inner] = _default(variant_defaults[inner])
        elif head in _KINDS:
            # Grouped or external: what is left is a simple product.
            changes.update(
                product_type=None, grouped_product_ids=(), external_url=None, button_text=None
            )
        else:
            changes[head] = _default(defaults[head])
    if per_variant:
        changes["variants"] = [attrs.evolve(v, **per_variant) for v in entity.variants]
    linked = {"grouped_product_ids", "external_url", "button_text"} & changes.keys()
    if linked and "product_type" not in changes:
        # Children or a link without the kind that has them make no product.
        changes.update(
            product_type=None, grouped_product_ids=(), external_url=None, button_text=None
        )
    return attrs.evolve(entity, **changes)


_NO_KIND = "it has no grouped or external products; the product is created as a simple one"
_NO_DIMENSIONS = "cartmigrate writes no dimensions there"
_NO_FILES = "cartmigrate does not create downloadable products there (files are not linked)"

#: What Shopify cannot keep (through what this connector writes).
SHOPIFY: Mapping[str, str] = {
    "product_type": f"Shopify: {_NO_KIND}",
    "grouped_product_ids": "Shopify has no grouped products",
    "external_url": "Shopify has no external products",
    "button_text": "Shopify has no external products",
    "virtual": "cartmigrate does not set Shopify's per-variant 'requires shipping'",
    "downloadable": "Shopify sells files only through a digital-downloads app",
    "downloads": "Shopify sells files only through a digital-downloads app",
    "dimensions": "Shopify keeps no dimensions",
    "variants.dimensions": "Shopify keeps no dimensions",
    "variants.any_options": "a Shopify variant fixes a value of every option",
    "variants.virtual": "cartmigrate does not set Shopify's per-variant 'requires shipping'",
    "variants.downloadable": "Shopify sells files only through a digital-downloads app",
    "variants.downloads": "Shopify sells files only through a digital-downloads app",
}

#: What PrestaShop cannot keep (through what this connector writes).
PRESTASHOP: Mapping[str, str] = {
    "product_type": f"PrestaShop: {_NO_KIND} (packs are another thing)",
    "grouped_product_ids": "PrestaShop has no grouped products (packs are another thing)",
    "external_url": "PrestaShop has no external products",
    "button_text": "PrestaShop has no external products",
    "virtual": "cartmigrate writes standard products, not PrestaShop's virtual ones",
    "downloadable": _NO_FILES,
    "downloads": _NO_FILES,
    "dimensions": _NO_DIMENSIONS,
    "variants.weight": "cartmigrate writes no combination weight impact",
    "variants.weight_unit": "cartmigrate writes no combination weight impact",
    "variants.dimensions": _NO_DIMENSIONS,
    "variants.any_options": "a PrestaShop combination fixes a value of every attribute",
    "variants.virtual": "a PrestaShop combination is as virtual as its product",
    "variants.downloadable": _NO_FILES,
    "variants.downloads": _NO_FILES,
}

#: What Magento cannot keep (through what this connector writes).
MAGENTO: Mapping[str, str] = {
    "product_type:external": "Magento has no external products; the product is created as"
    " a simple one",
    "external_url": "Magento has no external products",
    "button_text": "Magento has no external products",
    "virtual": "cartmigrate writes simple products, not Magento's virtual type",
    "downloadable": _NO_FILES,
    "downloads": _NO_FILES,
    "dimensions": "Magento has no dimension attributes by default",
    "images": "Magento takes a product image only as an uploaded file, not by URL",
    "tags": "Magento has no product tags",
    "variants.weight": "cartmigrate writes no weight on a configurable product's children",
    "variants.weight_unit": "cartmigrate writes no weight on a configurable product's children",
    "variants.dimensions": "Magento has no dimension attributes by default",
    "variants.any_options": "a configurable product's child fixes a value of every option",
    "variants.virtual": "cartmigrate writes a configurable product's children as simple ones",
    "variants.downloadable": _NO_FILES,
    "variants.downloads": _NO_FILES,
}


def in_unit(entity: E, unit: Callable[[], WeightUnit | None]) -> E:
    """A product as a store that converts weights to its own ``unit`` reads it
    back: its weight in that unit (``unit`` is asked only for a weighed
    product, so a store never asked for it costs no request)."""
    if not isinstance(entity, Product) or entity.weight is None:
        return entity
    found = unit()
    if found is None:
        return entity
    return cast(E, attrs.evolve(entity, weight=entity.weight_in(found), weight_unit=found))


def unconverted(entity: Entity, unit: Callable[[], WeightUnit | None]) -> bool:
    """Whether a product's weight, given in a unit, is written as it is: the
    store's own ``unit`` is none the models know, so nothing converts it."""
    return (
        isinstance(entity, Product)
        and entity.weight is not None
        and entity.weight_unit is not None
        and unit() is None
    )
