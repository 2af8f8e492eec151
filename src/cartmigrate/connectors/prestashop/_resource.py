"""What one entity type is on the webservice: its route, reader, payload and follow-ups.

The cart holds one ``Resource`` per model and hands each call to it; a
resource only knows its own type (a product's combinations and stock are
the product resource's follow-ups), so no method of the cart branches on the
kind of entity.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from ..._exceptions import (
    ConnectorError,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
    WriteOutcomeUnknown,
)
from ...models import Entity
from .._base import Created
from .._records import positive_int_id
from ._lookups import Lookups
from ._values import ps_time
from ._ws import Webservice

__all__ = ["Resource", "Row"]

E = TypeVar("E", bound=Entity)

logger = logging.getLogger("cartmigrate.prestashop")

#: A raw object as the webservice's JSON gives it.
Row = dict[str, Any]


class Resource(Generic[E]):
    """One entity type's route, reader and writer."""

    kind: ClassVar[type[Entity]]
    route: ClassVar[str]  # "products"
    element: ClassVar[str]  # "product": the XML element of one object
    #: Whether ``date_upd`` moves with every change the model covers.
    incremental: ClassVar[bool] = True
    #: Whether creates may run side by side (a category rebuilds the whole tree's
    #: nested set on every add: two at once can collide).
    parallel_creates: ClassVar[bool] = True
    #: Fields of the model ``update`` can write.
    writable: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ws: Webservice, lookups: Lookups, *, model_from: Callable[..., Any]) -> None:
        self.ws = ws
        self.lookups = lookups
        #: ``Cart.model_from`` of the cart: the one boundary between rows and models.
        self.model_from = model_from

    @property
    def zone(self) -> dt.tzinfo:
        return self.lookups.zone

    @property
    def language(self) -> int:
        return self.lookups.language

    # -- reading ------------------------------------------------------------
    def list_params(self) -> dict[str, Any]:
        """Filters every read of this type carries."""
        return {}

    def since_params(self, since: dt.datetime) -> dict[str, Any]:
        """``filter[date_upd]=[since,far]&date=1``: updated at or after ``since``."""
        far = dt.datetime(2999, 12, 31, tzinfo=dt.UTC)
        window = f"[{ps_time(since, self.zone)},{ps_time(far, self.zone)}]"
        return {"filter[date_upd]": window, "date": "1"}

    def since_pages(self, since: dt.datetime) -> Iterator[list[Row]]:
        """The pages of rows changed at or after ``since``."""
        params = {**self.list_params(), **self.since_params(since)}
        return self.ws.pages(self.route, params, records=True)

    def convert(self, rows: Sequence[Any]) -> list[E]:
        """Models of one page of rows (follow-ups fetched for the page at once).

        Each row goes through ``model_from`` (the cart's ``Cart.model_from``): a bad
        value, a missing key or an odd id fails that row alone, reported as an
        ``InvalidEntity`` naming the field. When a malformed row breaks the
        page's follow-ups, each row fetches its own, so only it fails.
        """
        good = [r for r in rows if isinstance(r, dict) and positive_int_id(r.get("id"))]
        shared = True
        try:
            extras = self.follow_ups(good)
        except ConnectorError:
            raise
        except Exception:  # a malformed row's field: found again row by row
            shared, extras = False, None

        def one(data: Any) -> E:
            return self.to_model(data, extras if shared else self.follow_ups([data]))

        converted: list[E] = []
        for row in rows:
            if isinstance(row, dict) and positive_int_id(row.get("id")) and not self.keep(row):
                continue
            model = self.model_from(self.kind, row, one, valid_id=positive_int_id)
            if model is not None:
                converted.append(model)
        return converted

    def keep(self, row: Row) -> bool:
        """Whether a listed row is an entity of the model (Root/Home are not categories)."""
        return True

    def follow_ups(self, rows: Sequence[Row]) -> Any:
        """What the page's models need beyond its rows, fetched once for the page."""
        return None

    def to_model(self, row: Row, extras: Any) -> E:
        raise NotImplementedError

    def finished(self, model: E) -> bool:
        """False for an entity an interrupted create of ours left half-made."""
        return True

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        """List filters that find an entity by its natural key, tried in order."""
        return []

    # -- writing ------------------------------------------------------------
    def create(self, entity: E) -> Created:
        raise NotImplementedError

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        raise NotImplementedError

    def delete(self, id: str) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"no {self.kind.kind} {id} in prestashop", entity=self.kind.kind)
        try:
            self.ws.delete(self.route, id)
        except EntityNotFound as error:
            error.entity = self.kind.kind
            raise

    # -- helpers for writers --------------------------------------------------
    def post_settled(
        self,
        fields: Mapping[str, Any],
        languages: Sequence[int],
        ids: Callable[[], set[str]],
        before: set[str],
    ) -> str:
        """POST one object; an unknown outcome is settled by looking, never by guessing.

        ``ids()`` lists the objects this one would be (same SKU, e-mail, slug);
        ``before`` is what it listed before the POST. After a lost answer the
        one new id is ours. None new after a 5xx *answer* (the request is over:
        PrestaShop writes synchronously) means nothing was made, and it is sent
        once more; after a time-out the server may still be at it, so the
        unknown outcome is raised for the engine to look up later.
        """
        for attempt in (1, 2):
            try:
                answer = self.ws.create(self.route, self.element, fields, languages)
                return str(answer["id"])
            except WriteOutcomeUnknown as error:
                new = ids() - before
                if len(new) == 1:
                    (found,) = new
                    logger.info(
                        "prestashop: lost answer to a %s create; found it as %s",
                        self.kind.kind,
                        found,
                    )
                    return found
                if new or error.status_code is None or attempt == 2:
                    raise
                logger.warning(
                    "prestashop: %s create answered %s and made nothing; sending it once more",
                    self.kind.kind,
                    error.status_code,
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def current(self, id: str) -> E:
        """The entity as it is now (for an update that needs the rest of it)."""
        rows = self.ws.by_ids(self.route, [id], self.list_params(), records=True)
        models = self.convert(rows)
        if not models:
            raise EntityNotFound(
                f"no {self.kind.kind} {id} in prestashop", entity=self.kind.kind, status_code=404
            )
        return models[0]

    def check_fields(self, changes: Mapping[str, Any]) -> None:
        for name in changes:
            if name not in self.writable and name != "id":
                raise EntityRejected(
                    f"the PrestaShop connector cannot change {self.kind.kind}.{name}",
                    entity=self.kind.kind,
                    field=name,
                )

    def evolve(self, entity: E, changes: Mapping[str, Any]) -> E:
        try:
            return attrs.evolve(entity, **{k: v for k, v in changes.items() if k != "id"})
        except InvalidEntity as error:
            raise EntityRejected(str(error), entity=self.kind.kind, field=error.field) from error
