"""Read-ahead when something fails: found in review, each test failed before its fix."""

from __future__ import annotations

import collections
import threading
from typing import Any, ClassVar

import attrs
import httpx

from cartmigrate import (
    Category,
    Customer,
    Manufacturer,
    MemoryCart,
    Order,
    Outcome,
    SyncEngine,
    TransientError,
)
from cartmigrate.connectors._http import RetryPolicy
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing.woocommerce import WooCommerceSimulator


def customers(n: int) -> list[Any]:
    return [Customer(id=f"c{i}", email=f"c{i}@example.com") for i in range(n)]


def woo_source(handle: Any, **options: Any) -> WooCommerceCart:
    """3 customers; ``handle(sim, request)`` serves each request."""
    sim = WooCommerceSimulator(consumer_key="ck_x", consumer_secret="cs_x")
    for i in range(3):
        sim.seed("customers", {"email": f"c{i}@example.com"})
    return WooCommerceCart(
        "https://shop.example",
        "ck_x",
        "cs_x",
        transport=httpx.MockTransport(lambda request: handle(sim, request)),
        requests_per_second=1000.0,
        burst=1000.0,
        **options,
    )


def test_a_type_that_fails_before_its_first_batch_is_not_read_to_its_end() -> None:
    class Source(MemoryCart):
        yielded: ClassVar[collections.Counter[str]] = collections.Counter()

        def read(self, kind: Any, *, since: Any = None) -> Any:
            for entity in super().read(kind, since=since):
                self.yielded[kind.kind] += 1
                yield entity

        def count(self, kind: Any) -> int | None:
            if kind is Customer:
                raise TransientError("count: 503")
            return super().count(kind)

    source = Source([*customers(300), Order(id="o1", number="1")])
    report = SyncEngine(source, MemoryCart(), batch_size=10, read_ahead=True).full_migrate()
    assert [f.source_id for f in report.failures] == ["*"]
    assert report.summary()["order"][Outcome.CREATED.value] == 1
    assert source.yielded["customer"] < 60  # read_ahead=False: 0; now: 300


def test_a_failed_capability_probe_fails_a_type_not_the_call() -> None:
    for read_ahead in (None, False):
        failed: list[bool] = []

        def handle(
            sim: WooCommerceSimulator, request: httpx.Request, failed: list[bool] = failed
        ) -> httpx.Response:
            if "products/brands" in request.url.path and not failed:
                failed.append(True)
                return httpx.Response(503, json={"code": "internal_server_error"})
            return sim.handle(request)

        source = woo_source(handle, retry=RetryPolicy(attempts=1))
        engine = SyncEngine(source, MemoryCart(), read_ahead=read_ahead)  # None: raises here
        report = engine.full_migrate()  # False: raises here
        assert report.summary()["customer"][Outcome.CREATED.value] == 3


def test_a_type_missing_from_the_stream_is_not_taken_for_empty() -> None:
    class LateBrands(MemoryCart):
        """Can store brands once it has written something (a lazy probe)."""

        @property
        def capabilities(self) -> Any:
            caps = super().capabilities
            if not self.calls["create"]:
                return attrs.evolve(caps, writes=caps.writes - {Manufacturer})
            return caps

    source = MemoryCart(
        [Category(id="k1", name="Mugs"), Manufacturer(id="m1", name="Acme"), *customers(3)]
    )
    report = SyncEngine(source, LateBrands(), batch_size=10, read_ahead=True).full_migrate()
    assert report.summary().get("customer", {}).get("created") == 3  # now: missing, no failure


def test_read_ahead_keeps_the_source_within_its_max_concurrency() -> None:
    lock, most, now = threading.Lock(), [0], [0]
    overlapped = threading.Event()

    def handle(sim: WooCommerceSimulator, request: httpx.Request) -> httpx.Response:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
            if now[0] > 1:
                overlapped.set()
        try:
            if request.url.params.get("per_page") == "1" and "categories" in request.url.path:
                overlapped.wait(0.3)  # hold the engine's count(Category)
            return sim.handle(request)
        finally:
            with lock:
                now[0] -= 1

    source = woo_source(handle, max_concurrency=1)
    report = SyncEngine(source, MemoryCart(), read_ahead=True).full_migrate()
    assert report.summary()["customer"][Outcome.CREATED.value] == 3
    assert most[0] == 1  # now: 2
