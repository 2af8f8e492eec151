"""Plain-data views of models: JSON-safe dicts, and fingerprints.

A fingerprint is how the engine knows, without asking the target, that an
entity did not change since it was last synced. It is computed for every
entity every migration writes and every smart update reads, so it is on the
hot path: it hashes the ``repr`` of a flat tuple of the model's compared
fields, built by a function written once per model class (see ``_flattener``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
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


#: Per attrs class, a function returning its instances as dicts (``plain``),
#: written once per class: a report lists every update's old and new values.
_DICTERS: dict[type, Callable[[Any], dict[str, Any]]] = {}


def _dicter(cls: type, names: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    found = _DICTERS.get(cls)
    if found is None:
        body = ", ".join(f"{name!r}: plain(o.{name})" for name in names)
        namespace: dict[str, Any] = {"plain": plain}
        exec(f"def as_dict(o):\n    return {{{body}}}", namespace)
        found = _DICTERS[cls] = namespace["as_dict"]
    return found


def plain(value: Any) -> Any:
    """``value`` as JSON-safe data: models become dicts, amounts and times strings."""
    cls = type(value)
    if cls in _SCALARS:
        return value
    names = _field_names(cls)
    if names is not None:
        return _dicter(cls, names)(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)).isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


#: The flattener of each model class seen, or None for a class that is not one.
_FLATTENERS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}


def _flattener(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """A function turning a ``cls`` model into a flat tuple of its compared fields.

    Written once per class, as attrs writes its ``__repr__``, and for the same
    fields (all but ``repr=False`` ones such as ``extra``, the platform's
    leftovers that no sync compares). Nested models are flattened by their
    own flattener and enum members replaced by their values, so the ``repr``
    of the result is taken in C in one call, where the model's own ``repr``
    calls Python for every nested model and enum: a fingerprint of an order
    costs about a sixth less.
    """
    if cls in _FLATTENERS:
        return _FLATTENERS[cls]
    if not attrs.has(cls):
        _FLATTENERS[cls] = None
        return None
    namespace: dict[str, Any] = {"Enum": enum.Enum, "flat_any": _flat_any}
    parts = [repr(cls.__qualname__)]
    for field in attrs.fields(cls):
        if not field.repr:
            continue
        value = f"o.{field.name}"
        if "model" in field.metadata:
            # The declared model's flattener, or, for a subclass (a connector's
            # own Variant, say), the subclass's: its own fields count too.
            model = f"model_{field.name}"
            helper = f"flat_{field.name}"
            namespace[model] = field.metadata["model"]
            namespace[helper] = _flattener_or_repr(field.metadata["model"])

            def one(item: str, helper: str = helper, model: str = model) -> str:
                return f"({helper}({item}) if type({item}) is {model} else flat_any({item}))"

            parts.append(
                f"(None if {value} is None else tuple([{one('x')} for x in {value}])"
                f" if isinstance({value}, tuple) else {one(value)})"
            )
        elif "enum" in field.metadata:
            parts.append(f"({value}.value if isinstance({value}, Enum) else {value})")
        else:
            parts.append(value)
    source = f"def flat(o):\n    return ({', '.join(parts)},)"
    exec(source, namespace)
    flat = namespace["flat"]
    _FLATTENERS[cls] = flat
    return flat  # type: ignore[no-any-return]


def _flattener_or_repr(cls: type) -> Callable[[Any], Any]:
    return _flattener(cls) or repr


def _flat_any(value: Any) -> Any:
    return (_flattener(type(value)) or repr)(value)


def fingerprint(value: Any) -> str:
    """A short digest that changes whenever ``value``'s content changes.

    Built from ``repr``: of a model, the repr of a flat tuple of its fields
    (all but ``extra``, the platform's leftovers, which no sync compares; see
    ``_flattener``), and the reprs of what they hold (strings, amounts,
    times, enum values, tuples, mappings) differ when the values differ.
    Two equal values spelled differently (``Decimal("1.5")`` and
    ``Decimal("1.50")``, one instant in two time zones, a mapping in another
    key order) may get different digests: that costs one comparison
    with the target, never a wrong write.
    """
    flat = _FLATTENERS.get(type(value)) or _flattener(type(value))
    text = repr(value if flat is None else flat(value))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
