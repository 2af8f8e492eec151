"""Sale prices: PrestaShop's ``specific_prices`` that apply to every buyer.

A product "on sale" in PrestaShop keeps its regular price and carries a
specific price: a percentage or an amount off (``reduction_type``), or a
fixed price (``price`` other than -1), for a shop, currency, country, group,
customer, cart, quantity and time window. Those that apply to everyone
(all zero, from one unit, running now) are what a buyer pays: read as
``price`` with the regular price as ``compare_at_price``. The others (for a
group, a customer, a quantity, a later date) have no place in the models:
their number is kept in ``extra["specific_prices"]``.

Written: a sale (``compare_at_price`` above ``price``) is the regular price
on the product or combination and one such specific price, an amount off
(tax excluded), on the product (no combinations) or on each combination.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

from ._values import field, money, ps_amount
from ._ws import Webservice

__all__ = ["SalePrices", "regular_and_sale"]

Row = dict[str, Any]
_EVERYONE = ("id_cart", "id_customer", "id_group", "id_country", "id_currency")
_NO_DATE = ("", "0000-00-00 00:00:00")


def _for_everyone(rule: Row, now: str) -> bool:
    if any(field(rule, key, "0") != "0" for key in _EVERYONE):
        return False
    if field(rule, "from_quantity", "1") not in ("0", "1"):
        return False
    start, end = field(rule, "from"), field(rule, "to")
    return (start in _NO_DATE or start <= now) and (end in _NO_DATE or now <= end)


def regular_and_sale(
    regular: decimal.Decimal, impact: decimal.Decimal, rule: Row | None
) -> tuple[decimal.Decimal, decimal.Decimal | None]:
    """(price paid, compare-at price or None) of ``regular + impact`` under ``rule``."""
    full = regular + impact
    if rule is None:
        return money(full), None
    fixed = field(rule, "price", "-1")
    base = money(fixed) + impact if not fixed.startswith("-") else full
    reduction = decimal.Decimal(field(rule, "reduction", "0"))
    if field(rule, "reduction_type") == "percentage":
        sale = base * (1 - reduction)
    else:
        sale = base - reduction
    sale = max(decimal.Decimal(0), sale).quantize(decimal.Decimal("0.01"))
    return (money(sale), money(full)) if sale < full else (money(full), None)


class SalePrices:
    """The specific prices of a page of products, read in one listing."""

    def __init__(self, ws: Webservice) -> None:
        self._ws = ws

    def of_products(
        self, product_ids: Sequence[str], zone: dt.tzinfo
    ) -> tuple[dict[tuple[str, str], Row], dict[str, int]]:
        """((product, combination or "0") -> the rule for everyone, product -> other rules)."""
        if not product_ids:
            return {}, {}
        now = dt.datetime.now(zone).strftime("%Y-%m-%d %H:%M:%S")
        everyone: dict[tuple[str, str], Row] = {}
        others: dict[str, int] = {}
        for rule in self._ws.where("specific_prices", "id_product", list(product_ids)):
            key = (field(rule, "id_product"), field(rule, "id_product_attribute", "0"))
            if _for_everyone(rule, now) and key not in everyone:
                everyone[key] = rule
            else:
                others[key[0]] = others.get(key[0], 0) + 1
        return everyone, others

    def write(self, product_id: str, combination_id: str, off: decimal.Decimal) -> None:
        """A sale for everyone: ``off`` (tax excluded) off the regular price."""
        self._ws.create(
            "specific_prices",
            "specific_price",
            {
                "id_product": product_id,
                "id_product_attribute": combination_id,
                "id_shop": 0,
                "id_cart": 0,
                "id_currency": 0,
                "id_country": 0,
                "id_group": 0,
                "id_customer": 0,
                "price": "-1",
                "from_quantity": 1,
                "reduction": ps_amount(off),
                "reduction_tax": 0,
                "reduction_type": "amount",
                "from": "0000-00-00 00:00:00",
                "to": "0000-00-00 00:00:00",
            },
            [],
        )

    def clear(self, product_id: str, combination_id: str) -> None:
        """Remove the sales for everyone on a product (or combination)."""
        everyone, _ = self.of_products([product_id], dt.UTC)
        rule = everyone.get((product_id, combination_id))
        if rule is not None:
            self._ws.delete("specific_prices", str(rule["id"]))
