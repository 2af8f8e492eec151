"""Product attributes: codes, option labels and ids, and which sets hold them.

A configurable product's options and a product's manufacturer are EAV select
attributes: the product stores an option id ("58"), people mean its label
("Blue"). This cache turns one into the other, creates a missing option by
label, and knows which attribute sets contain which attributes, since Magento
silently ignores a value of an attribute that is not in the product's set.
Everything is fetched once per cart and shared by reading and writing threads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import attrs

from ..._exceptions import EntityNotFound, EntityRejected
from ._api import Filter, MagentoApi

__all__ = ["Attribute", "AttributeCatalog"]


@attrs.define(kw_only=True)
class Attribute:
    id: str
    code: str
    label: str
    #: option label (case-folded) -> option id, and back
    by_label: dict[str, str] = attrs.field(factory=dict)
    by_id: dict[str, str] = attrs.field(factory=dict)


class AttributeCatalog:
    def __init__(self, api: MagentoApi) -> None:
        self._api = api
        self._lock = threading.RLock()
        self._by_code: dict[str, Attribute] = {}
        self._by_id: dict[str, Attribute] = {}
        self._set_codes: dict[str, frozenset[str]] = {}
        self._sets: list[str] | None = None

    # -- attributes and their options ----------------------------------------
    def _remember(self, raw: Mapping[str, Any]) -> Attribute:
        attribute = Attribute(
            id=str(raw.get("attribute_id")),
            code=str(raw.get("attribute_code")),
            label=str(raw.get("default_frontend_label") or raw.get("attribute_code")),
        )
        for option in raw.get("options") or ():
            value, label = str(option.get("value") or ""), str(option.get("label") or "")
            if value and label.strip():
                attribute.by_label.setdefault(label.strip().casefold(), value)
                attribute.by_id[value] = label
        self._by_code[attribute.code] = attribute
        self._by_id[attribute.id] = attribute
        return attribute

    def by_code(self, code: str) -> Attribute | None:
        with self._lock:
            if code in self._by_code:
                return self._by_code[code]
            try:
                raw = self._api.get(f"products/attributes/{code}")
            except EntityNotFound:
                return None
            return self._remember(raw)

    def by_id(self, attribute_id: str) -> Attribute | None:
        with self._lock:
            if attribute_id in self._by_id:
                return self._by_id[attribute_id]
            items, _ = self._api.page(
                "products/attributes", [Filter("attribute_id", attribute_id)], sort=None
            )
            return self._remember(items[0]) if items else None

    def by_label(self, label: str) -> Attribute | None:
        """A select attribute named ``label`` (its admin label or its code)."""
        wanted = label.strip().casefold()
        with self._lock:
            for attribute in self._by_code.values():
                if wanted in (attribute.label.casefold(), attribute.code.casefold()):
                    return attribute
            code = "_".join(wanted.split())
            for field, value in (("attribute_code", code), ("frontend_label", label.strip())):
                items, _ = self._api.page("products/attributes", [Filter(field, value)], sort=None)
                for raw in items:
                    if raw.get("frontend_input") in ("select", "multiselect"):
                        return self._remember(raw)
            return None

    def option_label(self, attribute: Attribute, option_id: str) -> str | None:
        return attribute.by_id.get(option_id)

    def option_id(self, attribute: Attribute, label: str, *, create: bool) -> str:
        """The option id of ``label``, created when missing and ``create``."""
        key = label.strip().casefold()
        with self._lock:
            if key in attribute.by_label:
                return attribute.by_label[key]
            if not create:
                raise EntityRejected(
                    f"magento: attribute {attribute.code!r} has no option {label!r}",
                    field="options",
                )
            new_id = self._api.send(
                "POST",
                f"products/attributes/{attribute.code}/options",
                {"option": {"label": label, "sort_order": len(attribute.by_id) + 1}},
                admin=True,
            )
            self.refresh(attribute)
            if key not in attribute.by_label and new_id not in (None, ""):
                # Magento answers "id_<n>" or the id; trust the list when it has it.
                attribute.by_label[key] = str(new_id).removeprefix("id_")
                attribute.by_id[str(new_id).removeprefix("id_")] = label
            return attribute.by_label[key]

    def refresh(self, attribute: Attribute) -> None:
        options = self._api.get(f"products/attributes/{attribute.code}/options")
        with self._lock:
            attribute.by_label.clear()
            attribute.by_id.clear()
            for option in options or ():
                value, label = str(option.get("value") or ""), str(option.get("label") or "")
                if value and label.strip():
                    attribute.by_label.setdefault(label.strip().casefold(), value)
                    attribute.by_id[value] = label

    # -- attribute sets ---------------------------------------------------------
    def set_codes(self, set_id: str) -> frozenset[str]:
        with self._lock:
            if set_id not in self._set_codes:
                raws = self._api.get(f"products/attribute-sets/{set_id}/attributes")
                self._set_codes[set_id] = frozenset(str(r.get("attribute_code")) for r in raws)
            return self._set_codes[set_id]

    def product_sets(self) -> list[str]:
        with self._lock:
            if self._sets is None:
                items, _ = self._api.page(
                    "products/attribute-sets/sets/list",
                    [Filter("entity_type_id", "4")],
                    size=200,
                    sort="attribute_set_id",
                )
                self._sets = [str(raw.get("attribute_set_id")) for raw in items]
            return list(self._sets)

    def set_with(self, codes: frozenset[str], *, preferred: str) -> str | None:
        """The first attribute set (``preferred`` first) holding every one of ``codes``."""
        candidates = [preferred, *[s for s in self.product_sets() if s != preferred]]
        for set_id in candidates:
            if codes <= self.set_codes(set_id):
                return set_id
        return None
