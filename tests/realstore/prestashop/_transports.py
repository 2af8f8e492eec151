"""Transports between the connector and the real store: to count requests, and
to lose answers or crash at a chosen write, as networks and processes do."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import httpx

#: The body the store sends when a PHP warning follows a write that succeeded.
PHP_WARNING = (
    b'{"errors":[{"code":3,"message":"[PHP Warning #2] Undefined array key 2'
    b' (\\/classes\\/ObjectModel.php, line 1234)"}]}'
)


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the library catches it)."""


class RealTransport(httpx.BaseTransport):
    """The real network, with a count of answered requests per (method, resource)."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        #: Called with each request after it was sent and answered; may replace the answer.
        self.after: Callable[[httpx.Request, httpx.Response], httpx.Response] | None = None

    @staticmethod
    def resource(request: httpx.Request) -> str:
        parts = request.url.path.split("/api/", 1)
        return parts[1].split("/")[0] if len(parts) == 2 else request.url.path

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code < 500:
            # What the store answered: a request the client had to repeat after a
            # server error (a cache rebuilt by two workers at once) counts once.
            with self._lock:
                self.counts[(request.method, self.resource(request))] += 1
        if self.after is not None:
            response.read()
            return self.after(request, response)
        return response

    def close(self) -> None:
        self._inner.close()


class LoseAnswers:
    """After the store applied them, replace the answers to chosen writes.

    ``plan`` maps (method, resource) to the numbers (1-based, in order) of the
    writes whose answer is lost: a 500 with a PHP warning, a read time-out,
    or a crash of the whole process.
    """

    def __init__(self, plan: dict[tuple[str, str], dict[int, str]]) -> None:
        self.plan = plan
        self.seen: Counter[tuple[str, str]] = Counter()
        self.lost: list[tuple[str, str, int, str]] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        key = (request.method, RealTransport.resource(request))
        if request.method not in ("POST", "PATCH") or key not in self.plan:
            return response
        with self._lock:
            self.seen[key] += 1
            how = self.plan[key].get(self.seen[key])
            if how is not None:
                self.lost.append((*key, self.seen[key], how))
        if how == "500":
            return httpx.Response(
                500,
                headers={"Content-Type": "application/json"},
                content=PHP_WARNING,
                request=request,
            )
        if how == "timeout":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if how == "crash":
            raise Crash(f"killed after {key} #{self.seen[key]} reached the store")
        return response
