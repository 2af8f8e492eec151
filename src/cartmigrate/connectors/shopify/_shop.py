"""The plumbing every Shopify resource shares: connection, documents per
version, mutations and their user errors, the inventory location, custom IDs,
and reading a node into a model.

``ShopifyCart`` (``_cart``) is this plus one small part per concern: orders
(``_orders``), stock (``_stock``), bulk writes (``_bulk``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import httpx

from ..._exceptions import (
    AuthenticationError,
    ConfigurationError,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
    TransientError,
)
from ...models import Category, Customer, Entity, Order, Product
from .._base import Cart
from .._http import CostBucket, HttpClient, RetryPolicy, Secret
from . import _convert as cv
from . import _graphql as docs
from . import _legacy as legacy
from . import _order_shapes as shapes
from ._auth import ClientCredentials, StaticToken
from ._client import GraphQLClient

__all__ = ["DEFAULT_API_VERSION", "FIRST_MODERN_VERSION", "ShopifyBase"]

logger = logging.getLogger("cartmigrate.shopify")

#: The version whose official schema the tests hold every document to.
DEFAULT_API_VERSION = "2026-01"
#: From this version on the connector sends ``_graphql``'s documents; before it, ``_legacy``'s.
FIRST_MODERN_VERSION = "2026-01"

_OWNER_TYPES: dict[type[Entity], str] = {
    Product: "PRODUCT",
    Customer: "CUSTOMER",
    Order: "ORDER",
    Category: "COLLECTION",
}


def shop_host(shop: str) -> str:
    name = shop.strip().removeprefix("https://").removeprefix("http://").strip("/")
    return name if name.endswith(".myshopify.com") else f"{name}.myshopify.com"


def _gid(value: object) -> bool:
    """A Shopify global id ("gid://shopify/Product/42"): anything else fails its record alone."""
    return isinstance(value, str) and value.startswith("gid://shopify/") and len(value) < 200


class ShopifyBase(Cart):
    """Connection and shared plumbing; see ``ShopifyCart`` for the options."""

    name = "shopify"

    def __init__(
        self,
        shop: str,
        access_token: str | Secret | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        api_version: str = DEFAULT_API_VERSION,
        location_id: str | None = None,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        max_concurrency: int = 4,
        bucket: CostBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.shop = shop_host(shop)
        self.api_version = api_version
        self.modern = api_version >= FIRST_MODERN_VERSION  # "unstable" counts as modern
        self._location_id = location_id
        self.transport = transport
        self.max_concurrency = max(1, max_concurrency)
        # Standard-plan figures until the first response reports the real ones.
        self.bucket = bucket if bucket is not None else CostBucket(1000.0, 50.0)
        self.auth = self._auth(access_token, client_id, client_secret, clock)
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        self.http = HttpClient(
            f"https://{self.shop}",
            platform="shopify",
            auth=self.auth,
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "cartmigrate-shopify",
            },
            client=client,
            transport=transport,
            timeout=timeout,
            retry=retry,
            bucket=self.bucket,
            error_for=GraphQLClient.error_hook(),
            max_in_flight=max(1, max_concurrency),
            expect_json=True,
            **extra,
        )
        self.graphql = GraphQLClient(
            self.http,
            self.bucket,
            f"/admin/api/{api_version}/graphql.json",
            estimates=dict(docs.COSTS) if self.modern else {**docs.COSTS, **legacy.COSTS},
        )
        # Owner types whose source_ref metafield is a custom ID (None: not asked yet).
        self._custom_ids: dict[str, bool] = {}
        self._definitions_lock = threading.Lock()
        self._notes: dict[str, list[str]] = {}
        self._notes_lock = threading.Lock()

    def _auth(
        self,
        access_token: str | Secret | None,
        client_id: str | None,
        client_secret: str | Secret | None,
        clock: Callable[[], float] | None,
    ) -> httpx.Auth:
        if access_token is not None and (client_id or client_secret):
            raise ConfigurationError("shopify: give an access token or a client id and secret")
        if access_token is not None:
            token = access_token if isinstance(access_token, Secret) else Secret(access_token)
            return StaticToken(token)
        if not client_id or not client_secret:
            raise ConfigurationError(
                "shopify: needs an access_token (shpat_...) or client_id and client_secret"
            )
        secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        options: dict[str, Any] = {} if clock is None else {"clock": clock}
        return ClientCredentials(
            f"https://{self.shop}/admin/oauth/access_token", client_id, secret, **options
        )

    def __repr__(self) -> str:
        return f"ShopifyCart(shop={self.shop!r}, api_version={self.api_version!r})"

    @property
    def store_identity(self) -> str:
        # Shop names are case-insensitive: "MyStore" one night is "mystore" the next.
        return f"shopify:{self.shop.lower()}"

    def close(self) -> None:
        self.http.close()

    # -- notes for the report ---------------------------------------------
    def note(self, kind: str, message: str) -> None:
        """Something the report must say about ``kind`` (returned by ``write_notes``)."""
        with self._notes_lock:
            self._notes.setdefault(kind, []).append(message)

    def take_notes(self, kind: str) -> list[str]:
        with self._notes_lock:
            return self._notes.pop(kind, [])

    # -- documents ----------------------------------------------------------
    def doc(self, name: str) -> str:
        """The document ``name`` for this cart's API version."""
        if not self.modern and hasattr(legacy, name):
            return cast(str, getattr(legacy, name))
        return cast(str, getattr(docs, name))

    def run(
        self, operation: str, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.graphql.execute(operation, document, variables)

    def mutate(
        self,
        kind: str,
        operation: str,
        document: str,
        variables: Mapping[str, Any],
        field: str,
        errors_key: str = "userErrors",
    ) -> dict[str, Any]:
        data = self.graphql.execute(operation, document, variables, mutation=True)
        payload = data.get(field)
        if not isinstance(payload, dict):
            raise TransientError(f"shopify {operation}: no {field} in the answer")
        errors = payload.get(errors_key) or payload.get("userErrors") or []
        if errors:
            raise self.user_error(kind, operation, errors[0])
        return payload

    @staticmethod
    def user_error(kind: str, operation: str, first: Mapping[str, Any]) -> ConnectorError:
        path = [
            p
            for p in first.get("field") or ()
            if p not in ("input", "order", "product", "identifier")
        ]
        where = ".".join(path) or None
        message = str(first.get("message"))
        lowered = message.lower()
        if "does not exist" in lowered and where in (None, "id", "orderId"):
            return EntityNotFound(
                f"shopify {operation}: {message}",
                entity=kind,
                field=where,
                platform_message=message,
            )
        error_class = (
            DuplicateEntity
            if "taken" in lowered or first.get("code") == "TAKEN"
            else EntityRejected
        )
        return error_class(
            f"shopify refused {kind} ({operation}): {message}"
            + (f" [field {where}]" if where else ""),
            entity=kind,
            field=where,
            platform_message=message,
        )

    @staticmethod
    def reject(kind: str, field: str, why: str) -> EntityRejected:
        return EntityRejected(
            f"shopify cannot update {kind}.{field}: {why}", entity=kind, field=field
        )

    @property
    def location_id(self) -> str:
        """The inventory location stock is written to and read from."""
        if self._location_id is None:
            location = self.run("PrimaryLocation", docs.PRIMARY_LOCATION).get("location")
            if not location:
                raise EntityRejected("shopify: the shop has no active location for inventory")
            self._location_id = str(location["id"])
        return self._location_id

    def pages(
        self, operation: str, document: str, root: str, first: int, query: str | None
    ) -> Iterator[dict[str, Any]]:
        def fetch(after: Any) -> tuple[list[dict[str, Any]], Any]:
            variables: dict[str, Any] = {"first": first, "after": after}
            if query is not None:
                variables["query"] = query
            connection = self.run(operation, document, variables)[root]
            info = connection["pageInfo"]
            return connection["nodes"], info["endCursor"] if info["hasNextPage"] else None

        return HttpClient.paginate(fetch)

    # -- custom IDs -----------------------------------------------------------
    def custom_ids(self, kind: type[Entity], *, create: bool = True) -> bool:
        """Whether ``kind``'s source reference is a custom ID here (2026-01 on).

        Before the first create of a kind, the ``cartmigrate.source_ref``
        metafield definition of type ``id`` (unique values) is created for the
        owner type; "taken" means it exists. A shop where it cannot be made
        (say, an older text definition of that key) falls back to the reference
        tag, and the report says so. ``create=False`` (a look-up, which a dry
        run makes too) only asks whether it exists: nothing is written.
        """
        owner = _OWNER_TYPES.get(kind)
        if owner is None or not self.modern:
            return False
        with self._definitions_lock:
            known = self._custom_ids.get(owner)
            if known is not None:
                return known
            if not create:
                data = self.run(
                    "SourceRefDefinitions", docs.SOURCE_REF_DEFINITIONS, {"owner": owner}
                )
                nodes = (data.get("metafieldDefinitions") or {}).get("nodes") or []
                if nodes and (nodes[0].get("type") or {}).get("name") == cv.CUSTOM_ID:
                    self._custom_ids[owner] = True
                    return True
                return False  # not made yet: nothing can have been created by it
            data = self.graphql.execute(
                "SourceRefDefinition",
                docs.METAFIELD_DEFINITION_CREATE,
                {
                    "definition": {
                        "name": "cartmigrate source reference",
                        "namespace": docs.NAMESPACE,
                        "key": docs.SOURCE_REF,
                        "type": cv.CUSTOM_ID,
                        "ownerType": owner,
                        "description": "Where cartmigrate migrated this from; unique.",
                    }
                },
                mutation=True,
            )
            errors = (data.get("metafieldDefinitionCreate") or {}).get("userErrors") or []
            usable = all(e.get("code") == "TAKEN" for e in errors)
            if not usable:
                message = "; ".join(str(e.get("message")) for e in errors)
                if any(e.get("code") == "ACCESS_DENIED" for e in errors):
                    raise AuthenticationError(
                        f"shopify: cannot create a metafield definition: {message}"
                    )
                self.note(
                    kind.kind,
                    "the cartmigrate.source_ref metafield definition could not be made a"
                    f" custom ID ({message}); a lost create is found by tag search instead",
                )
            self._custom_ids[owner] = usable
            return usable

    def ref_type(self, kind: type[Entity]) -> str:
        return cv.CUSTOM_ID if self.custom_ids(kind) else cv.TEXT

    # -- reading one node -------------------------------------------------------
    def node(self, kind: type[Entity], id: str) -> dict[str, Any] | None:
        operation, document, root = {
            Category: ("Collection", docs.COLLECTION, "collection"),
            Product: ("Product", docs.PRODUCT, "product"),
            Customer: ("Customer", self.doc("CUSTOMER"), "customer"),
            Order: ("Order", docs.ORDER, "order"),
        }[kind]
        if not id.startswith("gid://shopify/"):
            return None
        return cast(dict[str, Any] | None, self.run(operation, document, {"id": id}).get(root))

    def convert(self, kind: type[Entity], node: Mapping[str, Any], *, seen: bool = True) -> Entity:
        """The model of ``node``. ``seen``: a read for the caller (the engine), whose
        stock quantities are then "last seen"; False for the connector's own look
        before a write, which must not move that mark."""
        if kind is Customer:
            node = self._whole(node, "addressesV2", "CustomerAddresses", docs.CUSTOMER_ADDRESSES)
        elif kind is Product:
            node = self._whole(node, "variants", "ProductVariants", docs.PRODUCT_VARIANTS)
            node = self._whole(node, "collections", "ProductCollections", docs.PRODUCT_COLLECTIONS)
            node = self._whole(node, "media", "ProductMedia", docs.PRODUCT_MEDIA)
        elif kind is Order:
            node = self._whole(node, "lineItems", "OrderLineItems", docs.ORDER_LINE_ITEMS)
            node = self.all_fulfillments(node)
        if kind is Order:
            unread: list[str] = []
            order = shapes.order_from(node, unread)
            for field in unread:
                self.report_not_read(
                    Order,
                    str(order.id),
                    field,
                    "a fulfillment's lines are Shopify fulfillment line items, which this"
                    " cart does not read: the shipment is read without them",
                )
            return order
        converter: Callable[[Mapping[str, Any]], Entity] = {
            Category: cv.category_from,
            Product: cv.product_from,
            Customer: cv.customer_from,
        }[kind]
        entity = converter(node)
        if seen and isinstance(entity, Product):
            self.saw_stock(entity)
        return entity

    def peek(self, kind: type[Entity], id: str) -> Entity | None:
        """The entity as it is now, for the connector's own use (see ``convert``)."""
        node = self.node(kind, id)
        return None if node is None else self.convert(kind, node, seen=False)

    def saw_stock(self, product: Product) -> None:
        """Hook: a product was read (``_stock`` remembers its quantities)."""

    def _whole(
        self, node: Mapping[str, Any], key: str, operation: str, document: str
    ) -> Mapping[str, Any]:
        """``node`` with all of its connection ``key`` (a customer's addresses, a
        product's variants): the pages after the one read with it, fetched by
        ``document``, which asks the node by id for the page ``after`` a cursor."""
        connection = node.get(key)
        if not connection or not (connection.get("pageInfo") or {}).get("hasNextPage"):
            return node
        nodes = list(connection.get("nodes") or ())
        after = connection["pageInfo"].get("endCursor")
        for _ in range(100):  # 250 a page for addresses, 100 for variants (2,048 at most)
            data = self.run(operation, document, {"id": node["id"], "after": after})
            owner = next(iter(data.values()), None) or {}
            page = owner.get(key) or {}
            nodes.extend(page.get("nodes") or ())
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            after = info.get("endCursor")
        return {**node, key: {"nodes": nodes}}

    def all_fulfillments(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """``node`` (an order) with every one of its fulfillments.

        The list has no next page, so when ``fulfillmentsCount`` says there
        are more than were read with the order, the order is asked for them
        again, up to 250. More than that cannot be read: the order fails
        alone, naming its shipments, rather than reading as fewer.
        """
        count = (node.get("fulfillmentsCount") or {}).get("count")
        read = node.get("fulfillments") or ()
        if not isinstance(count, int) or count <= len(read):
            return node
        data = self.run("OrderFulfillments", docs.ORDER_FULFILLMENTS, {"id": node["id"]})
        fulfillments = (data.get("order") or {}).get("fulfillments") or []
        if len(fulfillments) < count:  # fulfillments are cancelled, never deleted
            raise InvalidEntity(
                "Order",
                "shipments",
                f"{count} fulfillments on {self.name}, which lists at most"
                f" {docs.ORDER_FULFILLMENTS_MAX} of an order",
            )
        return {**node, "fulfillments": fulfillments}

    def readable(self, kind: type[Entity], node: Mapping[str, Any]) -> Entity | None:
        """The model for ``node``, or None when it cannot be one (reported, not raised:
        one bad record must not stop a read)."""
        return self.model_from(kind, node, lambda data: self.convert(kind, data), valid_id=_gid)
