"""The WooCommerce cart: REST API v3 through the shared HTTP layer.

Requests per operation (see docs/connectors/woocommerce.md for totals):
reads page 100 at a time, plus one request per variable product (its
variations) and, for orders cartmigrate did not write, one per order for
notes (and tracking items); creates go 100 per ``/batch`` request, plus one
variations batch per variable product; an update is a GET and a PUT.

The cart holds the connection, what it learns of the store (units, order
statuses, brands, tracking, e-mails) and the reads; what a write does is in
``_create``, ``_update`` and ``_delete``, the models made of what is read
in ``_reading``, the lookup by source reference in ``_source_refs``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import httpx

from ..._exceptions import (
    AuthenticationError,
    CartMigrateError,
    ConfigurationError,
    EntityNotFound,
    WriteOutcomeUnknown,
)
from ...models import (
    Category,
    Customer,
    Entity,
    Manufacturer,
    Order,
    Product,
    Review,
    Variant,
)
from .._base import Capabilities, Cart, Created, WriteResult
from .._http import CostBucket, HttpClient, RetryPolicy, Secret
from .._rest import chunked, page_items, total_count, url_identity
from . import _convert as wc
from . import _create, _delete, _source_refs, _update
from . import _semantics as sem
from ._emails import EmailSwitch
from ._errors import error_for_response, error_from_body
from ._reading import convert_all
from ._recent import RecentIndex
from ._routes import (
    BATCH_LIMIT,
    CHANGE_TOKENS,
    INCREMENTAL,
    PAGING,
    ROUTES,
    WITH_META,
    list_params,
    listings,
    newest_first,
)
from ._sold import sold_since
from ._statuses import OrderStatuses
from ._stored import as_stored
from ._write_notes import write_notes

__all__ = ["WooCommerceCart"]

E = TypeVar("E", bound=Entity)

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class WooCommerceCart(Cart):
    """A WooCommerce store through its REST API v3 (``/wp-json/wc/v3``).

    ``consumer_key``/``consumer_secret`` are a REST API key with read/write
    permission (WooCommerce -> Settings -> Advanced -> REST API). They are sent
    as Basic auth over HTTPS only; plain http is refused except for
    localhost or with ``transport=`` (a simulator). ``requests_per_second``
    and ``burst`` throttle every request before the server has to;
    ``max_concurrency`` bounds parallel requests (variations, batches).
    ``source_ref_scan`` is how many of the newest products/customers/orders
    ``find_by_source_ref`` looks through (WooCommerce cannot filter by meta).
    """

    def __init__(
        self,
        url: str,
        consumer_key: str | Secret,
        consumer_secret: str | Secret,
        *,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        requests_per_second: float = 5.0,
        burst: float = 10.0,
        max_concurrency: int = 4,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        source_ref_scan: int = 1000,
        settle_quiet: float = 5.0,
        settle_deadline: float | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        mute_emails: bool = True,
        email_record_dir: str | Path | None = None,
        dimension_unit: str | None = None,
        weight_unit: str | None = None,
        name: str = "woocommerce",
    ) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigurationError(f"not a store URL: {parsed.copy_with(query=None)!s}")
        if parsed.scheme == "http" and parsed.host not in _LOCAL_HOSTS and transport is None:
            raise ConfigurationError(
                "WooCommerce REST keys are sent with every request: use https://"
                " (plain http is only allowed for localhost or a simulator transport)"
            )
        self.name = name
        self._url = str(parsed.copy_with(query=None, fragment=None)).rstrip("/")
        self._api = f"{self._url}/wp-json/"
        self._key = consumer_key if isinstance(consumer_key, Secret) else Secret(consumer_key)
        self._secret = (
            consumer_secret if isinstance(consumer_secret, Secret) else Secret(consumer_secret)
        )
        auth = httpx.BasicAuth(self._key.reveal(), self._secret.reveal())
        bucket_args: dict[str, Any] = {}
        if clock is not None:
            bucket_args["clock"] = clock
        if sleep is not None:
            # At least a millisecond: a clock with microsecond steps (FakeClock) would
            # not move for the float crumbs a bucket can ask for, and it would spin.
            bucket_args["sleep"] = lambda seconds: sleep(max(seconds, 0.001))
        http_args: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        self._http = HttpClient(
            self._api,
            platform=name,
            auth=auth,
            client=client,
            transport=transport,
            timeout=timeout,
            retry=retry,
            bucket=CostBucket(burst, requests_per_second, **bucket_args),
            error_for=error_for_response,
            headers={"User-Agent": "cartmigrate"},
            max_in_flight=max(1, max_concurrency),
            expect_json=True,
            **http_args,
        )
        self._max_concurrency = max(1, max_concurrency)
        self._recent = RecentIndex(
            pages=lambda kind: self._pages(ROUTES[kind], newest_first(kind)),
            newest=lambda kind: _source_refs.newest(self, kind),
            scan=source_ref_scan,
            quiet=settle_quiet,
            deadline=max(timeout, 30.0) if settle_deadline is None else settle_deadline,
            clock=clock,
            sleep=sleep,
        )
        self._brands: bool | None = None
        self._tracking: bool | None = None
        self._tracking_probe = threading.Lock()  # orders are read in parallel
        self._media: dict[str, int] = {}  # source image URL -> attachment id
        self._statuses = OrderStatuses(lambda: self._get("reports/orders/totals"))
        self._unit = sem.dimension_unit(lambda path: self._get(path), dimension_unit)
        self._weight_unit = sem.weight_unit(lambda path: self._get(path), weight_unit)
        self._emails = (
            EmailSwitch(
                self._http,
                store=name,
                url=self._url,
                record_dir=Path(email_record_dir) if email_record_dir is not None else None,
                max_concurrency=self._max_concurrency,
            )
            if mute_emails
            else None
        )

    def __repr__(self) -> str:
        return f"WooCommerceCart(url={self._url!r})"

    @property
    def requests(self) -> int:
        """How many HTTP requests (retries included) this cart has sent."""
        return self._http.requests

    def close(self) -> None:
        """Switch back on the e-mails this cart switched off, and release connections."""
        if self._emails is not None:
            self._emails.restore()
        self._http.close()

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        return write_notes(kind, emails=self._emails, reused_media=len(self._media))

    def _before_writing(self, kind: type[Entity]) -> None:
        if self._emails is not None and kind in (Customer, Order):
            self._emails.silence()

    # -- capabilities -------------------------------------------------------
    def as_stored(self, entity: E) -> E:
        if isinstance(entity, Product) and entity.tags:
            entity = cast(E, attrs.evolve(entity, tags=()))  # not written (unstored_fields)
        dimensioned = (isinstance(entity, Product) and sem.needs_unit([entity])) or (
            isinstance(entity, Variant) and entity.dimensions is not None
        )
        weighed = isinstance(entity, Product | Variant) and sem.needs_weight_unit(
            [entity], stored=True
        )
        return cast(
            E,
            as_stored(
                entity,
                self._unit() if dimensioned else None,
                self._weight_unit() if weighed else None,
            ),
        )

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        """An attribute a variant leaves open ("any size") whose values no variant
        (nor a WooCommerce source) names: WooCommerce needs them on the product.
        A product's tags, which this cart reads and does not write (WooCommerce
        takes a tag by its id only), and a customer's addresses after the
        second (a WooCommerce customer has a billing and a shipping one)."""
        found: dict[str, str] = {}
        if isinstance(entity, Product):
            if sem.unknown_open_options(entity):
                names = ", ".join(sem.unknown_open_options(entity))
                found["variants.any_options"] = f"no variant names a value of {names}"
            if entity.tags:
                found["tags"] = "product tags are read from WooCommerce, not written to it"
        elif isinstance(entity, Customer) and len(entity.addresses) > 2:
            found["addresses"] = (
                f"a customer has a billing and a shipping address only:"
                f" {len(entity.addresses) - 2} after the second not carried"
            )
        return found

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        """A review without an e-mail gets its customer's (WordPress requires one)."""
        if isinstance(entity, Review) and not entity.email:
            return frozenset({"email"})
        return frozenset()

    @property
    def store_identity(self) -> str:
        return url_identity("woocommerce", self._url)

    def check_permissions(self, *, write: bool) -> list[str]:
        """A read-only key is refused on any write: an empty batch (which writes
        nothing) tells, without writing."""
        if not write:
            return []
        try:
            self._http.request("POST", self._route("products/batch"), json={}, idempotent=True)
        except AuthenticationError as error:
            return [
                f"the key cannot write ({error}); give it Read/Write permission"
                " (WooCommerce > Settings > Advanced > REST API)"
            ]
        return []

    @property
    def capabilities(self) -> Capabilities:
        kinds: set[type[Entity]] = set(ROUTES)
        if not self._brands_supported():
            kinds.discard(Manufacturer)
        return Capabilities(
            reads=kinds,
            writes=kinds,
            incremental=INCREMENTAL,
            change_tokens=CHANGE_TOKENS,
            batch_size=BATCH_LIMIT,
            source_refs=True,
            read_ahead=True,
        )

    def _brands_supported(self) -> bool:
        """Brands are core since WooCommerce 9.6; older stores answer 404 ``rest_no_route``."""
        if self._brands is None:
            try:
                self._get(ROUTES[Manufacturer], params={"per_page": 1})
                self._brands = True
            except EntityNotFound:
                self._brands = False
        return self._brands

    def _tracking_supported(self, order_id: str) -> bool:
        """Whether the Shipment Tracking extension answers (probed once, on first use)."""
        if self._tracking is None:
            with self._tracking_probe:
                if self._tracking is not None:
                    return self._tracking
                try:
                    self._http.request("GET", self._tracking_url(order_id))
                    self._tracking = True
                except EntityNotFound as error:
                    if "rest_no_route" in str(error):
                        self._tracking = False
                    else:
                        return False  # the order itself is gone: ask again next time
        return self._tracking

    # -- HTTP helpers -------------------------------------------------------
    def _route(self, path: str) -> str:
        return f"{self._api}wc/v3/{path}"

    def _tracking_url(self, order_id: str) -> str:
        return f"{self._api}wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings"

    @staticmethod
    def _as_stored_params(path: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """``context=edit``: values as stored. The default ``view`` context runs
        descriptions and review texts through ``wpautop`` (``<p>…</p>\n``), which
        would never compare equal to what was written."""
        query = dict(params or {})
        if not path.startswith(("settings", "reports")):
            query.setdefault("context", "edit")
        return query

    def _get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        query = self._as_stored_params(path, params)
        return self._http.request("GET", self._route(path), params=query).json()

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        query = self._as_stored_params(path, params)
        return page_items(self._http, self._route(path), paging=PAGING, params=query)

    def _batch(
        self, path: str, action: str, items: list[Any], entity: str
    ) -> list[Mapping[str, Any] | CartMigrateError]:
        """One ``/batch`` request; each item's answer, or its error, in place."""
        response = self._http.request(
            "POST",
            self._route(f"{path}/batch"),
            json={action: items},
            idempotent=action != "create",
        )
        answers = response.json().get(action)
        if not isinstance(answers, list):
            raise WriteOutcomeUnknown(f"{self.name}: {path}/batch answered without {action!r}")
        results: list[Mapping[str, Any] | CartMigrateError] = []
        for answer in answers:
            if isinstance(answer, Mapping) and isinstance(answer.get("previous"), Mapping):
                answer = answer["previous"]  # a deleted review: {"deleted": true, "previous": …}
            error = answer.get("error") if isinstance(answer, Mapping) else None
            if isinstance(error, Mapping):
                results.append(error_from_body(error, entity=entity))
            elif isinstance(answer, Mapping) and answer.get("id"):
                results.append(answer)
            else:
                results.append(WriteOutcomeUnknown(f"{self.name}: unreadable batch answer"))
        return results

    # -- reading ------------------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        listings = list_params(kind)
        incremental = since if kind in INCREMENTAL else None
        if incremental is not None:
            for params in listings:
                params["modified_after"] = wc.wc_time_text(incremental)
                params["dates_are_gmt"] = "true"
        raws = itertools.chain.from_iterable(self._pages(ROUTES[kind], p) for p in listings)
        listed: set[str] = set()
        for page in chunked(raws, PAGING.per_page):
            entities = convert_all(self, kind, page)
            if incremental is not None and kind is Product:
                listed.update(cast(str, e.id) for e in entities)
            yield from entities
        if incremental is not None and kind is Product:
            # And those a sale changed, whose date may not have moved (_sold).
            sold = sold_since(self._pages, incremental, listed)
            for chunk in chunked(sold, PAGING.per_page):
                found = self.get_many(kind, chunk)
                yield from (found[i] for i in chunk if i in found)

    def get(self, kind: type[E], id: str) -> E | None:
        self._require(kind)
        if not id.isdigit():
            return None
        if kind is Review:
            # A review that is gone answers 403 "cannot view", like a key without
            # permission would: ask the list instead, which answers [] for it.
            return self.get_many(kind, [id]).get(id)
        try:
            raw = self._get(f"{ROUTES[kind]}/{id}")
        except EntityNotFound:
            return None
        found = convert_all(self, kind, [raw])
        return found[0] if found else None

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        self._require(kind)
        wanted = sorted({i for i in ids if i.isdigit()}, key=int)
        found: dict[str, E] = {}
        for chunk in chunked(wanted, PAGING.per_page):
            raws = [
                raw
                for listing in list_params(kind)
                for raw in self._pages(ROUTES[kind], {**listing, "include": ",".join(chunk)})
            ]
            for entity in convert_all(self, kind, raws):
                found[cast(str, entity.id)] = entity
        return found

    def count(self, kind: type[Entity]) -> int | None:
        if kind not in self.capabilities.reads:
            return None
        counts = [
            total_count(self._http, self._route(ROUTES[kind]), paging=PAGING, params=p or None)
            for p in listings(kind)
        ]
        return None if None in counts else sum(c for c in counts if c is not None)

    def find(self, kind: type[E], natural_key: str) -> E | None:
        self._require(kind)
        key = natural_key.strip()
        if not key:
            return None
        queries: list[dict[str, str]]
        if kind is Product:
            queries = [{"sku": key}, {"slug": key}]
        elif kind is Customer:
            queries = [{"email": key}]
        elif kind is Category:
            queries = [{"slug": key}]
        elif kind is Order:
            return cast(E | None, _source_refs.find_migrated_order(self, key))
        elif kind is Manufacturer:
            queries = [{"search": key}]
        else:
            return None
        for query, listing in itertools.product(queries, listings(kind)):
            params = {**listing, **query, "per_page": PAGING.per_page}
            raws = self._get(ROUTES[kind], params=params)
            for entity in convert_all(self, kind, raws):
                own = entity.natural_key
                if own is not None and own.casefold() == key.casefold():
                    return entity
        return None

    def keeps_source_refs(self, kind: type[Entity]) -> bool:
        """Products, customers and orders carry the reference in their meta;
        categories, brands and reviews have none."""
        return kind in WITH_META

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        """The newest ``source_ref_scan`` entities are searched for the reference.

        WooCommerce cannot filter by meta through REST, and an entity whose
        create answer was lost is among the newest: it is scanned newest first,
        once per type until this cart writes that type again.
        """
        return _source_refs.find_by_source_ref(self, kind, source_ref)

    # -- writing ------------------------------------------------------------
    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        result = self.create_many([entity], source_refs=[source_ref])[0]
        if isinstance(result, CartMigrateError):
            raise result
        return result

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        return _create.create_many(self, entities, source_refs=source_refs)

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        _update.update(self, kind, id, changes, parent_id=parent_id)

    def delete(self, kind: type[Entity], id: str) -> None:
        _delete.delete(self, kind, id)

    def delete_many(self, kind: type[Entity], ids: Sequence[str]) -> list[CartMigrateError | None]:
        """Through ``/batch``, 100 ids per request (WooCommerce forces batch deletes)."""
        return _delete.delete_many(self, kind, ids)

    def clear(self, kind: type[Entity]) -> int:
        """Delete every entity of ``kind`` through ``/batch`` (100 per request)."""
        return _delete.clear(self, kind)
