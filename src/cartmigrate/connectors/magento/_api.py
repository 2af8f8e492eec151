"""Magento's REST conventions, once: search criteria, paging, error bodies, times.

Every list in Magento is a ``searchCriteria`` query answering
``{"items": [...], "total_count": N}``. Its default order is not stable, so
every listing here sorts by the entity's id; a page past the end answers 200
with ``items: []`` (or ``null`` under a ``fields`` filter), so paging stops on
``total_count``, not on an error. Error bodies carry ``%1`` / ``%fieldName``
placeholders with their ``parameters`` beside them, which only the client can
put together: every message a user sees here is substituted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import httpx

from ..._exceptions import (
    AuthenticationError,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    InconsistentRead,
)
from .._http import HttpClient

__all__ = [
    "Filter",
    "MagentoApi",
    "error_for_response",
    "magento_time",
    "parse_time",
    "substitute",
]

#: Magento's own default page size limit is unbounded; 100 keeps one answer
#: under a second on a small server and keeps memory flat.
PAGE_SIZE = 100
_PLACEHOLDER = re.compile(r"%(\d+|[A-Za-z_][A-Za-z0-9_]*)")


def substitute(message: str, parameters: Any) -> str:
    """Magento's message with its ``%1`` / ``%name`` placeholders filled in."""
    if isinstance(parameters, Mapping):
        named = {str(k): v for k, v in parameters.items()}

        def by_name(match: re.Match[str]) -> str:
            key = match.group(1)
            return str(named[key]) if key in named else match.group(0)

        return _PLACEHOLDER.sub(by_name, message)
    if isinstance(parameters, Sequence) and not isinstance(parameters, str):
        values = list(parameters)

        def by_position(match: re.Match[str]) -> str:
            key = match.group(1)
            if key.isdigit() and 1 <= int(key) <= len(values):
                return str(values[int(key) - 1])
            return match.group(0)

        return _PLACEHOLDER.sub(by_position, message)
    return message


def _body_message(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, Mapping) or not isinstance(body.get("message"), str):
        return None
    text = substitute(body["message"], body.get("parameters"))
    errors = body.get("errors")
    if isinstance(errors, list):
        more = [
            substitute(str(e.get("message", "")), e.get("parameters"))
            for e in errors
            if isinstance(e, Mapping)
        ]
        text = "; ".join([text, *[m for m in more if m and m != text]])
    return " ".join(text.split())


def error_for_response(response: httpx.Response) -> ConnectorError | None:
    """``HttpClient``'s ``error_for`` hook: a 4xx answer with a Magento error body."""
    message = _body_message(response)
    if message is None:
        return None
    status = response.status_code
    text = f"magento: {message}"
    common: dict[str, Any] = {"platform_message": message, "status_code": status}
    if status in (401, 403):
        return AuthenticationError(text, **common)
    if status == 404:
        return EntityNotFound(text, **common)
    lowered = message.casefold()
    if "same email address already exists" in lowered:
        return DuplicateEntity(text, field="email", **common)
    if "url key for specified store already exists" in lowered:
        return EntityRejected(text, field="slug", **common)
    return EntityRejected(text, **common)


def magento_time(value: dt.datetime) -> str:
    """A time as Magento compares it: ``Y-m-d H:i:s`` in UTC."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_time(value: Any) -> dt.datetime | None:
    """Magento's ``Y-m-d H:i:s`` (UTC, without a zone) as an aware time.

    None when absent; what is no time (2024-13-45, a number) raises
    ``ValueError``, so its record fails with the field instead of losing it.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a time: a {type(value).__name__}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise ValueError(f"not a time: {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@attrs.define(frozen=True)
class Filter:
    """One ``searchCriteria`` filter; filters in one list are AND-ed groups."""

    field: str
    value: str
    condition: str = "eq"


def criteria(
    filters: Sequence[Filter] = (),
    *,
    page: int = 1,
    size: int = PAGE_SIZE,
    sort: str | None = "entity_id",
) -> dict[str, Any]:
    """The query parameters of one page: each filter its own group (AND)."""
    params: dict[str, Any] = {
        "searchCriteria[pageSize]": size,
        "searchCriteria[currentPage]": page,
    }
    if sort:
        params["searchCriteria[sortOrders][0][field]"] = sort
        params["searchCriteria[sortOrders][0][direction]"] = "ASC"
    for group, item in enumerate(filters):
        prefix = f"searchCriteria[filter_groups][{group}][filters][0]"
        params[f"{prefix}[field]"] = item.field
        params[f"{prefix}[value]"] = item.value
        params[f"{prefix}[condition_type]"] = item.condition
    return params


def _record_id(item: Any, sort: str | None) -> str | None:
    """The id ``item`` is sorted by, when its answer carries it (``entity_id`` is
    ``id`` in product, customer and category answers)."""
    if sort is None or not isinstance(item, Mapping):
        return None
    value = item.get(sort, item.get("id") if sort == "entity_id" else None)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value)
    return text if text.isdigit() else None


