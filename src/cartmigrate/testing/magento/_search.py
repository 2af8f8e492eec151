"""``searchCriteria`` and ``fields`` as Magento reads them from a query string.

Filters in one group are OR-ed, groups AND-ed; ``condition_type`` is one of
eq, neq, like (``%`` wildcards), in / nin (comma lists), gt, gteq, lt, lteq,
null, notnull. Values compare as numbers when both sides are numeric, else
as strings (so ``"2026-12-01 08:00:00"`` compares like MySQL compares it).
``fields=items[id,sku],total_count`` keeps only those keys; under it, an
empty page's ``items`` is ``null``, as on the real store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["Criteria", "apply_fields", "parse_criteria", "parse_fields"]

_KEY = re.compile(r"searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(\w+)\]")
_SORT = re.compile(r"searchCriteria\[sortOrders\]\[(\d+)\]\[(\w+)\]")

Criteria = dict[str, Any]


def parse_criteria(params: Sequence[tuple[str, str]]) -> Criteria | None:
    """The search criteria of a query, or None when the query has none."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    size: int | None = None
    page = 1
    seen = False
    for key, value in params:
        if not key.startswith("searchCriteria"):
            continue
        seen = True
        if key == "searchCriteria[pageSize]":
            size = int(value) if value.isdigit() else None
        elif key == "searchCriteria[currentPage]":
            page = int(value) if value.isdigit() and int(value) > 0 else 1
        elif match := _KEY.fullmatch(key):
            group, item, part = int(match[1]), int(match[2]), match[3]
            groups.setdefault(group, {}).setdefault(item, {})[part] = value
        elif match := _SORT.fullmatch(key):
            sorts.setdefault(int(match[1]), {})[match[2]] = value
    if not seen:
        return None
    return {
        "filter_groups": [[groups[g][f] for f in sorted(groups[g])] for g in sorted(groups)],
        "sort_orders": [sorts[s] for s in sorted(sorts)],
        "page_size": size,
        "current_page": page,
    }


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _compare(have: Any, want: str, condition: str) -> bool:
    if condition == "null":
        return have in (None, "")
    if condition == "notnull":
        return have not in (None, "")
    if isinstance(have, list):
        return any(_compare(h, want, condition) for h in have)
    if condition in ("in", "nin"):
        options = {w.strip() for w in want.split(",")}
        inside = str(have) in options
        return inside if condition == "in" else not inside
    if condition == "like":
        pattern = "^" + ".*".join(re.escape(p) for p in want.split("%")) + "$"
        return have is not None and re.match(pattern, str(have), re.IGNORECASE) is not None
    a, b = _number(have), _number(want)
    left: Any
    right: Any
    left, right = (a, b) if a is not None and b is not None else (str(have or ""), want)
    outcome: bool = {
        "eq": left == right,
        "neq": left != right,
        "gt": left > right,
        "gteq": left >= right,
        "lt": left < right,
        "lteq": left <= right,
        "from": left >= right,
        "to": left <= right,
    }.get(condition, left == right)
    return outcome


def matches(
    record: Mapping[str, Any], criteria: Criteria, value_of: Callable[[Mapping[str, Any], str], Any]
) -> bool:
    for group in criteria["filter_groups"]:
        if not any(
            _compare(
                value_of(record, f.get("field", "")),
                f.get("value", ""),
                f.get("condition_type", "eq"),
            )
            for f in group
        ):
            return False
    return True


def parse_fields(text: str) -> dict[str, Any]:
    """``items[id,extension_attributes[links]],total_count`` as a tree of kept keys."""
    tree: dict[str, Any] = {}
    stack = [tree]
    name = ""
    for char in text + ",":
        if char == "[":
            child: dict[str, Any] = {}
            stack[-1][name.strip()] = child
            stack.append(child)
            name = ""
        elif char in ",]":
            if name.strip():
                stack[-1][name.strip()] = True
            name = ""
            if char == "]" and len(stack) > 1:
                stack.pop()
        else:
            name += char
    return tree


def apply_fields(value: Any, tree: Mapping[str, Any] | bool) -> Any:
    if tree is True or not isinstance(tree, Mapping):
        return value
    if isinstance(value, list):
        return [apply_fields(v, tree) for v in value]
    if not isinstance(value, Mapping):
        return value
    out: dict[str, Any] = {}
    for key, sub in tree.items():
        if key in value:
            kept = apply_fields(value[key], sub)
            out[key] = None if key == "items" and kept == [] else kept
        elif key == "items":
            out[key] = None
    return out
