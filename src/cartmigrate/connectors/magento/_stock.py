"""Stock: MSI source items where Multi-Source Inventory runs, legacy stock items elsewhere.

A stock change does not move a product's ``updated_at`` (whichever API makes
it), so stock is never read per product: a full read lists every source item
in a few large pages (the default source's are the models' quantity; what
other sources hold is reported, not read), and a page of products asks for
its SKUs in one request. Writes go to ``POST /inventory/source-items``, many
SKUs at once; on a store without MSI, to ``PUT /products/{sku}/stockItems/{id}``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote

import attrs

from ..._exceptions import EntityNotFound
from ...models import Entity, Product, ProductType, StockStatus
from .._rest import chunked
from ._api import Filter, MagentoApi

__all__ = ["SOLD_OUT_UNTRACKED", "Level", "Stock", "magento_quantity", "stock_as_stored"]

#: Source items are small: a thousand per page is one quick answer.
BULK_PAGE = 1000
DEFAULT_SOURCE = "default"


E = TypeVar("E", bound=Entity)

#: Why an untracked product out of stock is written tracking stock at 0.
SOLD_OUT_UNTRACKED = (
    "Magento keeps a product that does not manage stock in stock (observed on"
    " 2.4.7), so untracked and out of stock it is written tracking stock, quantity 0,"
    " out of stock: not for sale, as on the source"
)


def magento_quantity(quantity: int | None, status: StockStatus) -> int | None:
    """The quantity Magento is given: an untracked product out of stock has
    no Magento form (see ``SOLD_OUT_UNTRACKED``), and is tracked at 0."""
    if quantity is None and status is StockStatus.OUT_OF_STOCK:
        return 0
    return quantity


def stock_as_stored(entity: E) -> E:
    """``entity``'s stock as Magento keeps it: what ``magento_quantity``
    writes, on a product with stock of its own and on each variant."""
    if not isinstance(entity, Product):
        return entity
    product: Product = entity
    if not product.variants and product.product_type is not ProductType.GROUPED:
        quantity = magento_quantity(product.quantity, product.stock_status)
        if quantity != product.quantity:
            product = attrs.evolve(product, quantity=quantity)
    variants = [
        v
        if (q := magento_quantity(v.quantity, v.stock_status)) == v.quantity
        else attrs.evolve(v, quantity=q)
        for v in product.variants
    ]
    if any(a is not b for a, b in zip(variants, product.variants, strict=True)):
        product = attrs.evolve(product, variants=variants)
    return cast(E, product)


@attrs.define(frozen=True)
class Level:
    """A SKU's stock at the default source (what the models hold as its
    quantity), and what other MSI sources hold of it (``elsewhere``:
    source code and quantity each), which the models have no place for."""

    quantity: int | None
    in_stock: bool
    elsewhere: tuple[tuple[str, int | None], ...] = ()


class Stock:
    def __init__(self, api: MagentoApi) -> None:
        self._api = api
        self._msi: bool | None = None
        self._lock = threading.Lock()

    @property
    def msi(self) -> bool:
        """Whether the store answers the MSI routes (probed once)."""
        with self._lock:
            if self._msi is None:
                try:
                    self._api.page("inventory/sources", size=1, sort=None)
                    self._msi = True
                except EntityNotFound:
                    self._msi = False
            return self._msi

    @staticmethod
    def _quantity(raw: Mapping[str, object]) -> int | None:
        quantity = raw.get("quantity")
        return int(float(str(quantity))) if quantity is not None else None

    def _collect(self, filters: list[Filter], levels: dict[str, Level]) -> None:
        """Add the source items ``filters`` find, of every source: the default
        source's make a SKU's level; another source's are kept beside it (a SKU
        only other sources hold reads as untracked, as one with no item did)."""
        for page in self._api.search(
            "inventory/source-items", filters, size=BULK_PAGE, sort="source_item_id"
        ):
            for raw in page:
                sku = str(raw.get("sku"))
                known = levels.get(sku)
                elsewhere = known.elsewhere if known is not None else ()
                if raw.get("source_code") == DEFAULT_SOURCE:
                    in_stock = str(raw.get("status")) == "1"
                    levels[sku] = Level(self._quantity(raw), in_stock, elsewhere)
                else:
                    other = (str(raw.get("source_code")), self._quantity(raw))
                    known = known or Level(None, True)
                    levels[sku] = attrs.evolve(known, elsewhere=(*elsewhere, other))

    def everything(self) -> dict[str, Level]:
        """Every SKU's level, of every source, in pages of a thousand."""
        if not self.msi:
            return {}
        levels: dict[str, Level] = {}
        self._collect([], levels)
        return levels

    def for_skus(self, skus: Iterable[str]) -> dict[str, Level]:
        """The levels of these SKUs (one request per hundred; a SKU with a comma alone)."""
        wanted = sorted(set(skus))
        levels: dict[str, Level] = {}
        if not self.msi:
            for sku in wanted:
                try:
                    raw = self._api.get(f"stockItems/{quote(sku, safe='')}")
                except EntityNotFound:
                    continue
                managed = raw.get("manage_stock") is not False or bool(
                    raw.get("use_config_manage_stock")
                )
                levels[sku] = Level(
                    quantity=int(float(raw.get("qty") or 0)) if managed else None,
                    in_stock=bool(raw.get("is_in_stock")),
                )
            return levels
        plain = [s for s in wanted if "," not in s]
        groups: list[list[Filter]] = [
            [Filter("sku", ",".join(chunk), "in")] for chunk in chunked(plain, 100)
        ]
        groups += [[Filter("sku", s)] for s in wanted if "," in s]
        for filters in groups:
            self._collect(filters, levels)
        return levels

    def unmanaged(self, skus: Iterable[str], levels: Mapping[str, Level]) -> dict[str, Level]:
        """The levels of those of ``skus`` whose stock is not managed: not tracked.

        A product that does not manage stock (``manage_stock`` off, as this
        cart writes an untracked one) still has a source item, of quantity 0
        in stock: read as it is, it was 0 in stock, and each comparison with
        the untracked source wrote it again. Only a stock item says so, so
        those source items, the only ones that can be one, are asked about:
        one request each (on the real sample catalogue: one).
        """
        found: dict[str, Level] = {}
        if not self.msi:
            return found  # the stock items were read already (``for_skus``)
        for sku in sorted(set(skus)):
            level = levels.get(sku)
            if level is None or level.quantity != 0 or not level.in_stock:
                continue
            try:
                item = self._api.get(f"stockItems/{quote(sku, safe='')}")
            except EntityNotFound:
                continue
            if (
                isinstance(item, Mapping)
                and item.get("manage_stock") is False
                and item.get("use_config_manage_stock") is False
            ):
                found[sku] = Level(quantity=None, in_stock=True)
        return found

    def write(
        self, levels: Mapping[str, Level], *, managing: Mapping[str, bool] | None = None
    ) -> None:
        """Set these SKUs' quantities and statuses (a product's ``updated_at`` stays).

        ``managing``: SKUs turning tracked (True) or untracked (False,
        ``quantity=None``). A source item has no such flag, so a level alone
        cannot say "untracked": written as one, ``None`` was a quantity of 0
        and the product sold out. The flag is the product's stock item's,
        set explicitly (not the store's configured default, so a quantity
        written next is counted whatever that default is): on before the
        quantity is written, off after the source item says 0 in stock, which
        is what Magento keeps for an untracked product and what the read checks.
        """
        if not levels:
            return
        managing = managing or {}
        if not self.msi:
            for sku, level in sorted(levels.items()):
                fields: dict[str, Any] = {"qty": level.quantity or 0, "is_in_stock": level.in_stock}
                if sku in managing:
                    fields.update(_managed(managing[sku]))
                self._save_item(sku, fields)
            return
        for sku in sorted(s for s, on in managing.items() if on):
            self._save_item(sku, {**_managed(True), "is_in_stock": levels[sku].in_stock})
        items = [
            {
                "sku": sku,
                "source_code": DEFAULT_SOURCE,
                "quantity": level.quantity or 0,
                "status": 1 if level.in_stock else 0,
            }
            for sku, level in sorted(levels.items())
        ]
        for chunk in chunked(items, 100):
            self._api.send(
                "POST",
                "inventory/source-items",
                {"sourceItems": chunk},
                idempotent=True,
                expect_json=False,
            )
        for sku in sorted(s for s, on in managing.items() if not on):
            self._save_item(sku, {**_managed(False), "is_in_stock": levels[sku].in_stock})

    def _save_item(self, sku: str, fields: Mapping[str, Any]) -> None:
        """Save ``fields`` on ``sku``'s stock item (found first: the route needs its id)."""
        item = self._api.get(f"stockItems/{quote(sku, safe='')}")
        self._api.send(
            "PUT",
            f"products/{quote(sku, safe='')}/stockItems/{item['item_id']}",
            {"stockItem": dict(fields)},
        )


def _managed(on: bool) -> dict[str, bool]:
    return {"manage_stock": on, "use_config_manage_stock": False}
