"""Plain-data views of models: JSON-safe dicts, and fingerprints.

A fingerprint is how the engine knows, without asking the target, that an
entity did not change since it was last synced. It is computed for every
entity every migration writes and every smart update reads, so it is on the
hot path: it hashes the model's ``repr``, which attrs generates and which
lists every compared field.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["fingerprint", "plain"]

#: Types ``plain`` returns unchanged; checked by exact type, the common case.
_SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})

#: Field names of each attrs class seen, or None for a class that is not one.
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in attrs.fields(cls)) if attrs.has(cls) else None
        _FIELDS[cls] = names
        return names


def plain(value: Any) -> Any:
    """``value`` as JSON-safe data: models become dicts, amounts and times strings."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _field_names(cls)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
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
    """A short digest that changes whenever ``value``'s content changes.

    Built from ``repr``: a model's repr lists its fields (all but ``extra``,
    the platform's leftovers, which no sync compares), and the reprs of what
    they hold (strings, amounts, times, enums, tuples, mappings) differ when
    the values differ. Two equal values spelled differently (``Decimal("1.5")``
    and ``Decimal("1.50")``, one instant in two time zones, a mapping in
    another key order) may get different digests: that costs one comparison
    with the target, never a wrong write.
    """
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()
