"""Weights on the real store: it keeps them in its unit ("lbs", Magento's
default), so a product weighed in kilograms is written converted, read back in
pounds, and a second verify writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from cartmigrate import MemoryCart, MemoryStateStore, Product, SyncEngine, WeightUnit

from .._stores import RealStore
from ._fidelity import Recorder
from .conftest import Raw

_WEIGHT = {Product: ["weight", "weight_unit", "quantity"]}


def test_a_weight_in_kilograms_is_stored_in_the_stores_pounds(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    (config,) = [c for c in raw.get("store/storeConfigs") if c["code"] == "default"]
    assert config["weight_unit"] == "lbs"  # the store this test is about
    source = MemoryCart(
        [
            Product(
                id="w1",
                name="Weighed anvil",
                sku="RM-WEIGHT-KG",
                price="10",
                quantity=3,
                weight="2",
                weight_unit="kg",
            )
        ]
    )
    recorder = Recorder(httpx.HTTPTransport())
    cart = make_cart(transport=recorder)
    engine = SyncEngine(source, cart, state=MemoryStateStore())
    report = engine.full_migrate(entities=[Product])
    assert report.failures == []
    assert [w for w in report.warnings if w.source_id] == []  # nothing said per product
    stored = raw.get("products/RM-WEIGHT-KG")
    assert Decimal(str(stored["weight"])) == Decimal("4.4092")  # 2 kg in lbs, 4 places
    (product,) = cart.get_many(Product, [str(stored["id"])]).values()
    assert (product.weight, product.weight_unit) == (Decimal("4.4092"), WeightUnit.LBS)
    before = len(recorder.exchanges)
    again = engine.smart_update(entities=[Product], fields=_WEIGHT, verify=True)
    assert again.total("updated") == 0, again.summary()
    assert again.failures == []
    verified = recorder.exchanges[before:]
    assert verified  # it did read the store to verify
    assert [e for e in verified if e.method != "GET"] == []  # and wrote nothing
    real_magento.reset()
