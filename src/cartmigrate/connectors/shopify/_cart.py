"""ShopifyCart: a Shopify store through the Admin GraphQL API.

See docs/connectors/shopify.md for what maps to what and what Shopify cannot
store. The short version: categories are custom collections, manufacturers
are the product ``vendor``, products and variants go through ``productSet``
in one request each (from 2026-01 upserted by their source reference, a
custom ID, so a create whose answer was lost is never a duplicate),
customers through ``customerSet`` likewise, stock lives at one inventory
location and is written by compare-and-swap (``_stock``), orders are created
as historical orders (``_orders``: no receipts, inventory untouched) and
their status history and shipments' dates are kept in metafields.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs
import httpx

from ..._exceptions import (
    CartMigrateError,
    ConfigurationError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    WriteOutcomeUnknown,
)
from ...models import (
    Category,
    Customer,
    Entity,
    Manufacturer,
    Order,
    Product,
    StockStatus,
    Variant,
)
from .. import _unstored as unstored
from .._base import Capabilities, Created, WriteResult
from .._http import CostBucket, RetryPolicy, Secret, run_concurrently
from .._unstored import held, without
from . import _convert as cv
from . import _graphql as docs
from ._bulk import BULK_THRESHOLD, BulkWrites
from ._limits import LIMITATIONS, Limits
from ._orders import OrderWrites
from ._reads import INCREMENTAL, Reads
from ._redirects import Redirects
from ._shop import DEFAULT_API_VERSION
from ._stock import STOCK_POLICIES, StockPolicy, StockWrites

__all__ = ["LIMITATIONS", "ShopifyCart"]

logger = logging.getLogger("cartmigrate.shopify")

E = TypeVar("E", bound=Entity)

_KINDS: frozenset[type[Entity]] = frozenset({Category, Manufacturer, Product, Customer, Order})


class ShopifyCart(Reads, OrderWrites, StockWrites, BulkWrites, Redirects):
    """A Shopify store. ``shop`` is the ``*.myshopify.com`` name.

    Credentials, one of: ``access_token``, an Admin API access token
    (``shpat_...``) of a custom app made in the shop's admin; or
    ``client_id`` and ``client_secret`` of an app made in the Dev Dashboard,
    exchanged for tokens that expire (about 24 h) and are refreshed before
    they do and on a 401. Both are kept as ``Secret``; ``clock`` (monotonic
    seconds) is when tokens are due, for tests.

    Options: ``api_version`` (default 2026-01, the version the documents are
    held to; 2025-01 gets its own twins, see ``_legacy``), ``location_id``
    (inventory location GID; default: the shop's primary location, looked up
    once), ``stock_conflicts`` (``"report"``, ``"source_wins"`` or
    ``"target_wins"``: what to do when the shop's stock changed since it was
    read, see ``_stock``), ``development_store`` (the shop is a development
    store: at most 5 orders a minute, said up front), ``bulk_threshold``
    (products written by one bulk operation from this many in a batch; None:
    never; see ``_bulk``), ``transport`` /
    ``client`` (httpx), ``max_concurrency`` (parallel writes within one
    batch), ``bucket`` (a ``CostBucket``; its capacity and rate are replaced
    by what Shopify reports).
    """

    def __init__(
        self,
        shop: str,
        access_token: str | Secret | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        api_version: str = DEFAULT_API_VERSION,
        location_id: str | None = None,
        stock_conflicts: StockPolicy = "report",
        development_store: bool = False,
        bulk_threshold: int | None = BULK_THRESHOLD,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
        max_concurrency: int = 4,
        bucket: CostBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if stock_conflicts not in STOCK_POLICIES:
            raise ConfigurationError(
                f"shopify: stock_conflicts must be one of {STOCK_POLICIES}, not {stock_conflicts!r}"
            )
        super().__init__(
            shop,
            access_token,
            client_id=client_id,
            client_secret=client_secret,
            api_version=api_version,
            location_id=location_id,
            transport=transport,
            client=client,
            max_concurrency=max_concurrency,
            bucket=bucket,
            retry=retry,
            timeout=timeout,
            sleep=sleep,
            clock=clock,
        )
        self.stock_conflicts = stock_conflicts
        self.limits = Limits(self, development_store=development_store)
        self.bulk_threshold = bulk_threshold
        if sleep is not None:
            self.bulk_sleep = sleep
        if clock is not None:
            self.bulk_clock = clock

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(
            reads=_KINDS,
            writes=_KINDS,
            incremental=INCREMENTAL,
            # Batches big enough to reach the bulk threshold, when bulk is on.
            batch_size=25 if self.bulk_threshold is None else max(25, 2 * self.bulk_threshold),
            source_refs=True,
            read_ahead=True,
        )

    def as_stored(self, entity: E) -> E:
        """Shopify derives a tracked item's stock status from its quantity: sold
        out at 0 or less, unless it keeps selling (backorder). A source "in
        stock" with quantity 0 is compared as Shopify holds it, so
        ``verify=True`` does not write it again on every call."""
        if isinstance(entity, Variant):
            return cast(E, _stored_stock(_stored_weight(entity)))
        if isinstance(entity, Product):
            entity = without(entity, self.unstored_fields(entity))
            if entity.variants:
                # The weight is each variant's; one without its own got its product's.
                variants = [
                    _stored_stock(
                        _stored_weight(
                            v
                            if v.weight is not None
                            else attrs.evolve(
                                v, weight=entity.weight, weight_unit=entity.weight_unit
                            )
                        )
                    )
                    for v in entity.variants
                ]
                return cast(
                    E, attrs.evolve(entity, weight=None, weight_unit=None, variants=variants)
                )
            return cast(E, _stored_stock(_stored_weight(entity)))
        return entity

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        return held(entity, unstored.SHOPIFY)

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        """A product with variants has no stock of its own on Shopify: its
        quantity is the sum of its variants'."""
        if isinstance(entity, Product) and entity.variants:
            return frozenset({"quantity", "stock_status"})
        return frozenset()

    def required_references(self, kind: type[Entity]) -> frozenset[str]:
        """An order's customer and its lines' products: Shopify cannot attach a
        customer (``orderUpdate`` has no such field) or link a line once the
        order exists, so the engine holds an order back while they are pending."""
        return frozenset({"customer_id", "lines"}) if kind is Order else frozenset()

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        """What Shopify cannot store of ``kind``, what it will refuse, and what
        happened on the way (stock conflicts settled), said in every report."""
        note = LIMITATIONS.get(kind.kind)
        return (*((note,) if note else ()), *self.limits.notes(kind), *self.take_notes(kind.kind))

    # -- creating -----------------------------------------------------------
    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Creates in parallel (``max_concurrency``), or, for ``bulk_threshold``
        products or more, by one bulk operation (``_bulk``). Products are first
        checked for SKUs already in the shop, with one search per 25 SKUs,
        because Shopify itself accepts duplicate SKUs."""
        refs = list(source_refs) if source_refs is not None else [None] * len(entities)
        try:
            refused = self.limits.check(entities)
        except CartMigrateError as error:
            return [error] * len(entities)
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

        def one(item: tuple[E, str | None, CartMigrateError | None]) -> WriteResult:
            entity, ref, refusal = item
            if refusal is not None:
                return refusal
            try:
                if isinstance(entity, Product):
                    self._check_skus(entity, taken)
                return self.create(entity, source_ref=ref)
            except CartMigrateError as error:
                return error

        results: list[WriteResult | None] = [None] * len(entities)
        bulk = [
            i
            for i, entity in enumerate(entities)
            if isinstance(entity, Product) and refs[i] and refused[i] is None
        ]
        if bulk and self.uses_bulk(len(bulk)):
            checked: list[int] = []
            for i in bulk:
                try:
                    self._check_skus(cast(Product, entities[i]), taken)
                    checked.append(i)
                except CartMigrateError as error:
                    results[i] = error
            items = [(cast(Product, entities[i]), cast(str, refs[i])) for i in checked]
            for i, result in zip(checked, self.bulk_products(items), strict=True):
                results[i] = result
        rest = [i for i, result in enumerate(results) if result is None]
        for i, result in zip(
            rest,
            run_concurrently(
                one,
                [(entities[i], refs[i], refused[i]) for i in rest],
                max_workers=self.max_concurrency,
            ),
            strict=True,
        ):
            results[i] = result
        return [cast(WriteResult, r) for r in results]

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
            return self.create_order(entity, source_ref)
        raise EntityRejected(f"shopify cannot create {kind.kind} entities", entity=kind.kind)

    def _adopt_duplicate(
        self, error: DuplicateEntity, kind: type[Entity], key: str | None
    ) -> DuplicateEntity:
        existing = self.find(kind, key) if key else None
        error.existing_id = existing.id if existing is not None else None
        return error

    def _upsert(
        self,
        by_ref: bool,
        kind: str,
        operation: str,
        document: str,
        variables: Mapping[str, Any],
        field: str,
    ) -> dict[str, Any]:
        """A create; by the source reference it is an upsert, so one whose answer
        was lost is simply sent again: it updates what the first one made."""
        attempts = 3 if by_ref else 1
        for attempt in range(attempts):
            try:
                return self.mutate(kind, operation, document, variables, field)
            except WriteOutcomeUnknown:
                if attempt == attempts - 1:
                    raise
                logger.info("shopify %s: the answer was lost; sending the upsert again", operation)
        raise AssertionError("unreachable")  # pragma: no cover

    def _create_collection(self, category: Category, source_ref: str | None) -> Created:
        try:
            payload = self.mutate(
                "category",
                "CollectionCreate",
                docs.COLLECTION_CREATE,
                {
                    "input": cv.category_input(
                        category, source_ref, self.ref_type(Category) if source_ref else cv.TEXT
                    )
                },
                "collectionCreate",
            )
        except DuplicateEntity as error:
            raise self._adopt_duplicate(error, Category, category.slug) from None
        return Created(id=payload["collection"]["id"])

    def _create_product(self, product: Product, source_ref: str | None) -> Created:
        """``productSet``; by the source reference where it is a custom ID, so a
        create sent again after a lost answer updates the product it made."""
        by_ref = bool(source_ref) and self.custom_ids(Product)
        data = cv.product_set_input(
            product, source_ref, self.location_id, cv.CUSTOM_ID if by_ref else cv.TEXT
        )
        variables: dict[str, Any] = {"input": data}
        if by_ref and source_ref:
            variables["identifier"] = {"customId": cv.custom_id(source_ref)}
        try:
            payload = self._upsert(
                by_ref, "product", "ProductSet", self.doc("PRODUCT_SET"), variables, "productSet"
            )
        except DuplicateEntity as error:
            raise self._adopt_duplicate(error, Product, product.slug) from None
        # Its answer holds 100 variants; a product may have up to 2,048.
        created = self._whole(
            payload["product"], "variants", "ProductVariants", docs.PRODUCT_VARIANTS
        )
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
        """``customerSet`` by the source reference from 2026-01 (an upsert, as for
        products); ``customerCreate`` on 2025-01."""
        try:
            if self.modern:
                variables: dict[str, Any] = {"input": cv.customer_set_input(customer, source_ref)}
                by_ref = bool(source_ref) and self.custom_ids(Customer)
                if by_ref and source_ref:
                    variables["identifier"] = {"customId": cv.custom_id(source_ref)}
                payload = self._upsert(
                    by_ref, "customer", "CustomerSet", docs.CUSTOMER_SET, variables, "customerSet"
                )
            else:
                payload = self.mutate(
                    "customer",
                    "CustomerCreate",
                    self.doc("CUSTOMER_CREATE"),
                    {"input": cv.customer_input(customer, source_ref)},
                    "customerCreate",
                )
        except DuplicateEntity as error:
            key = customer.email if error.field == "email" else None
            raise self._adopt_duplicate(error, Customer, key) from None
        return Created(id=payload["customer"]["id"])

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
            self.update_variant(id, changes)
        elif kind is Product:
            self._update_product(id, changes)
        elif kind is Customer:
            self._update_customer(id, changes)
        elif kind is Order:
            self.update_order(id, changes)
        elif kind is Category:
            self._update_collection(id, changes)
        else:
            raise EntityRejected(
                "shopify: a vendor is renamed by editing its products",
                entity=kind.kind,
                field=next(iter(changes)),
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
                raise self.reject("category", field, "no such collection field")
        self.mutate(
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
        stock = {
            "quantity",
            "stock_status",
            "price",
            "compare_at_price",
            "sku",
            "weight",
            "weight_unit",
        }
        data: dict[str, Any] = {"id": id}
        current: Product | None = None

        def now() -> Product:
            nonlocal current
            if current is None:
                current = cast(Product | None, self.peek(Product, id))
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
                raise self.reject("product", field, "change it in the Shopify admin")
        if len(data) > 1:
            self.mutate(
                "product", "ProductUpdate", docs.PRODUCT_UPDATE, {"product": data}, "productUpdate"
            )
        if variant_changes:
            product = now()
            if product.variants:
                # Product-level stock of a product with variants is their sum:
                # nothing of its own to write (variants are updated one by one).
                # Nor a weight: each variant has its own.
                for derived in ("quantity", "stock_status", "weight", "weight_unit"):
                    variant_changes.pop(derived, None)
                if variant_changes:
                    raise self.reject(
                        "product", next(iter(variant_changes)), "set it on the variants"
                    )
                return
            node = self.node(Product, id) or {}
            variants = (node.get("variants") or {}).get("nodes") or []
            if variants:
                self.update_variant(variants[0]["id"], variant_changes, product_id=id)

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
                raise self.reject("customer", field, "change it in the Shopify admin")
        if self.modern:
            data.pop("id")
            self.mutate(
                "customer",
                "CustomerSet",
                docs.CUSTOMER_SET,
                {"identifier": {"id": id}, "input": data},
                "customerSet",
            )
        else:
            self.mutate(
                "customer",
                "CustomerUpdate",
                self.doc("CUSTOMER_UPDATE"),
                {"input": data},
                "customerUpdate",
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
        self.mutate(kind.kind, operation, document, variables, field)


_Stocked = TypeVar("_Stocked", Product, Variant)


def _stored_weight(item: _Stocked) -> _Stocked:
    """A weight as Shopify reads it back: in its unit (kilograms when it had
    none), and 0 as no weight."""
    value, unit = cv.weight_from(
        {"inventoryItem": {"measurement": cv.measurement(item.weight, item.weight_unit)}}
    )
    if (value, unit) == (item.weight, item.weight_unit):
        return item
    return attrs.evolve(item, weight=value, weight_unit=unit)


def _stored_stock(item: _Stocked) -> _Stocked:
    """``item``'s stock status as Shopify derives it for a tracked quantity."""
    if item.quantity is None or item.stock_status is StockStatus.BACKORDER:
        return item  # untracked, or sold on backorder: kept as sent
    derived = StockStatus.IN_STOCK if item.quantity > 0 else StockStatus.OUT_OF_STOCK
    return item if item.stock_status is derived else attrs.evolve(item, stock_status=derived)
