"""Stand-ins that let a dry run walk the real code path without writing.

The engine runs exactly as it would, against a target whose writes are
swallowed (creates answer with placeholder ids) and a state whose writes land
in memory on top of the real state. So the plan is what the real call would
do, by construction, and neither the target nor the state changes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from .._exceptions import CartMigrateError, DuplicateEntity, EntityNotFound
from ..connectors import Cart, Created, ForwardingCart, WriteResult
from ..models import Customer, Entity, Product
from ..state import (
    FailureRecord,
    RunRecord,
    SQLiteStateStore,
    StateStore,
    SyncRecord,
    SyncStatus,
)

__all__ = ["PlanningCart", "OverlayState"]

E = TypeVar("E", bound=Entity)
T = TypeVar("T")


def _kind_name(kind: type[Entity]) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"  # a connector's subclass is its own


def _unique_key(entity: Entity) -> str | None:
    """The key the target refuses a second entity with: a product's SKU, a customer's e-mail."""
    if isinstance(entity, Product):
        return entity.sku
    if isinstance(entity, Customer):
        return entity.email
    return None


class PlanningCart(ForwardingCart):
    """Reads go to the real target; writes are answered but not sent."""

    def __init__(self, target: Cart) -> None:
        super().__init__(target)
        self._ids = itertools.count(1)
        self._deleted: set[tuple[type[Entity], str]] = set()  # deleted in the plan
        self._cleared: set[type[Entity]] = set()
        # Unique key -> planned id, for every product and customer the plan
        # creates: in a private temporary SQLite database (on disk, dropped
        # with the connection), as a dict it grew by ~250 bytes per entity.
        self._keys = sqlite3.connect("", check_same_thread=False)
        self._keys.execute(
            "CREATE TABLE planned (kind TEXT, key TEXT, id TEXT, PRIMARY KEY (kind, key))"
            " WITHOUT ROWID"
        )

    def _placeholder(self, kind: str) -> str:
        return f"(new {kind} {next(self._ids)})"

    def _planned(self, entity: Entity) -> Created:
        variants = entity.variants if isinstance(entity, Product) else ()
        return Created(
            id=self._placeholder(entity.kind),
            variant_ids=tuple(self._placeholder("variant") for _ in variants),
        )

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        return None

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        return self._create(entity, None)

    def _create(self, entity: E, found: Mapping[str, Entity] | None) -> Created:
        """Plan one create; ``found``: the target's answers for its batch's keys."""
        # Platforms refuse a second product with a SKU, or customer with an
        # e-mail, that they already hold, or that this plan already creates;
        # the real call then adopts (or reports) it. The plan checks the same.
        key = _unique_key(entity)
        kind = type(entity)
        existing_id: str | None = None
        if key:
            existing_id = self._planned_id(kind, key)
            if existing_id is None and kind not in self._cleared:
                on_target = found.get(key) if found is not None else self.inner.find(kind, key)
                if on_target is not None and (kind, on_target.id or "") not in self._deleted:
                    existing_id = on_target.id
        if existing_id is not None:
            raise DuplicateEntity(
                f"{entity.kind} {key!r} is already on {self.name}",
                existing_id=existing_id,
                entity=entity.kind,
                field="sku" if isinstance(entity, Product) else "email",
            )
        created = self._planned(entity)
        if key:
            self._keys.execute(
                "INSERT OR REPLACE INTO planned VALUES (?, ?, ?)",
                (_kind_name(kind), key.casefold(), created.id),
            )
        return created

    def _planned_id(self, kind: type[Entity], key: str) -> str | None:
        row = self._keys.execute(
            "SELECT id FROM planned WHERE kind=? AND key=?", (_kind_name(kind), key.casefold())
        ).fetchone()
        return None if row is None else str(row[0])

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Each planned as ``create`` would, with the batch's duplicate checks
        asked of the target at once (``find_many``), not one request each."""
        keys = [k for k in map(_unique_key, entities) if k]
        kinds = {type(e) for e in entities}
        found: dict[str, Entity] = {}
        if keys and len(kinds) == 1:
            kind = kinds.pop()
            wanted = [k for k in keys if self._planned_id(kind, k) is None]
            if wanted and kind not in self._cleared:
                try:
                    found = dict(self.inner.find_many(kind, wanted))
                except CartMigrateError:  # asked one by one, each failure its entity's own
                    return Cart.create_many(self, entities, source_refs=source_refs)
        elif keys:  # a batch of several types (the engine sends one): one by one
            return Cart.create_many(self, entities, source_refs=source_refs)
        results: list[WriteResult] = []
        for entity in entities:
            try:
                results.append(self._create(entity, found))
            except CartMigrateError as error:
                results.append(error)
        return results

    def delete(self, kind: type[Entity], id: str) -> None:
        # The real delete of an entity already gone raises; so does the plan.
        if (kind, id) in self._deleted or self.inner.get(kind, id) is None:
            raise EntityNotFound(f"no {kind.kind} {id} on {self.name}", entity=kind.kind)
        self._deleted.add((kind, id))

    def delete_many(self, kind: type[Entity], ids: Sequence[str]) -> list[CartMigrateError | None]:
        return Cart.delete_many(self, kind, ids)  # one by one, through the plan's delete

    def clear(self, kind: type[Entity]) -> int:
        self._cleared.add(kind)
        known = self.inner.count(kind)
        return known if known is not None else sum(1 for _ in self.inner.read(kind))

    def close(self) -> None:
        return None  # the engine does not own the target


