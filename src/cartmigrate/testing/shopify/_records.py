"""The simulated shop's records: ids, stamps, metafields and their definitions.

Plain dictionaries keyed by numeric id; GIDs (``gid://shopify/Product/7``)
are only the outside view. Every mutation returns its payload with
``userErrors`` the way Shopify words them, and never half-applies: it checks
first, then changes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["StoreBase", "UserError", "gid", "parse_gid"]

_GID = re.compile(r"gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>\d+)")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: Any, kind: str) -> int | None:
    found = _GID.fullmatch(str(value or ""))
    if found is None or found["type"] != kind:
        return None
    return int(found["id"])


class UserError(Exception):
    """One Shopify ``userErrors`` entry: ``field`` is the input path."""

    def __init__(self, field: Sequence[str] | None, message: str, code: str | None = None):
        super().__init__(message)
        self.field = list(field) if field is not None else None
        self.message = message
        self.code = code

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "code": self.code}


def _handleize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "item"


def _money(value: Any, field: Sequence[str]) -> str:
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise UserError(field, f"{field[-1]} is invalid") from None
    if amount < 0:
        raise UserError(field, f"{field[-1]} must be greater than or equal to 0")
    return str(amount.quantize(decimal.Decimal("0.01")))


class StoreBase:
    """Everything the shop holds; every method is called under the simulator's lock."""

    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self.now = now
        self.lock = threading.RLock()
        self._next = 1000
        self.location_id = self.new_id()
        self.locations: dict[int, dict[str, Any]] = {
            self.location_id: {"id": self.location_id, "name": "Shop location", "isPrimary": True}
        }
        self.products: dict[int, dict[str, Any]] = {}
        self.variants: dict[int, dict[str, Any]] = {}
        self.collections: dict[int, dict[str, Any]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.fulfillment_orders: dict[int, dict[str, Any]] = {}
        self.order_number = 1000
        # (owner type, namespace, key, value) -> record number; see ``remember``
        self._by_value: dict[tuple[str, str, str, str], int] = {}
        # (owner type, namespace, key) -> metafield definition
        self.definitions: dict[tuple[str, str, str], dict[str, Any]] = {}
        # Seconds a write takes to reach search results (``query:``); 0: at once.
        self.search_lag = 0.0
        # The API version of the request being executed (set by the simulator).
        self.version = "2026-01"

    def owner_table(self, owner: str) -> dict[int, dict[str, Any]]:
        return {
            "PRODUCT": self.products,
            "CUSTOMER": self.customers,
            "ORDER": self.orders,
            "COLLECTION": self.collections,
        }[owner]

    def remember(self, owner: str, number: int) -> None:
        """Index the metafield values of ``owner`` record ``number`` (after a write),
        so look-ups by value need no scan of the whole table."""
        record = self.owner_table(owner).get(number) or {}
        for (namespace, key), metafield in (record.get("metafields") or {}).items():
            self._by_value[(owner, namespace, key, str(metafield["value"]))] = number

    def by_custom_id(self, owner: str, namespace: str, key: str, value: Any) -> int | None:
        """The ``owner`` record whose metafield ``namespace.key`` is ``value``."""
        number = self._by_value.get((owner, namespace, key, str(value)))
        if number is None:
            return None
        found = (self.owner_table(owner).get(number, {}).get("metafields") or {}).get(
            (namespace, key)
        )
        return number if found is not None and found["value"] == value else None

    def custom_id(self, owner: str, identifier: Mapping[str, Any], field: list[str]) -> int | None:
        """The record a ``UniqueMetafieldValueInput`` names (None: none yet).

        Shopify only looks up by a metafield whose definition has unique values.
        """
        namespace = identifier.get("namespace") or "$app"
        key = identifier.get("key")
        definition = self.definitions.get((owner, namespace, str(key)))
        if definition is None or not definition["unique"]:
            raise UserError(
                field,
                f"The metafield definition {namespace}.{key} does not exist or is not unique",
                "NOT_FOUND",
            )
        return self.by_custom_id(owner, namespace, str(key), identifier.get("value"))

    def definition_create(self, data: Mapping[str, Any]) -> dict[str, Any]:
        owner = str(data.get("ownerType"))
        namespace = data.get("namespace") or "$app"
        key = str(data.get("key") or "")
        if not key or not data.get("name"):
            raise UserError(["definition", "key"], "Key can't be blank", "BLANK")
        if (owner, namespace, key) in self.definitions:
            raise UserError(["definition", "key"], "Key is in use for this owner type", "TAKEN")
        for record in self.owner_table(owner).values():
            found = (record.get("metafields") or {}).get((namespace, key))
            if found is not None and found["type"] != data.get("type"):
                raise UserError(
                    ["definition", "type"],
                    "Metafields of another type already exist for this key",
                    "UNSTRUCTURED_ALREADY_EXISTS",
                )
        unique = data.get("type") == "id" or bool(
            ((data.get("capabilities") or {}).get("uniqueValues") or {}).get("enabled")
        )
        definition = {
            "id": self.new_id(),
            "ownerType": owner,
            "namespace": namespace,
            "key": key,
            "name": data.get("name"),
            "type": data.get("type"),
            "unique": unique,
        }
        self.definitions[(owner, namespace, key)] = definition
        return definition

    def new_id(self) -> int:
        self._next += 1
        return self._next

    def stamp(self, record: dict[str, Any], *, created: bool = False) -> None:
        now = self.now().isoformat()
        if created:
            record["createdAt"] = now
        record["updatedAt"] = now

    # -- metafields --------------------------------------------------------
    def set_metafields(
        self,
        record: dict[str, Any],
        metafields: Sequence[Mapping[str, Any]] | None,
        path: list[str],
        *,
        owner: str | None = None,
        own: int | None = None,
    ) -> None:
        """Check, then set. With ``owner`` (``"PRODUCT"``...), a metafield that has a
        definition must have its type, and an ``id`` one a value no other
        ``owner`` record holds (custom IDs are unique)."""
        for position, metafield in enumerate(metafields or ()):
            where = [*path, "metafields", str(position)]
            namespace, key = metafield.get("namespace"), metafield.get("key")
            if not namespace or not key:
                raise UserError(where, "Namespace and key are required")
            if metafield.get("value") is None:
                raise UserError([*where, "value"], "Value can't be blank")
            if not metafield.get("type"):
                raise UserError([*where, "type"], "Type can't be blank")
            definition = self.definitions.get((owner, namespace, key)) if owner else None
            if definition is not None:
                if metafield["type"] != definition["type"]:
                    raise UserError(
                        [*where, "type"],
                        f"Type must be {definition['type']} as set by the metafield definition",
                        "INVALID_TYPE",
                    )
                holder = self.by_custom_id(owner or "", namespace, key, metafield["value"])
                if definition["unique"] and holder is not None and holder != own:
                    raise UserError(
                        [*where, "value"], "Value is already taken by another resource", "TAKEN"
                    )
        for metafield in metafields or ():
            record.setdefault("metafields", {})[(metafield["namespace"], metafield["key"])] = {
                "namespace": metafield["namespace"],
                "key": metafield["key"],
                "value": metafield["value"],
                "type": metafield["type"],
            }
