"""Manufacturers: the options of the store's ``manufacturer`` select attribute.

Magento has no brand entity; stores that sell by brand keep one as the
options of a select attribute, ``manufacturer`` in the default install. An
option's id is the manufacturer's id, its admin label the name. A store
without the attribute has no manufacturers (the cart then declares none).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..._exceptions import DuplicateEntity, EntityNotFound, EntityRejected, WriteOutcomeUnknown
from ...models import Manufacturer
from .._base import Created
from ._resource import Resource

__all__ = ["ManufacturerResource"]

CODE = "manufacturer"


class ManufacturerResource(Resource[Manufacturer]):
    kind = Manufacturer
    list_path = f"products/attributes/{CODE}/options"
    incremental = False
    record_id = "value"

    @staticmethod
    def valid_id(value: Any) -> bool:
        """An option id: its digits as text ("12")."""
        return isinstance(value, str) and value.isdigit() and 0 < int(value) < 2**63

    def available(self) -> bool:
        return self.ctx.attributes.by_code(CODE) is not None

    def _options(self) -> list[Mapping[str, Any]]:
        raws = self.api.get(self.list_path) or ()
        return [r for r in raws if str(r.get("value") or "") and str(r.get("label") or "").strip()]

    def read(self, since: dt.datetime | None) -> Iterator[Manufacturer]:
        yield from self.convert_all(self._options())

    def get_many(self, ids: Sequence[str]) -> dict[str, Manufacturer]:
        wanted = set(ids)
        return {m.id: m for m in self.read(None) if m.id in wanted and m.id is not None}

    def count(self) -> int | None:
        return len(self._options())

    def to_model(self, raw: Mapping[str, Any], context: Any) -> Manufacturer:
        return Manufacturer(id=str(raw["value"]), name=str(raw["label"]).strip())

    def find(self, natural_key: str) -> Manufacturer | None:
        wanted = natural_key.strip().casefold()
        for manufacturer in self.read(None):
            if manufacturer.name.casefold() == wanted:
                return manufacturer
        return None

    def create(self, entity: Manufacturer) -> Created:
        existing = self.find(entity.name)
        if existing is not None:
            raise DuplicateEntity(
                f"magento: manufacturer {entity.name!r} exists (option {existing.id})",
                existing_id=existing.id,
                entity="manufacturer",
                field="name",
            )
        with contextlib.suppress(WriteOutcomeUnknown):  # it may be in: the list below says
            self.api.send("POST", self.list_path, {"option": {"label": entity.name}}, admin=True)
        created = self.find(entity.name)
        if created is None or created.id is None:
            raise WriteOutcomeUnknown(f"magento: manufacturer {entity.name!r} is not listed yet")
        attribute = self.ctx.attributes.by_code(CODE)
        if attribute is not None:
            self.ctx.attributes.refresh(attribute)
        return Created(id=created.id)

    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None:
        raise EntityRejected(
            "magento: an attribute option's label cannot be changed through REST in 2.4.7",
            entity="manufacturer",
            field=next(iter(changes), None),
        )

    def delete(self, id: str) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"magento: no manufacturer {id}", entity="manufacturer")
        if id not in self.get_many([id]):
            raise EntityNotFound(
                f"magento: no manufacturer {id}", entity="manufacturer", status_code=404
            )
        self.api.send("DELETE", f"{self.list_path}/{id}", admin=True)
