"""Catalog entities: categories, manufacturers, products and their variants."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping

import attrs

from ._base import Entity
from ._fields import (
    checked,
    enum_value,
    frozen_mapping,
    model_tuple,
    not_negative,
    optional_aware_datetime,
    optional_int,
    optional_money,
    optional_str,
    optional_text,
    required_text,
    str_tuple,
)
from ._vocab import ProductStatus, StockStatus

__all__ = ["Category", "Manufacturer", "Product", "Variant"]


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
    created_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)

    @property
    def natural_key(self) -> str | None:
        return self.sku or self.slug
