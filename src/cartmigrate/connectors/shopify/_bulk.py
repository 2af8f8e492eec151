"""Bulk writes: many products in one bulk mutation operation.

A batch of at least ``bulk_threshold`` products (default 1,000) is written
with Shopify's bulk import instead of one ``productSet`` request each:

1. ``stagedUploadsCreate`` (resource ``BULK_MUTATION_VARIABLES``) gives an
   upload target; the JSONL file, one line of ``productSet`` variables per
   product, is POSTed there (to Shopify's storage host, never with the access
   token);
2. ``bulkOperationRunMutation`` starts the operation (one bulk mutation runs
   at a time per shop: a busy shop is waited for);
3. ``bulkOperation(id:)`` is polled, waiting longer between polls (1 s up to
   ``BULK_POLL_MAX``), until it is done;
4. the result file is downloaded and each line mapped back to its product by
   the source reference the answer carries (the ``cartmigrate.source_ref``
   custom ID), checked against the line number; a line with user errors
   fails its product alone.

Every line is an upsert by the custom ID, so an operation that dies midway
is resumed from its partial results: the lines without an answer are sent
again in a new operation, and one that had in fact been applied updates the
product it made instead of duplicating it. What is still without an answer
after ``BULK_ATTEMPTS`` operations is ``WriteOutcomeUnknown``: the engine
looks it up by its reference (a custom-ID look-up that sees the write) before
anything is created again.

Lines cost no query-cost points: the bucket pays for the few requests around
them (docs/connectors/shopify.md has the measured figures).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from ..._exceptions import (
    CartMigrateError,
    EntityRejected,
    TransientError,
    WriteOutcomeUnknown,
)
from ...models import Product
from .._base import Created, WriteResult
from . import _convert as cv
from . import _graphql as docs
from ._shop import ShopifyBase

__all__ = ["BULK_THRESHOLD", "BulkWrites"]

logger = logging.getLogger("cartmigrate.shopify")

#: Default batch size from which products are written by a bulk operation.
BULK_THRESHOLD = 1000
#: Operations tried for the same lines before their outcome is left unknown.
BULK_ATTEMPTS = 3
#: Longest wait between two polls of a running operation, in seconds.
BULK_POLL_MAX = 10.0
#: Longest an operation (or a busy shop) is waited for, in seconds.
BULK_TIMEOUT = 6 * 3600.0
_DONE = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})


def variant_ids(product: Product, nodes: Sequence[Mapping[str, Any]]) -> list[str]:
    """The created variants' ids in the order of ``product.variants``, by options."""
    names = cv.option_names(product)
    by_options = {tuple(o["value"] for o in node["selectedOptions"]): node["id"] for node in nodes}
    return [
        by_options.get(tuple(v.options.get(n, "") for n in names), "") for v in product.variants
    ]


