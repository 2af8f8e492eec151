"""The public names are a contract: this pins them."""

from __future__ import annotations

import cartmigrate

EXPECTED = {
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
}


def test_all_is_pinned() -> None:
    assert set(cartmigrate.__all__) == EXPECTED


def test_every_name_in_all_exists() -> None:
    for name in cartmigrate.__all__:
        assert getattr(cartmigrate, name) is not None


def test_errors_share_one_base() -> None:
    for name in cartmigrate.__all__:
        value = getattr(cartmigrate, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, cartmigrate.CartMigrateError), name


def test_docs_and_examples_never_send_users_to_private_modules() -> None:
    """What users must import lives in a public module; docs name only those."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    private = re.compile(r"\bcartmigrate(?:\.[a-z]\w*)*\._\w+")
    texts = [root / "README.md", *sorted((root / "docs").rglob("*.md"))]
    texts += sorted((root / "examples").glob("*.py"))
    found = [
        f"{path.relative_to(root)}:{n}: {match.group(0)}"
        for path in texts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in private.finditer(line)
    ]
    assert found == []
