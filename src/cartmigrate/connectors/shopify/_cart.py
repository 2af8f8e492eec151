"""ShopifyCart: a Shopify store through the Admin GraphQL API.

See docs/connectors/shopify.md for what maps to what and what Shopify cannot
store. The short version: categories are custom collections, manufacturers
are the product ``vendor``, products and variants go through ``productSet``
in one request each, stock lives at one inventory location, orders are
created as historical orders (no receipts, inventory untouched) and their
status history and shipments' dates are kept in metafields.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import httpx

from ..._exceptions import (
    CartMigrateError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    TransientError,
    WriteOutcomeUnknown,
)
from ...models import (
    Category,
    Customer,
    Entity,
    Manufacturer,
    Order,
    OrderStatus,
    Product,
    Shipment,
    StockStatus,
    Variant,
)
from .._base import Capabilities, Cart, Created, WriteResult
from .._http import CostBucket, HttpClient, RetryPolicy, Secret, run_concurrently
from . import _convert as cv
from . import _graphql as docs
from ._client import GraphQLClient

__all__ = ["ShopifyCart"]

logger = logging.getLogger("cartmigrate.shopify")

E = TypeVar("E", bound=Entity)

_KINDS: frozenset[type[Entity]] = frozenset({Category, Manufacturer, Product, Customer, Order})
_INCREMENTAL: frozenset[type[Entity]] = frozenset({Category, Product, Customer, Order})

#: What Shopify cannot take, for reports and the docs.
LIMITATIONS: Mapping[str, str] = {
    "customer": "Shopify cannot import customer passwords: migrated customers must set a new"
    " password through an account invite (Customers > Send account invite).",
    "review": "Shopify has no product reviews in its Admin API; reviews are skipped.",
    "order": "Shopify numbers its own orders from #1001; the source order number is kept as the"
    " order name, and the status history in the cartmigrate.status_history metafield.",
}


def _gid(value: object) -> bool:
    """A Shopify global id ("gid://shopify/Product/42"): anything else fails its record alone."""
    return isinstance(value, str) and value.startswith("gid://shopify/") and len(value) < 200


class _TokenAuth(httpx.Auth):
    """Adds ``X-Shopify-Access-Token`` to each request, revealing the secret only there."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Shopify-Access-Token"] = self._token.reveal()
        yield request

    def __repr__(self) -> str:
        return "_TokenAuth(***)"


