"""Reading PrestaShop's JSON values, and spelling values the way it takes them.

The webservice's JSON has three habits every reader must absorb:

- a single-object GET drops every falsy field (``"0"``, ``""``, null): a
  missing key means "empty", never "unknown" — ``field`` defaults it;
- ``id`` is an int, every other value a string (``"23.900000"``, ``"1"``);
- a multilingual field is a plain string while the shop has one language,
  and a list of ``{"id": "1", "value": ...}`` once it has two — ``text``
  reads both, for the cart's language.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
from collections.abc import Iterable, Mapping
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


def field(raw: Mapping[str, Any], key: str, default: str = "") -> str:
    """A plain field as a string; absent (the falsy-field quirk) means ``default``."""
    value = raw.get(key)
    if value is None or value == "":
        return default
    return str(value)


def text(raw: Mapping[str, Any], key: str, language: int) -> str:
    """A multilingual field in ``language``, from either of its two JSON shapes."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, list):
        wanted = str(language)
        entries = [v for v in value if isinstance(v, Mapping)]
        for entry in entries:
            if str(entry.get("id")) == wanted:
                return str(entry.get("value") or "")
        return str(entries[0].get("value") or "") if entries else ""
    return str(value)


def flag(raw: Mapping[str, Any], key: str) -> bool:
    return field(raw, key, "0") not in ("0", "false")


def optional_id(raw: Mapping[str, Any], key: str) -> str | None:
    """An id reference; ``"0"`` (or absent) is PrestaShop's "none"."""
    value = field(raw, key, "0")
    return None if value in ("0", "") else value


def money(value: Any) -> decimal.Decimal:
    """``"23.900000"`` -> ``Decimal("23.90")``: cents kept, PrestaShop's padding dropped."""
    try:
        amount = decimal.Decimal(str(value or "0"))
    except decimal.InvalidOperation:
        amount = decimal.Decimal(0)
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
        return None
    return parsed.replace(tzinfo=zone)


def ps_time(value: dt.datetime, zone: dt.tzinfo) -> str:
    """An aware time in the shop's zone, as PrestaShop writes and filters dates."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def associated_ids(raw: Mapping[str, Any], name: str) -> list[str]:
    """The ids of ``associations.<name>`` (absent when empty, like any falsy field)."""
    associations = raw.get("associations")
    if not isinstance(associations, Mapping):
        return []
    items = associations.get(name)
    if not isinstance(items, Iterable) or isinstance(items, str | bytes):
        return []
    return [str(item["id"]) for item in items if isinstance(item, Mapping) and "id" in item]


def slugify(value: str) -> str:
    """A ``link_rewrite`` PrestaShop accepts (``isLinkRewrite``: letters, digits, -, _)."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_text).strip("-").lower()
    return slug or "item"
