"""WooCommerce's error answers, and the REST schema checks that give them.

An error is ``{"code", "message", "data": {"status", ...}}`` with
WooCommerce's own codes, so that a connector's error handling is tried
against what the real store says. A single REST request checks a field's
type and enum first (``rest_invalid_param``, 400); ``/batch`` skips that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["NO_ROUTE", "ApiError", "check_enum", "check_string", "invalid_param"]


class ApiError(Exception):
    """A WooCommerce error answer: ``{"code", "message", "data": {"status", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "data": {"status": self.status, **self.data},
        }


#: A route the store does not have (or has switched off, like brands on an older store).
NO_ROUTE = ApiError(404, "rest_no_route", "No route was found matching the URL and request method.")


def invalid_param(field: str, detail: str) -> ApiError:
    return ApiError(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {field}",
        params={field: detail},
        details={field: {"code": "rest_invalid_param", "message": detail, "data": None}},
    )


def check_string(payload: Mapping[str, Any], *fields: str) -> None:
    for field in fields:
        if field in payload and payload[field] is not None and not isinstance(payload[field], str):
            raise invalid_param(field, f"{field} is not of type string.")


def check_enum(payload: Mapping[str, Any], field: str, options: tuple[str, ...]) -> None:
    if field in payload and payload[field] not in options:
        raise invalid_param(field, f"{field} is not one of {', '.join(options)}.")
