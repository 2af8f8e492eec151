"""The Magento 2 cart: REST ``/rest/V1`` through the shared HTTP layer.

The cart holds the connection and hands each call to the resource of the
entity type (``_categories``, ``_products``, ``_customers``, ``_orders``,
``_manufacturers``). Requests per operation are in docs/connectors/magento.md.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import httpx

from ..._exceptions import (
    AuthenticationError,
    CartMigrateError,
    ConfigurationError,
    ConnectorError,
    EntityNotFound,
    UnsupportedEntity,
)
from ...models import Category, Customer, Entity, Manufacturer, Order, Product, Variant
from .. import _unstored as unstored
from .._base import Capabilities, Cart, Created, WriteResult
from .._http import CostBucket, HttpClient, RetryPolicy, Secret
from .._rest import fan_out, url_identity
from .._unstored import held, in_unit, phone_on_addresses, phone_stored, unconverted, without
from ._api import MagentoApi, error_for_response
from ._attributes import AttributeCatalog
from ._categories import CategoryResource
from ._customers import CustomerResource, Directory
from ._manufacturers import ManufacturerResource
from ._orders import OrderResource, stored_order
from ._products import ProductResource
from ._resource import Context, Resource
from ._stock import Stock, stock_as_stored
from ._units import WeightUnits

__all__ = ["MagentoCart"]

E = TypeVar("E", bound=Entity)

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_REST_SUFFIX = re.compile(r"/rest(?:/[A-Za-z0-9_]+)?(?:/V1)?/?$")


class _Bearer(httpx.Auth):
    """``Authorization: Bearer`` from a ``Secret``, revealed only when sending."""

    def __init__(self) -> None:
        self.token: Secret | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.token is not None:
            request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        yield request


class MagentoCart(Cart):
    """A Magento 2 store through its REST API.

    ``url`` is the store's base URL (``https://shop.example.com``; a URL
    ending in ``/rest/V1`` is accepted too). ``token`` is an integration's
    access token (System > Integrations; "Use as standalone Bearer token" must
    be allowed: ``oauth/consumer/enable_integration_as_bearer``), or pass
    ``admin_username``/``admin_password`` to get an admin token instead.
    ``store_code`` picks the store view read (default: the default view);
    global values are written through ``/rest/all/V1``. ``max_concurrency``
    bounds requests in flight across threads (Magento serves one request per
    PHP worker); ``requests_per_second`` throttles before the server has to.
    """

    def __init__(
        self,
        url: str,
        token: str | Secret | None = None,
        *,
        admin_username: str | None = None,
        admin_password: str | Secret | None = None,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        timeout: float = 60.0,
        max_concurrency: int = 4,
        requests_per_second: float = 20.0,
        store_code: str | None = None,
        retry: RetryPolicy | None = None,
        attribute_set_id: str | None = None,
        name: str = "magento",
    ) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigurationError(f"not a store URL: {parsed.copy_with(query=None)!s}")
        if parsed.scheme == "http" and parsed.host not in _LOCAL_HOSTS and transport is None:
            raise ConfigurationError(
                "the Magento token is sent with every request: use https:// (plain http is"
                " only allowed for a loopback store or a simulator transport)"
            )
        base = str(parsed.copy_with(query=None, fragment=None)).rstrip("/")
        base = _REST_SUFFIX.sub("", base)
        self.name = name
        self._url = base
        self._max_concurrency = max(1, max_concurrency)
        self._token = token if isinstance(token, Secret) or token is None else Secret(token)
        self._login = (
            admin_username,
            admin_password
            if isinstance(admin_password, Secret) or admin_password is None
            else Secret(admin_password),
        )
        if self._token is None and not (admin_username and admin_password):
            raise ConfigurationError(
                "give an integration token, or admin_username and admin_password"
            )
        self._bearer = _Bearer()
        self._http = HttpClient(
            base,
            platform=name,
            auth=self._bearer,
            client=client,
            transport=transport,
            timeout=timeout,
            retry=retry,
            bucket=CostBucket(max(1.0, requests_per_second), requests_per_second),
            error_for=error_for_response,
            headers={"User-Agent": "cartmigrate", "Accept": "application/json"},
            max_in_flight=self._max_concurrency,
            # Every answer is JSON: an HTML error page or a cut body with a 200
            # is retried (a write's is an unknown outcome), never parsed.
            expect_json=True,
        )
        self._setup_lock = threading.Lock()  # the resources are made once, on first use
        self._authorize()
        self._api = MagentoApi(self._http, base=base, store_code=store_code)
        self._ctx = Context(
            api=self._api,
            attributes=AttributeCatalog(self._api),
            name=name,
            max_concurrency=self._max_concurrency,
            report_unreadable=self.report_unreadable,
            report_not_read=self.report_not_read,
            model_from=self.model_from,
        )
        self._stock = Stock(self._api)
        self._units = WeightUnits(self._api)
        self._attribute_set = attribute_set_id
        self._resources: dict[type[Entity], Resource[Any]] | None = None
        self._manufacturers: bool | None = None

    def _authorize(self) -> None:
        """Attach the bearer token; with an admin login, ask for one first."""
        if self._token is None:
            username, password = self._login
            assert username is not None and password is not None
            answer = self._http.request(
                "POST",
                f"{self._url}/rest/V1/integration/admin/token",
                json={"username": username, "password": password.reveal()},
                idempotent=True,
            ).json()
            if not isinstance(answer, str) or not answer:
                raise AuthenticationError("magento: the admin token request gave no token")
            self._token = Secret(answer)
        self._bearer.token = self._token

    def __repr__(self) -> str:
        return f"MagentoCart(url={self._url!r})"

    @property
    def store_identity(self) -> str:
        return url_identity("magento", self._url)

    @property
    def requests(self) -> int:
        """How many HTTP requests (retries included) this cart has sent."""
        return self._http.requests

    def close(self) -> None:
        self._http.close()

    # -- preflight ----------------------------------------------------------------
    def check_access(self) -> None:
        """``GET store/storeViews``: small, authenticated, and needed by every call
        anyway. (Whether an integration may write cannot be told over REST
        without writing, so ``check_permissions`` keeps the default.)"""
        self._api.get("store/storeViews")

    # -- resources ------------------------------------------------------------
    def _store_facts(self) -> tuple[int, int]:
        """(website id, store id) of the store view this cart works in."""
        code = self._api.store_code or "default"
        views = self._api.get("store/storeViews")
        chosen = [v for v in views if v.get("code") == code] or [
            v for v in views if int(v.get("id") or 0) > 0
        ]
        if not chosen:
            return 1, 1
        return int(chosen[0].get("website_id") or 1), int(chosen[0].get("id") or 1)

    def _resource(self, kind: type[Entity]) -> Resource[Any]:
        with self._setup_lock:
            if self._resources is None:
                website, store = self._store_facts()
                directory = Directory(self._ctx)
                self._resources = {
                    Category: CategoryResource(self._ctx),
                    Product: ProductResource(
                        self._ctx,
                        stock=self._stock,
                        units=self._units,
                        attribute_set=self._attribute_set,
                        website=str(website),
                    ),
                    Customer: CustomerResource(self._ctx, directory=directory, website=website),
                    Order: OrderResource(self._ctx, directory=directory, store_id=store),
                    Manufacturer: ManufacturerResource(self._ctx),
                }
            resources = self._resources
        if kind not in resources:
            raise UnsupportedEntity(f"{self.name} has no {kind.kind} entities", entity=kind.kind)
        return resources[kind]

    def _products(self) -> ProductResource:
        return cast(ProductResource, self._resource(Product))

    # -- capabilities -----------------------------------------------------------
    @property
    def capabilities(self) -> Capabilities:
        kinds: set[type[Entity]] = {Category, Product, Customer, Order}
        if self._manufacturers_available():
            kinds.add(Manufacturer)
        return Capabilities(
            reads=kinds,
            writes=kinds,
            incremental=frozenset({Category, Customer, Order}),
            batch_size=20,
            source_refs=False,
            read_ahead=True,
        )

    def _manufacturers_available(self) -> bool:
        if self._manufacturers is None:
            resource = cast(ManufacturerResource, self._resource(Manufacturer))
            self._manufacturers = resource.available()
        return self._manufacturers

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        if kind in self.capabilities.writes:
            return self._resource(kind).notes()
        return ()

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        found = held(entity, unstored.MAGENTO) | phone_on_addresses(entity, "Magento")
        if unconverted(entity, self._units.unit):
            found["weight_unit"] = (
                "the store's weight unit (general/locale/weight_unit) is neither lbs"
                " nor kgs: weights are written as they are, not converted"
            )
        return found

    def as_stored(self, entity: E) -> E:
        """Without what the shop cannot keep (``unstored_fields``), a weight in
        the store's unit, as it is converted on write and read back, a
        customer's phone as its addresses hold it, and an order's statuses
        and history as Magento keeps them (``stored_order``)."""
        stored = in_unit(without(entity, self.unstored_fields(entity)), self._units.unit)
        stored = stock_as_stored(phone_stored(stored))
        if isinstance(stored, Order):
            return cast(E, stored_order(stored))
        return stored

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        if isinstance(entity, Product):
            return self._products().derived(entity)
        return frozenset()

    # -- reading ------------------------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        resource = cast(Resource[E], self._resource(kind))
        return resource.read(since if kind in self.capabilities.incremental else None)

    def get(self, kind: type[E], id: str) -> E | None:
        return self.get_many(kind, [id]).get(id)

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        self._require(kind)
        return cast(dict[str, E], self._resource(kind).get_many(list(ids)))

    def count(self, kind: type[Entity]) -> int | None:
        if kind not in self.capabilities.reads:
            return None
        return self._resource(kind).count()

    def find(self, kind: type[E], natural_key: str) -> E | None:
        self._require(kind)
        return cast(E | None, self._resource(kind).find(natural_key))

    # -- writing --------------------------------------------------------------------
    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        kind = type(entity)
        self._require(kind, write=True)
        try:
            return self._resource(kind).create(entity)
        except ConnectorError as error:
            error.entity = error.entity or kind.kind
            raise

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Creates in parallel (up to ``max_concurrency``), one result per entity.

        Entities whose natural keys collide go one after the other, so the
        check-before-create of one sees the other's product.
        """
        keys = [(e.natural_key or "").casefold() for e in entities]
        workers = self._max_concurrency if len(set(keys)) == len(keys) else 1

        def one(entity: E) -> WriteResult:
            try:
                return self.create(entity)
            except CartMigrateError as error:
                return error

        return fan_out(one, entities, max_workers=workers)

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self._require(kind, write=True)
        if not id.isdigit():
            raise EntityNotFound(f"magento: no {kind.kind} {id}", entity=kind.kind, status_code=404)
        if kind is Variant:
            self._products().update_variant(id, changes)
            return
        self._resource(kind).update(id, changes, parent_id=parent_id)

    def delete(self, kind: type[Entity], id: str) -> None:
        self._require(kind, write=True)
        if kind is Variant:
            raise UnsupportedEntity("delete a variant through its product", entity="variant")
        self._resource(kind).delete(id)
