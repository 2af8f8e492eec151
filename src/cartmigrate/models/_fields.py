"""Converters and validators used at the models' boundary.

Each one raises ``InvalidEntity`` naming the model and the field, so a bad
record from any platform explains itself. They take ``self`` and the field
(``attrs.Converter(takes_self=True, takes_field=True)``) only to name them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from .._exceptions import InvalidEntity

__all__ = [
    "aware_datetime",
    "checked",
    "country_code",
    "currency_code",
    "enum_or_raw",
    "enum_value",
    "flag",
    "frozen_mapping",
    "in_range",
    "model_tuple",
    "money",
    "not_negative",
    "optional_aware_datetime",
    "optional_int",
    "optional_model",
    "optional_money",
    "optional_str",
    "optional_text",
    "optional_url",
    "required_str",
    "required_text",
    "required_url",
    "str_tuple",
    "whole_number",
]

_Raw = Callable[[Any, Any, "attrs.Attribute[Any]"], Any]
C = TypeVar("C", bound=type)

#: How deep ``extra`` may nest. Deeper, copying or fingerprinting it would
#: exhaust Python's stack; no platform's data nests like that.
MAX_DEPTH = 64


def checked(cls: C) -> C:
    """Class decorator: a model built with a field missing, unknown or passed by
    position raises ``InvalidEntity`` naming it, not attrs' ``TypeError``."""
    init = cast(Callable[..., None], vars(cls)["__init__"])
    fields = attrs.fields(cast(Any, cls))
    accepted = {f.alias or f.name for f in fields}
    required = [f.alias or f.name for f in fields if f.default is attrs.NOTHING]

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except TypeError:
            name = cls.__name__
            if args:
                raise InvalidEntity(name, "*", "takes keyword arguments only") from None
            for field in required:
                if field not in kwargs:
                    raise InvalidEntity(name, field, "is required") from None
            for key in kwargs:
                if key not in accepted:
                    raise InvalidEntity(name, str(key), f"is not a field of {name}") from None
            raise

    cls.__init__ = __init__  # type: ignore[misc]
    return cls


def _named(fn: _Raw) -> Any:
    return attrs.Converter(fn, takes_self=True, takes_field=True)


def _fail(instance: object, field: attrs.Attribute[Any], message: str) -> InvalidEntity:
    return InvalidEntity(type(instance).__name__, field.name, message)


def _to_str(value: Any, instance: object, field: attrs.Attribute[Any]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | decimal.Decimal) and not isinstance(value, bool):
        return str(value)  # platforms hand out numeric ids; we keep ids as strings
    raise _fail(instance, field, f"expected a string, got {type(value).__name__} {value!r}")


def _optional_str(value: Any, instance: object, field: attrs.Attribute[Any]) -> str | None:
    return None if value is None else _to_str(value, instance, field)


def _required_str(value: Any, instance: object, field: attrs.Attribute[Any]) -> str:
    text = _to_str(value, instance, field)
    if not text.strip():
        raise _fail(instance, field, "must not be empty")
    return text


def _to_decimal(value: Any, instance: object, field: attrs.Attribute[Any]) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        result = value
    elif isinstance(value, bool):
        raise _fail(instance, field, f"expected an amount, got {value!r}")
    elif isinstance(value, int | str):
        try:
            result = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            raise _fail(instance, field, f"not an amount: {value!r}") from None
    elif isinstance(value, float):
        # repr() of a float is its shortest round-trip text: 19.99, not 19.989999...
        result = decimal.Decimal(repr(value))
    else:
        raise _fail(instance, field, f"expected an amount, got {type(value).__name__}")
    if not result.is_finite():
        raise _fail(instance, field, f"not a finite amount: {value!r}")
    return result


def _text(value: Any, instance: object, field: attrs.Attribute[Any]) -> str:
    if isinstance(value, str):
        return value
    # Free text: a number here is a platform's mistake, not a name (ids and
    # other identifiers take whole numbers, see ``_to_str``).
    raise _fail(instance, field, f"expected text, got {type(value).__name__} {value!r}")


def _optional_text(value: Any, instance: object, field: attrs.Attribute[Any]) -> str | None:
    return None if value is None else _text(value, instance, field)


def _required_text(value: Any, instance: object, field: attrs.Attribute[Any]) -> str:
    if value is None:
        raise _fail(instance, field, "is required")
    text = _text(value, instance, field)
    if not text.strip():
        raise _fail(instance, field, "must not be empty")
    return text


def _money(value: Any, instance: object, field: attrs.Attribute[Any]) -> decimal.Decimal:
    if value is None:
        raise _fail(instance, field, "is required")
    return _to_decimal(value, instance, field)