class MagentoApi:
    """The store's REST base and the shared client, with Magento's list conventions.

    ``store`` paths read and write the store view's values; ``admin`` paths
    (``/rest/all/V1``) write the global values, which is what a migration
    means by a product's name or a category's URL key.
    """

    def __init__(self, http: HttpClient, *, base: str, store_code: str | None) -> None:
        self.http = http
        self._store = f"{base}/rest/{store_code}/V1/" if store_code else f"{base}/rest/V1/"
        self._admin = f"{base}/rest/all/V1/"
        self.base = base
        self.store_code = store_code

    def url(self, path: str, *, admin: bool = False) -> str:
        return (self._admin if admin else self._store) + path.lstrip("/")

    def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        return self.http.request("GET", self.url(path), params=params).json()

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        admin: bool = False,
        idempotent: bool | None = None,
        expect_json: bool | None = None,
    ) -> Any:
        """``expect_json=False`` for the one route answering an empty body
        (``POST /inventory/source-items``); every other answer must be JSON."""
        response = self.http.request(
            method,
            self.url(path, admin=admin),
            json=body,
            idempotent=idempotent,
            expect_json=expect_json,
        )
        if not response.content.strip():
            return None  # POST /inventory/source-items answers with an empty body
        try:
            return response.json()
        except ValueError:
            return None

    def page(
        self,
        path: str,
        filters: Sequence[Filter] = (),
        *,
        page: int = 1,
        size: int = PAGE_SIZE,
        sort: str | None = "entity_id",
        fields: str | None = None,
    ) -> tuple[list[Any], int]:
        """One page's items and the list's ``total_count``."""
        params = criteria(filters, page=page, size=size, sort=sort)
        if fields:
            params["fields"] = fields
        body = self.get(path, params=params)
        if not isinstance(body, Mapping):
            raise EntityRejected(f"magento: {path} did not answer with a search result")
        items = body.get("items") or []  # null under a fields filter when empty
        return list(items), int(body.get("total_count") or 0)

    def search(
        self,
        path: str,
        filters: Sequence[Filter] = (),
        *,
        size: int = PAGE_SIZE,
        sort: str | None = "entity_id",
        fields: str | None = None,
    ) -> Iterator[list[Any]]:
        """Every item of a list, a page at a time, sorted by id, until ``total_count``.

        Sorted by an id the answers carry, a page after the first asks for
        the ids past the last one read (``gt``), not for the next page
        number: the store stays live during a read, and deleting a record of
        a page already read moves every later one a place up, so the next
        page by number would start one past a record nobody read (and its
        total would shrink to match). A listing without such an id (sorted
        by something else, or ``fields`` leaving it out) pages by number.
        """

        def fetch(token: tuple[int, str | None] | None) -> tuple[Sequence[list[Any]], Any]:
            number, after = token or (1, None)
            where = list(filters)
            if after is not None and sort is not None:
                where.append(Filter(sort, after, "gt"))
            items, total = self.page(path, where, page=number, size=size, sort=sort, fields=fields)
            if not items:
                return [], None
            ids = (_record_id(item, sort) for item in reversed(items))
            last = next((i for i in ids if i is not None), None)
            if after is None and (number > 1 or last is None or sort is None):
                more = number * size < total  # paging by number
                return [items], ((number + 1, None) if more else None)
            if last is None:
                raise InconsistentRead(f"magento: a page of {path} carries no ids to go on from")
            more = len(items) < total  # the total of those past ``after``
            return [items], ((1, last) if more else None)

        return HttpClient.paginate(fetch)

    def total(self, path: str, filters: Sequence[Filter] = ()) -> int:
        """A list's size, for the price of a one-item page."""
        return self.page(path, filters, size=1, sort=None, fields="total_count")[1]
