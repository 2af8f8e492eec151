"""The HTTP layer every HTTP connector shares: retries, throttling, pagination, secrets.

What it promises a connector:

- **Retries** (tenacity): 429 honouring ``Retry-After`` (seconds or an HTTP
  date; a value <= 0 is "no hint"), 502/503/504 and transport errors, with
  exponential backoff and jitter, capped in attempts and in total time, each
  retry logged. ``set_testing(backoff=False)`` turns the sleeping off.
- **Writes are never blindly repeated.** A request marked ``idempotent=False``
  (a create) is retried only when it provably did not reach the server
  (connection refused, 429). When its answer is lost (read time-out, 502/503/504)
  it raises ``WriteOutcomeUnknown``: the caller looks the entity up instead.
- **4xx become typed errors** carrying the platform's own message:
  401/403 ``AuthenticationError``, 404 ``EntityNotFound``, other 4xx
  ``EntityRejected`` (or what the connector's ``error_for`` hook returns).
- **Throttling before the limit**: a ``CostBucket`` shared by all requests,
  fed by the platform's own signals where it sends them.
- **Secrets** never appear in logs, reprs or exceptions: URLs are logged
  without their query string, ``Secret`` hides its value and registers it
  with ``_redact``, which scrubs it (raw, encoded, in base64) from every
  message, log line and report, also when a server echoes the request.
  Redirects are not followed, so credentials never travel to another host.
- **Bodies that are not JSON** from a client made with ``expect_json=True``
  are a transient failure, retried like a 5xx (a write's is an unknown
  outcome): a proxy's HTML page or a truncated answer is not data.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import attrs
import httpx
import tenacity

from .._exceptions import (
    AuthenticationError,
    ConfigurationError,
    ConnectorError,
    EntityNotFound,
    EntityRejected,
    StoreUnreachable,
    TransientError,
    WriteOutcomeUnknown,
)
from .._redact import protect_logger, register_secret, scrub, scrub_chain
from ._waiting import CostBucket, parse_retry_after, set_testing
from ._waiting import sleep as _sleep

__all__ = [
    "CostBucket",
    "HttpClient",
    "RetryPolicy",
    "Secret",
    "parse_retry_after",
    "run_concurrently",
    "set_testing",
]

logger = protect_logger("cartmigrate.http")

T = TypeVar("T")
R = TypeVar("R")

_RETRY_STATUS = frozenset({429, 502, 503, 504})


class Secret:
    """A credential: its value is only handed out by ``reveal()``.

    ``repr``, ``str`` and formatting show ``'***'``, so a secret that ends up
    in a log line, an exception or a report shows nothing.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:  # no pickling the value out by accident either
        raise TypeError("a Secret cannot be pickled")


@attrs.define(frozen=True, kw_only=True)
class RetryPolicy:
    """How hard to try: attempts and total time are both capped.

    ``connect_attempts`` caps the attempts when the host cannot be reached at
    all (DNS, connection refused): a store that is down, or a wrong address,
    should fail in seconds, not after minutes of backoff. A connect time-out
    from a host that never answered (a blackholed address) is not retried at
    all: each attempt would wait the whole connect time-out (at most 10 s).
    Once the host has answered, a connect failure is a blip (a restart, a
    saturated server) and keeps every attempt.
    """

    attempts: int = 6
    connect_attempts: int = 3
    initial: float = 0.5
    max_wait: float = 60.0
    total: float = 300.0
    jitter: float = 0.5


@attrs.define(frozen=True)
class _Body:
    """What a request sends: JSON, or raw content with its headers."""

    json: Any
    content: bytes | None
    headers: Mapping[str, str] | None


