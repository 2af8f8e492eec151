"""Product reviews."""

from __future__ import annotations

import datetime as dt

import attrs

from ._base import Entity
from ._fields import (
    checked,
    enum_value,
    in_range,
    optional_aware_datetime,
    optional_str,
    optional_text,
    whole_number,
)
from ._vocab import ReviewStatus

__all__ = ["Review"]


@checked
@attrs.define(frozen=True, kw_only=True)
class Review(Entity):
    """A review of a product, 1 to 5 stars. It has no natural key: the engine
    finds a review again through its source reference."""

    product_id: str | None = attrs.field(default=None, converter=optional_str)
    customer_id: str | None = attrs.field(default=None, converter=optional_str)
    rating: int = attrs.field(converter=whole_number, validator=in_range(1, 5))
    title: str | None = attrs.field(default=None, converter=optional_text)
    body: str | None = attrs.field(default=None, converter=optional_text)
    author: str | None = attrs.field(default=None, converter=optional_text)
    email: str | None = attrs.field(default=None, converter=optional_text)
    status: ReviewStatus = attrs.field(
        default=ReviewStatus.APPROVED, converter=enum_value, metadata={"enum": ReviewStatus}
    )
    created_at: dt.datetime | None = attrs.field(default=None, converter=optional_aware_datetime)
