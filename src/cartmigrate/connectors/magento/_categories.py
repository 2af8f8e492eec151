"""Categories: the tree under the store's root category.

Magento's tree has a global root (level 0) and one root per store (level 1,
"Default Category"); neither is a category a shopper sees, so the cart reads
level 2 and below, a level-2 category has no parent, and a category written
without a parent goes under the store's root. The URL key is the slug (and the
natural key); Magento refuses a second one under the same parent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._exceptions import DuplicateEntity, EntityNotFound, WriteOutcomeUnknown
from ...models import Category
from .._base import Created
from .._records import positive_int_id
from ._api import Filter
from ._resource import Resource

__all__ = ["CategoryResource", "custom_attribute"]

_WRITABLE = frozenset({"name", "parent_id", "slug", "description"})


def custom_attribute(raw: Mapping[str, Any], code: str) -> Any:
    for item in raw.get("custom_attributes") or ():
        if isinstance(item, Mapping) and item.get("attribute_code") == code:
            return item.get("value")
    return None


class CategoryResource(Resource[Category]):
    kind = Category
    list_path = "categories/list"

    _root: str | None = None

    def base_filters(self) -> list[Filter]:
        return [Filter("level", "2", "gteq")]

    def root(self) -> str:
        """The root category of the store the cart writes to."""
        if self._root is None:
            store_id = "1"
            for view in self.api.get("store/storeViews"):
                if view.get("code") == (self.api.store_code or "default"):
                    store_id = str(view.get("store_group_id"))
            for group in self.api.get("store/storeGroups"):
                if str(group.get("id")) == store_id:
                    self._root = str(group.get("root_category_id"))
            if self._root is None:
                self._root = "2"
        return self._root

    def to_model(self, raw: Mapping[str, Any], context: Any) -> Category:
        level = int(raw.get("level") or 0)
        parent = raw["parent_id"] if level > 2 else None
        if parent is not None and not positive_int_id(parent):
            raise ValueError(f"not a category id: {str(parent)[:40]!r}")
        description = custom_attribute(raw, "description")
        return Category(
            id=str(raw["id"]),
            name=raw.get("name") or "",
            parent_id=None if parent is None else str(parent),
            slug=custom_attribute(raw, "url_key"),
            description=description if isinstance(description, str) else None,
            extra={
                "is_active": raw.get("is_active"),
                "position": raw.get("position"),
                "path": raw.get("path"),
                "include_in_menu": raw.get("include_in_menu"),
            },
        )

    def find(self, natural_key: str) -> Category | None:
        key = natural_key.strip()
        if not key:
            return None
        items, _ = self.api.page(self.list_path, [*self.base_filters(), Filter("url_key", key)])
        found = self.convert_all(items)
        return found[0] if found else None

    def payload(self, category: Category, *, with_parent: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"name": category.name}
        if with_parent:
            body.update(
                parent_id=int(category.parent_id or self.root()),
                is_active=True,
                include_in_menu=True,
            )
        attributes = []
        if category.slug:
            attributes.append({"attribute_code": "url_key", "value": category.slug})
        attributes.append({"attribute_code": "description", "value": category.description or ""})
        body["custom_attributes"] = attributes
        return body

    def create(self, entity: Category) -> Created:
        if entity.slug:
            existing = self.find(entity.slug)
            if existing is not None:
                raise DuplicateEntity(
                    f"magento: a category with URL key {entity.slug!r} exists"
                    f" (category {existing.id})",
                    existing_id=existing.id,
                    entity="category",
                    field="slug",
                )
        try:
            raw = self.api.send(
                "POST",
                "categories",
                {"category": self.payload(entity, with_parent=True)},
                admin=True,
            )
        except WriteOutcomeUnknown:
            # It may be in: its URL key says, before anything is sent again.
            found = self.find(entity.slug) if entity.slug else None
            if found is None or found.id is None:
                raise
            return Created(id=found.id)
        return Created(id=str(raw["id"]))

    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None:
        updated = self.evolve(self.current(id), changes, _WRITABLE)
        if {"name", "slug", "description"} & set(changes):
            body = self.payload(updated, with_parent=False)
            body["id"] = int(id)
            self.api.send("PUT", f"categories/{id}", {"category": body}, admin=True)
        if "parent_id" in changes:
            self.api.send(
                "PUT",
                f"categories/{id}/move",
                {"parentId": int(updated.parent_id or self.root())},
                admin=True,
            )

    def delete(self, id: str) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"magento: no category {id}", entity="category", status_code=404)
        self.api.send("DELETE", f"categories/{id}", admin=True)
