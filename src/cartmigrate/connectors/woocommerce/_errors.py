"""WooCommerce's error bodies as typed errors.

WooCommerce answers every error as ``{"code", "message", "data": {"status", ...}}``,
both for a whole request and for one failed item inside a batch answer. One
function turns both into the same typed error, so a duplicate SKU means the
same to the engine whether it came alone or in a batch of a hundred.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ..._exceptions import (
    AuthenticationError,
    ConnectorError,
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    TransientError,
)

__all__ = ["error_from_body", "error_for_response"]

#: Codes meaning "this already exists"; WooCommerce adds ``data.resource_id`` to them.
_DUPLICATE_CODES = frozenset(
    {
        "product_invalid_sku",
        "term_exists",
        "registration-error-email-exists",
        "woocommerce_rest_customer_exists",
        "woocommerce_rest_comment_duplicate",  # the same review text by the same e-mail
    }
)
_DUPLICATE_FIELDS = {
    "product_invalid_sku": "sku",
    "term_exists": "name",
    "registration-error-email-exists": "email",
    "woocommerce_rest_comment_duplicate": "body",
}


#: Codes meaning "no such entity", whatever status WooCommerce gives them (deleting
#: a customer that is gone answers 400 ``woocommerce_rest_invalid_id``).
_NOT_FOUND_CODES = frozenset({"woocommerce_rest_term_invalid", "woocommerce_rest_invalid_id"})


def _not_found(code: str) -> bool:
    return code in _NOT_FOUND_CODES or (
        code.startswith("woocommerce_rest_") and code.endswith("_invalid_id")
    )


def error_from_body(
    body: Mapping[str, Any], *, status: int | None = None, entity: str | None = None
) -> ConnectorError:
    """The typed error for one WooCommerce error object."""
    code = str(body.get("code") or "")
    message = str(body.get("message") or code or "unknown error")
    raw_data = body.get("data")
    data: Mapping[str, Any] = raw_data if isinstance(raw_data, Mapping) else {}
    status = int(data.get("status") or status or 400)
    text = f"woocommerce: {code}: {message}" if code else f"woocommerce: {message}"
    common: dict[str, Any] = {"entity": entity, "platform_message": message, "status_code": status}
    if status in (401, 403):
        return AuthenticationError(text, **common)
    if code in _DUPLICATE_CODES or "resource_id" in data:
        existing = data.get("resource_id")
        return DuplicateEntity(
            text,
            existing_id=str(existing) if existing not in (None, 0, "") else None,
            field=_DUPLICATE_FIELDS.get(code),
            **common,
        )
    if status == 404 or _not_found(code):
        return EntityNotFound(text, **common)
    if status >= 500 or status == 429:
        return TransientError(text, **common)
    field = None
    params = data.get("params")
    if isinstance(params, Mapping) and params:
        field = str(next(iter(params)))
        detail = params[field]
        if isinstance(detail, str) and detail not in message:
            text = f"{text} ({field}: {detail})"
    elif isinstance(data.get("param"), str):
        field = data["param"]
    return EntityRejected(text, field=field, **common)


def error_for_response(response: httpx.Response) -> ConnectorError | None:
    """``HttpClient``'s ``error_for`` hook: a 4xx answer with a WooCommerce body."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, Mapping) or "code" not in body:
        return None
    return error_from_body(body, status=response.status_code)