def _shop_host(shop: str) -> str:
    name = shop.strip().removeprefix("https://").removeprefix("http://").strip("/")
    return name if name.endswith(".myshopify.com") else f"{name}.myshopify.com"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ShopifyCart(Cart):
    """A Shopify store. ``shop`` is the ``*.myshopify.com`` name, ``access_token``
    an Admin API access token of a custom app (kept as a ``Secret``).

    Options: ``api_version`` (any version Shopify still serves; the documents use
    only what 2025-01 has), ``location_id`` (inventory location GID; default: the
    shop's primary location, looked up once), ``transport`` / ``client`` (httpx),
    ``max_concurrency`` (parallel writes within one batch), ``bucket`` (a
    ``CostBucket``; its capacity and rate are replaced by what Shopify reports).
    """

    name = "shopify"

    def __init__(
        self,
        shop: str,
        access_token: str | Secret,
        *,
        api_version: str = "2026-10",
        location_id: str | None = None,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        max_concurrency: int = 4,
        bucket: CostBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.shop = _shop_host(shop)
        self.api_version = api_version
        self._token = access_token if isinstance(access_token, Secret) else Secret(access_token)
        self._location_id = location_id
        self.max_concurrency = max(1, max_concurrency)
        # Standard-plan figures until the first response reports the real ones.
        self.bucket = bucket if bucket is not None else CostBucket(1000.0, 50.0)
        auth = _TokenAuth(self._token)
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        self.http = HttpClient(
            f"https://{self.shop}",
            platform="shopify",
            auth=auth,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
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
            self.http, self.bucket, f"/admin/api/{api_version}/graphql.json"
        )

    def __repr__(self) -> str:
        return f"ShopifyCart(shop={self.shop!r}, api_version={self.api_version!r})"

    @property
    def store_identity(self) -> str:
        return f"shopify:{self.shop.lower()}"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            reads=_KINDS,
            writes=_KINDS,
            incremental=_INCREMENTAL,
            batch_size=25,
            source_refs=True,
            read_ahead=True,
        )

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        """A product with variants has no stock of its own on Shopify: its
        quantity is the sum of its variants'."""
        if isinstance(entity, Product) and entity.variants:
            return frozenset({"quantity", "stock_status"})
        return frozenset()

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        """What Shopify cannot store of ``kind``, said in every report."""
        note = LIMITATIONS.get(kind.kind)
        return (note,) if note else ()

    def close(self) -> None:
        self.http.close()

    # -- plumbing ---------------------------------------------------------
    def _run(
        self, operation: str, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.graphql.execute(operation, document, variables)

    def _mutate(
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
            first = errors[0]
            path = [p for p in first.get("field") or () if p not in ("input", "order", "product")]
            where = ".".join(path) or None
            message = str(first.get("message"))
            error_class = DuplicateEntity if "taken" in message.lower() else EntityRejected
            if "does not exist" in message.lower() and where in (None, "id", "orderId"):
                raise EntityNotFound(
                    f"shopify {operation}: {message}",
                    entity=kind,
                    field=where,
                    platform_message=message,
                )
            raise error_class(
                f"shopify refused {kind} ({operation}): {message}"
                + (f" [field {where}]" if where else ""),
                entity=kind,
                field=where,
                platform_message=message,
            )
        return payload

    @property
    def location_id(self) -> str:
        """The inventory location stock is written to and read from."""
        if self._location_id is None:
            location = self._run("PrimaryLocation", docs.PRIMARY_LOCATION).get("location")
            if not location:
                raise EntityRejected("shopify: the shop has no active location for inventory")
            self._location_id = str(location["id"])
        return self._location_id

    def _pages(
        self, operation: str, document: str, root: str, first: int, query: str | None
    ) -> Iterator[dict[str, Any]]:
        def fetch(after: Any) -> tuple[list[dict[str, Any]], Any]:
            variables: dict[str, Any] = {"first": first, "after": after}
            if query is not None:
                variables["query"] = query
            connection = self._run(operation, document, variables)[root]
            info = connection["pageInfo"]
            return connection["nodes"], info["endCursor"] if info["hasNextPage"] else None

        return HttpClient.paginate(fetch)

    # -- reading ------------------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        query = None
        if since is not None and kind in _INCREMENTAL:
            query = f"updated_at:>={_quote(since.astimezone(dt.UTC).isoformat())}"
        return cast(Iterator[E], self._read(kind, query))

    def _read(self, kind: type[Entity], query: str | None) -> Iterator[Entity]:
        if kind is Manufacturer:
            for name in self._pages(
                "ProductVendors", docs.PRODUCT_VENDORS, "productVendors", 250, None
            ):
                if name:
                    yield Manufacturer(id=str(name), name=str(name))
        else:
            operation, document, root, size = {
                Category: ("Collections", docs.COLLECTIONS, "collections", docs.PAGE_COLLECTIONS),
                Product: ("Products", docs.PRODUCTS, "products", docs.PAGE_PRODUCTS),
                Customer: ("Customers", docs.CUSTOMERS, "customers", docs.PAGE_CUSTOMERS),
                Order: ("Orders", docs.ORDERS, "orders", docs.PAGE_ORDERS),
            }[kind]
            for node in self._pages(operation, document, root, size, query):
                entity = self._readable(kind, node)
                if entity is not None:
                    yield entity

    def _node(self, kind: type[Entity], id: str) -> dict[str, Any] | None:
        operation, document, root = {
            Category: ("Collection", docs.COLLECTION, "collection"),
            Product: ("Product", docs.PRODUCT, "product"),
            Customer: ("Customer", docs.CUSTOMER, "customer"),
            Order: ("Order", docs.ORDER, "order"),
        }[kind]
        if not id.startswith("gid://shopify/"):
            return None
        return cast(dict[str, Any] | None, self._run(operation, document, {"id": id}).get(root))

    def _convert(self, kind: type[Entity], node: Mapping[str, Any]) -> Entity:
        converter: Callable[[Mapping[str, Any]], Entity] = {
            Category: cv.category_from,
            Product: cv.product_from,
            Customer: cv.customer_from,
            Order: cv.order_from,
        }[kind]
        return converter(node)

    def _readable(self, kind: type[Entity], node: Mapping[str, Any]) -> Entity | None:
        """The model for ``node``, or None when it cannot be one (reported, not raised:
        one bad record must not stop a read)."""
        return self.model_from(kind, node, lambda data: self._convert(kind, data), valid_id=_gid)

    def get(self, kind: type[E], id: str) -> E | None:
        self._require(kind)
        if kind is Manufacturer:
            return cast(E, Manufacturer(id=id, name=id)) if id.strip() else None
        node = self._node(kind, id)
        return None if node is None else cast(E | None, self._readable(kind, node))

    def count(self, kind: type[Entity]) -> int | None:
        document = docs.COUNTS.get(kind.kind)
        if document is None:
            return None
        operation = document.split()[1]
        data = self._run(operation, document)
        counted = next(iter(data.values())) or {}
        return int(counted.get("count", 0))

    def _first(self, kind: type[Entity], query: str) -> list[dict[str, Any]]:
        operation, document, root = {
            Category: ("Collections", docs.COLLECTIONS, "collections"),
            Product: ("Products", docs.PRODUCTS, "products"),
            Customer: ("Customers", docs.CUSTOMERS, "customers"),
            Order: ("Orders", docs.ORDERS, "orders"),
        }[kind]
        size = {Product: docs.PAGE_PRODUCTS, Order: docs.PAGE_ORDERS}.get(kind, 5)
        data = self._run(operation, document, {"first": size, "query": query})
        return cast(list[dict[str, Any]], data[root]["nodes"])

    def _product_ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        """SKU (casefolded) -> product GID, for the SKUs that exist, in one query per 25."""
        found: dict[str, str] = {}
        for start in range(0, len(skus), 25):
            chunk = skus[start : start + 25]
            query = " OR ".join(f"sku:{_quote(sku)}" for sku in chunk)
            data = self._run("VariantsBySku", docs.VARIANTS_BY_SKU, {"query": query})
            wanted = {sku.casefold() for sku in chunk}
            for node in data["productVariants"]["nodes"]:
                sku = (node.get("sku") or "").casefold()
                if sku in wanted:
                    found.setdefault(sku, node["product"]["id"])
        return found

    def find(self, kind: type[E], natural_key: str) -> E | None:
        self._require(kind)
        key = natural_key.strip()
        if not key:
            return None
        wanted = key.casefold()
        if kind is Manufacturer:
            for vendor in self._read(Manufacturer, None):
                if vendor.natural_key == wanted:
                    return cast(E, vendor)
            return None
        if kind is Product:
            product_id = self._product_ids_by_sku([key]).get(wanted)
            if product_id is not None:
                return self.get(kind, product_id)
            for node in self._first(Product, f"handle:{_quote(key)}"):
                if str(node.get("handle", "")).casefold() == wanted:
                    return cast(E, cv.product_from(node))
            return None
        field = {Category: "handle", Customer: "email", Order: "name"}[kind]
        for node in self._first(kind, f"{field}:{_quote(key)}"):
            entity = self._convert(kind, node)
            if (entity.natural_key or "").casefold() == wanted:
                return cast(E, entity)
        return None

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        """Products, customers and orders by their ``cartmigrate:<ref>`` tag;
        collections by scanning their ``source_ref`` metafield (collections are
        few, and cannot be searched by metafield in 2025-01); manufacturers have
        no reference (they are found by name)."""
        self._require(kind)
        if kind is Manufacturer:
            return None
        if kind is Category:
            for node in self._pages(
                "Collections", docs.COLLECTIONS, "collections", docs.PAGE_COLLECTIONS, None
            ):
                if ((node.get("sourceRef") or {}).get("value")) == source_ref:
                    return cast(E, cv.category_from(node))
            return None
        for node in self._first(kind, f"tag:{_quote(cv.ref_tag(source_ref))}"):
            if ((node.get("sourceRef") or {}).get("value")) == source_ref:
                return cast(E, self._convert(kind, node))
        return None

    # -- creating -----------------------------------------------------------
    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Creates in parallel (``max_concurrency``); products are first checked for
        SKUs already in the shop, with one search per 25 SKUs, because Shopify
        itself accepts duplicate SKUs."""
        refs = list(source_refs) if source_refs is not None else [None] * len(entities)
        taken: dict[str, str] = {}
        skus = [
            sku
            for entity in entities
            if isinstance(entity, Product)
            for sku in [entity.sku, *(v.sku for v in entity.variants)]
            if sku
        ]
        if skus:
            try:
                taken = self._product_ids_by_sku(skus)
            except CartMigrateError as error:
                return [error] * len(entities)

        def one(item: tuple[E, str | None]) -> WriteResult:
            entity, ref = item
            try:
                if isinstance(entity, Product):
                    self._check_skus(entity, taken)
                return self.create(entity, source_ref=ref)
            except CartMigrateError as error:
                return error

        return run_concurrently(
            one, list(zip(entities, refs, strict=True)), max_workers=self.max_concurrency
        )

    @staticmethod
    def _check_skus(product: Product, taken: Mapping[str, str]) -> None:
        for sku in [product.sku, *(v.sku for v in product.variants)]:
            if sku and sku.casefold() in taken:
                raise DuplicateEntity(
                    f"shopify: SKU {sku!r} is already used by product {taken[sku.casefold()]}",
                    existing_id=taken[sku.casefold()],
                    entity="product",
                    field="sku",
                )

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        kind = type(entity)
        self._require(kind, write=True)
        if isinstance(entity, Manufacturer):
            # A vendor exists as soon as a product names it: nothing to create.
            return Created(id=entity.name)
        if isinstance(entity, Category):
            return self._create_collection(entity, source_ref)
        if isinstance(entity, Product):
            return self._create_product(entity, source_ref)
        if isinstance(entity, Customer):
            return self._create_customer(entity, source_ref)
        if isinstance(entity, Order):
            return self._create_order(entity, source_ref)
        raise EntityRejected(f"shopify cannot create {kind.kind} entities", entity=kind.kind)

    def _adopt_duplicate(
        self, error: DuplicateEntity, kind: type[Entity], key: str | None
    ) -> DuplicateEntity:
        existing = self.find(kind, key) if key else None
        error.existing_id = existing.id if existing is not None else None
        return error

    def _create_collection(self, category: Category, source_ref: str | None) -> Created:
        try:
            payload = self._mutate(
                "category",
                "CollectionCreate",
                docs.COLLECTION_CREATE,
                {"input": cv.category_input(category, source_ref)},
                "collectionCreate",
            )
        except DuplicateEntity as error:
            raise self._adopt_duplicate(error, Category, category.slug) from None
        return Created(id=payload["collection"]["id"])

    def _create_product(self, product: Product, source_ref: str | None) -> Created:
        data = cv.product_set_input(product, source_ref, self.location_id)
        try:
            payload = self._mutate(
                "product", "ProductSet", docs.PRODUCT_SET, {"input": data}, "productSet"
            )
        except DuplicateEntity as error:
            raise self._adopt_duplicate(error, Product, product.slug) from None
        created = payload["product"]
        nodes = created["variants"]["nodes"]
        if not product.variants:
            return Created(id=created["id"])
        names = cv.option_names(product)
        by_options = {
            tuple(o["value"] for o in node["selectedOptions"]): node["id"] for node in nodes
        }
        variant_ids = [
            by_options.get(tuple(v.options.get(n, "") for n in names), "") for v in product.variants
        ]
        return Created(id=created["id"], variant_ids=variant_ids)

    def _create_customer(self, customer: Customer, source_ref: str | None) -> Created:
        try:
            payload = self._mutate(
                "customer",
                "CustomerCreate",
                docs.CUSTOMER_CREATE,
                {"input": cv.customer_input(customer, source_ref)},
                "customerCreate",
            )
        except DuplicateEntity as error:
            key = customer.email if error.field == "email" else None
            raise self._adopt_duplicate(error, Customer, key) from None
        return Created(id=payload["customer"]["id"])

    def _create_order(self, order: Order, source_ref: str | None) -> Created:
        payload = self._mutate(
            "order",
            "OrderCreate",
            docs.ORDER_CREATE,
            {
                "order": cv.order_input(order, source_ref),
                "options": {
                    "inventoryBehaviour": "BYPASS",
                    "sendReceipt": False,
                    "sendFulfillmentReceipt": False,
                },
            },
            "orderCreate",
        )
        order_id = str(payload["order"]["id"])
        # The order exists from here on. A follow-up step that fails makes the
        # create's outcome "unknown": the engine then finds the order by its
        # source reference (no duplicate), adopts it, and the next smart update
        # compares its status and shipments with what Shopify holds and
        # finishes the job. Swallowing the error would lose the step for good.
        try:
            if order.status == OrderStatus.CANCELLED:
                self._cancel(order_id, order)
            if order.shipments:
                self._ensure_shipments(order_id, order.shipments, fresh=True)
        except CartMigrateError as error:
            raise WriteOutcomeUnknown(
                f"shopify order {order_id} was created, but a follow-up step (cancel or"
                f" fulfilment) failed: {error}; the next call finishes it",
                entity="order",
            ) from error
        return Created(id=order_id)

    # -- orders: status and shipments ---------------------------------------
    def _cancel(self, order_id: str, order: Order) -> None:
        note = order.status_history[-1].comment if order.status_history else None
        self._mutate(
            "order",
            "OrderCancel",
            docs.ORDER_CANCEL,
            {"orderId": order_id, "staffNote": note},
            "orderCancel",
            errors_key="orderCancelUserErrors",
        )

    def _apply_status(self, order_id: str, status: OrderStatus | str, current: Order) -> None:
        """Bring Shopify's own state as close to ``status`` as it goes (never backwards)."""
        extra = current.extra
        if status == OrderStatus.CANCELLED and not extra.get("cancelled_at"):
            self._cancel(order_id, current)
            return
        if status in (OrderStatus.PROCESSING, OrderStatus.COMPLETED) and extra.get(
            "financial_status"
        ) in ("PENDING", "AUTHORIZED", "PARTIALLY_PAID"):
            self._mutate(
                "order",
                "OrderMarkAsPaid",
                docs.ORDER_MARK_AS_PAID,
                {"input": {"id": order_id}},
                "orderMarkAsPaid",
            )
        if status == OrderStatus.COMPLETED and not extra.get("closed"):
            self._mutate(
                "order", "OrderClose", docs.ORDER_CLOSE, {"input": {"id": order_id}}, "orderClose"
            )

    def _ensure_shipments(
        self, order_id: str, shipments: Sequence[Shipment], *, fresh: bool = False
    ) -> None:
        """Create a fulfillment (with tracking) for each shipment not there yet.

        Idempotent: a shipment is "there" when a fulfillment carries its
        tracking number (untracked ones are matched by count), so a lost answer
        is repaired by calling this again, never by fulfilling twice. ``fresh``:
        the order was just created, so the first pass need not look (saves a
        query of ~270 cost points per order).
        """
        for _ in range(3):
            try:
                if fresh:
                    fresh = False
                    for shipment in shipments:
                        self._fulfill(order_id, shipment)
                    return
                self._ensure_shipments_once(order_id, shipments)
                return
            except WriteOutcomeUnknown:
                continue
        self._ensure_shipments_once(order_id, shipments)

    def _ensure_shipments_once(self, order_id: str, shipments: Sequence[Shipment]) -> None:
        node = self._node(Order, order_id)
        if node is None:
            raise EntityNotFound(f"shopify: no order {order_id}", entity="order")
        numbers: set[str] = set()
        untracked = 0
        for fulfillment in node.get("fulfillments") or ():
            tracking = fulfillment.get("trackingInfo") or []
            if tracking and tracking[0].get("number"):
                numbers.update(t["number"] for t in tracking if t.get("number"))
            else:
                untracked += 1
        for shipment in shipments:
            if shipment.tracking_number:
                if shipment.tracking_number in numbers:
                    continue
            elif untracked > 0:
                untracked -= 1
                continue
            self._fulfill(order_id, shipment)

    def _fulfill(self, order_id: str, shipment: Shipment) -> None:
        data = self._run("OrderFulfillmentOrders", docs.ORDER_FULFILLMENT_ORDERS, {"id": order_id})
        orders = ((data.get("order") or {}).get("fulfillmentOrders") or {}).get("nodes") or []
        open_orders = [f for f in orders if f["status"] in ("OPEN", "IN_PROGRESS")]
        groups: list[dict[str, Any]] = []
        wanted = {line.sku.casefold(): line.quantity for line in shipment.lines if line.sku}
        for fulfillment_order in open_orders:
            items = [
                {
                    "id": line["id"],
                    "quantity": min(
                        line["remainingQuantity"], wanted[(line.get("sku") or "").casefold()]
                    ),
                }
                for line in fulfillment_order["lineItems"]["nodes"]
                if wanted
                and (line.get("sku") or "").casefold() in wanted
                and line["remainingQuantity"] > 0
            ]
            if wanted and not items:
                continue
            group: dict[str, Any] = {"fulfillmentOrderId": fulfillment_order["id"]}
            if wanted:
                group["fulfillmentOrderLineItems"] = items
            groups.append(group)
        if not groups:
            logger.warning(
                "shopify order %s: nothing left to fulfil for shipment %s; kept in the"
                " cartmigrate.shipments metafield only",
                order_id,
                shipment.tracking_number,
            )
            return
        tracking: dict[str, Any] = {}
        if shipment.tracking_number:
            tracking["number"] = shipment.tracking_number
        if shipment.carrier:
            tracking["company"] = shipment.carrier
        if shipment.tracking_url:
            tracking["url"] = shipment.tracking_url
        fulfillment: dict[str, Any] = {
            "lineItemsByFulfillmentOrder": groups,
            "notifyCustomer": False,
        }
        if tracking:
            fulfillment["trackingInfo"] = tracking
        self._mutate(
            "order",
            "FulfillmentCreate",
            docs.FULFILLMENT_CREATE,
            {"fulfillment": fulfillment},
            "fulfillmentCreate",
        )

    # -- updating -----------------------------------------------------------
    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self._require(kind, write=True)
        if not changes:
            return
        if kind is Variant:
            self._update_variant(id, changes)
        elif kind is Product:
            self._update_product(id, changes)
        elif kind is Customer:
            self._update_customer(id, changes)
        elif kind is Order:
            self._update_order(id, changes)
        elif kind is Category:
            self._update_collection(id, changes)
        else:
            raise EntityRejected(
                "shopify: a vendor is renamed by editing its products",
                entity=kind.kind,
                field=next(iter(changes)),
            )

    @staticmethod
    def _reject(kind: str, field: str, why: str) -> EntityRejected:
        return EntityRejected(
            f"shopify cannot update {kind}.{field}: {why}", entity=kind, field=field
        )

    def _update_collection(self, id: str, changes: Mapping[str, Any]) -> None:
        data: dict[str, Any] = {"id": id}
        names = {"name": "title", "slug": "handle", "description": "descriptionHtml"}
        for field, value in changes.items():
            if field in names:
                data[names[field]] = value or ("" if field == "description" else value)
            elif field == "parent_id":
                data["metafields"] = [cv.metafield("parent_id", value or "")] if value else []
            else:
                raise self._reject("category", field, "no such collection field")
        self._mutate(
            "category",
            "CollectionUpdate",
            docs.COLLECTION_UPDATE,
            {"input": data},
            "collectionUpdate",
        )

    def _update_product(self, id: str, changes: Mapping[str, Any]) -> None:
        simple = {
            "name": "title",
            "description": "descriptionHtml",
            "slug": "handle",
            "manufacturer_id": "vendor",
        }
        stock = {"quantity", "stock_status", "price", "compare_at_price", "sku"}
        data: dict[str, Any] = {"id": id}
        current: Product | None = None

        def now() -> Product:
            nonlocal current
            if current is None:
                current = self.get(Product, id)
                if current is None:
                    raise EntityNotFound(f"shopify: no product {id}", entity="product")
            return current

        variant_changes: dict[str, Any] = {}
        for field, value in changes.items():
            if field in simple:
                data[simple[field]] = value if value is not None else ""
            elif field == "status":
                data["status"] = str(value).upper()
            elif field in ("meta_title", "meta_description"):
                seo = {"title": now().meta_title, "description": now().meta_description}
                seo["title" if field == "meta_title" else "description"] = value
                data["seo"] = seo
            elif field == "tags":
                # Keep the reference tag: find_by_source_ref depends on it.
                ref = now().extra.get("source_ref")
                refs = [cv.ref_tag(ref)] if ref else []
                data["tags"] = [*value, *refs]
            elif field == "category_ids":
                old, new = set(now().category_ids), set(value)
                data["collectionsToJoin"] = sorted(new - old)
                data["collectionsToLeave"] = sorted(old - new)
            elif field in stock:
                variant_changes[field] = value
            else:
                raise self._reject("product", field, "change it in the Shopify admin")
        if len(data) > 1:
            self._mutate(
                "product", "ProductUpdate", docs.PRODUCT_UPDATE, {"product": data}, "productUpdate"
            )
        if variant_changes:
            product = now()
            if product.variants:
                # Product-level stock of a product with variants is their sum:
                # nothing of its own to write (variants are updated one by one).
                variant_changes.pop("quantity", None)
                variant_changes.pop("stock_status", None)
                if variant_changes:
                    raise self._reject(
                        "product", next(iter(variant_changes)), "set it on the variants"
                    )
                return
            node = self._node(Product, id) or {}
            variants = (node.get("variants") or {}).get("nodes") or []
            if variants:
                self._update_variant(variants[0]["id"], variant_changes, product_id=id)

    def _update_variant(
        self, id: str, changes: Mapping[str, Any], *, product_id: str | None = None
    ) -> None:
        item = self._run("VariantItem", docs.VARIANT_ITEM, {"id": id}).get("productVariant")
        if not item:
            raise EntityNotFound(f"shopify: no variant {id}", entity="variant")
        product_id = product_id or item["product"]["id"]
        bulk: dict[str, Any] = {"id": id}
        for field, value in changes.items():
            if field == "price":
                bulk["price"] = str(value)
            elif field == "compare_at_price":
                bulk["compareAtPrice"] = None if value is None else str(value)
            elif field == "sku":
                bulk.setdefault("inventoryItem", {})["sku"] = value
            elif field == "stock_status":
                bulk["inventoryPolicy"] = "CONTINUE" if value == StockStatus.BACKORDER else "DENY"
            elif field == "quantity":
                tracked = value is not None
                if tracked != bool(item["inventoryItem"]["tracked"]):
                    bulk.setdefault("inventoryItem", {})["tracked"] = tracked
            else:
                raise self._reject("variant", field, "change it in the Shopify admin")
        if len(bulk) > 1:
            self._mutate(
                "variant",
                "VariantsUpdate",
                docs.VARIANTS_UPDATE,
                {"productId": product_id, "variants": [bulk]},
                "productVariantsBulkUpdate",
            )
        if changes.get("quantity") is not None:
            self._mutate(
                "variant",
                "SetQuantities",
                docs.SET_QUANTITIES,
                {
                    "input": {
                        "name": "available",
                        "reason": "correction",
                        "referenceDocumentUri": "cartmigrate://smart_update",
                        "ignoreCompareQuantity": True,
                        "quantities": [
                            {
                                "inventoryItemId": item["inventoryItem"]["id"],
                                "locationId": self.location_id,
                                "quantity": int(changes["quantity"]),
                            }
                        ],
                    }
                },
                "inventorySetQuantities",
            )

    def _update_customer(self, id: str, changes: Mapping[str, Any]) -> None:
        data: dict[str, Any] = {"id": id}
        names = {
            "email": "email",
            "first_name": "firstName",
            "last_name": "lastName",
            "phone": "phone",
        }
        for field, value in changes.items():
            if field in names:
                data[names[field]] = value
            elif field == "addresses":
                data["addresses"] = [cv.address_input(a) for a in value]
            elif field == "group":
                current = self.get(Customer, id)
                if current is None:
                    raise EntityNotFound(f"shopify: no customer {id}", entity="customer")
                ref = current.extra.get("source_ref")
                data["tags"] = [
                    *current.extra.get("tags", ()),
                    *([f"{cv.GROUP_TAG}{value}"] if value else []),
                    *([cv.ref_tag(ref)] if ref else []),
                ]
            else:
                raise self._reject("customer", field, "change it in the Shopify admin")
        self._mutate(
            "customer", "CustomerUpdate", docs.CUSTOMER_UPDATE, {"input": data}, "customerUpdate"
        )

    def _update_order(self, id: str, changes: Mapping[str, Any]) -> None:
        current = self.get(Order, id)
        if current is None:
            raise EntityNotFound(f"shopify: no order {id}", entity="order")
        metafields: list[dict[str, str]] = []
        data: dict[str, Any] = {"id": id}
        for field, value in changes.items():
            if field == "status":
                metafields.append(cv.metafield("status", str(value)))
            elif field == "status_history":
                metafields.append(cv.metafield("status_history", cv.history_json(value), "json"))
            elif field == "shipments":
                metafields.append(cv.metafield("shipments", cv.shipments_json(value), "json"))
            elif field in ("note", "email"):
                data[field] = value
            elif field == "lines":
                self._check_lines(current, value)
            elif field == "shipping_address":
                data["shippingAddress"] = cv.address_input(value) if value else None
            else:
                raise self._reject(
                    "order", field, "Shopify does not let an order's " + field + " change"
                )
        if "status" in changes:
            self._apply_status(id, changes["status"], current)
        if "shipments" in changes:
            self._ensure_shipments(id, changes["shipments"])
        if metafields:
            data["metafields"] = metafields
        if len(data) > 1:
            self._mutate("order", "OrderUpdate", docs.ORDER_UPDATE, {"input": data}, "orderUpdate")

    @staticmethod
    def _check_lines(current: Order, lines: Sequence[Any]) -> None:
        """Line items of a Shopify order cannot be re-linked to products after
        the fact (only an order edit, which re-prices, could). A change that
        only adds product/variant links (the engine repairing references that
        were missing when the order was created) is accepted as is: the lines
        keep their SKU, title, quantity and price. Any other change is refused.
        """

        def shape(items: Sequence[Any]) -> list[tuple[Any, ...]]:
            return [(i.sku, i.name, i.quantity, i.price) for i in items]

        if shape(current.lines) != shape(lines):
            raise EntityRejected(
                "shopify cannot change the lines of an existing order",
                entity="order",
                field="lines",
            )
        logger.info(
            "shopify order %s: product links of existing line items cannot be added; kept as is",
            current.id,
        )

    # -- deleting -----------------------------------------------------------
    def delete(self, kind: type[Entity], id: str) -> None:
        self._require(kind, write=True)
        if kind is Manufacturer:
            return  # a vendor disappears with the last product naming it
        table: dict[type[Entity], tuple[str, str, str, dict[str, Any]]] = {
            Category: (
                "CollectionDelete",
                docs.COLLECTION_DELETE,
                "collectionDelete",
                {"input": {"id": id}},
            ),
            Product: ("ProductDelete", docs.PRODUCT_DELETE, "productDelete", {"input": {"id": id}}),
            Customer: (
                "CustomerDelete",
                docs.CUSTOMER_DELETE,
                "customerDelete",
                {"input": {"id": id}},
            ),
            Order: ("OrderDelete", docs.ORDER_DELETE, "orderDelete", {"orderId": id}),
        }
        operation, document, field, variables = table[kind]
        self._mutate(kind.kind, operation, document, variables, field)
