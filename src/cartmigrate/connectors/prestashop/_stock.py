"""Stock: ``stock_availables``, one row per combination plus the product's own row.

The product row (``id_product_attribute=0``) of a product with combinations
is PrestaShop's sum of the combination rows: it is read, never written.
Rows only exist through their product or combination (POST is 405), carry no
date, and a stock change does not touch the product's ``date_upd``; so stock
is read in one listing per page of products, and a write is a PATCH of
``{id, quantity, out_of_stock}`` on a row whose id the last read remembered.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from ..._exceptions import EntityNotFound
from ...models import StockStatus
from ._resource import Row
from ._values import field
from ._ws import Webservice

__all__ = ["StockRows", "out_of_stock_policy", "stock_status"]

#: ``out_of_stock``: 0 refuse orders when out of stock, 1 take them (backorders),
#: 2 the shop's default (refuse, in a default shop).
_ALLOW_ORDERS = "1"


def stock_status(row: Row | None) -> StockStatus:
    if row is None:
        return StockStatus.OUT_OF_STOCK
    if int(field(row, "quantity", "0")) > 0:
        return StockStatus.IN_STOCK
    if field(row, "out_of_stock", "2") == _ALLOW_ORDERS:
        return StockStatus.BACKORDER
    return StockStatus.OUT_OF_STOCK


def out_of_stock_policy(status: StockStatus | str, quantity: int | None) -> str:
    """Backorders (or untracked stock) take orders when out; the rest keep the default."""
    if status == StockStatus.BACKORDER or quantity is None:
        return _ALLOW_ORDERS
    return "2"


class StockRows:
    """The stock rows of products, and the row ids the last read saw."""

    def __init__(self, ws: Webservice) -> None:
        self._ws = ws
        self._ids: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def of_products(self, product_ids: Sequence[str]) -> dict[tuple[str, str], Row]:
        """(product id, combination id or "0") -> row, for these products, in one listing."""
        rows = self._ws.where("stock_availables", "id_product", list(product_ids))
        found = {(field(r, "id_product"), field(r, "id_product_attribute", "0")): r for r in rows}
        with self._lock:
            self._ids.update({key: str(row["id"]) for key, row in found.items()})
        return found

    def row_id(self, product_id: str, combination_id: str) -> str | None:
        key = (product_id, combination_id)
        with self._lock:
            known = self._ids.get(key)
        if known is None:
            self.of_products([product_id])
            with self._lock:
                known = self._ids.get(key)
        return known

    def write(
        self,
        product_id: str,
        combination_id: str,
        *,
        quantity: int | None = None,
        status: StockStatus | str | None = None,
        set_quantity: bool = True,
    ) -> None:
        """PATCH a row's quantity and/or its out-of-stock policy (from ``status``).

        With ``set_quantity=False`` only the policy is written, so a change of
        status alone leaves the quantity as the shop has it.
        """
        row_id = self.row_id(product_id, combination_id)
        if row_id is None:
            raise EntityNotFound(
                f"prestashop: no stock row for product {product_id} combination {combination_id}",
                entity="product",
                field="quantity",
            )
        fields: dict[str, object] = {}
        if set_quantity:
            fields["quantity"] = quantity or 0
        if status is not None:
            fields["out_of_stock"] = out_of_stock_policy(status, quantity)
        elif set_quantity and quantity is None:
            fields["out_of_stock"] = out_of_stock_policy(StockStatus.IN_STOCK, None)
        if fields:
            self._ws.patch("stock_availables", "stock_available", row_id, fields, [])
