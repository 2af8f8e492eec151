"""Sending one GraphQL document to Shopify, politely.

Shopify limits by calculated query cost: a leaky bucket (1,000 points
restoring 50/s on standard plans, 2,000/100 on Advanced, more on Plus).
Before each request the bucket is charged the request's requested cost, so a
client never sends what would be refused; after each response the bucket
adopts the server's ``extensions.cost.throttleStatus``, so capacity and
restore rate are read at run time, not assumed. A ``THROTTLED`` error (a 200
body) is answered by waiting exactly as long as the server's bucket needs to
hold the cost again, then sending again: never hammering, never sleeping
longer than needed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from ..._exceptions import (
    AuthenticationError,
    ConnectorError,
    EntityRejected,
    TransientError,
)
from .._http import CostBucket, HttpClient
from . import _graphql as docs

__all__ = ["GraphQLClient"]

logger = logging.getLogger("cartmigrate.shopify")

#: How many THROTTLED answers in a row one request tolerates before giving up.
MAX_THROTTLED = 8


def _error_for(response: httpx.Response) -> ConnectorError | None:
    if response.status_code in (401, 403):
        return AuthenticationError(
            f"shopify: access token refused ({response.status_code}); check the Admin API"
            " access token and the app's scopes",
            status_code=response.status_code,
            platform_message=response.text[:300],
        )
    return None


class GraphQLClient:
    """Sends documents to ``/admin/api/{version}/graphql.json`` through ``HttpClient``."""

    def __init__(
        self,
        http: HttpClient,
        bucket: CostBucket,
        path: str,
        *,
        estimates: Mapping[str, float] | None = None,
    ) -> None:
        self.http = http
        self.bucket = bucket
        self.path = path
        self._estimates: dict[str, float] = dict(estimates if estimates is not None else docs.COSTS)
        self.requested = 0.0  # total requested cost of answered requests
        self.throttled = 0
        #: The version that answered (``X-Shopify-API-Version``): Shopify answers a
        #: request to a retired version with the oldest one it still supports.
        self.served_version: str | None = None

    @staticmethod
    def error_hook() -> Any:
        return _error_for

    def execute(
        self,
        operation: str,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        mutation: bool = False,
    ) -> dict[str, Any]:
        """The ``data`` of one operation; raises typed errors for transport and top-level errors.

        Queries are idempotent and retried on 5xx and time-outs by ``HttpClient``;
        mutations are not (a lost answer is ``WriteOutcomeUnknown``).
        """
        estimate = docs.MUTATION_COST if mutation else self._estimates.get(operation, 50)
        body = {"query": document, "variables": dict(variables or {}), "operationName": operation}
        for _ in range(MAX_THROTTLED):
            response = self.http.request(
                "POST", self.path, json=body, idempotent=not mutation, cost=estimate
            )
            self.served_version = response.headers.get("X-Shopify-API-Version") or (
                self.served_version
            )
            try:
                payload = response.json()
            except ValueError:
                raise TransientError(
                    f"shopify {operation}: the answer was not JSON", status_code=200
                ) from None
            cost = (payload.get("extensions") or {}).get("cost") or {}
            self._observe(cost)
            requested = cost.get("requestedQueryCost")
            if isinstance(requested, int | float) and not mutation:
                self._estimates[operation] = float(requested)
                estimate = float(requested)
            errors = payload.get("errors") or []
            codes = {((e or {}).get("extensions") or {}).get("code") for e in errors}
            if "THROTTLED" in codes:
                # Nothing was applied. The bucket now holds the server's view; the
                # next acquire waits exactly until it holds ``estimate`` again.
                self.throttled += 1
                logger.info("shopify %s throttled; waiting for the bucket to refill", operation)
                continue
            if errors:
                messages = "; ".join(str((e or {}).get("message")) for e in errors)
                if "ACCESS_DENIED" in codes:
                    raise AuthenticationError(
                        f"shopify {operation}: access denied: {messages}", platform_message=messages
                    )
                if payload.get("data") is None:
                    raise EntityRejected(
                        f"shopify {operation} refused: {messages}", platform_message=messages
                    )
                logger.warning("shopify %s answered with errors: %s", operation, messages)
            self.requested += float(requested or 0)
            data = payload.get("data")
            if not isinstance(data, dict):
                raise TransientError(f"shopify {operation}: the answer had no data")
            return data
        raise TransientError(f"shopify {operation}: still throttled after {MAX_THROTTLED} waits")

    def _observe(self, cost: Mapping[str, Any]) -> None:
        status = cost.get("throttleStatus") or {}
        available = status.get("currentlyAvailable")
        if isinstance(available, int | float):
            self.bucket.observe(
                available=float(available),
                capacity=_number(status.get("maximumAvailable")),
                restore_rate=_number(status.get("restoreRate")),
            )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None
