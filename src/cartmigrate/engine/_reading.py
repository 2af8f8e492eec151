"""Reading the source: batches, reading ahead, cursors, and what a read no longer returns.

A type is read from its cursor (minus the overlap) where the source can
filter by time, else in full; in batches, by a second thread when reading is
remote, so the next batch is read while this one is written. What the source
could not read, or no longer holds, is settled here so it is neither retried
forever nor taken for gone while it is only unreadable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

import attrs

from .._exceptions import CartMigrateError, ConnectorError, TransientError
from ..models import Category, Entity
from ..state import FailureRecord, SyncRecord
from ._read_ids import PlainIds, ReadIds
from ._report import Notice
from ._run import Mode, _Run, _Streamed, fail, source_ref
from ._selection import _KINDS_BY_NAME

if TYPE_CHECKING:
    from ._engine import SyncEngine

E = TypeVar("E", bound=Entity)


def _chunks(items: Iterable[E], size: int) -> Generator[list[E], None, None]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _parents_first(categories: list[Category]) -> list[Category]:
    """Categories ordered so that every parent comes before its children."""
    by_id = {c.id: c for c in categories}
    ordered: list[Category] = []
    placed: set[str | None] = set()
    visiting: set[str | None] = set()

    def place(category: Category) -> None:
        if category.id in placed or category.id in visiting:
            return  # placed already, or a cycle: break it here
        visiting.add(category.id)
        parent = by_id.get(category.parent_id)
        if parent is not None:
            place(parent)
        visiting.discard(category.id)
        placed.add(category.id)
        ordered.append(category)

    for category in categories:
        place(category)
    return ordered


def reads_ahead(engine: SyncEngine, run: _Run) -> bool:
    """``read_ahead`` as given, else as the source says (asked per call: a
    cart may find out its capabilities from the store)."""
    if engine.read_ahead is not None:
        return engine.read_ahead
    try:
        return run.source.capabilities.read_ahead
    except ConnectorError:
        return False


def read_since(engine: SyncEngine, run: _Run, kind: type[Entity], mode: Mode) -> dt.datetime | None:
    """Where this call reads ``kind`` from: None for a full read."""
    previous = run.state.get_cursor(kind.kind)
    incremental = kind in run.source.capabilities.incremental
    if mode == "smart" and incremental and previous is not None and not run.verify:
        return previous - engine.overlap
    return None


def read_types(
    engine: SyncEngine, run: _Run, reads: Mapping[type[Entity], dt.datetime | None]
) -> Generator[_Streamed, None, None]:
    """Every type's batches, then its end; in the read-ahead worker."""
    for kind, since in reads.items():
        try:
            for chunk in _chunks(run.source.read(kind, since=since), engine.batch_size):
                if kind in run.abandoned:
                    break
                yield kind, chunk
        except Exception as error:  # ends this type's read, raised where it is synced
            yield kind, error
        else:
            yield kind, None


def read_chunks(
    engine: SyncEngine, run: _Run, kind: type[Entity]
) -> Generator[list[Entity], None, None]:
    """The batches of ``kind``: from the read-ahead worker, or read here."""
    since = run.reads.get(kind)
    if run.stream is None or kind not in run.reads:
        yield from _chunks(run.source.read(kind, since=since), engine.batch_size)
        return
    ended = False
    try:
        for streamed_kind, item in run.stream:
            if streamed_kind is not kind:
                continue  # left over from a type whose sync stopped early
            if item is None or isinstance(item, BaseException):
                ended = True
                if item is None:
                    return
                raise item
            yield item
        raise TransientError(f"the read-ahead ended before {kind.kind} was read")
    finally:
        if not ended:
            run.abandoned.add(kind)  # the worker skips the rest of it


def first_reads(
    run: _Run, name: str, chunk: Sequence[Entity], read_ids: ReadIds | PlainIds
) -> list[Entity]:
    """``chunk`` without the entities this read returned already (once each, warned)."""
    if isinstance(read_ids, PlainIds):
        ids = {entity.id for entity in chunk}
        if len(ids) == len(chunk) and None not in ids and read_ids.isdisjoint(ids):
            read_ids.update(cast(set[str], ids))  # all new: the usual batch, at set speed
            return list(chunk)
    fresh: list[Entity] = []
    for entity in chunk:
        if entity.id is not None and not read_ids.first(entity.id):
            run.report.warnings.append(
                Notice(
                    entity=name,
                    source_id=entity.id,
                    message="the source returned it twice in one read; synced once",
                )
            )
            continue
        fresh.append(entity)
    return fresh


