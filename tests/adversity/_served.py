"""A WooCommerce or Shopify simulator in the test's process, served over
loopback HTTP to child processes (``_kill_child.py``), which it can kill.

The simulators are in-process objects; serving one over a socket is what lets
two processes share one simulated shop (the race tests) and lets a ``kill -9``
land mid-request, as a crash would (the kill-point tests). The server is
threaded: two clients' requests run side by side, as on a real host (both
simulators serialise their own state behind a lock).
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import graphql

from cartmigrate.connectors import Cart
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.shopify import ShopifySimulator, load_schema
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._kill_child import KEY, SECRET, SHOP, TOKEN
from .test_faults import content

CHILD = Path(__file__).resolve().parent / "_kill_child.py"
SCHEMA = Path("specs") / "shopify" / "admin_schema_2026-01_public.graphql.gz"


@functools.cache
def shopify_schema(shared: Path) -> graphql.GraphQLSchema:
    return load_schema(shared / SCHEMA)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client was killed mid-request: writing its answer fails, as it should


class Served:
    """A simulator behind a local HTTP server that can kill its client at the
    ``kill_at``-th request, after applying it (``apply_first``) or not."""

    def __init__(
        self, platform: str, schema: graphql.GraphQLSchema | None = None, *, latency: float = 0.0
    ) -> None:
        self.platform = platform
        self.latency = latency  # real seconds per request, so that two runs overlap
        self.sim: Any
        if platform == "shopify":
            assert schema is not None
            # A bucket that never runs dry: the children run on real time.
            self.sim = ShopifySimulator(
                schema=schema, shop=SHOP, access_token=TOKEN, capacity=1e9, restore_rate=1e9
            )
        else:
            self.sim = WooCommerceSimulator(
                consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock()
            )
        self.requests = 0
        self._count = threading.Lock()
        self.kill_at: int | None = None
        self.apply_first = True
        self.victim: subprocess.Popen[str] | None = None
        self.server: WSGIServer = make_server(
            "127.0.0.1", 0, self.app, server_class=_Server, handler_class=_Quiet
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        if self.latency:
            time.sleep(self.latency)
        with self._count:
            self.requests += 1
            kill = self.requests == self.kill_at and self.victim is not None
        if kill and self.victim is not None:
            if self.apply_first:
                list(self.sim.wsgi_app(environ, lambda *a: None))  # applied...
            os.kill(self.victim.pid, signal.SIGKILL)  # ...and the client is gone
            self.victim.wait(timeout=30)
            start_response("500 Gone", [("Content-Length", "0")])
            return iter([b""])
        return self.sim.wsgi_app(environ, start_response)  # type: ignore[no-any-return]

    def start_child(self, state: Path, mode: str, *what: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(CHILD), self.url, str(state), self.platform, mode, *what],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run_child(self, state: Path, mode: str) -> subprocess.CompletedProcess[str]:
        child = self.start_child(state, mode)
        self.victim = child
        # communicate, not wait: a child writing much to a full pipe would never end.
        out, err = child.communicate(timeout=120)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err)

    def cart(self) -> Cart:
        """A cart on the simulator, in this process."""
        if self.platform == "shopify":
            return ShopifyCart(SHOP, TOKEN, transport=self.sim.transport, max_concurrency=1)
        return WooCommerceCart("https://shop.example", KEY, SECRET, transport=self.sim.transport)

    def content(self) -> Any:
        """The store's content; order numbers left out (the platforms number orders)."""
        found = content(self.cart())
        for order in found.get("order", []):
            order.pop("number", None)
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
