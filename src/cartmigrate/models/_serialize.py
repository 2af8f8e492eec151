"""Plain-data views of models: JSON-safe dicts, and stable fingerprints.

A fingerprint is how the engine knows, without asking the target, that an
entity did not change since it was last synced.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["fingerprint", "plain"]


def plain(value: Any) -> Any:
    """``value`` as JSON-safe data: models become dicts, amounts and times strings."""
    if attrs.has(type(value)):
        return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def fingerprint(value: Any) -> str:
    """A short digest that changes exactly when ``plain(value)`` changes."""
    text = json.dumps(plain(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