class BulkWrites(ShopifyBase):
    """Products written by bulk mutation operations (see the module docstring)."""

    bulk_threshold: int | None = BULK_THRESHOLD
    bulk_sleep: Callable[[float], None] = staticmethod(time.sleep)
    bulk_clock: Callable[[], float] = staticmethod(time.monotonic)

    def uses_bulk(self, count: int) -> bool:
        return (
            self.bulk_threshold is not None
            and count >= self.bulk_threshold
            and self.custom_ids(Product)
        )

    def bulk_products(self, items: Sequence[tuple[Product, str]]) -> list[WriteResult]:
        """One result per (product, source reference), in order."""
        lines = [
            {
                "input": cv.product_set_input(product, ref, self.location_id, cv.CUSTOM_ID),
                "identifier": {"customId": cv.custom_id(ref)},
            }
            for product, ref in items
        ]
        results: dict[int, WriteResult] = {}
        position_of = {ref: i for i, (_, ref) in enumerate(items)}
        remaining = list(range(len(items)))
        for attempt in range(BULK_ATTEMPTS):
            try:
                answers, complete = self._operation([lines[i] for i in remaining])
            except CartMigrateError as error:
                if attempt == BULK_ATTEMPTS - 1:
                    for i in remaining:
                        results[i] = error
                    remaining = []
                    break
                logger.warning("shopify: bulk operation failed (%s); trying again", error)
                continue
            for answer in answers:
                self._map(answer, remaining, items, position_of, results)
            remaining = [i for i in remaining if i not in results]
            if not remaining:
                break
            logger.warning(
                "shopify: bulk operation %s with %d lines unanswered; resuming them",
                "ended" if complete else "died",
                len(remaining),
            )
        for i in remaining:
            results[i] = WriteOutcomeUnknown(
                f"shopify: bulk operation gave no answer for {items[i][1]} after"
                f" {BULK_ATTEMPTS} operations; the next call looks it up by reference",
                entity="product",
            )
        return [results[i] for i in range(len(items))]

    def _map(
        self,
        answer: Mapping[str, Any],
        sent: Sequence[int],
        items: Sequence[tuple[Product, str]],
        position_of: Mapping[str, int],
        results: dict[int, WriteResult],
    ) -> None:
        """Map one result line to its product: by the source reference it names;
        a line that names none (refused) by its line number."""
        payload = ((answer.get("data") or {}).get("productSet")) or {}
        node = payload.get("product") or {}
        ref = (node.get("sourceRef") or {}).get("value")
        line = answer.get("__lineNumber")
        expected = sent[line] if isinstance(line, int) and 0 <= line < len(sent) else None
        position = position_of.get(ref) if ref else expected
        if position is None or position in results:
            return
        if ref and expected is not None and position != expected:
            logger.warning("shopify: bulk line %s answered for %s; mapped by reference", line, ref)
        errors = payload.get("userErrors") or []
        if errors:
            results[position] = self.user_error("product", "BulkProductSet", errors[0])
        elif node.get("id"):
            product = items[position][0]
            node = self._whole(node, "variants", "ProductVariants", docs.PRODUCT_VARIANTS)
            nodes = (node.get("variants") or {}).get("nodes") or []
            results[position] = Created(
                id=str(node["id"]),
                variant_ids=variant_ids(product, nodes) if product.variants else (),
            )
        elif answer.get("errors"):
            message = "; ".join(str(e.get("message")) for e in answer["errors"])
            results[position] = EntityRejected(
                f"shopify refused product (bulk): {message}",
                entity="product",
                platform_message=message,
            )

    # -- one operation --------------------------------------------------------
    def _operation(self, lines: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
        """Run ``lines``; the answers it gave, and whether it completed."""
        path = self._stage("".join(json.dumps(line) + "\n" for line in lines).encode())
        operation_id = self._start(path)
        status = self._wait(operation_id)
        url = status.get("url") if status["status"] == "COMPLETED" else status.get("partialDataUrl")
        answers = self._download(str(url)) if url else []
        return answers, status["status"] == "COMPLETED"

    def _plain(self) -> httpx.Client:
        """A client for Shopify's storage host: no access token, no base URL."""
        return httpx.Client(transport=self.transport, timeout=60.0, follow_redirects=False)

    def _stage(self, content: bytes) -> str:
        payload = self.mutate(
            "product",
            "StagedUpload",
            docs.STAGED_UPLOADS_CREATE,
            {
                "input": [
                    {
                        "resource": "BULK_MUTATION_VARIABLES",
                        "filename": "cartmigrate-products.jsonl",
                        "mimeType": "text/jsonl",
                        "httpMethod": "POST",
                    }
                ]
            },
            "stagedUploadsCreate",
        )
        [target] = payload["stagedTargets"]
        fields = {p["name"]: p["value"] for p in target["parameters"]}
        try:
            with self._plain() as client:
                response = client.post(
                    target["url"],
                    data=fields,
                    files={"file": ("cartmigrate-products.jsonl", content, "text/jsonl")},
                )
        except httpx.TransportError as error:
            raise TransientError(f"shopify: staged upload failed: {type(error).__name__}") from None
        if response.status_code >= 300:
            raise TransientError(
                f"shopify: staged upload answered {response.status_code}",
                status_code=response.status_code,
            )
        return str(fields["key"])

    def _start(self, path: str) -> str:
        deadline = self.bulk_clock() + BULK_TIMEOUT
        wait = 1.0
        while True:
            data = self.graphql.execute(
                "BulkRun",
                docs.BULK_RUN_MUTATION,
                {"mutation": docs.BULK_PRODUCT_SET, "path": path, "client": "cartmigrate"},
                mutation=True,
            )
            payload = data.get("bulkOperationRunMutation") or {}
            errors = payload.get("userErrors") or []
            if not errors and payload.get("bulkOperation"):
                return str(payload["bulkOperation"]["id"])
            if errors and errors[0].get("code") == "OPERATION_IN_PROGRESS":
                if self.bulk_clock() > deadline:
                    raise TransientError("shopify: another bulk mutation kept the shop busy")
                self.bulk_sleep(wait)  # one bulk mutation at a time per shop
                wait = min(BULK_POLL_MAX, wait * 2)
                continue
            raise self.user_error("product", "BulkRun", errors[0] if errors else {})

    def _wait(self, operation_id: str) -> dict[str, Any]:
        deadline = self.bulk_clock() + BULK_TIMEOUT
        wait = 1.0
        while True:
            status = self.run("BulkOperation", docs.BULK_OPERATION, {"id": operation_id}).get(
                "bulkOperation"
            )
            if not status:
                raise TransientError(f"shopify: bulk operation {operation_id} disappeared")
            if status["status"] in _DONE:
                if status["status"] != "COMPLETED":
                    logger.warning(
                        "shopify: bulk operation %s %s (%s) after %s objects",
                        operation_id,
                        status["status"].lower(),
                        status.get("errorCode"),
                        status.get("objectCount"),
                    )
                return dict(status)
            if self.bulk_clock() > deadline:
                raise TransientError(f"shopify: bulk operation {operation_id} did not finish")
            self.bulk_sleep(wait)
            wait = min(BULK_POLL_MAX, wait * 1.5)

    def _download(self, url: str) -> list[dict[str, Any]]:
        try:
            with self._plain() as client:
                response = client.get(url)
        except httpx.TransportError as error:
            raise TransientError(
                f"shopify: bulk result download failed: {type(error).__name__}"
            ) from None
        if response.status_code != 200:
            raise TransientError(f"shopify: bulk result answered {response.status_code}")
        return [json.loads(line) for line in response.text.splitlines() if line.strip()]
