"""Shopify's search syntax (the ``query:`` argument) and cursor pagination.

Only what the connector uses is understood: ``field:value`` terms joined by
spaces, ``AND`` or ``OR``, values bare or quoted ('…' or "…"), and the
comparisons ``>``, ``>=``, ``<``, ``<=`` for dates. Matching is
case-insensitive, as Shopify's is for these fields. An unknown field matches
nothing (Shopify ignores unknown filters with a warning; being strict here
catches connector typos in tests).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["Term", "equality_values", "matches", "page", "parse_query"]

_TERM = re.compile(
    r"""(?P<field>[a-z_]+):(?P<op>>=|<=|>|<)?(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\S+)""",
    re.IGNORECASE,
)


@attrs.define(frozen=True)
class Term:
    field: str
    op: str
    value: str


@functools.lru_cache(maxsize=256)
def _parsed(query: str) -> tuple[tuple[Term, ...], ...]:
    return tuple(tuple(group) for group in parse_query(query))


def parse_query(query: str | None) -> list[list[Term]]:
    """The query as OR-groups of AND-ed terms."""
    if not query or not query.strip():
        return []
    groups: list[list[Term]] = [[]]
    position = 0
    text = query.strip()
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        if text.startswith("OR ", position):
            groups.append([])
            position += 3
            continue
        if text.startswith("AND ", position):
            position += 4
            continue
        found = _TERM.match(text, position)
        if found is None:
            raise ValueError(f"cannot parse search query near {text[position:]!r}")
        value = found["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        groups[-1].append(Term(found["field"].lower(), found["op"] or "=", value))
        position = found.end()
    return [group for group in groups if group]


def _as_time(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def _term_matches(term: Term, values: Sequence[Any]) -> bool:
    for value in values:
        if term.op != "=":
            left, right = _as_time(value), _as_time(term.value)
            if left is None or right is None:
                continue
            if (
                (term.op == ">" and left > right)
                or (term.op == ">=" and left >= right)
                or (term.op == "<" and left < right)
                or (term.op == "<=" and left <= right)
            ):
                return True
        elif value is not None and str(value).casefold() == term.value.casefold():
            return True
    return False


def equality_values(query: str | None, field: str) -> frozenset[str] | None:
    """The values (casefolded) when ``query`` is only ``field:value`` terms joined
    by OR (the SKU look-up), so a caller can select by a set instead of testing
    every term on every record; None for any other query."""
    if not query or not query.strip():
        return None
    groups = _parsed(query)
    if not all(len(g) == 1 and g[0].field == field and g[0].op == "=" for g in groups):
        return None
    return frozenset(g[0].value.casefold() for g in groups)


def matches(query: str | None, fields: Mapping[str, Callable[[], Sequence[Any]]]) -> bool:
    """Whether an entity whose searchable ``fields`` are given matches ``query``."""
    if not query or not query.strip():
        return True
    groups = _parsed(query)  # parsed once per query, not once per record
    for group in groups:
        if all(
            term.field in fields and _term_matches(term, fields[term.field]()) for term in group
        ):
            return True
    return False


def _cursor(key: int) -> str:
    return base64.b64encode(f"cursor:{key}".encode()).decode()


def _uncursor(cursor: str) -> int:
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("cursor:"))
    except ValueError as error:
        raise ValueError(f"invalid cursor {cursor!r}") from error


def page(
    items: Sequence[tuple[int, Any]],
    *,
    first: int | None,
    after: str | None,
    limit: int = 250,
) -> dict[str, Any]:
    """A connection (``nodes``, ``edges``, ``pageInfo``) over (key, node) pairs in key order."""
    if first is None:
        raise ValueError("you must provide one of first or last")
    if first > limit or first < 0:
        raise ValueError(f"the first argument must be between 0 and {limit}")
    ordered = sorted(items, key=lambda pair: pair[0])
    if after is not None:
        start_after = _uncursor(after)
        ordered = [pair for pair in ordered if pair[0] > start_after]
    chosen = ordered[:first]
    edges = [{"cursor": _cursor(key), "node": node} for key, node in chosen]
    return {
        "nodes": [node for _, node in chosen],
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(ordered) > first,
            "hasPreviousPage": after is not None,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
