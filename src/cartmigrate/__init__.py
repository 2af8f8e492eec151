"""cartmigrate: move an online store to another platform while it keeps selling.

from cartmigrate import SyncEngine, MemoryCart, SQLiteStateStore

engine = SyncEngine(source, target, state=SQLiteStateStore("shop.db"))
engine.full_migrate()      # everything, once, in dependency order
engine.smart_update()      # then only what changed, as often as you like
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._exceptions import (
    AuthenticationError,
    CartMigrateError,
    ConfigurationError,
    ConfirmationRequired,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
    MappingError,
    MigrationLocked,
    StateError,
    StateMismatch,
    StoreUnreachable,
    TransientError,
    UnsupportedEntity,
    WriteOutcomeUnknown,
)
from .connectors import Capabilities, Cart, Created, MemoryCart, WriteNote
from .engine import (
    DEFAULT_FIELDS,
    Change,
    CheckReport,
    EntitySelector,
    Failure,
    FieldChange,
    FieldSelection,
    Notice,
    Outcome,
    Progress,
    Report,
    SyncEngine,
)
from .mapping import MappingRules
from .models import (
    Address,
    Category,
    Customer,
    Dimensions,
    Download,
    Entity,
    LengthUnit,
    Manufacturer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductStatus,
    ProductType,
    Review,
    ReviewStatus,
    Shipment,
    ShipmentLine,
    StatusChange,
    StockStatus,
    Variant,
    WeightUnit,
)
from .state import MemoryStateStore, SQLiteStateStore, StateStore

if TYPE_CHECKING:
    from .state import SQLStateStore

__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_FIELDS",
    "Address",
    "AuthenticationError",
    "Capabilities",
    "Cart",
    "CartMigrateError",
    "Category",
    "Change",
    "CheckReport",
    "ConfigurationError",
    "ConfirmationRequired",
    "ConnectorError",
    "Created",
    "Customer",
    "Dimensions",
    "Download",
    "DuplicateEntity",
    "Entity",
    "EntityNotFound",
    "EntitySelector",
    "EntityRejected",
    "Failure",
    "FieldChange",
    "FieldSelection",
    "InvalidEntity",
    "LengthUnit",
    "Manufacturer",
    "MappingError",
    "MappingRules",
    "MemoryCart",
    "MemoryStateStore",
    "MigrationLocked",
    "Notice",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Outcome",
    "Product",
    "ProductStatus",
    "ProductType",
    "Progress",
    "Report",
    "Review",
    "ReviewStatus",
    "SQLStateStore",
    "SQLiteStateStore",
    "Shipment",
    "ShipmentLine",
    "StateError",
    "StateMismatch",
    "StoreUnreachable",
    "StateStore",
    "StatusChange",
    "StockStatus",
    "SyncEngine",
    "TransientError",
    "UnsupportedEntity",
    "Variant",
    "WeightUnit",
    "WriteNote",
    "WriteOutcomeUnknown",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # SQLStateStore needs SQLAlchemy (the ``postgres`` extra): imported when asked for.
    if name == "SQLStateStore":
        from .state import SQLStateStore

        return SQLStateStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
