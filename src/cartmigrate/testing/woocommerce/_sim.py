"""An offline WooCommerce: its REST API v3 over ``httpx.MockTransport`` or WSGI.

Tests get a store that answers like the real one (see ``_store`` for the
data rules) and misbehaves on request: a rate limit answering 429 with
``Retry-After``, latency, and seeded faults (429, 5xx, time-outs, and
answers lost after the write was applied). Time comes from an injected
``FakeClock``, so waits cost nothing and tests stay deterministic. Every
request is recorded (method, route, query, JSON body) so a test can check
what a connector sent, field by field.

This module is the HTTP side: authentication, rate limit, faults, late
writes, routing and WSGI. What a route does is in ``_resources`` (single
requests), ``_batch``, ``_listing`` and ``_settings``.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs
import httpx

from .._clock import FakeClock
from ._api_errors import NO_ROUTE, ApiError
from ._batch import batch
from ._emails import SentEmail
from ._listing import list_page
from ._resources import Resources, rendered
from ._settings import EMAIL_SETTING, PRODUCT_SETTING, serve_email_setting, serve_unit_setting
from ._store import Store

__all__ = ["FaultPlan", "RecordedRequest", "WooCommerceSimulator"]


@attrs.define(frozen=True)
class RecordedRequest:
    """One request as the store received it; ``path`` is relative to ``/wp-json/``."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    json: Any
    status: int | None = None

    @property
    def query(self) -> dict[str, str]:
        return dict(self.params)


@attrs.define(frozen=True, kw_only=True)
class FaultPlan:
    """Seeded random faults: ``rate`` of requests fail with one of ``kinds``.

    Kinds: ``"429"`` (with Retry-After), ``"5xx"`` (503, nothing applied),
    ``"timeout"`` (``httpx.ReadTimeout`` before anything was applied),
    ``"lost"`` (the request is applied, then its answer is lost as a
    ``httpx.ReadTimeout``) and ``"late"`` (the client times out while the
    server is still at it: the write is applied ``late_by`` seconds later, as
    PHP goes on with a batch whose client has gone; not among the defaults).
    """

    rate: float
    seed: int = 0
    kinds: tuple[str, ...] = ("429", "5xx", "timeout", "lost")
    late_by: float = 5.0


@attrs.define
class _Route:
    pattern: re.Pattern[str]
    resource: str
    enabled: Callable[[], bool] = lambda: True


