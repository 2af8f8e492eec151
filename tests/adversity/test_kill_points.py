"""Kill points: a real ``kill -9`` of the migrating process, at a request
chosen at random (seeded), before or after the server applied it, during
full_migrate, smart_update or remigrate. A new process then resumes on the
same SQLite state until a run is clean: the store must equal what one
uninterrupted run leaves, with nothing duplicated and nothing lost, on a
target with source references and on the same target declaring none.

The simulator runs in this process behind a real HTTP server; the child
talks to it over a socket, so the kill lands mid-request as a crash would.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._kill_child import KEY, SECRET
from .test_faults import content

CHILD = Path(__file__).resolve().parent / "_kill_child.py"
KILL_POINTS = 6  # per target kind: each one a kill and at least one resuming process


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(WSGIServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client was killed mid-request: writing its answer fails, as it should


class Served:
    """A WooCommerce simulator behind a local HTTP server that can kill its client."""

    def __init__(self) -> None:
        self.sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock())
        self.requests = 0
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
        self.requests += 1
        if self.requests == self.kill_at and self.victim is not None:
            if self.apply_first:
                list(self.sim.wsgi_app(environ, lambda *a: None))  # applied...
            os.kill(self.victim.pid, signal.SIGKILL)  # ...and the client is gone
            self.victim.wait(timeout=30)
            start_response("500 Gone", [("Content-Length", "0")])
            return iter([b""])
        return self.sim.wsgi_app(environ, start_response)

    def run_child(self, state: Path, mode: str) -> subprocess.CompletedProcess[str]:
        child = subprocess.Popen(
            [sys.executable, str(CHILD), self.url, str(state), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.victim = child
        # communicate, not wait: a child writing much to a full pipe would never end.
        out, err = child.communicate(timeout=120)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err)

    def content(self) -> Any:
        """The store's content; order numbers left out (WooCommerce's are its ids)."""
        cart = WooCommerceCart("https://shop.example", KEY, SECRET, transport=self.sim.transport)
        found = content(cart)
        for order in found.get("order", []):
            order.pop("number", None)
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("mode", ["refs", "norefs"])
def test_kill_nine_anywhere_ends_like_an_uninterrupted_run(mode: str, tmp_path: Path) -> None:
    reference = Served()
    try:
        child = reference.run_child(tmp_path / "reference.db", mode)
        assert child.returncode == 0, child.stdout + child.stderr[-2000:]
        expected = reference.content()
        total = reference.requests
    finally:
        reference.close()
    rng = random.Random(f"kill-{mode}")
    points = sorted(rng.sample(range(2, total), KILL_POINTS))
    unreached: list[int] = []
    for index, point in enumerate(points):
        served = Served()
        try:
            served.kill_at, served.apply_first = point, index % 2 == 0
            state = tmp_path / f"kill-{point}.db"
            killed = served.run_child(state, mode)
            if killed.returncode == 0 and served.requests < point:
                # This run needed fewer requests than the reference (a lookup
                # that waited less): it ended before its kill point, and must
                # still end like the reference, checked below.
                unreached.append(point)
            else:
                assert killed.returncode == -signal.SIGKILL, (point, killed.stderr[-2000:])
            served.kill_at = None
            for _ in range(3):  # resume until a run is clean
                resumed = served.run_child(state, mode)
                if resumed.returncode == 0:
                    break
            assert resumed.returncode == 0, (point, resumed.stdout, resumed.stderr[-2000:])
            got = served.content()
            for kind in expected:
                extra = [row for row in got[kind] if row not in expected[kind]]
                missing = [row for row in expected[kind] if row not in got[kind]]
                assert (len(got[kind]), extra, missing) == (len(expected[kind]), [], []), (
                    f"{kind}: killed at request {point} of {total}"
                )
        finally:
            served.close()
    assert len(unreached) <= 1, f"kill points never reached: {unreached} of {total} requests"
