"""Orders with their lines, status history and shipments."""

from __future__ import annotations

import datetime as dt
import decimal

import attrs

from ._base import Entity
from ._customers import Address
from ._fields import (
    aware_datetime,
    checked,
    currency_code,
    enum_or_raw,
    model_tuple,
    money,
    not_negative,
    optional_aware_datetime,
    optional_model,
    optional_money,
    optional_str,
    optional_text,
    required_str,
    required_text,
    whole_number,
)
from ._vocab import OrderStatus

__all__ = ["Order", "OrderLine", "Shipment", "ShipmentLine", "StatusChange"]


@checked
@attrs.define(frozen=True, kw_only=True)
class OrderLine:
    """One line of an order; ``price`` is the unit price."""

    product_id: str | None = attrs.field(default=None, converter=optional_str)
    variant_id: str | None = attrs.field(default=None, converter=optional_str)
    sku: str | None = attrs.field(default=None, converter=optional_str)
    name: str = attrs.field(converter=required_text)
    quantity: int = attrs.field(converter=whole_number, validator=not_negative)
    price: decimal.Decimal = attrs.field(converter=money)


@checked
@attrs.define(frozen=True, kw_only=True)
class StatusChange:
    """One entry of an order's status history."""

    status: OrderStatus | str = attrs.field(converter=enum_or_raw, metadata={"enum": OrderStatus})
    at: dt.datetime = attrs.field(converter=aware_datetime)
    comment: str | None = attrs.field(default=None, converter=optional_text)


@checked
@attrs.define(frozen=True, kw_only=True)
class ShipmentLine:
    """What a shipment carried, by SKU."""

    sku: str | None = attrs.field(default=None, converter=optional_str)
    quantity: int = attrs.field(default=1, converter=whole_number, validator=not_negative)


@checked
@attrs.define(frozen=True, kw_only=True)
class Shipment:
    """A parcel sent for an order, with its tracking number."""

    carrier: str | None = attrs.field(default=None, converter=optional_text)
    tracking_number: str | None = attrs.field(default=None, converter=optional_str)
    tracking_url: str | None = attrs.field(default=None, converter=optional_text)
    shipped_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    lines: tuple[ShipmentLine, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": ShipmentLine}
    )


@checked
@attrs.define(frozen=True, kw_only=True)
class Order(Entity):
    """A placed order. ``number`` is what the customer saw (``#1042``)."""

    number: str = attrs.field(converter=required_str)
    customer_id: str | None = attrs.field(default=None, converter=optional_str)
    email: str | None = attrs.field(default=None, converter=optional_text)
    status: OrderStatus | str = attrs.field(
        default=OrderStatus.PENDING, converter=enum_or_raw, metadata={"enum": OrderStatus}
    )
    lines: tuple[OrderLine, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": OrderLine}
    )
    currency: str | None = attrs.field(default=None, converter=currency_code)
    subtotal: decimal.Decimal | None = attrs.field(default=None, converter=optional_money)
    shipping_total: decimal.Decimal | None = attrs.field(default=None, converter=optional_money)
    tax_total: decimal.Decimal | None = attrs.field(default=None, converter=optional_money)
    discount_total: decimal.Decimal | None = attrs.field(default=None, converter=optional_money)
    total: decimal.Decimal | None = attrs.field(default=None, converter=optional_money)
    billing_address: Address | None = attrs.field(
        default=None, converter=optional_model, metadata={"model": Address}
    )
    shipping_address: Address | None = attrs.field(
        default=None, converter=optional_model, metadata={"model": Address}
    )
    status_history: tuple[StatusChange, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": StatusChange}
    )
    shipments: tuple[Shipment, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": Shipment}
    )
    note: str | None = attrs.field(default=None, converter=optional_text)
    created_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)

    @property
    def natural_key(self) -> str | None:
        return self.number
