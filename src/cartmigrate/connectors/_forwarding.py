"""A cart that hands every call to another cart: the base for wrappers.

Wrappers change one thing about a cart and forward the rest: a dry run
swallows writes, a test remembers what was created to clean up, a user logs
or filters calls. Subclass ``ForwardingCart`` and override what differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from .._exceptions import CartMigrateError
from ..models import Entity
from ._base import Capabilities, Cart, Created, WriteResult

__all__ = ["ForwardingCart"]

E = TypeVar("E", bound=Entity)


class ForwardingCart(Cart):
    """Every call goes to ``inner``; its name and capabilities are ``inner``'s."""

    def __init__(self, inner: Cart) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    @property
    def store_identity(self) -> str:
        return self.inner.store_identity

    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        return self.inner.read(kind, since=since)

    def get(self, kind: type[E], id: str) -> E | None:
        return self.inner.get(kind, id)

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        return self.inner.get_many(kind, ids)

    def find(self, kind: type[E], natural_key: str) -> E | None:
        return self.inner.find(kind, natural_key)

    def find_many(self, kind: type[E], natural_keys: Sequence[str]) -> dict[str, E]:
        return self.inner.find_many(kind, natural_keys)

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        return self.inner.find_by_source_ref(kind, source_ref)

    def keeps_source_refs(self, kind: type[Entity]) -> bool:
        # A wrapper may declare fewer capabilities than what it wraps.
        return self.capabilities.source_refs and self.inner.keeps_source_refs(kind)

    def count(self, kind: type[Entity]) -> int | None:
        return self.inner.count(kind)

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        return self.inner.derived_fields(entity)

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        return self.inner.unstored_fields(entity)

    def as_stored(self, entity: E) -> E:
        return self.inner.as_stored(entity)

    def required_references(self, kind: type[Entity]) -> frozenset[str]:
        return self.inner.required_references(kind)

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        return self.inner.write_notes(kind)

    def check_access(self) -> None:
        self.inner.check_access()

    def check_permissions(self, *, write: bool) -> list[str]:
        return self.inner.check_permissions(write=write)

    def check_limits(self) -> list[str]:
        return self.inner.check_limits()

    def take_unreadable(self) -> list[tuple[type[Entity], str, CartMigrateError]]:
        return self.inner.take_unreadable()

    def take_not_read(self) -> list[tuple[type[Entity], str, str, str]]:
        return self.inner.take_not_read()

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        return self.inner.create(entity, source_ref=source_ref)

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        return self.inner.create_many(entities, source_refs=source_refs)

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self.inner.update(kind, id, changes, parent_id=parent_id)

    def delete(self, kind: type[Entity], id: str) -> None:
        self.inner.delete(kind, id)

    def delete_many(self, kind: type[Entity], ids: Sequence[str]) -> list[CartMigrateError | None]:
        return self.inner.delete_many(kind, ids)

    def clear(self, kind: type[Entity]) -> int:
        return self.inner.clear(kind)

    def close(self) -> None:
        self.inner.close()