def _optional_money(
    value: Any, instance: object, field: attrs.Attribute[Any]
) -> decimal.Decimal | None:
    return None if value is None or value == "" else _to_decimal(value, instance, field)


def _optional_int(value: Any, instance: object, field: attrs.Attribute[Any]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _fail(instance, field, f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise _fail(instance, field, f"not a whole number: {value!r}") from None
    if number != number.to_integral_value():
        raise _fail(instance, field, f"not a whole number: {value!r}")
    return int(number)


def _whole_number(value: Any, instance: object, field: attrs.Attribute[Any]) -> int:
    number = _optional_int(value, instance, field)
    if number is None:
        raise _fail(instance, field, "is required")
    return number


def _to_datetime(value: Any, instance: object, field: attrs.Attribute[Any]) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _fail(instance, field, f"not an ISO 8601 time: {value!r}") from None
    if not isinstance(value, dt.datetime):
        raise _fail(instance, field, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise _fail(instance, field, f"needs a time zone (got naive {value.isoformat()})")
    return value


def _optional_datetime(
    value: Any, instance: object, field: attrs.Attribute[Any]
) -> dt.datetime | None:
    return None if value is None or value == "" else _to_datetime(value, instance, field)


def _flag(value: Any, instance: object, field: attrs.Attribute[Any]) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail(instance, field, f"expected true or false, got {type(value).__name__} {value!r}")


def _required_url(value: Any, instance: object, field: attrs.Attribute[Any]) -> str:
    """An absolute http(s) URL: what a browser (or a store downloading it) can follow."""
    text = _required_text(value, instance, field).strip()
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _fail(instance, field, f"not an absolute http(s) URL: {value!r}")
    return text


def _optional_url(value: Any, instance: object, field: attrs.Attribute[Any]) -> str | None:
    return None if value is None or value == "" else _required_url(value, instance, field)


_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


def _country(value: Any, instance: object, field: attrs.Attribute[Any]) -> str | None:
    if value is None or value == "":
        return None
    text = _to_str(value, instance, field).strip().upper()
    if not _COUNTRY.fullmatch(text):
        raise _fail(instance, field, f"not an ISO 3166-1 alpha-2 country code: {value!r}")
    return text


def _currency(value: Any, instance: object, field: attrs.Attribute[Any]) -> str | None:
    if value is None or value == "":
        return None
    text = _to_str(value, instance, field).strip().upper()
    if not _CURRENCY.fullmatch(text):
        raise _fail(instance, field, f"not an ISO 4217 currency code: {value!r}")
    return text


def _str_tuple(value: Any, instance: object, field: attrs.Attribute[Any]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes):
        raise _fail(instance, field, "expected a list of strings, got one string")
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise _fail(instance, field, f"expected a list of strings, got {type(value).__name__}")
    return tuple(_to_str(item, instance, field) for item in value)


#: One shared empty mapping: most entities carry no ``extra`` and no options,
#: and a store of a million should not hold two million empty objects.
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen_mapping(value: Any, instance: object, field: attrs.Attribute[Any]) -> Mapping[str, Any]:
    if value is None:
        return _EMPTY
    if isinstance(value, MappingProxyType):
        return value
    if not isinstance(value, Mapping):
        raise _fail(instance, field, f"expected a mapping, got {type(value).__name__}")
    if not value:
        return _EMPTY
    if _too_deep(value):
        raise _fail(instance, field, f"nests deeper than {MAX_DEPTH} levels")
    return MappingProxyType(dict(value))


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests deeper than ``MAX_DEPTH`` (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            return True
        kind = type(current)
        if kind in _LEAVES:
            continue
        if kind is dict or isinstance(current, Mapping):
            pending.extend((item, depth + 1) for item in current.values())
        elif kind is list or kind is tuple:
            pending.extend((item, depth + 1) for item in current)
    return False


_LEAVES = frozenset({str, int, float, bool, type(None), decimal.Decimal})


def _model_kind(field: attrs.Attribute[Any]) -> type[Any]:
    return cast(type[Any], field.metadata["model"])


def _enum_value(value: Any, instance: object, field: attrs.Attribute[Any]) -> Any:
    kind = cast(type[enum.Enum], field.metadata["enum"])
    if value is None and field.metadata.get("optional"):
        return None
    try:
        return kind(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(member.value) for member in kind)
        raise _fail(instance, field, f"{value!r} is not one of: {allowed}") from None


def _enum_or_raw(value: Any, instance: object, field: attrs.Attribute[Any]) -> Any:
    kind = cast(type[enum.Enum], field.metadata["enum"])
    if isinstance(value, kind):
        return value
    if not isinstance(value, str):  # Order(status=12) is a mistake, not a custom status
        raise _fail(instance, field, f"expected a status name, got {type(value).__name__}")
    try:
        return kind(value)
    except ValueError:
        return _required_str(value, instance, field)


def _model_tuple(value: Any, instance: object, field: attrs.Attribute[Any]) -> tuple[Any, ...]:
    kind = _model_kind(field)
    if value is None:
        return ()
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _fail(instance, field, f"expected a list of {kind.__name__}")
    items: list[Any] = []
    for position, item in enumerate(value):
        if isinstance(item, kind):
            items.append(item)
        elif isinstance(item, Mapping):
            items.append(_nested(kind, item, instance, field, f"[{position}]"))
        else:
            raise _fail(instance, field, f"expected {kind.__name__}, got {type(item).__name__}")
    return tuple(items)


def _nested(
    kind: type[Any], item: Mapping[Any, Any], instance: object, field: Any, where: str
) -> Any:
    """``kind(**item)``, its refusal named from the outer model: ``Product.variants[2].sku``."""
    try:
        return kind(**item)
    except InvalidEntity as error:
        raise InvalidEntity(
            type(instance).__name__, f"{field.name}{where}.{error.field}", error.message
        ) from None
    except TypeError:  # keys that are not strings
        raise _fail(instance, field, f"{where or 'it'} has keys that are not field names") from None


def _optional_model(value: Any, instance: object, field: attrs.Attribute[Any]) -> Any:
    kind = _model_kind(field)
    if value is None or isinstance(value, kind):
        return value
    if isinstance(value, Mapping):
        return _nested(kind, value, instance, field, "")
    raise _fail(instance, field, f"expected {kind.__name__}, got {type(value).__name__}")


# mypy's attrs plugin only understands converters that are plain functions, so
# it sees these signatures; at run time they are Converters that also receive
# the instance and the field, to name both in errors.
if TYPE_CHECKING:

    def money(value: Any) -> decimal.Decimal: ...
    def optional_money(value: Any) -> decimal.Decimal | None: ...
    def optional_int(value: Any) -> int | None: ...
    def whole_number(value: Any) -> int: ...
    def optional_str(value: Any) -> str | None: ...
    def required_str(value: Any) -> str: ...
    def optional_text(value: Any) -> str | None: ...
    def required_text(value: Any) -> str: ...
    def required_url(value: Any) -> str: ...
    def optional_url(value: Any) -> str | None: ...
    def flag(value: Any) -> bool: ...
    def aware_datetime(value: Any) -> dt.datetime: ...
    def optional_aware_datetime(value: Any) -> dt.datetime | None: ...
    def country_code(value: Any) -> str | None: ...
    def currency_code(value: Any) -> str | None: ...
    def str_tuple(value: Any) -> tuple[str, ...]: ...
    def frozen_mapping(value: Any) -> Mapping[str, Any]: ...
    def enum_value(value: Any) -> Any: ...
    def enum_or_raw(value: Any) -> Any: ...
    def model_tuple(value: Any) -> tuple[Any, ...]: ...
    def optional_model(value: Any) -> Any: ...

else:
    money = _named(_money)
    optional_money = _named(_optional_money)
    optional_int = _named(_optional_int)
    whole_number = _named(_whole_number)
    optional_str = _named(_optional_str)
    required_str = _named(_required_str)
    optional_text = _named(_optional_text)
    required_text = _named(_required_text)
    required_url = _named(_required_url)
    optional_url = _named(_optional_url)
    flag = _named(_flag)
    aware_datetime = _named(_to_datetime)
    optional_aware_datetime = _named(_optional_datetime)
    country_code = _named(_country)
    currency_code = _named(_currency)
    str_tuple = _named(_str_tuple)
    frozen_mapping = _named(_frozen_mapping)
    enum_value = _named(_enum_value)
    enum_or_raw = _named(_enum_or_raw)
    model_tuple = _named(_model_tuple)
    optional_model = _named(_optional_model)


def in_range(low: int, high: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: an optional whole number between ``low`` and ``high``."""

    def check(instance: Any, field: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not low <= value <= high:
            raise _fail(instance, field, f"must be between {low} and {high}, got {value}")

    return check


def not_negative(instance: Any, field: attrs.Attribute[Any], value: Any) -> None:
    """Validator: an optional number that is zero or more."""
    if value is not None and value < 0:
        raise _fail(instance, field, f"must not be negative, got {value}")
