"""The simulator's settings routes: each e-mail's on/off switch and the store's units.

``/settings/email_<template>/enabled`` is WooCommerce -> Settings -> Emails'
"Enable this email" checkbox, which a connector switches off around its
writes; ``/settings/products/woocommerce_{dimension,weight}_unit`` are the
units its products' sizes and weights are in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._api_errors import NO_ROUTE, ApiError
from ._semantics import UNIT_SETTINGS, unit_setting

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["EMAIL_SETTING", "PRODUCT_SETTING", "serve_email_setting", "serve_unit_setting"]

EMAIL_SETTING = re.compile(r"wc/v3/settings/email_(?P<template>[a-z_]+)/enabled")
PRODUCT_SETTING = re.compile(r"wc/v3/settings/products/(?P<setting>[a-z_]+)")


def serve_email_setting(
    store: Store, method: str, template: str, body: Any
) -> tuple[int, Any, dict[str, str]]:
    """``/settings/email_<template>/enabled``: the "Enable this email" checkbox."""
    if template not in store.email_enabled:
        raise ApiError(404, "rest_setting_setting_group_invalid", "Invalid setting group.")
    if method in ("PUT", "POST", "PATCH"):
        value = (body or {}).get("value")
        if value not in ("yes", "no"):
            raise ApiError(
                400, "rest_setting_value_invalid", "An invalid setting value was passed."
            )
        store.email_enabled[template] = value
    elif method != "GET":
        raise NO_ROUTE
    view = {
        "id": "enabled",
        "label": "Enable/Disable",
        "description": "",
        "type": "checkbox",
        "default": "yes",
        "value": store.email_enabled[template],
    }
    return 200, view, {}


def serve_unit_setting(
    store: Store, method: str, setting: str, body: Any
) -> tuple[int, Any, dict[str, str]]:
    """``/settings/products/woocommerce_{dimension,weight}_unit``."""
    if setting not in store.units:
        raise ApiError(404, "rest_setting_setting_invalid", "Invalid setting.")
    if method in ("PUT", "POST", "PATCH"):
        value = (body or {}).get("value")
        if value not in UNIT_SETTINGS[setting][1]:
            raise ApiError(
                400, "rest_setting_value_invalid", "An invalid setting value was passed."
            )
        store.units[setting] = value
    elif method != "GET":
        raise NO_ROUTE
    return 200, unit_setting(setting, store.units[setting]), {}
