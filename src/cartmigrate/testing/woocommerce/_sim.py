"""An offline WooCommerce: its REST API v3 over ``httpx.MockTransport`` or WSGI.

Tests get a store that answers like the real one (see ``_store`` for the
data rules) and misbehaves on request: a rate limit answering 429 with
``Retry-After``, latency, and seeded faults (429, 5xx, time-outs, and
answers lost after the write was applied). Time comes from an injected
``FakeClock``, so waits cost nothing and tests stay deterministic. Every
request is recorded (method, route, query, JSON body) so a test can check
what a connector sent, field by field.
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
from ._api_errors import ApiError, invalid_param
from ._emails import SentEmail
from ._semantics import UNIT_SETTINGS, unit_setting
from ._store import Store

__all__ = ["FaultPlan", "RecordedRequest", "WooCommerceSimulator"]

BATCH_LIMIT = 100
_NO_ROUTE = ApiError(
    404, "rest_no_route", "No route was found matching the URL and request method."
)


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


_EMAIL_SETTING = re.compile(r"wc/v3/settings/email_(?P<template>[a-z_]+)/enabled")
_PRODUCT_SETTING = re.compile(r"wc/v3/settings/products/(?P<setting>[a-z_]+)")


def _autop(text: str) -> str:
    """WordPress's ``wpautop``, enough for plain texts: paragraphs in ``<p>``, a
    line break as ``<br />``, a trailing newline; block HTML left as it is."""
    if not text.strip():
        return ""
    if re.search(r"<(?:p|ul|ol|div|h[1-6]|table|blockquote)\b", text):
        return text if text.endswith("\n") else text + "\n"
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br />' + chr(10))}</p>\n" for p in paragraphs)


class WooCommerceSimulator:
    """An in-memory WooCommerce store speaking REST v3.

    ``sim.transport`` plugs into httpx (``WooCommerceCart(..., transport=sim.transport)``);
    ``sim.wsgi_app`` serves the same store from any WSGI server. Options:
    ``rate_limit=(requests, seconds)`` per window; ``latency`` seconds per
    request (slept on ``clock``); ``faults`` a ``FaultPlan``; ``brands`` and
    ``shipment_tracking`` switch those routes on (off: 404 ``rest_no_route``,
    as on a store without them); ``custom_statuses`` registers order statuses;
    ``fetch_image(src)`` says whether WordPress could download an image (else
    400 ``woocommerce_product_image_upload_error``, as the store answers).
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
    ) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.clock = clock or FakeClock()
        self.store = Store(self.clock.now, custom_statuses=tuple(custom_statuses))
        if fetch_image is not None:
            self.store.fetch_image = fetch_image
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
            return self._create(resource, dict(payload), parent)

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
        setting = _EMAIL_SETTING.fullmatch(route)
        if setting is not None:
            return self._email_setting(method, setting["template"], body)
        unit = _PRODUCT_SETTING.fullmatch(route)
        if unit is not None:
            return self._unit_setting(method, unit["setting"], body)
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
        for candidate in self._routes:
            match = candidate.pattern.fullmatch(route)
            if match is None:
                continue
            if not candidate.enabled():
                raise _NO_ROUTE
            resource = candidate.resource
            parent = (
                int(match["parent"]) if "parent" in match.groupdict() and match["parent"] else None
            )
            item = match["id"]
            if match.groupdict().get("batch"):
                if method not in ("POST", "PUT", "PATCH"):
                    raise _NO_ROUTE
                return 200, self._batch(resource, body or {}, parent), {}
            if item is None:
                if method == "GET":
                    status, listed, headers = self._list(resource, query, params, parent)
                    return status, self._rendered(resource, listed, query), headers
                if method == "POST":
                    return 201, self._view(resource, self._create(resource, body or {}, parent)), {}
                raise _NO_ROUTE
            if method == "GET":
                view = self._view(resource, self._find(resource, item, parent))
                return 200, self._rendered(resource, view, query), {}
            if method in ("PUT", "PATCH", "POST"):
                return (
                    200,
                    self._view(resource, self._update(resource, item, body or {}, parent)),
                    {},
                )
            if method == "DELETE":
                return 200, self._delete(resource, item, parent, query), {}
            raise _NO_ROUTE
        raise _NO_ROUTE

    @staticmethod
    def _rendered(resource: str, payload: Any, query: Mapping[str, str]) -> Any:
        """The default ``view`` context runs texts through ``wpautop``; ``edit`` does not."""
        if query.get("context") == "edit":
            return payload
        fields = {
            "reviews": ("review",),
            "products": ("description", "short_description"),
            "variations": ("description",),
        }.get(resource, ())
        items = payload if isinstance(payload, list) else [payload]
        for item in items:
            for field in fields:
                if isinstance(item, dict) and isinstance(item.get(field), str):
                    item[field] = _autop(item[field])
        return payload

    def _email_setting(
        self, method: str, template: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """``/settings/email_<template>/enabled``: the "Enable this email" checkbox."""
        if template not in self.store.email_enabled:
            raise ApiError(404, "rest_setting_setting_group_invalid", "Invalid setting group.")
        if method in ("PUT", "POST", "PATCH"):
            value = (body or {}).get("value")
            if value not in ("yes", "no"):
                raise ApiError(
                    400, "rest_setting_value_invalid", "An invalid setting value was passed."
                )
            self.store.email_enabled[template] = value
        elif method != "GET":
            raise _NO_ROUTE
        view = {
            "id": "enabled",
            "label": "Enable/Disable",
            "description": "",
            "type": "checkbox",
            "default": "yes",
            "value": self.store.email_enabled[template],
        }
        return 200, view, {}

    def _unit_setting(
        self, method: str, setting: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """``/settings/products/woocommerce_{dimension,weight}_unit``."""
        if setting not in self.store.units:
            raise ApiError(404, "rest_setting_setting_invalid", "Invalid setting.")
        if method in ("PUT", "POST", "PATCH"):
            value = (body or {}).get("value")
            if value not in UNIT_SETTINGS[setting][1]:
                raise ApiError(
                    400, "rest_setting_value_invalid", "An invalid setting value was passed."
                )
            self.store.units[setting] = value
        elif method != "GET":
            raise _NO_ROUTE
        return 200, unit_setting(setting, self.store.units[setting]), {}

    def _pool(self, resource: str, parent: int | None = None) -> dict[Any, dict[str, Any]]:
        store = self.store
        if resource == "variations":
            if parent not in store.products:
                raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            return {k: v for k, v in store.variations.items() if v["parent_id"] == parent}
        if resource == "notes":
            if parent not in store.orders:
                raise ApiError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
            return {n["id"]: n for n in store.notes.get(parent or 0, [])}
        if resource == "trackings":
            if parent not in store.orders:
                raise ApiError(404, "woocommerce_rest_order_invalid_id", "Invalid order ID.")
            return {t["tracking_id"]: t for t in store.trackings.get(parent or 0, [])}
        pool: dict[Any, dict[str, Any]] = getattr(store, resource)
        return pool

    def _not_found(self, resource: str) -> ApiError:
        code = {
            "products": "woocommerce_rest_product_invalid_id",
            "variations": "woocommerce_rest_product_variation_invalid_id",
            "orders": "woocommerce_rest_shop_order_invalid_id",
            "customers": "woocommerce_rest_invalid_id",
            "reviews": "woocommerce_rest_review_invalid_id",
            "notes": "woocommerce_rest_invalid_id",
            "trackings": "woocommerce_rest_invalid_id",
        }.get(resource, "woocommerce_rest_term_invalid")
        return ApiError(
            404, code, "Invalid ID." if resource != "categories" else "Resource does not exist."
        )

    def _find(
        self, resource: str, item: Any, parent: int | None, *, method: str = "GET"
    ) -> dict[str, Any]:
        key = item if resource == "trackings" else int(item)
        found = self._pool(resource, parent).get(key)
        if found is None and resource == "reviews" and not self.store.in_batch:
            # WordPress checks the permission on the comment it cannot find: 403.
            if method == "DELETE":
                raise ApiError(
                    403, "woocommerce_rest_cannot_delete", "Sorry, you cannot delete this resource."
                )
            raise ApiError(
                403, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
            )
        if found is None and resource == "customers" and method == "DELETE":
            raise ApiError(400, "woocommerce_rest_invalid_id", "Invalid resource id.")
        if found is None:
            raise self._not_found(resource)
        return found

    def _view(self, resource: str, obj: Mapping[str, Any]) -> dict[str, Any]:
        if resource == "products":
            return self.store.product_view(obj)
        if resource == "variations":
            return self.store.variation_view(obj)
        copied: dict[str, Any] = json.loads(json.dumps(obj))
        return copied

    def _create(self, resource: str, body: dict[str, Any], parent: int | None) -> dict[str, Any]:
        store = self.store
        if not isinstance(body, Mapping):
            raise ApiError(400, "rest_invalid_json", "Invalid JSON body passed.")
        if resource == "products":
            return store.save_product(body)
        if resource == "variations":
            return store.save_variation(parent or 0, body)
        if resource in ("categories", "brands"):
            return store.save_term(getattr(store, resource), body)
        if resource == "customers":
            return store.save_customer(body)
        if resource == "orders":
            return store.save_order(body)
        if resource == "reviews":
            return store.save_review(body)
        if resource == "notes":
            self._pool("notes", parent)
            if not body.get("note"):
                raise ApiError(
                    400,
                    "rest_missing_callback_param",
                    "Missing parameter(s): note",
                    params=["note"],
                )
            return store.add_note(
                parent or 0,
                str(body["note"]),
                customer_note=bool(body.get("customer_note")),
                by_user=bool(body.get("added_by_user")),
            )
        self._pool("trackings", parent)
        return store.add_tracking(parent or 0, body)

    def _update(
        self, resource: str, item: Any, body: dict[str, Any], parent: int | None
    ) -> dict[str, Any]:
        store = self.store
        current = self._find(resource, item, parent)
        if resource == "products":
            return store.save_product(body, current["id"])
        if resource == "variations":
            return store.save_variation(parent or 0, body, current["id"])
        if resource in ("categories", "brands"):
            return store.save_term(getattr(store, resource), body, current["id"])
        if resource == "customers":
            return store.save_customer(body, current["id"])
        if resource == "orders":
            return store.save_order(body, current["id"])
        if resource == "reviews":
            return store.save_review(body, current["id"])
        raise _NO_ROUTE

    def _delete(
        self, resource: str, item: Any, parent: int | None, query: Mapping[str, str]
    ) -> dict[str, Any]:
        store = self.store
        current = self._find(resource, item, parent, method="DELETE")
        view = self._view(resource, current)
        if resource == "customers" and query.get("force") not in ("true", "1"):
            raise ApiError(
                501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing."
            )
        if resource == "products":
            store.delete_product(current["id"])
        elif resource == "variations":
            del store.variations[current["id"]]
            store.sync_variable(parent or 0)
        elif resource == "notes":
            store.notes[parent or 0].remove(current)
        elif resource == "trackings":
            store.trackings[parent or 0].remove(current)
        else:
            del getattr(store, resource)[current["id"]]
        if resource == "reviews":
            return {"deleted": True, "previous": view}  # the comments controller's shape
        return view

    def _batch(self, resource: str, body: Mapping[str, Any], parent: int | None) -> dict[str, Any]:
        total = sum(len(body.get(action) or ()) for action in ("create", "update", "delete"))
        if total > BATCH_LIMIT:
            raise ApiError(
                413,
                "woocommerce_rest_request_entity_too_large",
                f"Unable to accept more than {BATCH_LIMIT} items for this request.",
            )
        answer: dict[str, Any] = {}
        self.store.in_batch = True  # /batch skips the schema checks a single request gets
        try:
            return self._batch_actions(resource, body, parent, answer)
        finally:
            self.store.in_batch = False

    def _batch_actions(
        self, resource: str, body: Mapping[str, Any], parent: int | None, answer: dict[str, Any]
    ) -> dict[str, Any]:
        for action in ("create", "update", "delete"):
            if action not in body:
                continue
            results: list[Any] = []
            for entry in body.get(action) or ():
                if (
                    resource == "orders"
                    and action != "delete"
                    and isinstance(entry, Mapping)
                    and entry.get("status") not in (None, *self.store.statuses)
                ):
                    # /orders/batch skips the schema check a single POST applies, and
                    # WC_Order::set_status turns a status it does not know into pending.
                    entry = {**entry, "status": "pending"}
                try:
                    if action == "create":
                        results.append(
                            self._view(resource, self._create(resource, dict(entry), parent))
                        )
                    elif action == "update":
                        target = entry.get("id") if isinstance(entry, Mapping) else None
                        if not isinstance(target, int) or target not in self._pool(
                            resource, parent
                        ):
                            raise ApiError(400, self._not_found(resource).code, "Invalid ID.")
                        results.append(
                            self._view(
                                resource, self._update(resource, target, dict(entry), parent)
                            )
                        )
                    else:
                        target = entry.get("id") if isinstance(entry, Mapping) else entry
                        results.append(
                            self._delete(resource, int(str(target)), parent, {"force": "true"})
                        )
                except ApiError as error:
                    results.append(
                        {
                            "id": 0,
                            "error": {
                                "code": error.code,
                                "message": error.message,
                                "data": {"status": error.status, **error.data},
                            },
                        }
                    )
            answer[action] = results
        return answer

    # -- listing --------------------------------------------------------------------------
    def _list(
        self,
        resource: str,
        query: Mapping[str, str],
        params: tuple[tuple[str, str], ...],
        parent: int | None,
    ) -> tuple[int, Any, dict[str, str]]:
        items = list(self._pool(resource, parent).values())
        if resource == "notes":  # newest first, as WooCommerce lists them
            return 200, [self._view(resource, i) for i in reversed(items)], {}
        if resource == "trackings":
            return 200, [self._view(resource, i) for i in items], {}
        page = self._int(query, "page", 1, low=1)
        per_page = self._int(query, "per_page", 10, low=1, high=100)
        items = [i for i in items if self._matches(resource, i, query, params)]
        order_by = query.get(
            "orderby", "id" if resource in ("customers", "categories", "brands") else "date"
        )
        if order_by not in (
            "id",
            "date",
            "include",
            "name",
            "slug",
            "title",
            "registered_date",
            "date_gmt",
            "modified",
        ):
            raise invalid_param("orderby", "orderby is not one of the allowed values.")
        if order_by in ("date", "date_gmt", "registered_date", "modified"):
            items.sort(key=lambda i: (str(i.get("date_created_gmt") or ""), i["id"]))
        elif order_by in ("name", "title"):
            items.sort(key=lambda i: (str(i.get("name", "")).casefold(), i["id"]))
        elif order_by == "slug":
            items.sort(key=lambda i: (str(i.get("slug", "")), i["id"]))
        else:
            items.sort(key=lambda i: i["id"])
        default_order = "asc" if resource in ("customers", "categories", "brands") else "desc"
        if query.get("order", default_order) == "desc":
            items.reverse()
        offset = (
            self._int(query, "offset", 0, low=0) if "offset" in query else (page - 1) * per_page
        )
        total = len(items)
        pages = math.ceil(total / per_page) if total else 0
        # A page past the end is 200 [] on WooCommerce 7.9 (its CRUD controllers do
        # not check it, unlike WordPress's posts controller).
        chunk = items[offset : offset + per_page]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        links = []
        base = httpx.URL(f"https://shop.example/wp-json/{'wc/v3/' + resource}")
        kept = [(k, v) for k, v in params if k != "page"]
        if page > 1:
            links.append(f'<{base.copy_with(params=[*kept, ("page", str(page - 1))])}>; rel="prev"')
        if page < pages:
            links.append(f'<{base.copy_with(params=[*kept, ("page", str(page + 1))])}>; rel="next"')
        if links:
            headers["Link"] = ", ".join(links)
        return 200, [self._view(resource, i) for i in chunk], headers

    @staticmethod
    def _int(
        query: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None
    ) -> int:
        raw = query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_param(name, f"{name} is not of type integer.") from None
        if value < low or (high is not None and value > high):
            raise invalid_param(
                name, f"{name} must be between {low} (inclusive) and {high} (inclusive)"
            )
        return value

    @staticmethod
    def _list_values(params: tuple[tuple[str, str], ...], name: str) -> list[str] | None:
        values = [v for k, v in params if k in (name, f"{name}[]")]
        if not values:
            return None
        return [part for value in values for part in value.split(",") if part]

    def _matches(
        self,
        resource: str,
        item: Mapping[str, Any],
        query: Mapping[str, str],
        params: tuple[tuple[str, str], ...],
    ) -> bool:
        include = self._list_values(params, "include")
        if include is not None and str(item["id"]) not in include:
            return False
        exclude = self._list_values(params, "exclude")
        if exclude is not None and str(item["id"]) in exclude:
            return False
        for name in ("modified_after", "modified_before"):
            if name in query and resource in ("products", "orders", "variations"):
                bound = query[name].replace("Z", "").split("+")[0]
                stamp = str(item.get("date_modified_gmt") or "")
                if (name == "modified_after" and not stamp > bound) or (
                    name == "modified_before" and not stamp < bound
                ):
                    return False
        if "sku" in query and resource in ("products", "variations"):
            skus = [s.casefold() for s in query["sku"].split(",")]
            if str(item.get("sku") or "").casefold() not in skus:
                return False
        if "slug" in query and str(item.get("slug")) != query["slug"]:
            return False
        if (
            "email" in query
            and resource == "customers"
            and str(item.get("email", "")).casefold() != query["email"].casefold()
        ):
            return False
        if resource == "customers" and query.get("role", "customer") not in (
            "all",
            item.get("role"),
        ):
            return False
        if "status" in query and resource in ("products", "orders"):
            wanted = query["status"].split(",")
            if "any" not in wanted and item.get("status") not in wanted:
                return False
        if resource == "reviews":
            status = query.get("status", "approved")
            if status != "all" and item.get("status") != status:
                return False
            products = self._list_values(params, "product")
            if products is not None and str(item.get("product_id")) not in products:
                return False
            emails = self._list_values(params, "reviewer_email")
            if emails is not None and str(item.get("reviewer_email", "")).casefold() not in [
                e.casefold() for e in emails
            ]:
                return False
        if (
            "parent" in query
            and resource in ("categories", "brands")
            and str(item.get("parent")) != query["parent"]
        ):
            return False
        if (
            "customer" in query
            and resource == "orders"
            and str(item.get("customer_id")) != query["customer"]
        ):
            return False
        if "search" in query:
            needle = query["search"].casefold()
            haystack = self._search_text(resource, item)
            if needle not in haystack:
                return False
        return True

    @staticmethod
    def _search_text(resource: str, item: Mapping[str, Any]) -> str:
        if resource == "orders":
            billing = item.get("billing") or {}
            parts = [
                str(item["id"]),
                str(billing.get("email", "")),
                str(billing.get("first_name", "")),
                str(billing.get("last_name", "")),
            ]
            parts += [str(li.get("name", "")) for li in item.get("line_items", ())]
        elif resource == "customers":
            parts = [str(item.get(k, "")) for k in ("email", "first_name", "last_name", "username")]
        elif resource == "reviews":
            parts = [str(item.get("review", ""))]
        else:
            parts = [
                str(item.get(k, "")) for k in ("name", "description", "short_description", "slug")
            ]
        return " ".join(parts).casefold()

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
