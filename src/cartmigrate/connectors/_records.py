"""Raw platform records that say which field a failing converter was reading.

A converter failing on a value (``Decimal("1,5")``, ``int("x")``, a date
2024-13-45) raises an error that does not say which field held it. Handed a
``ReadRecord`` instead of the raw mapping, the converter reads as before, and
the record remembers the path of the value read last (``line_items[2].price``)
and of a key found missing: what ``Cart.model_from`` names as the field.

Nested mappings and lists of mappings are handed out wrapped too; records a
connector fetched separately (a product's variations) join with ``tracked``.
What a converter keeps as is (``extra``) is unwrapped again by ``unwrapped``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from ..models import Entity, Product
from ..models._base import _copy_with

E = TypeVar("E", bound=Entity)

__all__ = [
    "ReadRecord",
    "Tracker",
    "positive_int_id",
    "raw_id",
    "tracked",
    "unwrapped",
    "unwrapped_entity",
]


class Tracker:
    """What was read last (a record and a key), and the last key found missing."""

    __slots__ = ("key", "missing", "record")

    def __init__(self) -> None:
        self.record: ReadRecord | None = None
        self.key = ""
        self.missing: tuple[ReadRecord, str] | None = None

    @staticmethod
    def _spelled(record: ReadRecord, key: str) -> str:
        prefix = record.path
        return f"{prefix}.{key}" if prefix else key

    @property
    def last(self) -> str | None:
        """The path of the value read last (``line_items[2].price``), if any."""
        return None if self.record is None else self._spelled(self.record, self.key)

    @property
    def missing_path(self) -> str | None:
        """The path of the last key found missing, if any."""
        return None if self.missing is None else self._spelled(*self.missing)


_current: contextvars.ContextVar[Tracker | None] = contextvars.ContextVar(
    "cartmigrate_record_tracker", default=None
)


def raw_id(raw: Any, key: str = "id") -> str:
    """A raw record's id as text, for reports: ``"?"`` when it has none."""
    value = raw.get(key) if isinstance(raw, Mapping) else None
    if value is None or isinstance(value, bool):
        return "?"
    return str(value)[:100]


def positive_int_id(value: Any) -> bool:
    """An id as most REST platforms hand them out: a whole number from 1 to 2**63-1."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _wrap(value: Any, parent: ReadRecord, key: str, index: int | None = None) -> Any:
    kind = type(value)
    if kind in _PLAIN:  # most values: answered without an ABC check
        return value
    if kind is dict or (kind is not ReadRecord and isinstance(value, Mapping)):
        return ReadRecord(value, parent.tracker, parent, key, index)
    if kind is list and any(type(item) is dict or isinstance(item, Mapping) for item in value):
        return [_wrap(item, parent, key, i) for i, item in enumerate(value)]
    return value


class ReadRecord(Mapping[str, Any]):
    """A read-only view of a raw record that records what is read from it.

    The path of what was read is only spelled out when a conversion fails:
    the tracker keeps the record and the key.
    """

    __slots__ = ("_children", "_data", "_index", "_key", "_parent", "tracker")

    def __init__(
        self,
        data: Mapping[str, Any],
        tracker: Tracker,
        parent: ReadRecord | None = None,
        key: str = "",
        index: int | None = None,
    ) -> None:
        self._data = data
        self.tracker = tracker
        self._parent = parent
        self._key = key
        self._index = index
        self._children: dict[str, Any] = {}

    @property
    def path(self) -> str:
        """Where this record is in the one being converted ("" for that one)."""
        if self._parent is None:
            return self._key
        index = "" if self._index is None else f"[{self._index}]"
        prefix = self._parent.path
        return f"{prefix}.{self._key}{index}" if prefix else f"{self._key}{index}"

    def _child(self, key: str, value: Any) -> Any:
        kind = type(value)
        if kind in _PLAIN:
            return value
        cached = self._children.get(key)
        if cached is None:
            cached = self._children[key] = _wrap(value, self, key)
        return cached

    def __getitem__(self, key: str) -> Any:
        tracker = self.tracker
        tracker.record, tracker.key = self, key
        try:
            value = self._data[key]
        except KeyError:
            tracker.missing = (self, key)
            raise
        return self._child(key, value)

    def get(self, key: str, default: Any = None) -> Any:
        tracker = self.tracker
        tracker.record, tracker.key = self, key
        value = self._data.get(key, default)
        if type(value) in _PLAIN:
            return value
        return self._child(key, value) if key in self._data else _wrap(value, self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._data


def tracked(value: Any, path: str) -> Any:
    """``value`` (records fetched apart from the one being converted) joined to
    the record being converted, under ``path``; as is outside a conversion."""
    tracker = _current.get()
    if tracker is None:
        return value
    return _wrap(value, ReadRecord({}, tracker), path)


def reading(tracker: Tracker) -> contextvars.Token[Tracker | None]:
    return _current.set(tracker)


def done_reading(token: contextvars.Token[Tracker | None]) -> None:
    _current.reset(token)


def unwrapped(value: Any) -> Any:
    """``value`` with every ``ReadRecord`` in it back to the raw data it wraps
    (``value`` itself when it holds none)."""
    if isinstance(value, ReadRecord):
        return value.raw
    if isinstance(value, Mapping):
        items = {k: unwrapped(v) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    if isinstance(value, list | tuple):
        values = [unwrapped(v) for v in value]
        same = all(new is old for new, old in zip(values, value, strict=True))
        return value if same else type(value)(values)
    return value


def _plain_extra(model: Any) -> Any:
    extra = model.extra
    clean = unwrapped(extra)
    return model if clean is extra else _copy_with(model, {"extra": MappingProxyType(clean)})


def unwrapped_entity(entity: E) -> E:
    """``entity`` with no ``ReadRecord`` left in its ``extra`` (nor its variants')."""
    entity = _plain_extra(entity)
    if isinstance(entity, Product) and entity.variants:
        variants = tuple(_plain_extra(v) for v in entity.variants)
        if any(new is not old for new, old in zip(variants, entity.variants, strict=True)):
            entity = _copy_with(entity, {"variants": variants})
    return entity