class WooCommerceSimulator:
    """An in-memory WooCommerce store speaking REST v3.

    ``sim.transport`` plugs into httpx (``WooCommerceCart(..., transport=sim.transport)``);
    ``sim.wsgi_app`` serves the same store from any WSGI server. Options:
    ``rate_limit=(requests, seconds)`` per window; ``latency`` seconds per
    request (slept on ``clock``); ``faults`` a ``FaultPlan``; ``brands`` and
    ``shipment_tracking`` switch those routes on (off: 404 ``rest_no_route``,
    as on a store without them); ``custom_statuses`` registers order statuses;
    ``fetch_image(src)`` says whether WordPress could download an image (else
    400 ``woocommerce_product_image_upload_error``, as the store answers);
    ``sales_move_dates=False`` makes a sale take stock and leave the product's
    (and a variation's parent's) ``date_modified`` alone, as versions after
    7.9 are reported to do (woocommerce/woocommerce#40060; 7.9, the
    default here, moves them).
    """

    def __init__(
        self,
        *,
        consumer_key: str = "ck_simulator",
        consumer_secret: str = "cs_simulator",
        clock: FakeClock | None = None,
        rate_limit: tuple[int, float] | None = None,
        latency: float = 0.0,
        faults: FaultPlan | None = None,
        brands: bool = True,
        shipment_tracking: bool = True,
        custom_statuses: Iterable[str] = (),
        retry_after: float = 1.0,
        fetch_image: Callable[[str], bool] | None = None,
        sales_move_dates: bool = True,
    ) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.clock = clock or FakeClock()
        self.store = Store(self.clock.now, custom_statuses=tuple(custom_statuses))
        self._resources = Resources(self.store)
        if fetch_image is not None:
            self.store.fetch_image = fetch_image
        self.store.sales_move_dates = sales_move_dates
        self.rate_limit = rate_limit
        self.latency = latency
        self.brands = brands
        self.shipment_tracking = shipment_tracking
        self.retry_after = retry_after
        self._faults = faults
        self._rng = random.Random(faults.seed if faults else 0)
        self._lock = threading.RLock()
        self._window: deque[float] = deque()
        self._blocked_until = -math.inf
        self.requests: list[RecordedRequest] = []
        self.throttled = 0
        self.early_retries = 0
        self.injected: list[str] = []
        #: Writes answered with a time-out and still "being processed": (due, request).
        self._late: list[tuple[float, str, str, tuple[tuple[str, str], ...], Any]] = []
        self._answer_late: list[tuple[str, str, float]] = []
        self.transport = httpx.MockTransport(self.handle)
        self._routes = [
            _Route(
                re.compile(r"wc/v3/products/categories(?:/(?P<id>\d+)|/(?P<batch>batch))?"),
                "categories",
            ),
            _Route(
                re.compile(r"wc/v3/products/brands(?:/(?P<id>\d+)|/(?P<batch>batch))?"),
                "brands",
                lambda: self.brands,
            ),
            _Route(
                re.compile(r"wc/v3/products/reviews(?:/(?P<id>\d+)|/(?P<batch>batch))?"), "reviews"
            ),
            _Route(
                re.compile(
                    r"wc/v3/products/(?P<parent>\d+)/variations(?:/(?P<id>\d+)|/(?P<batch>batch))?"
                ),
                "variations",
            ),
            _Route(re.compile(r"wc/v3/products(?:/(?P<id>\d+)|/(?P<batch>batch))?"), "products"),
            _Route(re.compile(r"wc/v3/customers(?:/(?P<id>\d+)|/(?P<batch>batch))?"), "customers"),
            _Route(re.compile(r"wc/v3/orders/(?P<parent>\d+)/notes(?:/(?P<id>\d+))?"), "notes"),
            _Route(re.compile(r"wc/v3/orders(?:/(?P<id>\d+)|/(?P<batch>batch))?"), "orders"),
            _Route(
                re.compile(
                    r"wc-shipment-tracking/v3/orders/(?P<parent>\d+)/shipment-trackings(?:/(?P<id>\w+))?"
                ),
                "trackings",
                lambda: self.shipment_tracking,
            ),
        ]

    # -- the store owner's hand ---------------------------------------------------
    @property
    def emails(self) -> list[SentEmail]:
        """E-mails the real store would have sent so far."""
        return self.store.emails

    def seed(
        self, resource: str, payload: Mapping[str, Any], *, parent: int | None = None
    ) -> dict[str, Any]:
        """Add a resource directly, as the admin would (not recorded as a request)."""
        with self._lock:
            return self._resources.create(resource, dict(payload), parent)

    def requests_to(self, method: str, prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # -- HTTP ----------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler: one request in, one response (or a time-out) out."""
        if self.latency:
            self.clock.sleep(self.latency)
        path = request.url.path
        route = path.split("/wp-json/", 1)[1].strip("/") if "/wp-json/" in path else path.strip("/")
        params = tuple(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        body: Any = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                return self._error(ApiError(400, "rest_invalid_json", "Invalid JSON body passed."))
        with self._lock:
            self._apply_due()
            record = RecordedRequest(request.method, route, params, body)
            position = len(self.requests)
            self.requests.append(record)
            for index, (method, prefix, seconds) in enumerate(self._answer_late):
                if request.method == method and route.startswith(prefix):
                    del self._answer_late[index]
                    due = self.clock.monotonic() + seconds
                    self._late.append((due, request.method, route, params, body))
                    self.injected.append("late")
                    raise httpx.ReadTimeout("simulated: still processing", request=request)
            status, payload, headers, lost = self._serve(request, route, params, body)
            self.requests[position] = attrs.evolve(record, status=None if lost else status)
        if lost:
            raise httpx.ReadTimeout("simulated: the answer was lost", request=request)
        return httpx.Response(status, json=payload, headers=headers)

    def _serve(
        self, request: httpx.Request, route: str, params: tuple[tuple[str, str], ...], body: Any
    ) -> tuple[int, Any, dict[str, str], bool]:
        if not self._authorised(request, params):
            error = ApiError(
                401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."
            )
            return 401, error.body(), {}, False
        now = self.clock.monotonic()
        if now < self._blocked_until:
            self.early_retries += 1
        if self.rate_limit is not None:
            limit, window = self.rate_limit
            while self._window and self._window[0] <= now - window:
                self._window.popleft()
            if len(self._window) >= limit:
                self.throttled += 1
                wait = max(1, math.ceil(self._window[0] + window - now))
                self._blocked_until = now + wait
                error = ApiError(429, "woocommerce_rest_too_many_requests", "Too many requests.")
                return 429, error.body(), {"Retry-After": str(wait)}, False
            self._window.append(now)
        fault = self._fault()
        if fault == "429":
            self._blocked_until = now + self.retry_after
            error = ApiError(429, "woocommerce_rest_too_many_requests", "Too many requests.")
            return 429, error.body(), {"Retry-After": str(int(self.retry_after))}, False
        if fault == "5xx":
            return (
                503,
                {
                    "code": "internal_server_error",
                    "message": "Service unavailable.",
                    "data": {"status": 503},
                },
                {},
                False,
            )
        if fault == "timeout":
            return 0, None, {}, True
        if fault == "late" and request.method != "GET":
            late_by = self._faults.late_by if self._faults else 5.0
            self._late.append((now + late_by, request.method, route, params, body))
            return 0, None, {}, True
        try:
            status, payload, headers = self._dispatch(
                request.method, route, dict(params), params, body
            )
        except ApiError as error:
            status, payload, headers = error.status, error.body(), {}
        return status, payload, headers, fault == "lost"

    def _authorised(self, request: httpx.Request, params: tuple[tuple[str, str], ...]) -> bool:
        query = dict(params)
        if (
            query.get("consumer_key") == self.consumer_key
            and query.get("consumer_secret") == self.consumer_secret
        ):
            return True
        expected = httpx.BasicAuth(self.consumer_key, self.consumer_secret)
        probe = httpx.Request("GET", "https://x/")
        wanted = next(expected.auth_flow(probe)).headers.get("Authorization")
        return bool(request.headers.get("Authorization") == wanted)

    def _fault(self) -> str | None:
        plan = self._faults
        if plan is None or plan.rate <= 0 or self._rng.random() >= plan.rate:
            return None
        kind = self._rng.choice(plan.kinds)
        self.injected.append(kind)
        return kind

    def answer_late(self, method: str, route_prefix: str, *, seconds: float) -> None:
        """The next ``method`` request to a route starting with ``route_prefix`` times
        out on the client while the store goes on: it is applied ``seconds`` later
        (by ``clock``), when the first request after that arrives."""
        with self._lock:
            self._answer_late.append((method, route_prefix, seconds))

    def _apply_due(self) -> None:
        now = self.clock.monotonic()
        due = [item for item in self._late if item[0] <= now]
        self._late = [item for item in self._late if item[0] > now]
        for _, method, route, params, body in due:
            # Refused late: as if the store had refused it in time.
            with contextlib.suppress(ApiError):
                self._dispatch(method, route, dict(params), params, body)

    def set_faults(self, faults: FaultPlan | None) -> None:
        """Change (or stop, with None) the fault injection."""
        with self._lock:
            self._faults = faults
            self._rng = random.Random(faults.seed if faults else 0)

    def _error(self, error: ApiError) -> httpx.Response:
        return httpx.Response(error.status, json=error.body())

    # -- routing -----------------------------------------------------------------------
    def _dispatch(
        self,
        method: str,
        route: str,
        query: dict[str, str],
        params: tuple[tuple[str, str], ...],
        body: Any,
    ) -> tuple[int, Any, dict[str, str]]:
        setting = EMAIL_SETTING.fullmatch(route)
        if setting is not None:
            return serve_email_setting(self.store, method, setting["template"], body)
        unit = PRODUCT_SETTING.fullmatch(route)
        if unit is not None:
            return serve_unit_setting(self.store, method, unit["setting"], body)
        if route == "wc/v3/reports/orders/totals" and method == "GET":
            # Every registered status (custom ones of plugins too), as 7.9 lists them.
            totals = [
                {
                    "slug": slug,
                    "name": slug.replace("-", " ").capitalize(),
                    "total": sum(1 for o in self.store.orders.values() if o["status"] == slug),
                }
                for slug in (*self.store.statuses, "checkout-draft")
                if slug not in ("trash", "auto-draft")
            ]
            return 200, totals, {}
        resources = self._resources
        for candidate in self._routes:
            match = candidate.pattern.fullmatch(route)
            if match is None:
                continue
            if not candidate.enabled():
                raise NO_ROUTE
            resource = candidate.resource
            parent = (
                int(match["parent"]) if "parent" in match.groupdict() and match["parent"] else None
            )
            item = match["id"]
            if match.groupdict().get("batch"):
                if method not in ("POST", "PUT", "PATCH"):
                    raise NO_ROUTE
                return 200, batch(resources, resource, body or {}, parent), {}
            if item is None:
                if method == "GET":
                    status, listed, headers = list_page(resources, resource, query, params, parent)
                    return status, rendered(resource, listed, query), headers
                if method == "POST":
                    return (
                        201,
                        resources.view(resource, resources.create(resource, body or {}, parent)),
                        {},
                    )
                raise NO_ROUTE
            if method == "GET":
                view = resources.view(resource, resources.find(resource, item, parent))
                return 200, rendered(resource, view, query), {}
            if method in ("PUT", "PATCH", "POST"):
                return (
                    200,
                    resources.view(resource, resources.update(resource, item, body or {}, parent)),
                    {},
                )
            if method == "DELETE":
                return 200, resources.delete(resource, item, parent, query), {}
            raise NO_ROUTE
        raise NO_ROUTE

    # -- WSGI ---------------------------------------------------------------------------
    def wsgi_app(
        self, environ: Mapping[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        """The same store as a WSGI application (a time-out fault becomes a 504)."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        content = environ["wsgi.input"].read(length) if length else b""
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST", "localhost")
        url = f"{scheme}://{host}{environ.get('PATH_INFO', '')}"
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        request = httpx.Request(environ["REQUEST_METHOD"], url, headers=headers, content=content)
        try:
            response = self.handle(request)
        except httpx.TimeoutException:
            response = httpx.Response(
                504,
                json={
                    "code": "gateway_timeout",
                    "message": "Gateway Timeout",
                    "data": {"status": 504},
                },
            )
        reason = {
            200: "OK",
            201: "Created",
            400: "Bad Request",
            401: "Unauthorized",
            404: "Not Found",
            413: "Payload Too Large",
            429: "Too Many Requests",
        }.get(response.status_code, "Status")
        start_response(
            f"{response.status_code} {reason}",
            [
                (k, v)
                for k, v in response.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding")
            ]
            + [("Content-Length", str(len(response.content)))],
        )
        return iter([response.content])
