"""Magento 2 (REST ``/rest/V1``) connector; see docs/connectors/magento.md."""

from __future__ import annotations

from ._cart import MagentoCart

__all__ = ["MagentoCart"]
