"""Categories and manufacturers: one object each, no follow-ups.

Root (id 1) and Home (``is_root_category``) are the frame of PrestaShop's
tree, not categories a merchant made: they are not read, a category under
Home reads as top-level, and a top-level category is written under Home.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...models import Category, Manufacturer
from .._base import Created
from ._resource import Resource, Row
from ._values import field, optional_id, slugify, text
from ._xml import Lang

__all__ = ["CategoryResource", "ManufacturerResource"]

_CATEGORY_EXTRA = ("active", "position", "meta_title", "meta_description", "meta_keywords")


class CategoryResource(Resource[Category]):
    kind = Category
    route = "categories"
    element = "category"
    parallel_creates = False
    writable = frozenset({"name", "parent_id", "slug", "description"})

    def keep(self, row: Row) -> bool:
        return str(row["id"]) not in self.lookups.structural_categories()

    def to_model(self, row: Row, extras: Any) -> Category:
        parent = optional_id(row, "id_parent")
        if parent in self.lookups.structural_categories():
            parent = None
        extra = {key: text(row, key, self.language) for key in _CATEGORY_EXTRA if key in row}
        return Category(
            id=str(row["id"]),
            name=text(row, "name", self.language),
            parent_id=parent,
            slug=text(row, "link_rewrite", self.language) or None,
            description=text(row, "description", self.language) or None,
            extra=extra,
        )

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        return [{"filter[link_rewrite]": f"[{natural_key}]"}]

    def fields(self, category: Category) -> dict[str, Any]:
        return {
            "id_parent": category.parent_id or self.lookups.home_category(),
            "active": 1,
            "name": Lang(category.name),
            "link_rewrite": Lang(slugify(category.slug or category.name)),
            "description": Lang(category.description or ""),
        }

    def _ids_with_slug(self, slug: str) -> set[str]:
        rows = self.ws.all(self.route, {"filter[link_rewrite]": f"[{slug}]"}, display="[id]")
        return {str(r["id"]) for r in rows}

    def create(self, entity: Category) -> Created:
        fields = self.fields(entity)
        slug = slugify(entity.slug or entity.name)
        before = self._ids_with_slug(slug)
        created = self.post_settled(fields, self.langs, lambda: self._ids_with_slug(slug), before)
        return Created(id=created)

    @property
    def langs(self) -> Sequence[int]:
        return self.lookups.languages()

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        self.check_fields(changes)
        updated = self.evolve(self.current(id), changes)
        full = self.fields(updated)
        keys = {
            "name": "name",
            "parent_id": "id_parent",
            "slug": "link_rewrite",
            "description": "description",
        }
        body = {keys[name]: full[keys[name]] for name in changes if name in keys}
        if body:
            self.ws.patch(self.route, self.element, id, body, self.langs)


class ManufacturerResource(Resource[Manufacturer]):
    kind = Manufacturer
    route = "manufacturers"
    element = "manufacturer"
    writable = frozenset({"name"})

    def to_model(self, row: Row, extras: Any) -> Manufacturer:
        extra = {
            "active": field(row, "active", "0"),
            "description": text(row, "description", self.language),
        }
        return Manufacturer(id=str(row["id"]), name=field(row, "name"), extra=extra)

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        return [{"filter[name]": f"[{natural_key}]"}]

    def _ids_with_name(self, name: str) -> set[str]:
        if any(c in name for c in "[]|,%<>"):
            return set()  # no exact filter holds it: a lost answer stays unknown
        rows = self.ws.all(self.route, {"filter[name]": f"[{name}]"}, display="[id,name]")
        return {str(r["id"]) for r in rows if field(r, "name").casefold() == name.casefold()}

    def create(self, entity: Manufacturer) -> Created:
        name = entity.name
        fields = {"active": 1, "name": name}
        before = self._ids_with_name(name)
        created = self.post_settled(
            fields, self.lookups.languages(), lambda: self._ids_with_name(name), before
        )
        return Created(id=created)

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        self.check_fields(changes)
        updated = self.evolve(self.current(id), changes)
        self.ws.patch(self.route, self.element, id, {"name": updated.name}, [])
