"""Catalog entities: categories, manufacturers, products and their variants."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._exceptions import InvalidEntity
from ._base import Entity
from ._fields import (
    checked,
    enum_value,
    flag,
    frozen_mapping,
    model_tuple,
    not_negative,
    optional_aware_datetime,
    optional_int,
    optional_model,
    optional_money,
    optional_str,
    optional_text,
    optional_url,
    required_text,
    required_url,
    str_tuple,
)
from ._vocab import LengthUnit, ProductStatus, ProductType, StockStatus, WeightUnit

__all__ = [
    "Category",
    "Dimensions",
    "Download",
    "Manufacturer",
    "Product",
    "Variant",
]

#: Millimetres per unit, to convert dimensions between stores set up differently.
_MM_PER: dict[LengthUnit, decimal.Decimal] = {
    LengthUnit.MM: decimal.Decimal(1),
    LengthUnit.CM: decimal.Decimal(10),
    LengthUnit.M: decimal.Decimal(1000),
    LengthUnit.IN: decimal.Decimal("25.4"),
    LengthUnit.YD: decimal.Decimal("914.4"),
}
_FOUR_PLACES = decimal.Decimal("0.0001")
#: Grams per unit (the pound is 0.45359237 kg by definition, the ounce 1/16 of it).
_G_PER: dict[WeightUnit, decimal.Decimal] = {
    WeightUnit.G: decimal.Decimal(1),
    WeightUnit.KG: decimal.Decimal(1000),
    WeightUnit.LBS: decimal.Decimal("453.59237"),
    WeightUnit.OZ: decimal.Decimal("28.349523125"),
}


def _four_places(value: decimal.Decimal) -> decimal.Decimal:
    converted = value.quantize(_FOUR_PLACES).normalize()
    return converted.quantize(decimal.Decimal(1)) if converted == 0 else converted


def _weight_in(
    weight: decimal.Decimal | None,
    unit: WeightUnit | str | None,
    target: WeightUnit | str,
) -> decimal.Decimal | None:
    """``weight`` (in ``unit``) in ``target``, in Decimal arithmetic rounded to four
    places (trailing zeros dropped); a weight without a unit is taken as
    already in ``target`` (the store's own, as before units were carried)."""
    if weight is None or unit is None or WeightUnit(unit) == WeightUnit(target):
        return weight
    return _four_places(weight * _G_PER[WeightUnit(unit)] / _G_PER[WeightUnit(target)])


@checked
@attrs.define(frozen=True, kw_only=True)
class Dimensions:
    """A product's (or variant's) package size, in one ``unit``.

    The unit travels with the numbers because stores are set up in
    different ones (a WooCommerce store in inches, a Magento one in cm):
    a target converts with ``in_unit`` rather than take "10" for what it
    means at home.
    """

    length: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    width: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    height: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    unit: LengthUnit = attrs.field(converter=enum_value, metadata={"enum": LengthUnit})

    def in_unit(self, unit: LengthUnit | str) -> Dimensions:
        """The same size in ``unit`` (rounded to four places, trailing zeros dropped)."""
        target = LengthUnit(unit)
        if target == self.unit:
            return self
        ratio = _MM_PER[LengthUnit(self.unit)] / _MM_PER[target]

        def one(value: decimal.Decimal | None) -> decimal.Decimal | None:
            return None if value is None else _four_places(value * ratio)

        return Dimensions(
            length=one(self.length), width=one(self.width), height=one(self.height), unit=target
        )


@checked
@attrs.define(frozen=True, kw_only=True)
class Download:
    """A file a downloadable product gives its buyers.

    Only the link travels: the file stays where ``url`` points, and the
    target store serves it from there (it is not copied).
    """

    url: str = attrs.field(converter=required_url)
    name: str | None = attrs.field(default=None, converter=optional_text)


def _product_type(value: Any, instance: Any, field: attrs.Attribute[Any]) -> ProductType:
    """Simple or variable follows from the variants (set before this field);
    grouped and external are said."""
    try:
        kind = ProductType.SIMPLE if value is None else ProductType(value)
    except (ValueError, TypeError):
        allowed = ", ".join(member.value for member in ProductType)
        raise InvalidEntity(
            type(instance).__name__, field.name, f"{value!r} is not one of: {allowed}"
        ) from None
    if kind in (ProductType.SIMPLE, ProductType.VARIABLE):
        return ProductType.VARIABLE if instance.variants else ProductType.SIMPLE
    return kind


if TYPE_CHECKING:

    def product_type(value: Any) -> ProductType: ...

else:
    product_type = attrs.Converter(_product_type, takes_self=True, takes_field=True)


@checked
@attrs.define(frozen=True, kw_only=True)
class Category(Entity):
    """A node of the category tree; ``parent_id`` points to another Category."""

    name: str = attrs.field(converter=required_text)
    parent_id: str | None = attrs.field(default=None, converter=optional_str)
    slug: str | None = attrs.field(default=None, converter=optional_text)
    description: str | None = attrs.field(default=None, converter=optional_text)

    @property
    def natural_key(self) -> str | None:
        return self.slug


@checked
@attrs.define(frozen=True, kw_only=True)
class Manufacturer(Entity):
    """A brand or vendor."""

    name: str = attrs.field(converter=required_text)

    @property
    def natural_key(self) -> str | None:
        return self.name.strip().casefold()


@checked
@attrs.define(frozen=True, kw_only=True)
class Variant(Entity):
    """One buyable combination of a product's options (size M, colour red)."""

    sku: str | None = attrs.field(default=None, converter=optional_str)
    price: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    compare_at_price: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    #: None means the platform does not track stock for it.
    quantity: int | None = attrs.field(default=None, converter=optional_int)
    stock_status: StockStatus = attrs.field(
        default=StockStatus.IN_STOCK, converter=enum_value, metadata={"enum": StockStatus}
    )
    options: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    weight: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    #: As on ``Product``: None means the store's own unit, not known.
    weight_unit: WeightUnit | None = attrs.field(
        default=None, converter=enum_value, metadata={"enum": WeightUnit, "optional": True}
    )
    dimensions: Dimensions | None = attrs.field(
        default=None, converter=optional_model, metadata={"model": Dimensions}
    )
    #: Attributes this variant takes any value of ("any size"): the buyer
    #: picks one of the product's values, the variant does not fix it.
    any_options: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple)
    #: Like a product's: a variation of its own may be a service or a file
    #: (WooCommerce's "PDF" variation of a book whose "Print" one ships).
    virtual: bool = attrs.field(default=False, converter=flag)
    downloadable: bool = attrs.field(default=False, converter=flag)
    downloads: tuple[Download, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": Download}
    )

    def __attrs_post_init__(self) -> None:
        for name in self.any_options:
            if name in self.options:
                raise InvalidEntity("Variant", "any_options", f"{name!r} is also fixed in options")
            if not name.strip():
                raise InvalidEntity("Variant", "any_options", "an attribute name is empty")

    def weight_in(self, unit: WeightUnit | str) -> decimal.Decimal | None:
        """The weight in ``unit``: four places; a weight without a unit is taken as in ``unit``."""
        return _weight_in(self.weight, self.weight_unit, unit)

    @property
    def natural_key(self) -> str | None:
        return self.sku


