"""A failed capabilities probe of the target fails one type at most, never the engine."""

from __future__ import annotations

import httpx

from cartmigrate import Customer, MemoryCart, Outcome, SyncEngine
from cartmigrate.connectors._http import RetryPolicy
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator


def test_a_failed_brands_probe_of_the_target_does_not_fail_the_constructor() -> None:
    sim = WooCommerceSimulator(consumer_key="ck_x", consumer_secret="cs_x")
    failed: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if "products/brands" in request.url.path and not failed:
            failed.append(True)
            return httpx.Response(503, json={"code": "internal_server_error"})
        return sim.handle(request)

    target = WooCommerceCart(
        "https://shop.example",
        "ck_x",
        "cs_x",
        transport=httpx.MockTransport(handle),
        requests_per_second=1000.0,
        burst=1000.0,
        retry=RetryPolicy(attempts=1),
        mute_emails=False,
    )
    source = MemoryCart([Customer(id="c1", email="c1@example.com")])
    engine = SyncEngine(source, target)  # raises TransientError here
    report = engine.full_migrate()
    assert report.summary()["customer"][Outcome.CREATED.value] == 1
