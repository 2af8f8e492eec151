"""Reading PrestaShop's JSON values, and spelling values the way it takes them.

The webservice's JSON has three habits every reader must absorb:

- a single-object GET drops every falsy field (``"0"``, ``""``, null): a
  missing key means "empty", never "unknown" — ``field`` defaults it;
- ``id`` is an int, every other value a string (``"23.900000"``, ``"1"``);
- a multilingual field is a plain string while the shop has one language,
  and a list of ``{"id": "1", "value": ...}`` once it has two — ``text``
  reads both, for the cart's language.

A value none of these habits explains ("1,5" as an amount, a date
2024-13-45, a list where a string belongs) raises ``ValueError``: the
record it is in fails alone, reported by ``Cart.model_from`` with the field,
rather than being read as 0 or "no date".
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

__all__ = [
    "associated_ids",
    "field",
    "flag",
    "money",
    "optional_id",
    "ps_amount",
    "ps_time",
    "slugify",
    "text",
    "timestamp",
]

_CENT = decimal.Decimal("0.01")
#: What PrestaShop writes for "no date".
_NO_DATE = ("", "0000-00-00", "0000-00-00 00:00:00")


def _shape(value: Any) -> str:
    """What a value is, for a message ("mapping" for a wrapped record too)."""
    return "mapping" if isinstance(value, Mapping) else type(value).__name__


def field(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    """A plain field as a string; absent (the falsy-field quirk) means ``default``."""
    value = raw.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"not a plain value: a {_shape(value)}")
    return str(value)


def text(raw: Mapping[str, Any], key: str, language: int) -> str:
    """A multilingual field in ``language``, from either of its two JSON shapes."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        wanted = str(language)
        if not all(isinstance(v, Mapping) for v in value):
            raise ValueError("a multilingual value that is not a list of {id, value}")
        for entry in value:
            if str(entry.get("id")) == wanted:
                return field(entry, "value")
        return field(value[0], "value") if value else ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"not a text: a {_shape(value)}")
    return str(value)


def flag(raw: Mapping[str, Any], key: str) -> bool:
    value = field(raw, key, "0")
    if value not in ("0", "1", "false", "true"):
        raise ValueError(f"not a flag: {value[:40]!r}")
    return value in ("1", "true")


def optional_id(raw: Mapping[str, Any], key: str) -> str | None:
    """An id reference; ``"0"`` (or absent) is PrestaShop's "none"."""
    value = field(raw, key, "0")
    return None if value in ("0", "") else value


def money(value: Any) -> decimal.Decimal:
    """``"23.900000"`` -> ``Decimal("23.90")``: cents kept, PrestaShop's padding dropped."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | decimal.Decimal | None):
        raise ValueError(f"not an amount: a {_shape(value)}")
    try:
        amount = decimal.Decimal(str(value or "0"))
    except decimal.InvalidOperation:
        raise ValueError(f"not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {str(value)[:40]!r}")
    rounded = amount.quantize(_CENT)
    return rounded if rounded == amount else amount.normalize()


def ps_amount(value: decimal.Decimal | int | None) -> str:
    """An amount as PrestaShop takes it (six decimals are its own precision)."""
    return format(decimal.Decimal(value or 0).quantize(decimal.Decimal("0.000001")), "f")


def timestamp(raw: Mapping[str, Any], key: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A shop-local ``"Y-m-d H:i:s"`` as an aware time (None for PrestaShop's zero date)."""
    value = field(raw, key)
    if value in _NO_DATE:
        return None
    try:
        parsed = dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"not a date: {value[:40]!r}") from None
    return parsed.replace(tzinfo=zone)


def ps_time(value: dt.datetime, zone: dt.tzinfo) -> str:
    """An aware time in the shop's zone, as PrestaShop writes and filters dates."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def associated_ids(raw: Mapping[str, Any], name: str) -> list[str]:
    """The ids of ``associations.<name>`` (absent when empty, like any falsy field)."""
    associations = raw.get("associations")
    if associations is None:
        return []
    if not isinstance(associations, Mapping):
        raise ValueError(f"associations: not a mapping but a {_shape(associations)}")
    items = associations.get(name)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise ValueError(f"associations.{name}: not a list of records")
    return [field(item, "id") for item in items]


def slugify(value: str) -> str:
    """A ``link_rewrite`` PrestaShop accepts (``isLinkRewrite``: letters, digits, -, _)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-").lower()
    return slug or "item"
