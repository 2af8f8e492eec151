"""100+ crash points on the WooCommerce and Shopify simulators, in process:
the connection to the simulator dies ("process died", a ``BaseException``
nothing catches) at the nth write request — before the simulator applied it,
or after, its answer lost — across full_migrate, smart_update and remigrate.
A new engine, with a new connector, resumes on the same SQLite state, as a
restarted process would. The end must equal an uninterrupted run: nothing
duplicated, nothing lost. (``test_crash_sweep.py`` does the same on memory
targets; ``test_kill_points.py`` with a real ``kill -9`` on these simulators.)

A write request is one that changes the shop: POST/PUT/DELETE for
WooCommerce (a batch is one request), a GraphQL ``mutation`` for Shopify.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartmigrate.connectors import Cart
from cartmigrate.connectors._http import CostBucket
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ..shopify.conftest import BucketClock
from ._served import shopify_schema
from .test_crash_sweep import Crash, _story
from .test_faults import content

KEY, SECRET, TOKEN = "ck_sweep_key_00001", "cs_sweep_secret_0001", "shpat_sweep_token_0001"
# Write requests crashed at per simulator, spread evenly over the whole story
# (WooCommerce ~150 writes, Shopify ~85: full_migrate, then smart_update, then
# remigrate), alternately applied or not. Shopify's are fewer: each of its
# requests is validated against its GraphQL schema, a story costs ~1 s.
POINTS = {"woocommerce": 30, "shopify": 20}


class Dying:
    """A transport to ``handle`` whose process dies at the ``kill_at``-th write."""

    def __init__(self, handle: Callable[[httpx.Request], httpx.Response], platform: str) -> None:
        self.handle = handle
        self.platform = platform
        self.writes = 0
        self.kill_at: int | None = None
        self.applied = True
        self.crashed = 0

    def _is_write(self, request: httpx.Request) -> bool:
        if self.platform == "woocommerce":
            return request.method in ("POST", "PUT", "PATCH", "DELETE")
        try:
            query = str(json.loads(request.content or b"{}").get("query", ""))
        except ValueError:
            return False
        return query.lstrip().startswith("mutation")

    def serve(self, request: httpx.Request) -> httpx.Response:
        if self._is_write(request):
            self.writes += 1
            if self.writes == self.kill_at:
                self.crashed += 1
                if self.applied:
                    self.handle(request)  # applied, and the answer never arrives
                raise Crash()
        return self.handle(request)


class Sim:
    """One simulated shop, and a new connector to it for every "process"."""

    def __init__(self, platform: str, clock: FakeClock, shared: Path, records: Path) -> None:
        self.platform = platform
        self.clock = clock
        self.records = records  # WooCommerce's e-mail switch records: this test's own
        self.sim: Any
        if platform == "shopify":
            self.sim = ShopifySimulator(
                schema=shopify_schema(shared), clock=clock, access_token=TOKEN, shop="sweep"
            )
        else:
            self.sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=clock)
        self.dying = Dying(self.sim.handle, platform)

    def cart(self) -> Cart:
        transport = httpx.MockTransport(self.dying.serve)
        if self.platform == "shopify":
            timer = BucketClock(self.clock)
            return ShopifyCart(
                "sweep",
                TOKEN,
                transport=transport,
                max_concurrency=1,
                bucket=CostBucket(1000.0, 50.0, clock=timer.monotonic, sleep=timer.sleep),
                sleep=timer.sleep,
            )
        return WooCommerceCart(
            "https://shop.example",
            KEY,
            SECRET,
            transport=transport,
            clock=self.clock.monotonic,
            sleep=self.clock.sleep,
            requests_per_second=1e6,
            burst=1e6,
            email_record_dir=self.records,
        )

    def content(self) -> Any:
        found = content(self.cart())
        for order in found.get("order", []):
            order.pop("number", None)  # the platforms number orders themselves
        return found


@pytest.mark.parametrize("platform", ["woocommerce", "shopify"], ids=lambda p: f"{p}-sim")
def test_a_crash_at_any_write_request_ends_like_an_uninterrupted_run(
    platform: str, tmp_path: Path, shared_dir: Path
) -> None:
    clock = FakeClock(tick=dt.timedelta(seconds=1))
    calm = Sim(platform, clock, shared_dir, tmp_path / "calm")
    assert _story(calm.cart, tmp_path / "calm.db", clock) == 0
    expected, writes = calm.content(), calm.dying.writes
    count = POINTS[platform]
    points = sorted({1 + round(i * (writes - 1) / (count - 1)) for i in range(count)})
    assert len(points) == count
    for index, nth in enumerate(points):
        clock = FakeClock(tick=dt.timedelta(seconds=1))
        sim = Sim(platform, clock, shared_dir, tmp_path / f"records-{nth}")
        sim.dying.kill_at, sim.dying.applied = nth, index % 2 == 0
        assert _story(sim.cart, tmp_path / f"crash-{nth}.db", clock) == 1, nth
        assert sim.dying.crashed == 1
        assert sim.content() == expected, f"crashed at write {nth} of {writes}"
