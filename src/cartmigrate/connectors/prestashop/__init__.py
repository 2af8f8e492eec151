"""PrestaShop 8 (webservice ``/api``) connector; see docs/connectors/prestashop.md."""

from __future__ import annotations

from ._cart import PrestaShopCart

__all__ = ["PrestaShopCart"]
