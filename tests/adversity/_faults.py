"""Faults injected between a connector and a simulator, seeded.

Each kind is something real networks and hosts do:

- ``429``: refused with ``Retry-After``, nothing applied;
- ``503``: a gateway's error, nothing applied;
- ``timeout``: no answer, nothing applied;
- ``lost``: applied, then the answer never comes (a read time-out);
- ``truncated``: applied, the JSON answer cut in half;
- ``html``: applied, then a proxy's HTML page instead of the JSON answer.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx

KINDS = ("429", "503", "timeout", "lost", "truncated", "html")


class Faults:
    """A transport failing ``rate`` of the requests to ``handle`` with one of ``kinds``."""

    def __init__(
        self,
        handle: Callable[[httpx.Request], httpx.Response],
        *,
        rate: float,
        seed: int,
        kinds: tuple[str, ...] = KINDS,
    ) -> None:
        self.handle = handle
        self.rate = rate
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.injected: dict[str, int] = dict.fromkeys(kinds, 0)
        self.requests = 0
        self.transport = httpx.MockTransport(self.serve)

    def stop(self) -> None:
        self.rate = 0.0

    def serve(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return self.handle(request)
        kind = self.rng.choice(self.kinds)
        self.injected[kind] += 1
        if kind == "429":
            return httpx.Response(429, headers={"Retry-After": "1"}, text="Too many requests")
        if kind == "503":
            return httpx.Response(503, text="<html>Service Unavailable</html>")
        if kind == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        response = self.handle(request)  # applied: the answer is what goes wrong
        if kind == "lost":
            raise httpx.ReadTimeout("timed out after the write", request=request)
        if kind == "truncated":
            body = response.content
            return httpx.Response(
                response.status_code,
                headers={"Content-Type": "application/json"},
                content=body[: max(1, len(body) // 2)],
            )
        return httpx.Response(
            200, headers={"Content-Type": "text/html"}, text="<html><body>Bad gateway</body></html>"
        )