@checked
@attrs.define(frozen=True, kw_only=True)
class Product(Entity):
    """A product; a product with options carries its variants inside it."""

    name: str = attrs.field(converter=required_text)
    sku: str | None = attrs.field(default=None, converter=optional_str)
    description: str | None = attrs.field(default=None, converter=optional_text)
    price: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    compare_at_price: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    quantity: int | None = attrs.field(default=None, converter=optional_int)
    stock_status: StockStatus = attrs.field(
        default=StockStatus.IN_STOCK, converter=enum_value, metadata={"enum": StockStatus}
    )
    status: ProductStatus = attrs.field(
        default=ProductStatus.ACTIVE, converter=enum_value, metadata={"enum": ProductStatus}
    )
    category_ids: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple)
    manufacturer_id: str | None = attrs.field(default=None, converter=optional_str)
    #: Image URLs, the main image first.
    images: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple)
    variants: tuple[Variant, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": Variant}
    )
    tags: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple)
    slug: str | None = attrs.field(default=None, converter=optional_text)
    meta_title: str | None = attrs.field(default=None, converter=optional_text)
    meta_description: str | None = attrs.field(default=None, converter=optional_text)
    weight: decimal.Decimal | None = attrs.field(
        default=None, converter=optional_money, validator=not_negative
    )
    #: The unit ``weight`` is in. A field beside the number rather than a
    #: value object like ``Dimensions``: ``weight`` stays the plain Decimal
    #: every connector and user already reads and writes, and None (what a
    #: connector that cannot tell its store's unit gives) means "the store's
    #: own unit", taken as the target's own, as before units were carried.
    #: A connector that knows its unit says it, and a target in another unit
    #: converts (``weight_in(unit)``): 1 lbs from a US store is 0.4536 kg, not 1 kg.
    weight_unit: WeightUnit | None = attrs.field(
        default=None, converter=enum_value, metadata={"enum": WeightUnit, "optional": True}
    )
    created_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    #: Simple or variable as the variants say; grouped or external as set.
    product_type: ProductType = attrs.field(
        default=None, converter=product_type, metadata={"enum": ProductType}
    )
    #: A grouped product's children: ids of other products, translated like
    #: any reference (a child not migrated yet is linked once it is).
    grouped_product_ids: tuple[str, ...] = attrs.field(factory=tuple, converter=str_tuple)
    #: Where an external product is sold, and the button that leads there.
    external_url: str | None = attrs.field(default=None, converter=optional_url)
    button_text: str | None = attrs.field(default=None, converter=optional_text)
    #: Not shipped (a service, a file).
    virtual: bool = attrs.field(default=False, converter=flag)
    downloadable: bool = attrs.field(default=False, converter=flag)
    #: The files a downloadable product gives its buyers (linked, not copied).
    downloads: tuple[Download, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": Download}
    )
    dimensions: Dimensions | None = attrs.field(
        default=None, converter=optional_model, metadata={"model": Dimensions}
    )

    def __attrs_post_init__(self) -> None:
        kind = self.product_type
        if self.variants and kind not in (ProductType.SIMPLE, ProductType.VARIABLE):
            raise InvalidEntity("Product", "variants", f"a {kind.value} product has no variants")
        if self.grouped_product_ids and kind != ProductType.GROUPED:
            raise InvalidEntity(
                "Product", "grouped_product_ids", "only a grouped product has children"
            )
        for name in ("external_url", "button_text"):
            if getattr(self, name) is not None and kind != ProductType.EXTERNAL:
                raise InvalidEntity("Product", name, "only an external product has one")

    def weight_in(self, unit: WeightUnit | str) -> decimal.Decimal | None:
        """The weight in ``unit``: four places; a weight without a unit is taken as in ``unit``."""
        return _weight_in(self.weight, self.weight_unit, unit)

    @property
    def natural_key(self) -> str | None:
        return self.sku or self.slug
