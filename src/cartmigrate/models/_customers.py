"""Customers and the addresses they (and orders) carry."""

from __future__ import annotations

import datetime as dt

import attrs

from .._exceptions import InvalidEntity
from ._base import Entity
from ._fields import (
    checked,
    country_code,
    model_tuple,
    optional_aware_datetime,
    optional_str,
    optional_text,
    required_text,
)

__all__ = ["Address", "Customer"]


@checked
@attrs.define(frozen=True, kw_only=True)
class Address:
    """A postal address; ``country`` is ISO 3166-1 alpha-2 (``"DE"``)."""

    first_name: str | None = attrs.field(default=None, converter=optional_text)
    last_name: str | None = attrs.field(default=None, converter=optional_text)
    company: str | None = attrs.field(default=None, converter=optional_text)
    line1: str | None = attrs.field(default=None, converter=optional_text)
    line2: str | None = attrs.field(default=None, converter=optional_text)
    city: str | None = attrs.field(default=None, converter=optional_text)
    region: str | None = attrs.field(default=None, converter=optional_text)
    postcode: str | None = attrs.field(default=None, converter=optional_str)
    country: str | None = attrs.field(default=None, converter=country_code)
    phone: str | None = attrs.field(default=None, converter=optional_str)


def _email(instance: object, field: attrs.Attribute[str], value: str) -> None:
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or " " in value:
        raise InvalidEntity(type(instance).__name__, field.name, f"not an e-mail: {value!r}")


@checked
@attrs.define(frozen=True, kw_only=True)
class Customer(Entity):
    """A customer account. Passwords never travel: platforms cannot import them."""

    email: str = attrs.field(converter=required_text, validator=_email)
    first_name: str | None = attrs.field(default=None, converter=optional_text)
    last_name: str | None = attrs.field(default=None, converter=optional_text)
    phone: str | None = attrs.field(default=None, converter=optional_str)
    addresses: tuple[Address, ...] = attrs.field(
        factory=tuple, converter=model_tuple, metadata={"model": Address}
    )
    group: str | None = attrs.field(default=None, converter=optional_text)
    created_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
    updated_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)

    @property
    def natural_key(self) -> str | None:
        return self.email.strip().casefold()
