"""The PrestaShop cart: the webservice (``/api``) through the shared HTTP layer.

The cart itself only dispatches: each entity type is one resource
(``_catalog``, ``_products``, ``_customers``, ``_orders``) with its route,
reader, payload and follow-ups. Requests per operation are listed in
docs/connectors/prestashop.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx

from ..._exceptions import (
    CartMigrateError,
    ConfigurationError,
    EntityNotFound,
    UnsupportedEntity,
)
from ...models import Category, Customer, Entity, Manufacturer, Order, Product, Variant
from .. import _unstored as unstored
from .._base import Capabilities, Cart, Created, WriteResult
from .._http import CostBucket, HttpClient, RetryPolicy, Secret
from .._rest import fan_out, url_identity
from .._unstored import held, in_unit, phone_on_addresses, phone_stored, unconverted, without
from ._access import missing_permissions, permissions_of
from ._catalog import CategoryResource, ManufacturerResource
from ._customers import CustomerResource, placed
from ._images import ImageUploader
from ._lookups import Lookups
from ._mails import StateMails
from ._order_writes import OrderWriter
from ._orders import OrderResource
from ._products import ProductResource
from ._resource import Resource
from ._ws import Webservice, client_error, server_error

__all__ = ["PrestaShopCart"]

E = TypeVar("E", bound=Entity)

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class PrestaShopCart(Cart):
    """A PrestaShop 8 shop through its webservice.

    ``key`` is a webservice key (Advanced Parameters -> Webservice) with GET,
    POST, PATCH and DELETE on the resources listed in the docs; it is sent as
    the Basic-auth user, over HTTPS only (plain http is refused except for
    loopback or with ``transport=``). ``url`` is the shop's address, with or
    without ``/api``, and must be the host the shop answers to: PrestaShop
    redirects any other host, and redirects are refused (a redirected POST
    would be lost). ``language`` is the language id multilingual fields are
    read in (default: the shop's default language); writes fill every
    language with the same text. ``tax_rules_group`` is written on new
    products (0: prices as given, no tax added). With ``upload_images`` a new
    product's images are fetched from their URLs (with ``image_client``, or a
    client of its own that never carries the key) and uploaded.
    """

    def __init__(
        self,
        url: str,
        key: str | Secret,
        *,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        timeout: float = 60.0,
        max_concurrency: int = 4,
        requests_per_second: float = 20.0,
        burst: float = 20.0,
        retry: RetryPolicy | None = None,
        language: int | None = None,
        timezone: dt.tzinfo | None = None,
        page_size: int = 100,
        tax_rules_group: int = 0,
        upload_images: bool = False,
        image_client: httpx.Client | None = None,
        payment_module: str = "ps_checkpayment",
        mail_record_dir: str | os.PathLike[str] | None = None,
        sleep: Callable[[float], None] | None = None,
        name: str = "prestashop",
    ) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigurationError(f"not a shop URL: {parsed.copy_with(query=None)!s}")
        if parsed.scheme == "http" and parsed.host not in _LOCAL_HOSTS and transport is None:
            raise ConfigurationError(
                "the webservice key is sent with every request: use https://"
                " (plain http is only allowed for loopback or a simulator transport)"
            )
        if page_size < 1:
            raise ConfigurationError(f"page_size must be at least 1, not {page_size}")
        self.name = name
        path = parsed.path.rstrip("/")
        if path.endswith("/api"):
            path = path[: -len("/api")]
        self._url = str(parsed.copy_with(path=path or "/", query=None, fragment=None)).rstrip("/")
        self._key = key if isinstance(key, Secret) else Secret(key)
        http_args: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        bucket_args: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        self._max_concurrency = max(1, max_concurrency)
        http = HttpClient(
            f"{self._url}/api/",
            platform=name,
            auth=httpx.BasicAuth(self._key.reveal(), ""),
            client=client,
            transport=transport,
            timeout=timeout,
            retry=retry,
            bucket=CostBucket(burst, requests_per_second, **bucket_args),
            error_for=client_error,
            server_error_for=server_error,
            headers={"User-Agent": "cartmigrate"},
            max_in_flight=self._max_concurrency,
            # Reads and writes answer JSON (output_format=JSON): a 200 with an
            # HTML page or a cut body is retried, or an unknown outcome for a
            # write, never parsed. The XML index, DELETE and images opt out.
            expect_json=True,
            **http_args,
        )
        self._ws = Webservice(http, page_size=page_size)
        self._lookups = Lookups(self._ws, language=language, zone=timezone)
        products = ProductResource(self._ws, self._lookups, model_from=self.model_from)
        products.image_base = self._url
        products.tax_rules_group = tax_rules_group
        self._image_client: httpx.Client | None = None
        if upload_images:
            if image_client is None:
                # Its own client, without the key: an image URL may point anywhere.
                image_client = self._image_client = httpx.Client(
                    timeout=timeout, follow_redirects=True
                )
            products.images = ImageUploader(http, image_client)
        self._upload_images = upload_images
        customers = CustomerResource(self._ws, self._lookups, model_from=self.model_from)
        orders = OrderResource(self._ws, self._lookups, model_from=self.model_from)
        self._mails = StateMails(
            self._ws,
            url=self._url,
            record_dir=Path(mail_record_dir) if mail_record_dir is not None else None,
        )
        orders.customers = customers
        orders.stock = products.stock
        orders.payment_module = payment_module
        orders.writer = OrderWriter(orders, self._mails)
        self._orders = orders
        self._resources: dict[type[Entity], Resource[Any]] = {
            Category: CategoryResource(self._ws, self._lookups, model_from=self.model_from),
            Manufacturer: ManufacturerResource(self._ws, self._lookups, model_from=self.model_from),
            Product: products,
            Customer: customers,
            Order: orders,
        }

    def __repr__(self) -> str:
        return f"PrestaShopCart(url={self._url!r})"

    @property
    def store_identity(self) -> str:
        return url_identity("prestashop", self._url)

    @property
    def requests(self) -> int:
        """How many HTTP requests (retries included) this cart has sent."""
        return self._ws.requests

    def close(self) -> None:
        self._mails.restore()
        self._ws.http.close()
        if self._image_client is not None:
            self._image_client.close()

    # -- preflight ------------------------------------------------------------
    def check_access(self) -> None:
        """``GET /api``: the cheapest request the key must pass (a wrong key -> 401).

        Also switches back on an order state's e-mail that a process killed
        while writing an order left off (see ``_mails``)."""
        self._ws.index()
        self._mails.recover()

    def check_permissions(self, *, write: bool) -> list[str]:
        """What the key lacks, read from the index of what it may do (no write)."""
        granted = permissions_of(self._ws.index())
        return missing_permissions(granted, write=write, images=self._upload_images)

    # -- capabilities -------------------------------------------------------
    @property
    def capabilities(self) -> Capabilities:
        kinds = set(self._resources)
        return Capabilities(
            reads=kinds,
            writes=kinds,
            incremental={k for k, r in self._resources.items() if r.incremental},
            batch_size=self._max_concurrency,
            source_refs=False,
            read_ahead=True,
        )

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        if isinstance(entity, Product) and entity.variants:
            # The product's stock row is PrestaShop's sum of its combinations'.
            return frozenset({"quantity", "stock_status"})
        return frozenset()

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        if kind is Customer:
            return (
                "passwords cannot be moved (the source holds only a hash): each new customer"
                " gets a random password and must reset it ('Forgot your password?')",
                "a missing first or last name is written as 'Customer', a missing street or"
                " city as '-', a missing country as the shop's default (PrestaShop requires"
                " them)",
            )
        if kind is Product:
            images = (
                "images are uploaded from their URLs; a product whose image cannot be fetched"
                " fails with it"
                if self._upload_images
                else "images are not uploaded (upload_images=False)"
            )
            return (
                images,
                "a sale (compare_at_price above price) is written as a specific price for"
                " everyone, per combination on a product with combinations; tags are matched"
                " by name or created",
                "prices are written as given, with the tax rules group of the"
                " tax_rules_group option (default 0: no tax added)",
                "a variant without its own quantity is written with stock 0, taking orders",
            )
        if kind is Order:
            notes = [
                "orders are made through a cart and the payment-module path, born in state"
                " 8 'Payment error' (its e-mail switched off for that moment) so that no stock"
                " moves and no e-mail goes, then moved to their state without e-mails; the"
                " source number is the reference when it fits 9 characters and is always in"
                " the order's note, with the source date (date_add backdated)",
                "line prices are the historical ones (a specific price bound to the cart);"
                " the order's totals are written as the source's, but the lines' taxes,"
                " the invoice's tax breakdown and the order payments are PrestaShop's own"
                " (its tax rules, a payment of 0 and one per paid state)",
                "a later move to 'Canceled' or 'Payment error' (or out of them) makes"
                " PrestaShop put stock back (or take it): the connector writes the lines'"
                " stock back as it was, since the migration carries stock from the source",
            ]
            if self._mails.restored:
                notes.append(
                    "an earlier run ended with the e-mail of order state(s)"
                    f" {', '.join(self._mails.restored)} switched off; switched back on"
                )
            if self._mails.unrestored:
                notes.append(
                    "the e-mail of order state(s) "
                    f"{', '.join(self._mails.unrestored)} could not be switched back on:"
                    " tick 'Send an email to the customer' in Orders -> Statuses"
                )
            return tuple(notes)
        return ()

    def required_references(self, kind: type[Entity]) -> frozenset[str]:
        """An order's customer and its lines' products: the cart an order is made
        from holds them, and neither can be changed once the order exists (an
        order without its customer would become a guest's)."""
        return frozenset({"customer_id", "lines"}) if kind is Order else frozenset()

    def as_stored(self, entity: E) -> E:
        """As the shop keeps it: an order the way its writer stores it, any other
        entity without what the shop cannot keep (``unstored_fields``)."""
        if isinstance(entity, Order):
            return cast(E, self._orders.writer.as_stored(entity))
        # A weight reads back in the shop's unit (PS_WEIGHT_UNIT), converted on write.
        stored = in_unit(without(entity, self.unstored_fields(entity)), self._lookups.weight_unit)
        if isinstance(stored, Customer):
            stored = cast(E, placed(stored, self._lookups)[0])
        return phone_stored(stored)

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        if isinstance(entity, Order):
            return self._orders.writer.unstored(entity)
        found = held(entity, unstored.PRESTASHOP) | phone_on_addresses(entity, "PrestaShop")
        if isinstance(entity, Customer) and (unplaced := placed(entity, self._lookups)[1]):
            found["addresses"] = unplaced
        if unconverted(entity, self._lookups.weight_unit):
            found["weight_unit"] = (
                "the shop's PS_WEIGHT_UNIT is none of kg, g, lbs, oz: weights are"
                " written as they are, not converted"
            )
        return found

    # -- reading ------------------------------------------------------------
    def _resource(self, kind: type[Entity], *, write: bool = False) -> Resource[Any]:
        self._require(kind, write=write)
        return self._resources[Product if kind is Variant else kind]

    def _models(self, resource: Resource[Any], rows: Sequence[dict[str, Any]]) -> list[Any]:
        return resource.convert(rows)

    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        resource = self._resource(kind)
        if since is not None and resource.incremental:
            pages = resource.since_pages(since)
        else:
            pages = self._ws.pages(resource.route, resource.list_params(), records=True)
        for rows in pages:
            yield from self._models(resource, rows)

    def get(self, kind: type[E], id: str) -> E | None:
        return self.get_many(kind, [id]).get(id)

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        resource = self._resource(kind)
        rows = self._ws.by_ids(resource.route, list(ids), resource.list_params(), records=True)
        return {cast(str, m.id): m for m in self._models(resource, rows)}

    def count(self, kind: type[Entity]) -> int | None:
        if kind not in self._resources or kind is Category:
            return None  # Root and Home are listed but not read
        resource = self._resources[kind]
        pages = self._ws.pages(resource.route, resource.list_params(), display="[id]")
        return sum(len(page) for page in pages)

    def find(self, kind: type[E], natural_key: str) -> E | None:
        resource = self._resource(kind)
        key = natural_key.strip()
        if not key or any(c in key for c in "[]|,"):
            # Not expressible as one exact filter value ("," makes a range, "|" a choice).
            return cast(E | None, self._scan(resource, key))
        for params in resource.find_params(key):
            rows = self._ws.all(resource.route, params)
            for model in self._models(resource, rows):
                own = model.natural_key
                if not resource.finished(model):
                    continue  # half-made by an interrupted create: created again
                if own is not None and own.casefold() == key.casefold():
                    return cast(E, model)
        return None

    def _scan(self, resource: Resource[Any], key: str) -> Any:
        """``find`` the slow way, for a key no filter can hold."""
        for model in self.read(resource.kind):
            own = model.natural_key
            if own is not None and own.casefold() == key.casefold() and resource.finished(model):
                return model
        return None

    # -- writing ------------------------------------------------------------
    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        return self._resource(type(entity), write=True).create(entity)

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Creates side by side, up to ``max_concurrency`` at once; each fails alone.

        Entities sharing a natural key (an e-mail, a SKU) never go at once:
        PrestaShop checks an e-mail in PHP, not with a unique index, so two
        POSTs side by side could both pass; the first in order goes first.
        """

        def one(entity: E) -> WriteResult:
            try:
                return self.create(entity)
            except CartMigrateError as error:
                return error

        kinds = {type(e) for e in entities}
        side_by_side = all(
            self._resources[k].parallel_creates for k in kinds if k in self._resources
        )
        workers = self._max_concurrency if side_by_side else 1
        seen: set[str] = set()
        first: list[int] = []
        later: list[int] = []
        for position, entity in enumerate(entities):
            key = entity.natural_key
            (later if key is not None and key.casefold() in seen else first).append(position)
            if key is not None:
                seen.add(key.casefold())
        results: dict[int, WriteResult] = dict(
            zip(
                first,
                fan_out(one, [entities[i] for i in first], max_workers=workers),
                strict=True,
            )
        )
        for position in later:
            results[position] = one(entities[position])
        return [results[i] for i in range(len(entities))]

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        resource = self._resource(kind, write=True)
        if kind is Variant and not parent_id:
            raise UnsupportedEntity("a variant update needs its product's id", entity="variant")
        if not id.isdigit():
            raise EntityNotFound(f"no {kind.kind} {id} in {self.name}", entity=kind.kind)
        resource.update(id, changes, parent_id if kind is Variant else None)

    def delete(self, kind: type[Entity], id: str) -> None:
        if kind is Variant:
            raise UnsupportedEntity("delete a variant through its product", entity="variant")
        self._resource(kind, write=True).delete(id)

    def clear(self, kind: type[Entity]) -> int:
        """Delete every entity of ``kind``, newest first (a category takes its
        children with it, so a child already gone is not an error)."""
        resource = self._resource(kind, write=True)
        ids = [m.id for m in self.read(kind) if m.id is not None]
        deleted = 0
        for entity_id in sorted(ids, key=int, reverse=True):
            try:
                resource.delete(entity_id)
                deleted += 1
            except EntityNotFound:
                continue
        return deleted
