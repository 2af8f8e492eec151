"""Plain-data views of models: JSON-safe dicts, and stable fingerprints.

A fingerprint is how the engine knows, without asking the target, that an
entity did not change since it was last synced. It is computed for every
entity every migration writes and every smart update reads, so it is on the
hot path: it lets the C JSON encoder walk the model and converts only what
the encoder cannot take itself, instead of building ``plain(value)`` first.
The text it hashes is the same as ``json.dumps(plain(value), sort_keys=True)``,
so fingerprints kept in a state store stay valid.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import operator
from collections.abc import Callable, Mapping
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


def _encoder_for(cls: type) -> Callable[[Any], Any]:
    """How ``_encodable`` treats values of ``cls``: ``plain``'s rules, one level deep.

    The encoder recurses into what this returns. Mappings (``extra``, variant
    options) go through ``plain`` whole, which turns every key into a string
    as ``plain`` does (the encoder would write ``True`` as ``true``).
    """
    names = _field_names(cls)
    if names is not None:
        get = operator.attrgetter(*names) if len(names) > 1 else None
        if get is None:
            return lambda value: {names[0]: getattr(value, names[0])}
        return lambda value: dict(zip(names, get(value), strict=True))
    if issubclass(cls, enum.Enum):
        return operator.attrgetter("value")
    if issubclass(cls, decimal.Decimal):
        return str
    if issubclass(cls, dt.datetime):
        return _utc_text
    if issubclass(cls, Mapping):
        return plain
    return str  # what json.dumps(default=str) does with plain()'s leftovers


def _utc_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encodable(value: Any) -> Any:
    """What the JSON encoder should write for a value it cannot encode itself."""
    cls = type(value)
    try:
        encode = _ENCODERS[cls]
    except KeyError:
        encode = _ENCODERS[cls] = _encoder_for(cls)
    return encode(value)


def fingerprint(value: Any) -> str:
    """A short digest that changes exactly when ``plain(value)`` changes."""
    if _field_names(type(value)) is not None:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=_encodable)
    else:
        text = json.dumps(plain(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