def report_deleted(run: _Run, name: str, read_ids: ReadIds | PlainIds) -> None:
    """Warn of each synced entity a full read did not return: deleted on the
    source (the target keeps it; a smart update never deletes)."""
    for source_id in run.state._source_ids(name, status="synced"):
        if source_id not in read_ids:
            run.report.warnings.append(
                Notice(
                    entity=name,
                    source_id=source_id,
                    message="deleted on the source; left on the target",
                )
            )


def next_cursor(run: _Run, previous: dt.datetime | None, newest: dt.datetime | None) -> dt.datetime:
    """Where the next incremental read starts (before the overlap).

    The newest ``updated_at`` read is on the source's clock, the call's
    start on ours: the earlier of the two is safe whichever clock runs
    ahead. With nothing read, the cursor stays where it was, or for a
    type read for the first time takes the newest time read of any type:
    our clock alone could run ahead of the source's and skip its changes.
    """
    if newest is None or (previous is not None and newest < previous):
        newest = previous
    if newest is None:
        newest = run.newest
    if newest is None:
        return run.report.started_at
    return min(run.report.started_at, newest)


def settle_gone(engine: SyncEngine, run: _Run, name: str, source_ids: Sequence[str]) -> None:
    """Stop retrying entities that no longer exist on the source.

    What surely never reached the target is forgotten; an interrupted
    create found on the target by its reference, and what was synced, keep
    their records (so remigrate can still delete them) without repairs.
    """
    if not source_ids:
        return
    run.state.clear_failures(name, source_ids)
    records = run.state.get(name, source_ids)
    kind = _KINDS_BY_NAME[name]
    landed: list[SyncRecord] = []
    never: list[str] = []
    for source_id, record in records.items():
        if record.status == "failed":
            never.append(source_id)  # refused: nothing was created
        elif record.status == "pending":
            # Its create may have landed: keep what carries our reference,
            # so remigrate can still delete it.
            found = None
            if run.target.keeps_source_refs(kind):
                with contextlib.suppress(CartMigrateError):
                    found = run.target.find_by_source_ref(kind, source_ref(engine, name, source_id))
            if found is not None and found.id is not None:
                landed.append(attrs.evolve(record, target_id=found.id, status="synced", owned=True))
            else:
                never.append(source_id)
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        source_id=source_id,
                        message="its create was interrupted and it is gone from the"
                        " source; if the target holds it, it was not found by reference",
                    )
                )
    run.state.discard(name, never)
    run.state.put(landed)
    run.state.put(
        attrs.evolve(r, dropped=())
        for r in records.values()
        if r.target_id is not None and r.dropped
    )


def record_unreadable(run: _Run, kind: type[Entity], retry: set[str]) -> set[str]:
    """Fail the records the source could not read; return ``kind``'s, of this call.

    They stay in the state's failures, so the next call fetches them by id
    and tries again; none of them is left for this call's retry pass.
    Records of the next type may be among them, read ahead: they are
    remembered, so that type does not take them for gone from the source.
    """
    failures: list[FailureRecord] = []
    for unreadable_kind, source_id, error in run.source.take_unreadable():
        fail(run, unreadable_kind.kind, source_id, error, failures)
        run.unreadable.setdefault(unreadable_kind.kind, set()).add(source_id)
    warn_not_read(run)
    ids = run.unreadable.get(kind.kind, set())
    retry.difference_update(ids)
    if failures:
        run.state.put_failures(failures)
    return ids


def warn_not_read(run: _Run) -> None:
    """Warn of each value the source read a record without (``Cart.report_not_read``),
    naming the entity, its id and the field: the rest of it migrates, that value does not."""
    for kind, source_id, field, message in run.source.take_not_read():
        key = (kind.kind, source_id, field)
        if key in run.not_read:
            continue
        run.not_read.add(key)
        run.report.warnings.append(
            Notice(entity=kind.kind, source_id=source_id, field=field, message=message)
        )
