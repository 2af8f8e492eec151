"""Platform-neutral entity models.

Frozen attrs classes with keyword-only fields. Values are converted and
checked at construction, so a bad record fails with an ``InvalidEntity``
naming the model and the field. Money is ``Decimal``, times are aware,
ids are strings. ``extra`` keeps whatever a platform sent that the models
do not cover. Change a model with ``attrs.evolve``.
"""

from __future__ import annotations

from ._base import Entity
from ._catalog import Category, Dimensions, Download, Manufacturer, Product, Variant
from ._customers import Address, Customer
from ._orders import Order, OrderLine, Shipment, ShipmentLine, StatusChange
from ._references import Reference, references_of, rewrite_references
from ._reviews import Review
from ._serialize import fingerprint, plain
from ._vocab import (
    LengthUnit,
    OrderStatus,
    ProductStatus,
    ProductType,
    ReviewStatus,
    StockStatus,
    WeightUnit,
)

__all__ = [
    "ENTITY_TYPES",
    "Address",
    "Category",
    "Customer",
    "Dimensions",
    "Download",
    "Entity",
    "LengthUnit",
    "Manufacturer",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Product",
    "Reference",
    "ProductStatus",
    "ProductType",
    "Review",
    "ReviewStatus",
    "Shipment",
    "ShipmentLine",
    "StatusChange",
    "StockStatus",
    "Variant",
    "WeightUnit",
    "fingerprint",
    "plain",
    "references_of",
    "rewrite_references",
]

#: The top-level entity types, in the order they must be migrated: every type
#: comes after the types it refers to.
ENTITY_TYPES: tuple[type[Entity], ...] = (
    Category,
    Manufacturer,
    Product,
    Customer,
    Order,
    Review,
)
