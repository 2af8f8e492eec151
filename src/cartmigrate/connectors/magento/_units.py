"""The store's weight unit (``general/locale/weight_unit``), read once.

Magento keeps a product's weight as a bare number in the unit the store is
configured with: "lbs" (the default) or "kgs". ``GET store/storeConfigs``
answers it per store view, so the cart reads it once and converts weights to
it on write and reads them back with it. A store view whose unit is neither
(or missing) leaves the unit unknown: weights then travel as they are, and the
report says so per product.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ...models import WeightUnit
from ._api import MagentoApi

__all__ = ["WeightUnits", "weight_unit_of"]

#: Magento's spellings (``Magento\Directory\Model\Config\Source\WeightUnit``:
#: "lbs", "kgs"), and the plain ones a customised store may hold.
_SPELLINGS = {
    "lbs": WeightUnit.LBS,
    "lb": WeightUnit.LBS,
    "kgs": WeightUnit.KG,
    "kg": WeightUnit.KG,
    "g": WeightUnit.G,
    "oz": WeightUnit.OZ,
}


def weight_unit_of(configs: Any, code: str) -> WeightUnit | None:
    """The unit of store view ``code`` in a ``store/storeConfigs`` answer; without
    that view, the first real one's (id above 0); None when it is not known."""
    views = [c for c in configs if isinstance(c, Mapping)] if isinstance(configs, list) else []
    chosen = [v for v in views if v.get("code") == code] or [
        v for v in views if str(v.get("id") or "0").isdigit() and int(v.get("id") or 0) > 0
    ]
    if not chosen:
        return None
    return _SPELLINGS.get(str(chosen[0].get("weight_unit") or "").strip().lower())


class WeightUnits:
    """The cart's view of the store's weight unit: one request, on first need."""

    def __init__(self, api: MagentoApi) -> None:
        self._api = api
        self._lock = threading.Lock()
        self._unit: WeightUnit | None = None
        self._known = False

    def unit(self) -> WeightUnit | None:
        with self._lock:
            if not self._known:
                answer = self._api.get("store/storeConfigs")
                self._unit = weight_unit_of(answer, self._api.store_code or "default")
                self._known = True
            return self._unit
