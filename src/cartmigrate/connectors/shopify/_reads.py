"""Reading a Shopify store: pages of each kind, single nodes, counts, and
look-ups by natural key and by source reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, cast

from ...models import Category, Customer, Entity, Manufacturer, Order, Product
from . import _convert as cv
from . import _graphql as docs
from . import _legacy as legacy
from ._shop import ShopifyBase

__all__ = ["INCREMENTAL", "Reads", "quote"]

E = TypeVar("E", bound=Entity)

INCREMENTAL: frozenset[type[Entity]] = frozenset({Category, Product, Customer, Order})


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Reads(ShopifyBase):
    """``read``, ``get``, ``count``, ``find`` and ``find_by_source_ref``."""

    # -- reading ------------------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        query = None
        if since is not None and kind in INCREMENTAL:
            query = f"updated_at:>={quote(since.astimezone(dt.UTC).isoformat())}"
        return cast(Iterator[E], self._read(kind, query))

    def _read(self, kind: type[Entity], query: str | None) -> Iterator[Entity]:
        if kind is Manufacturer:
            for name in self.pages(
                "ProductVendors", docs.PRODUCT_VENDORS, "productVendors", 250, None
            ):
                if name:
                    yield Manufacturer(id=str(name), name=str(name))
        else:
            operation, document, root, size = {
                Category: ("Collections", docs.COLLECTIONS, "collections", docs.PAGE_COLLECTIONS),
                Product: ("Products", docs.PRODUCTS, "products", docs.PAGE_PRODUCTS),
                Customer: ("Customers", self.doc("CUSTOMERS"), "customers", self._page_customers),
                Order: ("Orders", docs.ORDERS, "orders", docs.PAGE_ORDERS),
            }[kind]
            for node in self.pages(operation, document, root, size, query):
                entity = self.readable(kind, node)
                if entity is not None:
                    yield entity

    @property
    def _page_customers(self) -> int:
        return docs.PAGE_CUSTOMERS if self.modern else legacy.PAGE_CUSTOMERS

    def get(self, kind: type[E], id: str) -> E | None:
        self._require(kind)
        if kind is Manufacturer:
            return cast(E, Manufacturer(id=id, name=id)) if id.strip() else None
        node = self.node(kind, id)
        return None if node is None else cast(E | None, self.readable(kind, node))

    def count(self, kind: type[Entity]) -> int | None:
        document = docs.COUNTS.get(kind.kind)
        if document is None:
            return None
        operation = document.split()[1]
        data = self.run(operation, document)
        counted = next(iter(data.values())) or {}
        return int(counted.get("count", 0))

    def _first(self, kind: type[Entity], query: str) -> list[dict[str, Any]]:
        operation, document, root = {
            Category: ("Collections", docs.COLLECTIONS, "collections"),
            Product: ("Products", docs.PRODUCTS, "products"),
            Customer: ("Customers", self.doc("CUSTOMERS"), "customers"),
            Order: ("Orders", docs.ORDERS, "orders"),
        }[kind]
        size = {Product: docs.PAGE_PRODUCTS, Order: docs.PAGE_ORDERS}.get(kind, 5)
        data = self.run(operation, document, {"first": size, "query": query})
        return cast(list[dict[str, Any]], data[root]["nodes"])

    def _product_ids_by_sku(self, skus: Sequence[str]) -> dict[str, str]:
        """SKU (casefolded) -> product GID, for the SKUs that exist, in one query per 25."""
        found: dict[str, str] = {}
        for start in range(0, len(skus), 25):
            chunk = skus[start : start + 25]
            query = " OR ".join(f"sku:{quote(sku)}" for sku in chunk)
            data = self.run("VariantsBySku", docs.VARIANTS_BY_SKU, {"query": query})
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
            for node in self._first(Product, f"handle:{quote(key)}"):
                if str(node.get("handle", "")).casefold() == wanted:
                    return cast(E, cv.product_from(node))
            return None
        field = {Category: "handle", Customer: "email", Order: "name"}[kind]
        for node in self._first(kind, f"{field}:{quote(key)}"):
            entity = self.convert(kind, node)
            if (entity.natural_key or "").casefold() == wanted:
                return cast(E, entity)
        return None

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        """From 2026-01: by the ``cartmigrate.source_ref`` custom ID
        (``productByIdentifier`` and its siblings), which sees a write at once.
        On 2025-01 (or where the custom ID could not be set up): products,
        customers and orders by their ``cartmigrate:<ref>`` tag (a search, which
        may lag), collections by scanning their ``source_ref`` metafield.
        Manufacturers have no reference (they are found by name)."""
        self._require(kind)
        if kind is Manufacturer:
            return None
        if self.custom_ids(kind, create=False):
            operation, document, root = {
                Product: ("ProductByRef", docs.PRODUCT_BY_REF, "productByIdentifier"),
                Customer: ("CustomerByRef", docs.CUSTOMER_BY_REF, "customerByIdentifier"),
                Order: ("OrderByRef", docs.ORDER_BY_REF, "orderByIdentifier"),
                Category: ("CollectionByRef", docs.COLLECTION_BY_REF, "collectionByIdentifier"),
            }[kind]
            node = self.run(operation, document, {"ref": source_ref}).get(root)
            return None if not node else cast(E, self.convert(kind, node))
        if kind is Category:
            for node in self.pages(
                "Collections", docs.COLLECTIONS, "collections", docs.PAGE_COLLECTIONS, None
            ):
                if ((node.get("sourceRef") or {}).get("value")) == source_ref:
                    return cast(E, cv.category_from(node))
            return None
        for node in self._first(kind, f"tag:{quote(cv.ref_tag(source_ref))}"):
            if ((node.get("sourceRef") or {}).get("value")) == source_ref:
                return cast(E, self.convert(kind, node))
        return None
