"""What every Magento entity type is to the cart: one small resource.

A resource knows its route, how a record becomes a model and a model a
payload, and the follow-up requests its type needs (children, stock,
shipments). The cart only picks the resource for a type and hands it the
call, so no method of the cart branches on the entity type.
"""

from __future__ import annotations

import abc
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from ..._exceptions import (
    CartMigrateError,
    ConnectorError,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
)
from ...models import Entity
from .._base import Created
from .._records import positive_int_id
from .._rest import chunked
from ._api import PAGE_SIZE, Filter, MagentoApi, magento_time
from ._attributes import AttributeCatalog

__all__ = ["Context", "Resource"]

logger = logging.getLogger("cartmigrate.magento")

E = TypeVar("E", bound=Entity)


@attrs.define(kw_only=True)
class Context:
    """What the resources of one cart share."""

    api: MagentoApi
    attributes: AttributeCatalog
    name: str
    max_concurrency: int
    report_unreadable: Callable[[type[Entity], str, CartMigrateError], None]
    #: ``Cart.report_not_read`` of the cart: a value a read record could not keep.
    report_not_read: Callable[[type[Entity], str, str, str], None]
    #: ``Cart.model_from`` of the cart: the one boundary between raw records and models.
    model_from: Callable[..., Any]


class Resource(abc.ABC, Generic[E]):
    """One entity type on Magento."""

    kind: type[E]
    #: the list route, answering ``{"items", "total_count"}``
    list_path: str
    #: the id field to sort and filter by on that route
    id_field: str = "entity_id"
    #: whether ``updated_at`` filters the list (and moves on every change)
    incremental: bool = True
    #: the key of a record's own id in what the list answers
    record_id: str = "id"

    @staticmethod
    def valid_id(value: Any) -> bool:
        """Whether a record's id is one of Magento's (a whole number from 1)."""
        return positive_int_id(value)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.api = ctx.api

    # -- reading ------------------------------------------------------------
    def base_filters(self) -> list[Filter]:
        return []

    def pages(self, since: dt.datetime | None) -> Iterator[list[Any]]:
        filters = self.base_filters()
        if since is not None and self.incremental:
            filters.append(Filter("updated_at", magento_time(since), "gteq"))
        return self.api.search(self.list_path, filters, sort=self.id_field)

    def read(self, since: dt.datetime | None) -> Iterator[E]:
        for raws in self.pages(since):
            yield from self.convert_all(raws)

    def raw_by_ids(self, ids: Sequence[str]) -> list[Any]:
        wanted = sorted({i for i in ids if i.isdigit()}, key=int)
        found: list[Any] = []
        for chunk in chunked(wanted, PAGE_SIZE):
            filters = [*self.base_filters(), Filter(self.id_field, ",".join(chunk), "in")]
            for raws in self.api.search(self.list_path, filters, sort=self.id_field):
                found.extend(raws)
        return found

    def get_many(self, ids: Sequence[str]) -> dict[str, E]:
        return {str(e.id): e for e in self.convert_all(self.raw_by_ids(ids))}

    def count(self) -> int | None:
        return self.api.total(self.list_path, self.base_filters())

    def convert_all(self, raws: Sequence[Any], state: Any = None) -> list[E]:
        """Models for a page of records; a malformed one is reported, never fatal.

        Each record goes through ``Cart.model_from``: a bad value, a missing
        key, a record that is no mapping or an odd id fails that record alone,
        as an ``InvalidEntity`` naming the field. ``state`` is what one
        ``read`` call keeps from page to page (never on the resource: a
        read-ahead thread reads while the engine calls ``get_many``). When a
        malformed record breaks the page's follow-ups, each record fetches its
        own, so only the bad one fails.
        """
        good = [r for r in raws if isinstance(r, Mapping) and self.valid_id(r.get(self.record_id))]
        shared = True
        try:
            context = self.context_for(good, state)
        except ConnectorError:
            raise
        except Exception:  # a malformed record's field: found again record by record
            shared, context = False, None

        def convert(data: Mapping[str, Any]) -> E:
            own = context if shared else self.context_for([data], state)
            return self.to_model(data, own)

        out: list[E] = []
        for raw in raws:
            model = self.ctx.model_from(
                self.kind, raw, convert, id_key=self.record_id, valid_id=self.valid_id
            )
            if model is not None:
                out.append(model)
        return out

    def context_for(self, raws: Sequence[Mapping[str, Any]], state: Any) -> Any:
        """What a page of records needs fetched beside it (children, shipments), once."""
        return None

    @abc.abstractmethod
    def to_model(self, raw: Mapping[str, Any], context: Any) -> E: ...

    @abc.abstractmethod
    def find(self, natural_key: str) -> E | None: ...

    # -- writing ------------------------------------------------------------
    @abc.abstractmethod
    def create(self, entity: E) -> Created: ...

    @abc.abstractmethod
    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None: ...

    @abc.abstractmethod
    def delete(self, id: str) -> None: ...

    def notes(self) -> tuple[str, ...]:
        return ()

    def derived(self, entity: E) -> frozenset[str]:
        return frozenset()

    # -- helpers --------------------------------------------------------------
    def current(self, id: str) -> E:
        found = self.get_many([id]).get(id)
        if found is None:
            raise EntityNotFound(
                f"magento: no {self.kind.kind} {id}", entity=self.kind.kind, status_code=404
            )
        return found

    def evolve(self, entity: E, changes: Mapping[str, Any], writable: frozenset[str]) -> E:
        for field in changes:
            if field not in writable:
                raise EntityRejected(
                    f"magento: {self.kind.kind}.{field} cannot be changed through REST here",
                    entity=self.kind.kind,
                    field=field,
                )
        try:
            return attrs.evolve(entity, **dict(changes))
        except InvalidEntity as error:
            raise EntityRejected(str(error), entity=self.kind.kind, field=error.field) from error
