"""How the connector proves who it is to a shop.

Two ways, both as ``httpx.Auth`` so every request (and its retries) goes
through them:

- a static Admin API access token (``shpat_...``) of a custom app made in the
  shop's admin, sent as ``X-Shopify-Access-Token``;
- the client-credentials grant of an app made in the Dev Dashboard: the
  client id and secret are exchanged at ``/admin/oauth/access_token`` for a
  token that expires (about 24 hours). It is fetched before the first
  request, fetched again shortly before it expires, and once more when the
  shop answers 401 (revoked, rotated, or expired early), then the request is
  sent again. One thread fetches while the others wait for its token.

Neither the secret nor any token is logged, put in a repr, or in an
exception: they live in ``Secret`` and are revealed only into the header or
the token request's body.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

import httpx

from ..._exceptions import AuthenticationError, TransientError
from .._http import Secret

__all__ = ["ClientCredentials", "StaticToken"]

logger = logging.getLogger("cartmigrate.shopify")

HEADER = "X-Shopify-Access-Token"
#: A token is replaced this many seconds before Shopify says it expires.
REFRESH_MARGIN = 300.0


class StaticToken(httpx.Auth):
    """Adds ``X-Shopify-Access-Token`` to each request, revealing the secret only there."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[HEADER] = self._token.reveal()
        yield request

    def __repr__(self) -> str:
        return "StaticToken(***)"


class ClientCredentials(httpx.Auth):
    """Tokens from the client-credentials grant, refreshed before expiry and on a 401.

    ``clock`` (seconds, monotonic) decides when a token is due; tests pass a
    fake one.
    """

    requires_response_body = True  # the token answer is read inside the flow

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: Secret,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = REFRESH_MARGIN,
    ) -> None:
        self._url = token_url
        self._client_id = client_id
        self._secret = client_secret
        self._clock = clock
        self._margin = margin
        self._token: Secret | None = None
        self._expires = 0.0
        self._generation = 0
        self._lock = threading.Lock()
        self.fetched = 0  # how many tokens were obtained (for tests and reports)
        self.scope: str | None = None

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self._client_id!r}, client_secret=***)"

    def _due(self) -> bool:
        return self._token is None or self._clock() >= self._expires - self._margin

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self._url,
            data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._secret.reveal(),
            },
            headers={"Accept": "application/json"},
        )

    def _adopt(self, response: httpx.Response) -> None:
        if response.status_code >= 500:
            raise TransientError(
                f"shopify: the token endpoint answered {response.status_code}",
                status_code=response.status_code,
            )
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise AuthenticationError(
                f"shopify: the client-credentials grant was refused ({response.status_code});"
                " check the app's client id and secret, and that it is installed on the shop",
                status_code=response.status_code,
            )
        lifetime = body.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 86_399.0
        self._token = Secret(token)
        self._expires = self._clock() + seconds
        self._generation += 1
        self.fetched += 1
        self.scope = body.get("scope") if isinstance(body.get("scope"), str) else None
        logger.info("shopify: obtained an access token valid for %.0f s", seconds)

    def _refresh(
        self, stale_generation: int | None
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Fetch a token unless another thread already replaced ``stale_generation``."""
        with self._lock:
            if stale_generation is None and not self._due():
                return
            if stale_generation is not None and self._generation != stale_generation:
                return
            response = yield self._token_request()
            self._adopt(response)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._due():
            yield from self._refresh(None)
        assert self._token is not None
        generation = self._generation
        request.headers[HEADER] = self._token.reveal()
        response = yield request
        if response.status_code == 401:
            # Revoked or expired early: one new token, then the same request again.
            logger.info("shopify: access token refused (401); fetching a new one")
            yield from self._refresh(generation)
            assert self._token is not None
            request.headers[HEADER] = self._token.reveal()
            yield request
