"""HttpClient(max_in_flight=): the bound on requests in flight, and the throttle."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from cartmigrate import ConfigurationError, TransientError
from cartmigrate.connectors._http import CostBucket, HttpClient, RetryPolicy


def test_a_request_waiting_for_a_slot_does_not_overrun_the_throttle() -> None:
    """The client's bucket mirrors the server's limit (2 requests, refilling 1/s):
    it must never let through a request that the server then refuses with 429."""
    now = [0.0]

    def advance(seconds: float) -> None:
        now[0] += seconds

    server = CostBucket(2.0, 1.0, clock=lambda: now[0], sleep=advance)
    entered, release, queued = threading.Event(), threading.Event(), threading.Event()

    def handle(request: httpx.Request) -> httpx.Response:
        if not server.try_acquire(1.0):
            return httpx.Response(429, headers={"Retry-After": "1"})
        if request.url.path == "/slow":
            entered.set()
            release.wait(5)
        return httpx.Response(200, json={})

    http = HttpClient(
        "https://shop.example",
        platform="test",
        transport=httpx.MockTransport(handle),
        bucket=CostBucket(2.0, 1.0, clock=lambda: now[0], sleep=advance),
        retry=RetryPolicy(attempts=1),
        max_in_flight=1,
    )

    class Watched:  # says when thread B queues for the slot
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __enter__(self) -> Any:
            if threading.current_thread().name == "B":
                queued.set()
            return self.inner.__enter__()

        def __exit__(self, *exc: Any) -> Any:
            return self.inner.__exit__(*exc)

    http._slots = Watched(http._slots)
    errors: list[BaseException] = []

    def get(path: str) -> None:
        try:
            http.request("GET", path)
        except BaseException as error:
            errors.append(error)

    a = threading.Thread(target=get, args=("/slow",), name="A")
    b = threading.Thread(target=get, args=("/b",), name="B")
    a.start()
    assert entered.wait(5)  # A holds the only slot
    b.start()
    assert queued.wait(5)  # B queues for it
    advance(10.0)  # a long wait: both buckets are full again
    release.set()
    a.join(5)
    b.join(5)
    assert not a.is_alive() and not b.is_alive() and not errors
    http.request("GET", "/c1")
    try:
        http.request("GET", "/c2")  # the client's bucket says there is room
    except TransientError as error:
        pytest.fail(f"the throttle let through a request the server refused: {error}")


def test_max_in_flight_must_let_a_request_out() -> None:
    with pytest.raises(ConfigurationError, match="at least 1"):
        HttpClient("https://shop.example", platform="test", max_in_flight=0)
