"""The small vocabularies every platform's data is translated into.

They are ``str`` enums, so plain strings work wherever a member is expected
and values serialise as themselves.
"""

from __future__ import annotations

import enum

__all__ = [
    "LengthUnit",
    "OrderStatus",
    "ProductStatus",
    "ProductType",
    "ReviewStatus",
    "StockStatus",
    "WeightUnit",
]


class StockStatus(enum.StrEnum):
    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    BACKORDER = "backorder"


class ProductStatus(enum.StrEnum):
    ACTIVE = "active"
    DRAFT = "draft"
    ARCHIVED = "archived"


class ProductType(enum.StrEnum):
    """What a product is sold as.

    ``SIMPLE`` and ``VARIABLE`` follow from the variants (a product with
    variants is variable), so only ``GROUPED`` (a set of other products,
    bought one by one) and ``EXTERNAL`` (sold elsewhere, behind a link) need
    saying.
    """

    SIMPLE = "simple"
    VARIABLE = "variable"
    GROUPED = "grouped"
    EXTERNAL = "external"


class LengthUnit(enum.StrEnum):
    """The unit of a product's dimensions (the ones WooCommerce and Magento offer)."""

    MM = "mm"
    CM = "cm"
    M = "m"
    IN = "in"
    YD = "yd"


class WeightUnit(enum.StrEnum):
    """The unit of a product's weight (the ones WooCommerce offers; Shopify's
    ``KILOGRAMS``/``GRAMS``/``POUNDS``/``OUNCES`` are the same four)."""

    KG = "kg"
    G = "g"
    LBS = "lbs"
    OZ = "oz"


class OrderStatus(enum.StrEnum):
    """Where an order is in its life.

    A platform status that fits none of these (a custom ``wc-awaiting-pickup``,
    say) is kept as a raw string on the order, for the status map to translate.
    """

    PENDING = "pending"
    PROCESSING = "processing"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    FAILED = "failed"


class ReviewStatus(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
