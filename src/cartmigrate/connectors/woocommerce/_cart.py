"""The WooCommerce cart: REST API v3 through the shared HTTP layer.

Requests per operation (see docs/connectors/woocommerce.md for totals):
reads page 100 at a time, plus one request per variable product (its
variations) and, for orders cartmigrate did not write, one per order for
notes (and tracking items); creates go 100 per ``/batch`` request, plus one
variations batch per variable product; an update is a GET and a PUT.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx

from ..._exceptions import (
    AuthenticationError,
    CartMigrateError,
    ConfigurationError,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    TransientError,
    UnsupportedEntity,
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
from .._records import positive_int_id, tracked
from .._rest import (
    Paging,
    chunked,
    fan_out,
    page_items,
    send_in_batches,
    total_count,
    url_identity,
)
from . import _convert as wc
from . import _order_convert as wo
from . import _product_convert as wp
from . import _semantics as sem
from ._emails import EmailSwitch
from ._errors import error_for_response, error_from_body
from ._fields import evolve_for_update, pick_keys
from ._orders import finish_created_order, update_order
from ._products import discard_product, ensure_variations, learn_media
from ._recent import RecentIndex
from ._reviews import existing_reviews, with_reviewer_emails
from ._statuses import OrderStatuses
from ._stored import as_stored

__all__ = ["WooCommerceCart"]

logger = logging.getLogger("cartmigrate.woocommerce")

E = TypeVar("E", bound=Entity)

#: WooCommerce's own limit of items per batch request (413 above it).
BATCH_LIMIT = 100
PAGING = Paging(per_page=100, total_header="X-WP-Total", total_pages_header="X-WP-TotalPages")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

_ROUTES: dict[type[Entity], str] = {
    Category: "products/categories",
    Manufacturer: "products/brands",
    Product: "products",
    Customer: "customers",
    Order: "orders",
    Review: "products/reviews",
}
#: Types whose resources carry ``meta_data``, where the source reference lives.
_WITH_META = (Product, Customer, Order)
_INCREMENTAL = frozenset({Product, Order})  # the docs list modified_after for these only


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
            pages=lambda kind: self._pages(_ROUTES[kind], self._newest_first(kind)),
            newest=self._newest,
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
        notes: list[str] = []
        if kind in (Customer, Order) and self._emails is not None and self._emails.recover():
            notes.append(
                "an earlier run ended without switching WooCommerce's e-mails back on;"
                f" switched back on: {', '.join(self._emails.restored)}"
            )
        if kind in (Customer, Order):
            if self._emails is not None and self._emails.unmutable:
                notes.append(
                    "these WooCommerce e-mails could not be switched off and may have been"
                    f" sent: {', '.join(sorted(set(self._emails.unmutable)))}"
                    " (the REST key needs to manage settings)"
                )
            elif self._emails is not None:
                notes.append(
                    "WooCommerce's own e-mails (new account, order status) are switched off"
                    " while cartmigrate writes, and back on when the cart is closed"
                )
            else:
                notes.append(
                    "WooCommerce e-mails each new customer and each order status change"
                    " (mute_emails=False)"
                )
        if kind is Customer:
            notes.append("passwords are not migrated: customers set a new one ('Lost password')")
        if kind is Product:
            notes.append(
                "downloadable products link to their files where they are (not copied);"
                " dimensions and weights are converted to the store's units"
            )
        if kind is Product and self._media:
            notes.append(
                f"images of deleted products stay in WordPress's media library (the REST key"
                f" cannot delete media); {len(self._media)} were reused for the products"
                " created again instead of being downloaded twice"
            )
        if kind is Order:
            notes.append("WooCommerce numbers orders itself; the source number is kept in meta")
        return tuple(notes)

    def _before_writing(self, kind: type[Entity]) -> None:
        if self._emails is not None and kind in (Customer, Order):
            self._emails.silence()

    # -- capabilities -------------------------------------------------------
    def as_stored(self, entity: E) -> E:
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
        (nor a WooCommerce source) names: WooCommerce needs them on the product."""
        if isinstance(entity, Product) and sem.unknown_open_options(entity):
            names = ", ".join(sem.unknown_open_options(entity))
            return {"variants.any_options": f"no variant names a value of {names}"}
        return {}

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
        kinds: set[type[Entity]] = set(_ROUTES)
        if not self._brands_supported():
            kinds.discard(Manufacturer)
        return Capabilities(
            reads=kinds,
            writes=kinds,
            incremental=_INCREMENTAL,
            batch_size=BATCH_LIMIT,
            source_refs=True,
            read_ahead=True,
        )

    def _brands_supported(self) -> bool:
        """Brands are core since WooCommerce 9.6; older stores answer 404 ``rest_no_route``."""
        if self._brands is None:
            try:
                self._get(_ROUTES[Manufacturer], params={"per_page": 1})
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

    @staticmethod
    def _list_params(kind: type[Entity]) -> dict[str, Any]:
        # Paging by id, not by date: items edited during the read cannot shift between pages.
        params: dict[str, Any] = {"orderby": "id", "order": "asc"}
        if kind is Review:
            params["status"] = "all"
        return params

    # -- reading ------------------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        params = self._list_params(kind)
        if since is not None and kind in _INCREMENTAL:
            params["modified_after"] = wc.wc_time_text(since)
            params["dates_are_gmt"] = "true"
        for page in chunked(self._pages(_ROUTES[kind], params), PAGING.per_page):
            yield from self._convert_all(kind, page)

    def get(self, kind: type[E], id: str) -> E | None:
        self._require(kind)
        if not id.isdigit():
            return None
        if kind is Review:
            # A review that is gone answers 403 "cannot view", like a key without
            # permission would: ask the list instead, which answers [] for it.
            return self.get_many(kind, [id]).get(id)
        try:
            raw = self._get(f"{_ROUTES[kind]}/{id}")
        except EntityNotFound:
            return None
        found = self._convert_all(kind, [raw])
        return found[0] if found else None

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        self._require(kind)
        wanted = sorted({i for i in ids if i.isdigit()}, key=int)
        found: dict[str, E] = {}
        for chunk in chunked(wanted, PAGING.per_page):
            params = {**self._list_params(kind), "include": ",".join(chunk)}
            raws = list(self._pages(_ROUTES[kind], params))
            for entity in self._convert_all(kind, raws):
                found[cast(str, entity.id)] = entity
        return found

    def count(self, kind: type[Entity]) -> int | None:
        if kind not in self.capabilities.reads:
            return None
        params = {"status": "all"} if kind is Review else None
        return total_count(self._http, self._route(_ROUTES[kind]), paging=PAGING, params=params)

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
            return cast(E | None, self._find_migrated_order(key))
        elif kind is Manufacturer:
            queries = [{"search": key}]
        else:
            return None
        for query in queries:
            raws = self._get(_ROUTES[kind], params={**query, "per_page": PAGING.per_page})
            for entity in self._convert_all(kind, raws):
                own = entity.natural_key
                if own is not None and own.casefold() == key.casefold():
                    return entity
        return None

    def keeps_source_refs(self, kind: type[Entity]) -> bool:
        """Products, customers and orders carry the reference in their meta;
        categories, brands and reviews have none."""
        return kind in _WITH_META

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        """The newest ``source_ref_scan`` entities are searched for the reference.

        WooCommerce cannot filter by meta through REST, and an entity whose
        create answer was lost is among the newest: it is scanned newest first,
        once per type until this cart writes that type again.
        """
        self._require(kind)
        if kind not in _WITH_META:
            return None
        raw = self._recent_with(kind, wc.SOURCE_REF_KEY, source_ref)
        if raw is None:
            return None
        found = self._convert_all(kind, [raw])
        if not found:
            return None
        entity = found[0]
        if isinstance(entity, Product) and self._half_made(raw, entity):
            # Created, then the answer was lost before all its variations were:
            # remove it so that it is created whole again rather than adopted.
            logger.warning("%s: product %s lacks variations; removing it", self.name, entity.id)
            if discard_product(self, cast(str, entity.id)):
                self._recent.forget(Product)
                return None
        return entity

    def _find_migrated_order(self, number: str) -> Order | None:
        """The order cartmigrate created for the source order ``number``.

        WooCommerce numbers orders itself, so the store's own order "57" is
        never the source's "57" (``?search=57`` would match it by id): only the
        source number cartmigrate wrote in meta counts, matched exactly.
        """
        raw = self._recent_with(Order, wc.SOURCE_NUMBER_KEY, number)
        if raw is None:
            return None
        found = self._convert_all(Order, [raw])
        return found[0] if found else None

    def _recent_with(self, kind: type[Entity], key: str, value: str) -> Mapping[str, Any] | None:
        """The newest entity whose meta ``key`` is exactly ``value``, once the store is quiet."""
        self._recent.settle(kind)
        for raw in self._recent.recent(kind):
            if wc.meta_value(raw, key) == value:
                return raw
        return None

    @staticmethod
    def _newest_first(kind: type[Entity]) -> dict[str, Any]:
        params: dict[str, Any] = {"orderby": "id", "order": "desc"}
        if kind is Review:
            params["status"] = "all"
        return params

    def _newest(self, kind: type[Entity]) -> tuple[int | None, int | None]:
        """(how many, the newest id) of ``kind``: one small request."""
        response = self._http.request(
            "GET",
            self._route(_ROUTES[kind]),
            params={**self._newest_first(kind), "per_page": 1, "context": "edit"},
        )
        body = response.json()
        total = response.headers.get("X-WP-Total")
        newest = body[0].get("id") if isinstance(body, list) and body else None
        return (int(total) if total and total.isdigit() else None), newest

    @staticmethod
    def _half_made(raw: Mapping[str, Any], product: Product) -> bool:
        expected = wc.meta_value(raw, wc.VARIANT_COUNT_KEY)
        return (
            isinstance(expected, str)
            and expected.isdigit()
            and len(product.variants) < int(expected)
        )

    def _convert_all(self, kind: type[E], raws: Sequence[Mapping[str, Any]]) -> list[E]:
        """Models for raw resources, fetching what lives at sub-routes, bounded in parallel."""

        def one(raw: Mapping[str, Any]) -> Entity | None:
            return self.model_from(
                kind, raw, lambda data: self._convert(kind, data), valid_id=positive_int_id
            )

        converted = fan_out(one, raws, max_workers=self._max_concurrency)
        return [cast(E, entity) for entity in converted if entity is not None]

    def _convert(self, kind: type[Entity], raw: Mapping[str, Any]) -> Entity:
        if kind is Product:
            variations: list[Any] = []
            if raw.get("type") == "variable":
                variations = tracked(
                    list(
                        self._pages(
                            f"products/{raw['id']}/variations", {"orderby": "id", "order": "asc"}
                        )
                    ),
                    "variations",
                )
            unit = self._unit() if sem.has_dimensions(raw, *variations) else None
            weight = self._weight_unit() if sem.has_weight(raw, *variations) else None
            return wp.product_from_wc(
                raw, variations, dimension_unit=unit, base_url=self._url, weight_unit=weight
            )
        if kind is Order:
            notes: list[Any] = []
            trackings: list[Any] = []
            if wc.meta_value(raw, wc.HISTORY_KEY) is None:
                notes = self._get(f"orders/{raw['id']}/notes")
            if wc.meta_value(raw, wc.SHIPMENTS_KEY) is None and self._tracking_supported(
                str(raw["id"])
            ):
                trackings = self._http.request("GET", self._tracking_url(str(raw["id"]))).json()
            return wo.order_from_wc(raw, notes=notes, trackings=trackings)
        if kind is Category:
            return wc.category_from_wc(raw)
        if kind is Manufacturer:
            return wc.manufacturer_from_wc(raw)
        if kind is Customer:
            return wc.customer_from_wc(raw)
        return wc.review_from_wc(raw)

    # -- creating -----------------------------------------------------------
    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        result = self.create_many([entity], source_refs=[source_ref])[0]
        if isinstance(result, CartMigrateError):
            raise result
        return result

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        if not entities:
            return []
        kind = type(entities[0])
        self._require(kind, write=True)
        if any(type(e) is not kind for e in entities):
            raise TypeError("create_many takes entities of one type")
        refs = list(source_refs) if source_refs is not None else [None] * len(entities)
        self._before_writing(kind)
        self._recent.forget(kind)
        results: list[WriteResult | None] = [None] * len(entities)
        if kind is Review:
            entities = cast(
                Sequence[E], with_reviewer_emails(self, cast(Sequence[Review], entities))
            )
            for position, existing in existing_reviews(
                self, cast(Sequence[Review], entities)
            ).items():
                results[position] = DuplicateEntity(
                    f"woocommerce: the same review is already on product"
                    f" {cast(Review, entities[position]).product_id} (review {existing})",
                    existing_id=existing,
                    entity="review",
                    field="body",
                )
        payloads: list[tuple[int, dict[str, Any]]] = []
        for position, (entity, ref) in enumerate(zip(entities, refs, strict=True)):
            if results[position] is not None:
                continue
            try:
                payloads.append((position, self._payload(entity, ref)))
            except EntityRejected as error:
                error.entity = kind.kind
                results[position] = error
        answers = send_in_batches(
            lambda batch: self._batch(_ROUTES[kind], "create", [p for _, p in batch], kind.kind),
            payloads,
            size=BATCH_LIMIT,
            max_workers=self._max_concurrency,
        )
        created: list[tuple[int, Mapping[str, Any]]] = []
        if any(isinstance(a, TransientError) for a in answers):
            # The store may still be writing what it was sent: look before trusting a miss.
            self._recent.unsettle(kind)
        for (position, _), answer in zip(payloads, answers, strict=True):
            if isinstance(answer, CartMigrateError):
                results[position] = self._create_error(kind, entities[position], answer)
            else:
                results[position] = Created(id=str(answer["id"]))
                created.append((position, answer))
        if kind is Product:
            variable = [(p, raw) for p, raw in created if cast(Product, entities[p]).variants]
            finished = fan_out(
                lambda item: ensure_variations(
                    self, str(item[1]["id"]), cast(Product, entities[item[0]]).variants
                ),
                variable,
                max_workers=self._max_concurrency,
            )
            for (position, raw), outcome in zip(variable, finished, strict=True):
                results[position] = (
                    outcome
                    if isinstance(outcome, CartMigrateError)
                    else Created(id=str(raw["id"]), variant_ids=outcome)
                )
        if kind is Order:
            completed = fan_out(
                lambda item: finish_created_order(
                    self, str(item[1]["id"]), cast(Order, entities[item[0]])
                ),
                created,
                max_workers=self._max_concurrency,
            )
            for (position, raw), done in zip(created, completed, strict=True):
                if not done:
                    # Created, but not finished: say so, so the engine finds it
                    # (by its reference), compares it, and finishes it later.
                    results[position] = WriteOutcomeUnknown(
                        f"{self.name}: order {raw['id']} was created, but its tracking"
                        " items or notes were not; the next call finishes it",
                        entity="order",
                    )
        return [cast(WriteResult, r) for r in results]

    def _payload(self, entity: Entity, source_ref: str | None) -> dict[str, Any]:
        if isinstance(entity, Order):
            refused = self._statuses.check(
                wo.wc_order_status(entity.status),
                str(getattr(entity.status, "value", entity.status)),
            )
            if refused is not None:
                raise refused
        if isinstance(entity, Product):
            body = wp.product_to_wc(
                entity,
                source_ref=source_ref,
                brands=self._brands_supported(),
                dimension_unit=self._unit() if sem.needs_unit([entity]) else None,
                weight_unit=self._weight_unit() if sem.needs_weight_unit([entity]) else None,
            )
            # An image this cart saw uploaded from that URL (on a product it deleted)
            # is used again, not downloaded again: remigrate leaves no orphaned media.
            body["images"] = [
                {"id": self._media[i["src"]]} if i.get("src") in self._media else i
                for i in body.get("images") or ()
            ]
            return body
        if isinstance(entity, Customer):
            return wc.customer_to_wc(entity, source_ref=source_ref)
        if isinstance(entity, Order):
            payload = wo.order_to_wc(entity, source_ref=source_ref)
            # The shipments meta is written once the tracking items are in.
            payload["meta_data"] = [
                m for m in payload.get("meta_data", []) if m.get("key") != wc.SHIPMENTS_KEY
            ]
            return payload
        if isinstance(entity, Category):
            return wc.category_to_wc(entity)
        if isinstance(entity, Manufacturer):
            return wc.manufacturer_to_wc(entity)
        if isinstance(entity, Review):
            return wc.review_to_wc(entity)
        raise UnsupportedEntity(f"{self.name} cannot write {entity.kind}", entity=entity.kind)

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

    def _create_error(
        self, kind: type[Entity], entity: Entity, error: CartMigrateError
    ) -> CartMigrateError:
        if isinstance(error, ConnectorError):
            error.entity = error.entity or kind.kind
        if (
            isinstance(error, DuplicateEntity)
            and error.existing_id is None
            and isinstance(entity, Customer)
        ):
            # WooCommerce names no id for a taken e-mail: look it up, so it can be adopted.
            try:
                raws = self._get("customers", params={"email": entity.email})
            except CartMigrateError:
                return error
            if raws:
                error.existing_id = str(raws[0]["id"])
        if (
            isinstance(error, DuplicateEntity)
            and error.existing_id is None
            and isinstance(entity, Review)
        ):
            # 409 "Duplicate comment": the same text by the same e-mail, e.g. a
            # create whose answer was lost. Name it, so it can be adopted.
            try:
                found = existing_reviews(self, [entity])
            except CartMigrateError:
                return error
            error.existing_id = found.get(0)
        return error

    # -- updating and deleting ----------------------------------------------
    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self._require(kind, write=True)
        self._before_writing(kind)
        self._recent.forget(Product if kind is Variant else kind)
        if kind is Order:
            update_order(self, id, changes)
            return
        if kind is Variant:
            if not parent_id:
                raise EntityRejected(
                    "a variant update needs its product's id", entity="variant", field="parent_id"
                )
            path = f"products/{parent_id}/variations/{id}"
            try:
                raw = self._get(path)
                unit = self._unit() if sem.has_dimensions(raw) else None
                current: Entity = wp.variant_from_wc(
                    raw,
                    dimension_unit=unit,
                    base_url=self._url,
                    weight_unit=self._weight_unit() if sem.has_weight(raw) else None,
                )
            except EntityNotFound as error:
                error.entity = "variant"
                raise
        else:
            found = self.get(kind, id)
            if found is None:
                raise EntityNotFound(
                    f"no {kind.kind} {id} in {self.name}", entity=kind.kind, status_code=404
                )
            current = found
            path = f"{_ROUTES[kind]}/{id}"
        updated = evolve_for_update(current, changes)
        full = (
            wp.variation_to_wc(
                updated,
                0,
                dimension_unit=self._unit() if updated.dimensions is not None else None,
                weight_unit=self._weight_unit() if sem.needs_weight_unit([updated]) else None,
            )
            if isinstance(updated, Variant)
            else self._payload(updated, None)
        )
        body = pick_keys(kind, changes, full)
        if isinstance(updated, Review) and not body.get("reviewer_email", "x"):
            body.pop("reviewer_email")  # WordPress refuses "", and has the e-mail already
        if isinstance(updated, Product) and "images" in changes:
            # Which source URL each uploaded image came from (read back as that URL).
            body.setdefault("meta_data", []).append(
                {"key": wc.IMAGES_KEY, "value": wp.images_meta(updated.images)}
            )
        if isinstance(updated, Product) and updated.variants:
            body.pop("regular_price", None)
            body.pop("sale_price", None)
        if body:
            self._http.request("PUT", self._route(path), json=body)

    def delete(self, kind: type[Entity], id: str) -> None:
        self._require(kind, write=True)
        if kind is Variant:
            raise UnsupportedEntity("delete a variant through its product", entity="variant")
        self._recent.forget(kind)
        if not id.isdigit():
            raise EntityNotFound(
                f"no {kind.kind} {id} in {self.name}", entity=kind.kind, status_code=404
            )
        try:
            self._http.request(
                "DELETE", self._route(f"{_ROUTES[kind]}/{id}"), params={"force": "true"}
            )
        except AuthenticationError:
            # A review that is gone answers 403 "cannot delete": tell it apart.
            if kind is Review and self.get(kind, id) is None:
                raise EntityNotFound(
                    f"no review {id} in {self.name}", entity="review", status_code=404
                ) from None
            raise

    def delete_many(self, kind: type[Entity], ids: Sequence[str]) -> list[CartMigrateError | None]:
        """Through ``/batch``, 100 ids per request (WooCommerce forces batch deletes)."""
        self._require(kind, write=True)
        if kind is Variant:
            raise UnsupportedEntity("delete a variant through its product", entity="variant")
        self._recent.forget(kind)
        results: dict[int, CartMigrateError | None] = {}
        numeric = [(p, int(i)) for p, i in enumerate(ids) if i.isdigit()]
        for position, entity_id in enumerate(ids):
            if not entity_id.isdigit():
                results[position] = EntityNotFound(
                    f"no {kind.kind} {entity_id} in {self.name}", entity=kind.kind, status_code=404
                )
        for chunk in chunked(numeric, BATCH_LIMIT):
            try:
                answers = self._batch(_ROUTES[kind], "delete", [i for _, i in chunk], kind.kind)
            except CartMigrateError as error:
                answers = [error] * len(chunk)
            if len(answers) != len(chunk):
                answers = [WriteOutcomeUnknown(f"{self.name}: batch delete answer")] * len(chunk)
            for (position, _), answer in zip(chunk, answers, strict=True):
                results[position] = answer if isinstance(answer, CartMigrateError) else None
                if kind is Product and isinstance(answer, Mapping):
                    learn_media(self, answer)
        return [results[p] for p in range(len(ids))]

    def clear(self, kind: type[Entity]) -> int:
        """Delete every entity of ``kind`` through ``/batch`` (100 per request)."""
        self._require(kind, write=True)
        self._recent.forget(kind)
        ids = [int(raw["id"]) for raw in self._pages(_ROUTES[kind], self._list_params(kind))]
        deleted = 0
        for chunk in chunked(ids, BATCH_LIMIT):
            answers = self._batch(_ROUTES[kind], "delete", list(chunk), kind.kind)
            failures = [a for a in answers if isinstance(a, CartMigrateError)]
            deleted += len(answers) - len(failures)
            if failures:
                raise failures[0]
        return deleted