class OverlayState(StateStore):
    """The real state underneath, and every write kept on top.

    The top is an SQLite file of its own in a temporary directory, removed
    by ``close`` (the engine closes the overlay when the dry run ends): a
    plan of a million creates writes a million records, which in memory
    cost more than the rest of the dry run together.
    """

    def __init__(self, base: StateStore) -> None:
        self._base = base
        self._dir = tempfile.mkdtemp(prefix="cartmigrate-plan-")
        self._top = SQLiteStateStore(os.path.join(self._dir, "plan.db"))
        self._forgotten: set[str] = set()
        self._cleared: set[tuple[str, str]] = set()  # failures cleared in the plan
        self._base_failures: dict[str, set[str]] = {}  # the state's, per kind, once asked
        self._discarded: set[tuple[str, str]] = set()  # records discarded in the plan

    def _base_for(self, kind: str) -> StateStore | None:
        return None if kind in self._forgotten else self._base

    def get(self, kind: str, source_ids: Sequence[str]) -> dict[str, SyncRecord]:
        base = self._base_for(kind)
        found = base.get(kind, source_ids) if base is not None else {}
        for sid in [sid for sid in found if (kind, sid) in self._discarded]:
            del found[sid]
        found.update(self._top.get(kind, source_ids))
        return found

    def discard(self, kind: str, source_ids: Sequence[str]) -> None:
        self._discarded.update((kind, sid) for sid in source_ids)
        self._top.discard(kind, source_ids)

    def put(self, records: Iterable[SyncRecord]) -> None:
        records = list(records)
        self._discarded.difference_update((r.kind, r.source_id) for r in records)
        self._top.put(records)

    def records(self, kind: str, *, status: SyncStatus | None = None) -> Iterator[SyncRecord]:
        # Page by page: neither side is held whole.
        base = self._base_for(kind)
        if base is not None:
            pages = _batched(base.records(kind, status=status), _PAGE)
            for page in pages:
                shadowed = self._top._stamps(kind, [r.source_id for r in page])
                for record in page:
                    if (
                        record.source_id not in shadowed
                        and (kind, record.source_id) not in self._discarded
                    ):
                        yield record
        yield from self._top.records(kind, status=status)

    def count(self, kind: str, *, status: SyncStatus | None = None) -> int:
        total = self._top.count(kind, status=status)
        base = self._base_for(kind)
        if base is None:
            return total
        total += base.count(kind, status=status)
        # Less the base's records the plan wrote over or discarded.
        hidden = itertools.chain(
            self._top._source_ids(kind), (sid for k, sid in self._discarded if k == kind)
        )
        for page in _batched(hidden, _PAGE):
            for record_status, _, _ in base._stamps(kind, page).values():
                if status is None or record_status == status:
                    total -= 1
        return total

    def source_id_for(self, kind: str, target_id: str) -> str | None:
        found = self._top.source_id_for(kind, target_id)
        base = self._base_for(kind)
        if found is None and base is not None:
            found = base.source_id_for(kind, target_id)
        return found

    def put_failures(self, failures: Iterable[FailureRecord]) -> None:
        failures = list(failures)
        self._cleared.difference_update((f.kind, f.source_id) for f in failures)
        self._top.put_failures(failures)

    def clear_failures(self, kind: str, source_ids: Sequence[str]) -> None:
        # Remembered only for the state's own failures: the engine clears the
        # ids of every batch that succeeded, almost none of which failed.
        failed = self._base_failures.get(kind)
        if failed is None:
            failed = self._base_failures[kind] = {f.source_id for f in self._base.failures(kind)}
        self._cleared.update((kind, sid) for sid in source_ids if sid in failed)
        self._top.clear_failures(kind, source_ids)

    def failures(self, kind: str | None = None) -> list[FailureRecord]:
        mine = {(f.kind, f.source_id): f for f in self._top.failures(kind)}
        theirs = [
            f
            for f in self._base.failures(kind)
            if f.kind not in self._forgotten
            and (f.kind, f.source_id) not in mine
            and (f.kind, f.source_id) not in self._cleared
        ]
        return theirs + list(mine.values())

    def get_cursor(self, kind: str) -> dt.datetime | None:
        top = self._top.get_cursor(kind)
        base = self._base_for(kind)
        return top if top is not None or base is None else base.get_cursor(kind)

    def set_cursor(self, kind: str, value: dt.datetime | None) -> None:
        self._top.set_cursor(kind, value)

    def start_run(self, call: str, started_at: dt.datetime, *, dry_run: bool = False) -> int:
        return 0  # a dry run leaves no trace in the history

    def finish_run(self, run_id: int, finished_at: dt.datetime, summary: Mapping[str, Any]) -> None:
        return None

    def runs(self) -> list[RunRecord]:
        return self._base.runs()

    def forget(self, kinds: Iterable[str]) -> None:
        names = list(kinds)
        self._top.forget(names)
        self._forgotten.update(names)

    def get_meta(self, key: str) -> str | None:
        mine = self._top.get_meta(key)
        return mine if mine is not None else self._base.get_meta(key)

    def set_meta(self, key: str, value: str) -> None:
        self._top.set_meta(key, value)

    def acquire_lock(self, holder: str, *, wait: float = 0.0) -> None:
        return None  # a plan writes nothing: it needs no lock (see SyncEngine)

    def release_lock(self) -> None:
        return None

    def close(self) -> None:
        """Drop the plan's records (the state underneath is the caller's)."""
        self._top.close()
        shutil.rmtree(self._dir, ignore_errors=True)


_PAGE = 500


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while page := list(itertools.islice(iterator, size)):
        yield page
