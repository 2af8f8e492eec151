"""The PrestaShop webservice (``/api``) on the shared HTTP layer.

JSON out (``output_format=JSON``), XML in, and the webservice's error habits
turned into the library's errors:

- ``{"errors":[{"code","message"}]}`` bodies; 401 without a key, 401/405
  codes 25/26 for what the key may not do, 400 for validation, an empty 404
  for an unknown id;
- many *client* errors arrive as 500: a bad filter/sort/display (codes 32,
  35, 38), a body that is not XML (127) and a duplicate e-mail (140) are
  raised at once as refusals, never
  retried; any other 500 after a write may hide a write that succeeded (a
  PHP warning forces 500) and becomes ``WriteOutcomeUnknown``, which the
  cart resolves by looking the entity up, never by sending it again.

Lists page with ``limit=offset,count`` under ``sort=[id_ASC]`` (the default
order is not stable, and there is no total anywhere: a short page is the end).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from ..._exceptions import (
    AuthenticationError,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    TransientError,
)
from .._http import HttpClient
from .._records import positive_int_id
from ._xml import xml_body

__all__ = ["Webservice", "errors_of", "id_filter"]

#: 500 codes that are the client's fault, with nothing written: unknown filter /
#: display / sort field, a body that is not XML.
_REFUSED_CODES = frozenset({32, 35, 38, 127})
_DUPLICATE_EMAIL = 140
_XML = {"Content-Type": "text/xml; charset=utf-8"}


def errors_of(response: httpx.Response) -> list[tuple[int, str]]:
    """The ``(code, message)`` pairs of a JSON error body; [] when none (the cart
    always asks for JSON, so an XML or empty body is a fatal error's)."""
    text = response.text
    if not text.strip().startswith("{"):
        return []
    try:
        body = json.loads(text)
    except ValueError:
        return []
    found: list[tuple[int, str]] = []
    for entry in body.get("errors") or () if isinstance(body, dict) else ():
        if isinstance(entry, Mapping):
            try:
                code = int(entry.get("code") or 0)
            except (TypeError, ValueError):
                code = 0
            found.append((code, str(entry.get("message") or "")))
    return found


def _describe(response: httpx.Response, errors: Sequence[tuple[int, str]]) -> str:
    request = response.request
    what = f"{request.method} {request.url.copy_with(query=None)}"
    detail = "; ".join(f"[{code}] {message}" for code, message in errors) or response.text[:200]
    return f"prestashop: {what} -> {response.status_code}: {detail.strip()}"


def client_error(response: httpx.Response) -> ConnectorError | None:
    """The typed error for a 4xx answer."""
    errors = errors_of(response)
    message = _describe(response, errors)
    status = response.status_code
    codes = {code for code, _ in errors}
    platform = "; ".join(m for _, m in errors) or None
    if status == 401 or codes & {20, 21, 25, 26}:
        return AuthenticationError(message, status_code=status, platform_message=platform)
    if status == 404:
        return EntityNotFound(message, status_code=status, platform_message=platform)
    return EntityRejected(message, status_code=status, platform_message=platform)


def server_error(response: httpx.Response) -> ConnectorError | None:
    """A 500 that is a refusal (retrying cannot help, nothing was written), or None."""
    errors = errors_of(response)
    codes = {code for code, _ in errors}
    platform = "; ".join(m for _, m in errors) or None
    if _DUPLICATE_EMAIL in codes:
        return DuplicateEntity(
            _describe(response, errors),
            field="email",
            status_code=response.status_code,
            platform_message=platform,
        )
    if codes & _REFUSED_CODES:
        return EntityRejected(
            _describe(response, errors), status_code=response.status_code, platform_message=platform
        )
    return None


def id_filter(ids: Sequence[str]) -> str:
    """``[1|2|3]``: any of these ids."""
    return "[" + "|".join(ids) + "]"


class Webservice:
    """Requests to one shop's ``/api``, on an ``HttpClient`` that holds the key."""

    def __init__(self, http: HttpClient, *, page_size: int) -> None:
        self.http = http
        self.page_size = page_size

    @property
    def requests(self) -> int:
        return self.http.requests

    def get(self, resource: str, params: Mapping[str, Any] | None = None) -> Any:
        """A JSON answer; the client is made with ``expect_json``, so an HTML page
        or a cut body with a 200 was retried as transient before it got here."""
        query = {"output_format": "JSON", **dict(params or {})}
        return self.http.request("GET", resource, params=query).json()

    def index(self) -> str:
        """``GET /api``: the resources the key may use, with its methods on each.

        The cheapest authenticated request there is. Only XML: the JSON index
        answers 500 with an empty body.
        """
        return self.http.request("GET", "", expect_json=False).text

    def page(
        self,
        resource: str,
        *,
        offset: int,
        count: int,
        params: Mapping[str, Any] | None = None,
        display: str = "full",
        records: bool = False,
    ) -> list[Any]:
        """One page of a list, sorted by id (past the end PrestaShop answers ``[]``).

        With ``records`` (a read of entities) an item that is no object is kept,
        for ``Cart.model_from`` to report; elsewhere (look-ups, follow-ups) it
        is dropped.
        """
        query = {
            "display": display,
            "sort": "[id_ASC]",
            "limit": f"{offset},{count}",
            **dict(params or {}),
        }
        body = self.get(resource, query)
        if isinstance(body, Mapping):
            items = body.get(resource)
            if isinstance(items, list):
                return [
                    dict(item) if isinstance(item, Mapping) else item
                    for item in items
                    if records or isinstance(item, Mapping)
                ]
        return []

    def pages(
        self,
        resource: str,
        params: Mapping[str, Any] | None = None,
        *,
        display: str = "full",
        records: bool = False,
    ) -> Iterator[list[Any]]:
        """Every page of a list; a short page is the last (there is no total).

        Sorted by id, each page starts after the last id seen
        (``filter[id]=>[n]``, ``limit=0,count``) rather than at an offset: a
        row deleted while the list is read cannot make the next page skip
        one. A query that filters ids itself pages by ``limit=offset,count``.
        """
        query = dict(params or {})
        by_offset = "filter[id]" in query
        last = offset = 0
        for _ in range(1_000_000):  # bounded; a shop has fewer pages than this
            if not by_offset:
                query["filter[id]"] = f">[{last}]"
            items = self.page(
                resource,
                offset=offset,
                count=self.page_size,
                params=query,
                display=display,
                records=records,
            )
            if items:
                yield items
            if len(items) < self.page_size:
                return
            # An odd id (-1, "x") is its record's fault, reported when it is read.
            newest = max(
                (i["id"] for i in items if isinstance(i, Mapping) and positive_int_id(i.get("id"))),
                default=last,
            )
            if newest <= last:
                raise TransientError(f"prestashop: paging {resource} did not move past id {last}")
            last = newest
            if by_offset:
                offset += len(items)

    def all(
        self, resource: str, params: Mapping[str, Any] | None = None, *, display: str = "full"
    ) -> list[dict[str, Any]]:
        return [item for page in self.pages(resource, params, display=display) for item in page]

    def by_ids(
        self,
        resource: str,
        ids: Sequence[str],
        params: Mapping[str, Any] | None = None,
        *,
        records: bool = False,
    ) -> list[Any]:
        """The objects with these ids, ``page_size`` ids per request."""
        wanted = sorted({i for i in ids if i.isdigit()}, key=int)
        found: list[Any] = []
        for start in range(0, len(wanted), self.page_size):
            chunk = wanted[start : start + self.page_size]
            query = {**dict(params or {}), "filter[id]": id_filter(chunk)}
            found.extend(
                self.page(resource, offset=0, count=len(chunk), params=query, records=records)
            )
        return found

    def where(
        self,
        resource: str,
        key: str,
        values: Sequence[str],
        params: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every row whose ``key`` is one of ``values`` (``filter[key]=[a|b]``), all pages."""
        wanted = sorted(set(values))
        found: list[dict[str, Any]] = []
        for start in range(0, len(wanted), self.page_size):
            chunk = wanted[start : start + self.page_size]
            query = {**dict(params or {}), f"filter[{key}]": id_filter(chunk)}
            found.extend(self.all(resource, query))
        return found

    def _write(self, method: str, path: str, resource: str, body: bytes) -> dict[str, Any]:
        # A PATCH sets values (never adds to them): safe to repeat when its answer is lost.
        response = self.http.request(
            method,
            path,
            params={"output_format": "JSON"},
            content=body,
            headers=_XML,
            idempotent=method != "POST",
        )
        try:
            answer = response.json()
        except ValueError:
            return {}
        value = answer.get(resource) if isinstance(answer, Mapping) else None
        return dict(value) if isinstance(value, Mapping) else {}

    def create(
        self, resources: str, resource: str, fields: Mapping[str, Any], languages: Sequence[int]
    ) -> dict[str, Any]:
        """POST one object; the answer echoes it (its ``id`` as a string)."""
        body = xml_body(resource, fields, languages=languages)
        return self._write("POST", resources, resource, body)

    def patch(
        self,
        resources: str,
        resource: str,
        id: str,
        fields: Mapping[str, Any],
        languages: Sequence[int],
    ) -> dict[str, Any]:
        """PATCH only ``fields`` (PUT would blank every field it was not given)."""
        body = xml_body(resource, {"id": id, **fields}, languages=languages)
        return self._write("PATCH", f"{resources}/{id}", resource, body)

    def delete(self, resources: str, id: str) -> None:
        # A DELETE answers 200 with an empty body.
        self.http.request("DELETE", f"{resources}/{id}", expect_json=False)
