"""``MagentoSimulator``: an offline Magento 2.4.7 REST API on an httpx transport.

    sim = MagentoSimulator()
    cart = MagentoCart(sim.url, sim.token, transport=sim.transport)

It answers every request ``MagentoCart`` sends as the real store does (the
fidelity test compares the two on the real store), routes ``/rest/V1``,
``/rest/default/V1`` and ``/rest/all/V1``, checks the Bearer token, and
records each request (``sim.requests``) so tests can check them against the
official schema. ``sim.mails`` lists the e-mails the store would have sent.
``lose_answers`` makes chosen writes happen and their answers get lost.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import attrs
import httpx

from . import _catalog, _products, _sales  # noqa: F401 - they register their routes
from ._routes import ROUTES, Call
from ._store import MagentoStore, SentMail, SimError

__all__ = ["MagentoSimulator", "RecordedRequest"]

TOKEN = "simulatedintegrationtoken0000001"


@attrs.define(frozen=True, kw_only=True)
class RecordedRequest:
    method: str
    path: str
    #: the route's template ("products/{sku}"), None when no route matched
    template: str | None
    admin: bool
    query: tuple[tuple[str, str], ...]
    body: Any
    status: int


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class MagentoSimulator:
    def __init__(
        self,
        *,
        url: str = "https://magento.example.test",
        token: str = TOKEN,
        clock: Callable[[], dt.datetime] = _utcnow,
        msi: bool = True,
        weight_unit: str = "lbs",
    ) -> None:
        """``msi=False``: a store with Multi-Source Inventory off (no ``/inventory`` routes).
        ``weight_unit``: the store's general/locale/weight_unit ("lbs", Magento's
        default, or "kgs"), which ``store/storeConfigs`` answers."""
        self.url = url.rstrip("/")
        self.msi = msi
        self.token = token
        self.store = MagentoStore(clock=clock, weight_unit=weight_unit)
        self.store.base_url = self.url
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._lose: set[int] = set()
        self._writes = 0
        self.transport = httpx.MockTransport(self._handle)

    @property
    def mails(self) -> list[SentMail]:
        return list(self.store.mails)

    def lose_answers(self, *writes: int) -> None:
        """Carry out the given writes (POST or PUT; 1 = the next one) but lose their
        answers (a time-out)."""
        with self._lock:
            self._lose = {self._writes + n for n in writes}

    # -- HTTP -------------------------------------------------------------------
    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = unquote(request.url.raw_path.decode().split("?", 1)[0])
        query = tuple(request.url.params.multi_items())
        body: Any = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                return self._answer(
                    request, path, None, False, query, None, 400, {"message": "Decoding error."}
                )
        prefix, admin = None, False
        for candidate, is_admin in (
            ("/rest/V1/", False),
            ("/rest/default/V1/", False),
            ("/rest/all/V1/", True),
        ):
            if path.startswith(candidate):
                prefix, admin = candidate, is_admin
        if prefix is None:
            return self._answer(
                request,
                path,
                None,
                admin,
                query,
                body,
                404,
                {"message": "Request does not match any route."},
            )
        route_path = request.url.raw_path.decode().split("?", 1)[0][len(prefix) :]
        for method, pattern, template, handler in ROUTES:
            match = pattern.match(route_path)
            if method != request.method or match is None:
                continue
            if not self.msi and template.startswith("inventory/"):
                continue
            if template != "integration/admin/token" and not self._authorized(request):
                return self._answer(
                    request,
                    path,
                    template,
                    admin,
                    query,
                    body,
                    401,
                    {
                        "message": "The consumer isn't authorized to access %resources.",
                        "parameters": {"resources": "Magento_Backend::admin"},
                    },
                )
            call = Call(
                store=self.store, path=match.groupdict(), query=query, body=body, admin=admin
            )
            try:
                with self.store.lock:
                    result = handler(call)
            except SimError as error:
                return self._answer(
                    request, path, template, admin, query, body, error.status, error.body()
                )
            if request.method in ("POST", "PUT"):
                with self._lock:
                    self._writes += 1
                    lost = self._writes in self._lose
                if lost:
                    self._record(request, path, template, admin, query, body, 200)
                    raise httpx.ReadTimeout("simulated lost answer", request=request)
            return self._answer(request, path, template, admin, query, body, 200, result)
        return self._answer(
            request,
            path,
            None,
            admin,
            query,
            body,
            404,
            {"message": "Request does not match any route."},
        )

    def _authorized(self, request: httpx.Request) -> bool:
        given = request.headers.get("Authorization", "")
        return given in (f"Bearer {self.token}", "Bearer eyJsimulatedadmintoken")

    def _record(
        self,
        request: httpx.Request,
        path: str,
        template: str | None,
        admin: bool,
        query: tuple[tuple[str, str], ...],
        body: Any,
        status: int,
    ) -> None:
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=path,
                    template=template,
                    admin=admin,
                    query=query,
                    body=body,
                    status=status,
                )
            )

    def _answer(
        self,
        request: httpx.Request,
        path: str,
        template: str | None,
        admin: bool,
        query: tuple[tuple[str, str], ...],
        body: Any,
        status: int,
        result: Any,
    ) -> httpx.Response:
        self._record(request, path, template, admin, query, body, status)
        if result is None and status == 200:
            return httpx.Response(200, content=b"", headers={"Content-Type": "application/json"})
        return httpx.Response(status, json=result)