class _Retry(Exception):
    """Internal: this attempt may be repeated after ``delay`` (None: backoff)."""

    def __init__(self, error: ConnectorError, delay: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


class _StopUnreachable(tenacity.stop.stop_base):
    """Stop after ``attempts`` when the host cannot be reached at all."""

    def __init__(self, attempts: int) -> None:
        self.attempts = attempts

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        return (
            isinstance(error, _Retry)
            and isinstance(error.error, StoreUnreachable)
            and retry_state.attempt_number >= self.attempts
        )


def _scrubbed(response: httpx.Response) -> httpx.Response:
    """An error answer with every known secret taken out of its body.

    Done before anyone reads it (the error hooks, ``_message``), so a body
    quoting the request is never cut in the middle of a credential, where
    the rest of it would no longer be recognised.
    """
    text = response.text
    clean = scrub(text)
    if clean == text:
        return response
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    return httpx.Response(
        response.status_code,
        headers=[(k, v) for k, v in headers if k.lower() != "content-encoding"],
        content=clean.encode("utf-8"),
        request=response.request,
    )


def _redacted(url: httpx.URL) -> str:
    return str(url.copy_with(query=None, username=None, password=None))


class _RedactHttpxUrls(logging.Filter):
    """httpx logs every request's full URL at INFO; a platform that takes its keys
    as query parameters would leak them there. Drop the query from those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _redacted(arg) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactHttpxUrls())
protect_logger("httpx")  # scrubbing secrets last, after the URLs lost their queries


ErrorHook = Callable[[httpx.Response], ConnectorError | None]


class HttpClient:
    """An httpx client with the platform etiquette built in.

    Pass ``client=`` to use your own ``httpx.Client`` (proxies, certificates),
    or ``transport=`` to talk to a simulator offline. ``max_in_flight`` bounds
    the requests awaiting an answer at once, across every thread using the
    client. ``error_for`` lets the connector turn its platform's error bodies
    into typed errors. ``server_error_for`` does the same for 5xx answers, for
    platforms that answer some client errors with a 500 (PrestaShop: a bad
    filter, a duplicate e-mail): what it returns is raised at once, neither
    retried nor taken for a lost write; None leaves the 5xx handling as is.
    TLS verification is always on for clients created here.
    """

    def __init__(
        self,
        base_url: str,
        *,
        platform: str,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        bucket: CostBucket | None = None,
        error_for: ErrorHook | None = None,
        server_error_for: ErrorHook | None = None,
        sleep: Callable[[float], None] = _sleep,
        max_in_flight: int | None = None,
        expect_json: bool = False,
    ) -> None:
        self.platform = platform
        self.expect_json = expect_json
        # However many threads use this client (a read-ahead worker and the
        # engine, each fanning out), no more than this are awaiting an answer.
        # (A request that timed out frees its slot; the server may still be on it.)
        if max_in_flight is not None and max_in_flight < 1:
            raise ConfigurationError(f"max_in_flight must be at least 1, not {max_in_flight}")
        self._slots: contextlib.AbstractContextManager[Any] = (
            threading.BoundedSemaphore(max_in_flight)
            if max_in_flight is not None
            else contextlib.nullcontext()
        )
        self.retry = retry if retry is not None else RetryPolicy()
        self.bucket = bucket
        self._error_for = error_for
        self._server_error_for = server_error_for
        self._sleep = sleep
        self.requests = 0
        self._answered = False  # whether the host ever answered: see RetryPolicy
        self._lock = threading.Lock()
        # A client the user handed over is used as is: auth goes per request,
        # URLs are made absolute here, and redirects are refused per request.
        self._auth = auth if client is not None else None
        self._base = httpx.URL(base_url)
        if client is None:
            client = httpx.Client(
                base_url=base_url,
                auth=auth,
                headers=dict(headers or {}),
                transport=transport,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
                verify=True,
                # Never follow: a redirect would carry credentials in custom
                # headers (X-Shopify-Access-Token) to wherever it points.
                follow_redirects=False,
            )
            self._owns_client = True
        else:
            self._owns_client = False
        self._client = client

    def __repr__(self) -> str:
        return f"HttpClient(platform={self.platform!r}, base_url={_redacted(self._base)!r})"

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    # -- requests ---------------------------------------------------------
    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        cost: float = 1.0,
        expect_json: bool | None = None,
    ) -> httpx.Response:
        """Send one request, with retries as the module docstring describes.

        ``idempotent`` defaults to True for GET/HEAD/PUT/DELETE, False for POST
        and PATCH; pass it explicitly for e.g. a GraphQL query sent by POST.
        ``content`` (with its ``headers``) is a raw body, for platforms that
        take no JSON (PrestaShop reads XML). ``expect_json`` overrides the
        client's for one request whose answer is not JSON (an image, an XML index).
        """
        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS")
        policy = self.retry

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, _Retry) and error.delay is not None:
                return min(error.delay, policy.max_wait)
            backoff = policy.initial * 2 ** (state.attempt_number - 1)
            return float(min(policy.max_wait, backoff + random.uniform(0, policy.jitter)))

        def log_retry(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            logger.warning(
                "%s %s %s: %s; retry %d in %.1fs",
                self.platform,
                method,
                url,
                error,
                state.attempt_number,
                state.upcoming_sleep,
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_any(
                tenacity.stop_after_attempt(policy.attempts),
                tenacity.stop_after_delay(policy.total),
                _StopUnreachable(policy.attempts if self._answered else policy.connect_attempts),
            ),
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retry),
            sleep=self._sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        try:
            try:
                body = _Body(json, content, headers)
                return retrying(
                    self._attempt, method, url, params, body, idempotent, cost, expect_json
                )
            except _Retry as exhausted:
                raise exhausted.error from None
        except BaseException as error:
            scrub_chain(error)  # httpx's own errors, chained to ours, may quote a server
            raise

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        body: _Body,
        idempotent: bool,
        cost: float,
        expect_json: bool | None = None,
    ) -> httpx.Response:
        try:
            extra: dict[str, Any] = {} if self._auth is None else {"auth": self._auth}
            with self._slots:
                # Throttled once it may go: a throttle passed before waiting for
                # a slot would let a refilled bucket's worth out at once after it.
                if self.bucket is not None:
                    self.bucket.acquire(cost)
                with self._lock:
                    self.requests += 1
                response = self._client.request(
                    method,
                    self._base.join(url),
                    params=params,
                    json=body.json,
                    content=body.content,
                    headers=body.headers,
                    follow_redirects=False,
                    **extra,
                )
        except httpx.ConnectTimeout as error:
            if not self._answered:
                # A host that never answered and lets a connection hang (a
                # blackholed address, a firewall dropping packets) would cost a
                # full connect time-out per retry: one is enough to say so.
                raise StoreUnreachable(self._unreachable(error)) from None
            raise _Retry(StoreUnreachable(self._unreachable(error)), None) from None
        except httpx.ConnectError as error:
            # Never reached the server: safe to try again, a few times.
            raise _Retry(StoreUnreachable(self._unreachable(error)), None) from None
        except httpx.PoolTimeout as error:
            raise _Retry(TransientError(self._describe(method, url, error)), None) from None
        except httpx.TransportError as error:
            message = self._describe(method, url, error)
            if not idempotent:
                raise WriteOutcomeUnknown(message) from None
            raise _Retry(TransientError(message), None) from None
        self._answered = True
        logger.debug(
            "%s %s %s -> %d",
            self.platform,
            method,
            _redacted(response.request.url),
            response.status_code,
        )
        status = response.status_code
        if status >= 400:
            response = _scrubbed(response)
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            target = _redacted(response.request.url.join(location)) if location else "elsewhere"
            raise ConnectorError(
                f"{self.platform}: {method} {_redacted(response.request.url)} was redirected to"
                f" {target}; credentials are not sent on redirects: configure that address",
                status_code=status,
            )
        if status < 400:
            wants_json = self.expect_json if expect_json is None else expect_json
            if wants_json and status != 204:
                self._check_json(response, method, idempotent)
            return response
        if status == 429:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retry(TransientError(self._message(response), status_code=429), delay)
        if status >= 500 and self._server_error_for is not None:
            refused = self._server_error_for(response)
            if refused is not None:
                raise refused
        if status in _RETRY_STATUS or status >= 500:
            message = self._message(response)
            if not idempotent:
                raise WriteOutcomeUnknown(message, status_code=status)
            delay = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retry(TransientError(message, status_code=status), delay)
        raise self._client_error(response)

    def _unreachable(self, error: Exception) -> str:
        # The host, not the route: a dead host is no route's fault.
        host = _redacted(self._base.copy_with(path="/"))
        return (
            f"{self.platform}: cannot reach {host} ({type(error).__name__}: {error});"
            " check the address, DNS and network, and that the store is up"
        )

    def _check_json(self, response: httpx.Response, method: str, idempotent: bool) -> None:
        """A body that is not JSON (an HTML page, a truncated answer) is not an answer.

        Parsed once here; ``response.json()`` then hands out that parse.
        """
        try:
            body = response.json()
            parsed = True
        except ValueError:  # json.JSONDecodeError, UnicodeDecodeError
            parsed = False  # raised below, not chained: the error would keep the whole body
        if not parsed:
            message = (
                f"{self.platform}: {method} {_redacted(response.request.url)}"
                f" -> {response.status_code} with a body that is not JSON"
                f" ({len(response.content)} bytes)"
            )
            if not idempotent:
                raise WriteOutcomeUnknown(message, status_code=response.status_code)
            raise _Retry(TransientError(message, status_code=response.status_code), None)
        object.__setattr__(response, "json", lambda **_: body)

    def _describe(self, method: str, url: str, error: Exception) -> str:
        target = _redacted(self._base.join(url))
        return f"{self.platform}: {method} {target} failed: {type(error).__name__}"

    def _message(self, response: httpx.Response) -> str:
        detail = response.text[:300].strip()
        return (
            f"{self.platform}: {response.request.method} {_redacted(response.request.url)}"
            f" -> {response.status_code}{': ' + detail if detail else ''}"
        )

    def _client_error(self, response: httpx.Response) -> ConnectorError:
        if self._error_for is not None:
            error = self._error_for(response)
            if error is not None:
                return error
        message = self._message(response)
        status = response.status_code
        if status in (401, 403):
            return AuthenticationError(message, status_code=status)
        if status == 404:
            return EntityNotFound(message, status_code=status)
        return EntityRejected(message, status_code=status, platform_message=response.text[:500])

    # -- pagination -------------------------------------------------------
    @staticmethod
    def paginate(fetch: Callable[[Any], tuple[Sequence[T], Any]], first: Any = None) -> Iterator[T]:
        """Yield items page by page; ``fetch(token)`` returns (items, next token or None).

        The same next-page token twice in a row is a platform bug that would
        loop forever: it raises instead.
        """
        token = first
        seen_token: Any = object()
        while True:
            items, next_token = fetch(token)
            yield from items
            if next_token is None:
                return
            if next_token in (token, seen_token):
                raise TransientError(f"pagination repeated its next-page token {next_token!r}")
            seen_token, token = token, next_token


def run_concurrently(work: Callable[[T], R], items: Iterable[T], *, max_workers: int) -> list[R]:
    """``[work(item) for item in items]`` with up to ``max_workers`` at once, in order.

    For independent writes only; ``work`` must not raise for an expected
    per-item failure (return it instead).
    """
    items = list(items)
    if max_workers <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        return list(pool.map(work, items))
