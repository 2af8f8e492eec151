"""ShopifySimulator: an offline Shopify Admin GraphQL API.

Every request goes through what Shopify does with it: the access token is
checked (401 otherwise), the document is parsed and validated against the
official schema (a 200 with ``errors``, as Shopify answers), its cost is
computed and taken from the leaky bucket (``THROTTLED`` when the bucket is
short; ``MAX_COST_EXCEEDED`` above 1,000 points), then it is executed by
graphql-core against that same schema with resolvers over an in-memory shop.
Every response carries ``extensions.cost`` with the bucket's
``throttleStatus``.

Faults are seeded and injectable: 5xx answers, read time-outs before the
request is applied, time-outs *after* a mutation was applied (the answer is
lost), and a bucket drained by "another app". Time comes from an injected
``FakeClock``, so throttling waits cost nothing in tests.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
import graphql
import httpx

from .._clock import FakeClock
from ._app import ALL_SCOPES, AppState
from ._bulk import DEFAULT_RATE, RESULT_HOST, UPLOAD_HOST, BulkOperations
from ._cost import SimBucket, query_cost
from ._mutations import mutation_root
from ._schema import load_schema
from ._store import Store
from ._versions import idempotency_keys, version_problems
from ._views import query_root

__all__ = ["FAULT_KINDS", "RecordedRequest", "ShopifySimulator", "capture_requests"]

#: Fault kinds: "5xx" (a 502/503 before anything happens), "timeout" (read
#: time-out before anything happens), "lost" (a mutation is applied, then its
#: answer is lost to a read time-out), "throttle" (the bucket is drained by
#: another app, so this request is THROTTLED).
FAULT_KINDS = ("5xx", "timeout", "lost", "throttle")

MAX_QUERY_COST = 1000
_INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


@attrs.define(frozen=True)
class RecordedRequest:
    """One request as the simulator received it."""

    operation: str | None
    query: str
    variables: dict[str, Any]
    status: int
    cost: int | None = None
    throttled: bool = False
    fault: str | None = None
    api_version: str | None = None
    user_agent: str | None = None


class ShopifySimulator:
    """An in-memory shop behind ``transport`` (httpx) and ``wsgi_app`` (WSGI).

    ``schema`` is the official schema (see ``load_schema``); ``schemas`` maps
    an API version to the schema that applies from it on (``{"2025-01": s25,
    "2026-01": s26}``), for a simulator serving versions of both. A request is
    validated and executed against its version's schema, and refused what that
    version removed (see ``_versions``). ``capacity`` and
    ``restore_rate`` are the bucket's (1,000 / 50 on standard plans; 2,000 /
    100 on Advanced). ``latency`` seconds pass on ``clock`` per request.
    ``search_lag``: seconds before a write shows in search results (``query:``
    arguments), as Shopify's eventually consistent index does; look-ups by id
    or by custom ID see it at once. ``client_credentials`` (client id, secret)
    enables the client-credentials grant at ``/admin/oauth/access_token``; its
    tokens expire after ``token_lifetime`` seconds of ``clock``. Bulk
    mutations (``sim.bulk``, see ``_bulk``) run ``bulk_rate`` lines a second.
    ``access_scopes``: what the app was granted (``currentAppInstallation``);
    ``retired_versions``: versions the shop no longer serves, answered by the
    oldest supported one (see ``_app``). ``schema`` defaults to the trimmed
    2026-01 schema shipped in the package (``load_schema()``).
    """

    def __init__(
        self,
        *,
        schema: graphql.GraphQLSchema | None = None,
        schemas: Mapping[str, graphql.GraphQLSchema] | None = None,
        shop: str = "example",
        access_token: str = "shpat_simulated",
        clock: FakeClock | None = None,
        capacity: float = 1000.0,
        restore_rate: float = 50.0,
        latency: float = 0.0,
        search_lag: float = 0.0,
        client_credentials: tuple[str, str] | None = None,
        token_lifetime: float = 86_399.0,
        bulk_rate: float = DEFAULT_RATE,
        api_versions: Iterable[str] = (
            "2025-01",
            "2025-04",
            "2025-07",
            "2025-10",
            "2026-01",
            "2026-04",
            "2026-07",
            "2026-10",
        ),
        access_scopes: Iterable[str] = ALL_SCOPES,
        retired_versions: Iterable[str] = (),
    ) -> None:
        self.schema = schema if schema is not None else load_schema()
        self._schemas = sorted((schemas or {}).items())
        self.shop = shop
        self.clock = clock if clock is not None else FakeClock()
        self._token = access_token
        self.latency = latency
        self.api_versions = frozenset(api_versions)
        self.client_credentials = client_credentials
        self.token_lifetime = token_lifetime
        self.tokens_issued = 0
        self.unauthorised = 0  # requests answered 401
        self._issued: dict[str, float] = {}  # token -> when it expires (clock.monotonic)
        self.store = Store(self.clock.now)
        self.store.search_lag = search_lag
        self.bucket = SimBucket(capacity, restore_rate, self.clock.monotonic)
        self.requests: list[RecordedRequest] = []
        self._faults: list[str] = []
        self._operation_faults: dict[str, list[str]] = {}
        self._random: tuple[float, random.Random, tuple[str, ...]] | None = None
        # @idempotent key -> (what was asked, the answer given), replayed on a repeat.
        self._idempotent: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.bulk = BulkOperations(
            schema_for=self.schema_for,
            mutation_root={},
            now=self.clock.monotonic,
            stamp=lambda: self.clock.now().isoformat(),
            new_id=self.store.new_id,
            rate=bulk_rate,
        )
        self._query_root = query_root(self.store)
        self._query_root["bulkOperation"] = self.bulk.resolve
        self._mutation_root = mutation_root(self.store, self.bulk)
        self.bulk._root = self._mutation_root
        self.retired_versions = frozenset(retired_versions)
        self.app = AppState(
            scopes=access_scopes,
            versions=lambda: self.api_versions,
            retired=lambda: self.retired_versions,
            new_id=self.store.new_id,
        )
        self._query_root.update(self.app.query_fields())
        self._mutation_root.update(self.app.mutation_fields())
        self.transport = httpx.MockTransport(self.handle)

    def __repr__(self) -> str:
        return f"ShopifySimulator(shop={self.shop!r})"

    def schema_for(self, version: str) -> graphql.GraphQLSchema:
        """The schema requests to ``version`` are held to."""
        chosen = self.schema
        for since, candidate in self._schemas:
            if since <= version:
                chosen = candidate
        return chosen

    @property
    def base_url(self) -> str:
        return f"https://{self.shop}.myshopify.com"

    @property
    def location_gid(self) -> str:
        return f"gid://shopify/Location/{self.store.location_id}"

    # -- faults ---------------------------------------------------------------
    def fail_next(self, *kinds: str) -> None:
        """Inject these faults, in order, into the next requests."""
        for kind in kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; choose from {FAULT_KINDS}")
        self._faults.extend(kinds)

    def fail_randomly(
        self, rate: float, *, seed: int = 0, kinds: Iterable[str] = FAULT_KINDS
    ) -> None:
        """Fail a share ``rate`` of requests with a seeded choice of ``kinds``; 0 stops."""
        self._random = None if rate <= 0 else (rate, random.Random(seed), tuple(kinds))

    def fail_operation(self, operation: str, *kinds: str) -> None:
        """Inject these faults, in order, into the next requests of ``operation``
        (by operation name, e.g. ``"ProductSet"``), leaving other requests alone."""
        for kind in kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; choose from {FAULT_KINDS}")
        self._operation_faults.setdefault(operation, []).extend(kinds)

    def _fault(self, operation: str | None) -> str | None:
        queued = self._operation_faults.get(operation or "")
        if queued:
            return queued.pop(0)
        if self._faults:
            return self._faults.pop(0)
        if self._random is not None:
            rate, rng, kinds = self._random
            if rng.random() < rate:
                return rng.choice(kinds)
        return None

    # -- HTTP -------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Shopify would."""
        if self.latency:
            # Outside the lock: concurrent requests wait side by side, as on a server.
            self.clock.sleep(self.latency)
        with self.store.lock:
            response = self._handle(request)
        parts = request.url.path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["admin", "api"] and parts[2] in self.api_versions:
            response.headers["X-Shopify-API-Version"] = self.app.served(parts[2])
        return response

    def _json(
        self, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if request.url.host == UPLOAD_HOST:
            return self.bulk.upload(request)
        if request.url.host == RESULT_HOST:
            return self.bulk.download(request)
        if request.url.host == f"{self.shop}.myshopify.com" and parts == [
            "admin",
            "oauth",
            "access_token",
        ]:
            return self._grant(request)
        if (
            request.url.host != f"{self.shop}.myshopify.com"
            or len(parts) != 4
            or parts[:2] != ["admin", "api"]
            or parts[3] != "graphql.json"
        ):
            return self._json(404, {"errors": "Not Found"})
        version = parts[2]
        if version not in self.api_versions:
            return self._json(404, {"errors": "Not Found"})
        version = self.app.served(version)
        if not self._authorised(request.headers.get("X-Shopify-Access-Token")):
            self.unauthorised += 1
            return self._json(
                401,
                {"errors": _INVALID_TOKEN},
            )
        if request.method != "POST":
            return self._json(405, {"errors": "Method Not Allowed"})
        try:
            body = json.loads(request.content or b"{}")
            query = str(body["query"])
            variables = dict(body.get("variables") or {})
        except (ValueError, KeyError, TypeError):
            return self._json(400, {"errors": {"query": "Required parameter missing or invalid"}})
        operation_name = body.get("operationName")
        fault = self._fault(operation_name or _operation_name(query))

        def record(status: int, **more: Any) -> None:
            recorded = RecordedRequest(
                operation=operation_name or _operation_name(query),
                query=query,
                variables=variables,
                status=status,
                fault=fault,
                api_version=version,
                user_agent=request.headers.get("User-Agent"),
                **more,
            )
            self.requests.append(recorded)
            with _CAPTURE_LOCK:
                for capture in _CAPTURES:
                    capture.append(recorded)

        if fault == "5xx":
            record(503)
            return self._json(503, {"errors": "Service Unavailable"})
        if fault == "timeout":
            record(0)
            raise httpx.ReadTimeout("simulated read time-out", request=request)
        try:
            document = graphql.parse(query)
        except graphql.GraphQLError as error:
            record(200)
            return self._json(200, {"errors": [error.formatted]})
        schema = self.schema_for(version)
        problems = graphql.validate(schema, document)
        if problems:
            record(200)
            return self._json(200, {"errors": [p.formatted for p in problems]})
        operation = graphql.get_operation_ast(document, operation_name)
        if operation is None:
            record(200)
            return self._json(200, {"errors": [{"message": "No operation to execute"}]})
        refused = version_problems(schema, document, operation, variables, version)
        if refused:
            record(200)
            return self._json(200, {"errors": refused})
        cost = query_cost(schema, document, operation, variables)
        if cost > MAX_QUERY_COST:
            record(200, cost=cost)
            return self._json(
                200,
                {
                    "errors": [
                        {
                            "message": f"Query cost is {cost}, which exceeds the single query"
                            f" max cost limit ({MAX_QUERY_COST}).",
                            "extensions": {
                                "code": "MAX_COST_EXCEEDED",
                                "cost": cost,
                                "maxCost": MAX_QUERY_COST,
                            },
                        }
                    ],
                    "extensions": self._cost(cost, None),
                },
            )
        if fault == "throttle":
            self.bucket.drain()
        if not self.bucket.take(cost):
            record(200, cost=cost, throttled=True)
            return self._json(
                200,
                {
                    "errors": [
                        {
                            "message": "Throttled",
                            "extensions": {
                                "code": "THROTTLED",
                                "documentation": "https://shopify.dev/api/usage/rate-limits",
                            },
                        }
                    ],
                    "extensions": self._cost(cost, None),
                },
            )
        mutation = operation.operation == graphql.OperationType.MUTATION
        keys = tuple(sorted(idempotency_keys(operation, variables).items())) if mutation else ()
        asked = json.dumps([query, variables], sort_keys=True, default=str)
        replay = self._idempotent.get(keys[0]) if keys else None
        if replay is not None and replay[0] != asked:
            record(200, cost=cost)
            return self._json(
                200,
                {
                    "errors": [
                        {
                            "message": "The idempotency key was used with other parameters",
                            "extensions": {"code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"},
                        }
                    ],
                    "extensions": self._cost(cost, None),
                },
            )
        payload: dict[str, Any]
        if replay is not None:
            # The same key and the same request: Shopify answers what it answered
            # the first time and applies nothing again.
            payload = json.loads(json.dumps(replay[1]))
        else:
            self.store.version = self.bulk.version = version
            result = graphql.execute_sync(
                schema,
                document,
                root_value=self._mutation_root if mutation else self._query_root,
                variable_values=variables,
                operation_name=operation_name,
            )
            payload = {"data": result.data}
            if result.errors:
                payload["errors"] = [e.formatted for e in result.errors]
            for key in keys:
                self._idempotent[key] = (asked, json.loads(json.dumps(payload, default=str)))
        # Shopify charges the requested cost up front, then refunds what the
        # answer did not use: a query's actual cost follows the objects returned.
        actual = cost if mutation else min(cost, max(1, _objects(result.data)))
        self.bucket.refund(cost - actual)
        payload["extensions"] = self._cost(cost, actual)
        record(200, cost=actual)
        if fault == "lost" and mutation:
            raise httpx.ReadTimeout("simulated: applied, then the answer was lost", request=request)
        if fault == "lost":
            raise httpx.ReadTimeout("simulated read time-out", request=request)
        return self._json(200, payload)

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": self.bucket.status(),
            }
        }

    # -- access tokens ------------------------------------------------------------
    def _authorised(self, token: str | None) -> bool:
        if token is None:
            return False
        if token == self._token:
            return True
        expires = self._issued.get(token)
        return expires is not None and self.clock.monotonic() < expires

    def _grant(self, request: httpx.Request) -> httpx.Response:
        """``POST /admin/oauth/access_token``: the client-credentials grant."""
        if request.method != "POST":
            return self._json(405, {"errors": "Method Not Allowed"})
        form = dict(urllib.parse.parse_qsl(request.content.decode()))
        if form.get("grant_type") != "client_credentials":
            return self._json(400, {"error": "unsupported_grant_type"})
        if (
            self.client_credentials is None
            or (
                form.get("client_id"),
                form.get("client_secret"),
            )
            != self.client_credentials
        ):
            return self._json(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        self.tokens_issued += 1
        token = f"shpca_simulated{self.tokens_issued:06d}"
        self._issued[token] = self.clock.monotonic() + self.token_lifetime
        return self._json(
            200,
            {
                "access_token": token,
                "scope": "read_products,write_products,read_customers,write_customers",
                "expires_in": int(self.token_lifetime),
            },
        )

    def revoke_tokens(self) -> None:
        """Invalidate every token the grant issued (as a rotated secret would)."""
        self._issued.clear()

    # -- WSGI -------------------------------------------------------------------
    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        """The same API as a WSGI application (e.g. for ``httpx.WSGITransport``)."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        content = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", f"{self.shop}.myshopify.com")
        url = f"{environ.get('wsgi.url_scheme', 'https')}://{host}{environ.get('PATH_INFO', '/')}"
        request = httpx.Request(environ["REQUEST_METHOD"], url, headers=headers, content=content)
        try:
            response = self.handle(request)
        except httpx.TimeoutException:
            response = self._json(504, {"errors": "Gateway Timeout"})
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [("Content-Type", "application/json")],
        )
        return iter([response.content])

    # -- seeding ----------------------------------------------------------------
    def operations(self) -> list[str | None]:
        """The operation name of every request so far, in order."""
        return [r.operation for r in self.requests]


_CAPTURE_LOCK = threading.Lock()
_CAPTURES: list[list[RecordedRequest]] = []


@contextlib.contextmanager
def capture_requests() -> Iterator[list[RecordedRequest]]:
    """Every request any simulator receives while the block runs, in order.

    For checks across simulators a test (or an example it runs) creates on its
    own, e.g. "every document the connector sent validates".
    """
    captured: list[RecordedRequest] = []
    with _CAPTURE_LOCK:
        _CAPTURES.append(captured)
    try:
        yield captured
    finally:
        with _CAPTURE_LOCK:
            _CAPTURES.remove(captured)


def _operation_name(query: str) -> str | None:
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError:
        return None
    operation = graphql.get_operation_ast(document)
    return operation.name.value if operation is not None and operation.name else None


def _objects(data: Any) -> int:
    """How many objects an answer holds: what Shopify's actual query cost counts."""
    if isinstance(data, dict):
        return 1 + sum(_objects(value) for value in data.values())
    if isinstance(data, list):
        return sum(_objects(item) for item in data)
    return 0
