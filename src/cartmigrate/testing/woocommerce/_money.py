"""Amounts as the simulated store computes them: PHP's decimals and rounding.

WooCommerce stores prices as texts and rounds totals half up to two
decimals (PHP's ``round``), so an order's totals and a variable product's
price come out as the real store's would.
"""

from __future__ import annotations

import decimal
from typing import Any

__all__ = ["money", "money_text"]


def money(value: Any) -> decimal.Decimal:
    try:
        return decimal.Decimal(str(value)) if value not in (None, "") else decimal.Decimal(0)
    except decimal.InvalidOperation:
        return decimal.Decimal(0)


def money_text(value: decimal.Decimal) -> str:
    """Two decimals, rounded half up as PHP's ``round`` does (10.125 -> 10.13)."""
    return str(value.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP))
