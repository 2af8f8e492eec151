"""Customers of the simulated store: WordPress users with the customer role.

An e-mail is required, valid and unique (``registration-error-email-exists``),
a username is made from it when none is given, the password is taken but
never shown, billing and shipping keep only WooCommerce's address keys, and
a new account sends the ``customer_new_account`` e-mail.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._api_errors import ApiError, invalid_param
from ._emails import SentEmail

if TYPE_CHECKING:
    from ._store import Store

__all__ = ["ADDRESS_KEYS", "EMAIL", "save_customer"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CUSTOMER_FIELDS = frozenset(
    ["email", "first_name", "last_name", "username", "password", "billing", "shipping", "meta_data"]
)
ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
)


def save_customer(
    store: Store, payload: Mapping[str, Any], cid: int | None = None
) -> dict[str, Any]:
    creating = cid is None
    if creating and not payload.get("email"):
        raise ApiError(
            400, "rest_missing_callback_param", "Missing parameter(s): email", params=["email"]
        )
    if "email" in payload and not EMAIL.match(str(payload["email"])):
        if store.in_batch:  # no schema check: WC_Customer::set_email refuses it
            raise ApiError(400, "customer_invalid_email", "Invalid email address.")
        raise invalid_param("email", "Invalid email address.")
    email = str(payload.get("email") or "")
    if email and any(
        c["email"].casefold() == email.casefold() and c["id"] != cid
        for c in store.customers.values()
    ):
        raise ApiError(
            400,
            "registration-error-email-exists",
            "An account is already registered with your email address."
            ' <a href="#" class="showlogin">Please log in.</a>',
        )
    obj: dict[str, Any] = (
        {
            "id": store.new_id("user"),
            "email": "",
            "first_name": "",
            "last_name": "",
            "role": "customer",
            "username": "",
            "billing": dict.fromkeys((*ADDRESS_KEYS, "email", "phone"), ""),
            "shipping": dict.fromkeys((*ADDRESS_KEYS, "phone"), ""),
            "is_paying_customer": False,
            "meta_data": [],
        }
        if creating
        else copy.deepcopy(store.customers[cid or 0])
    )
    for key, value in payload.items():
        if key not in _CUSTOMER_FIELDS or key in ("meta_data", "password"):
            continue
        if key in ("billing", "shipping") and isinstance(value, Mapping):
            obj[key].update({k: v for k, v in value.items() if k in obj[key]})
        else:
            obj[key] = copy.deepcopy(value)
    if creating and not obj.get("username"):
        obj["username"] = email.split("@")[0]
    obj["meta_data"] = store.merge_meta(obj.get("meta_data", []), payload.get("meta_data"))
    store.stamp_dates(obj, created=creating)
    store.customers[obj["id"]] = obj
    if creating:
        store.send_email(SentEmail("customer_new_account", obj["email"], obj["id"]))
    return obj
