"""Reusable pieces for simple REST platforms: page/per_page paging, batch chunks, fan-out.

Many shop platforms (WooCommerce, WordPress, PrestaShop's webservice, most
home-grown APIs) page a collection with ``page``/``per_page`` query
parameters and say how far there is to go in headers: a total count, a page
count, or an RFC 8288 ``Link: <...>; rel="next"``. ``Paging`` names those
parameters and headers once, so a connector lists a collection with one call,
and the repeated-token guard of ``HttpClient.paginate`` protects every
platform alike. Writes are cut into batches of what the platform accepts and
sent with bounded concurrency; one failed batch fails only its own items.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import httpx

from .._exceptions import CartMigrateError, InconsistentRead, TransientError, WriteOutcomeUnknown
from ._http import HttpClient, run_concurrently

__all__ = [
    "Paging",
    "chunked",
    "fan_out",
    "page_items",
    "send_in_batches",
    "total_count",
    "url_identity",
]

T = TypeVar("T")
R = TypeVar("R")


@attrs.define(frozen=True, kw_only=True)
class Paging:
    """How a platform pages its collections.

    ``total_header`` / ``total_pages_header`` name the headers carrying the
    item and page counts (None when the platform sends none); the ``Link``
    header's ``rel="next"`` is followed when present, since it is what the
    platform itself promises about the next page.
    """

    page_param: str = "page"
    per_page_param: str = "per_page"
    per_page: int = 100
    first_page: int = 1
    total_header: str | None = "X-Total"
    total_pages_header: str | None = "X-Total-Pages"


def _int_header(response: httpx.Response, name: str | None) -> int | None:
    if name is None:
        return None
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def next_page(response: httpx.Response, page: int, count: int, paging: Paging) -> int | None:
    """The page to fetch after ``page`` (which held ``count`` items), or None at the end."""
    link = response.links.get("next")
    if link is not None and link.get("url"):
        value = httpx.URL(link["url"]).params.get(paging.page_param)
        if value is not None and value.isdigit():
            return int(value)
        return page + 1
    pages = _int_header(response, paging.total_pages_header)
    if pages is not None:
        return page + 1 if page < pages else None
    if response.headers.get("Link") is not None:
        return None  # a Link header without rel="next": this was the last page
    # No hint at all: a full page may be followed by more.
    return page + 1 if count >= paging.per_page else None


def page_items(
    client: HttpClient,
    path: str,
    *,
    paging: Paging,
    params: Mapping[str, Any] | None = None,
    items_of: Callable[[Any], Sequence[Any]] = lambda body: body,
) -> Iterator[Any]:
    """Every item of a collection, page by page (lazily, one request per page).

    A page holding the same records as a page read before (a host ignoring
    ``?page``, a cache serving a page twice), or a page past what the
    platform's total headers allow, raises ``InconsistentRead``: following on
    would loop for ever, or silently skip the records the repeat hid.
    """
    base = dict(params or {})
    seen: dict[bytes, int] = {}

    def fetch(token: int | None) -> tuple[Sequence[Any], int | None]:
        page = paging.first_page if token is None else token
        query = {**base, paging.page_param: page, paging.per_page_param: paging.per_page}
        response = client.request("GET", path, params=query)
        items = items_of(response.json())
        if not isinstance(items, Sequence):
            raise TransientError(f"{client.platform}: {path} did not return a list")
        _check_page(client, path, page, items, seen)
        following = next_page(response, page, len(items), paging)
        bound = _page_bound(response, paging)
        if following is not None and bound is not None and following > bound + 1:
            raise InconsistentRead(
                f"{client.platform}: {path} offers page {following} after page {page},"
                f" but its totals make {bound} pages; the read stopped there"
            )
        return items, following

    return HttpClient.paginate(fetch)


def _check_page(
    client: HttpClient, path: str, page: int, items: Sequence[Any], seen: dict[bytes, int]
) -> None:
    """Fail when ``items`` are the very records of a page read before."""
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if not ids or any(i is None for i in ids):
        return
    digest = hashlib.blake2b(repr(ids).encode(), digest_size=16).digest()
    earlier = seen.setdefault(digest, page)
    if earlier != page:
        raise InconsistentRead(
            f"{client.platform}: {path} page {page} holds the same {len(ids)} records as"
            f" page {earlier}: the platform repeats pages or ignores paging; the read"
            " stopped there, what it read is kept"
        )


def _page_bound(response: httpx.Response, paging: Paging) -> int | None:
    """How many pages the platform's own totals allow, when it sends them."""
    pages = _int_header(response, paging.total_pages_header)
    if pages is not None:
        return max(pages, paging.first_page)
    total = _int_header(response, paging.total_header)
    if total is not None:
        return max(math.ceil(total / paging.per_page), 1) + paging.first_page - 1
    return None


def total_count(
    client: HttpClient, path: str, *, paging: Paging, params: Mapping[str, Any] | None = None
) -> int | None:
    """The collection's size from its total header, for the price of a one-item page."""
    query = {**dict(params or {}), paging.page_param: paging.first_page, paging.per_page_param: 1}
    response = client.request("GET", path, params=query)
    return _int_header(response, paging.total_header)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    if size < 1:
        raise ValueError("size must be at least 1")
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def send_in_batches(
    send: Callable[[list[T]], Sequence[R | CartMigrateError]],
    items: Sequence[T],
    *,
    size: int,
    max_workers: int = 1,
) -> list[R | CartMigrateError]:
    """Send ``items`` through ``send`` in batches of ``size``; one result per item, in order.

    ``send`` returns one result per item of its batch (a per-item error in
    place of a failed item). A batch that raises fails all its own items with
    that error and no others: the caller then decides what each one means
    (a lost answer to a create is not the same as a refusal).
    """

    def one(batch: list[T]) -> list[R | CartMigrateError]:
        try:
            results = list(send(batch))
        except CartMigrateError as error:
            return [error] * len(batch)
        if len(results) != len(batch):
            lost = WriteOutcomeUnknown(
                f"batch of {len(batch)} answered with {len(results)} results; outcome unknown"
            )
            return [lost] * len(batch)
        return results

    batches = list(chunked(items, size))
    return [
        result
        for batch in run_concurrently(one, batches, max_workers=max_workers)
        for result in batch
    ]


def fan_out(work: Callable[[T], R], items: Iterable[T], *, max_workers: int) -> list[R]:
    """``run_concurrently`` under the REST name: independent per-item requests, bounded."""
    return run_concurrently(work, items, max_workers=max_workers)


def url_identity(platform: str, url: str) -> str:
    """A store's ``Cart.store_identity``: the platform and its address.

    Kept in state files and shown in errors, so never with credentials in it
    (a URL's user and password are dropped).
    """
    plain = httpx.URL(url).copy_with(username=None, password=None)
    return f"{platform}:{str(plain).rstrip('/')}"
