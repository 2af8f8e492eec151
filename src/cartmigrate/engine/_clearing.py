"""Clearing the target: remigrate's deletes, in reverse dependency order.

Deletes are recorded like creates: an intent before the request, the outcome
after it, so a call killed mid-delete leaves records the next call looks up
before anything else. Only what this migration created is deleted (with
``clear="migrated"``): what carries our source reference, never what was
adopted from the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from .._exceptions import CartMigrateError, EntityNotFound
from ..models import Entity
from ..state import FailureRecord, SyncRecord
from ._adoption import lookup
from ._report import Change, FieldChange, Notice, Outcome
from ._run import _Run, fail

if TYPE_CHECKING:
    from ._engine import SyncEngine


def clear_target(
    engine: SyncEngine, run: _Run, kinds: Sequence[type[Entity]], clear: Literal["migrated", "all"]
) -> bool:
    """Delete in reverse dependency order; False when a delete failed.

    A type whose deletes failed ends the clearing: the types it refers to
    (cleared after it) are left alone, so nothing kept points at a deleted
    entity."""
    failures: list[FailureRecord] = []
    for kind in reversed(kinds):
        if failures:
            # What the failed type refers to is kept: deleting the products an
            # undeletable order points at would leave it pointing at nothing.
            break
        name = kind.kind
        if kind not in run.target.capabilities.writes:
            continue
        if clear == "all":
            try:
                deleted = run.target.clear(kind)
            except CartMigrateError as error:
                fail(run, name, "*", error, failures)
                continue
            run.report.count(name, Outcome.DELETED, deleted)
            run.report.changes.append(
                Change(
                    action="delete",
                    entity=name,
                    source_id=None,
                    target_id=None,
                    fields={"count": FieldChange(old=deleted, new=0)},
                )
            )
            continue
        owned: list[tuple[str, str]] = []  # (source id, target id)
        for record in run.state.records(name):
            target_id = record.target_id
            if record.status == "pending":
                target_id = pending_target_id(engine, run, kind, record.source_id)
            if target_id is not None and record.owned:
                owned.append((record.source_id, target_id))
        for start in range(0, len(owned), engine.batch_size):
            chunk = owned[start : start + engine.batch_size]
            # The intent first, as for a create: a call killed while the
            # deletes are on the wire leaves them pending, and the next call
            # looks each one up (by reference or content) before anything.
            run.state.put(
                SyncRecord(kind=name, source_id=sid, target_id=tid, status="pending")
                for sid, tid in chunk
            )
            try:
                results = run.target.delete_many(kind, [t for _, t in chunk])
            except CartMigrateError as error:
                results = [error] * len(chunk)
            gone: list[str] = []
            for (source_id, target_id), outcome in zip(chunk, results, strict=True):
                if isinstance(outcome, EntityNotFound):
                    gone.append(source_id)
                    continue  # already gone: nothing to do
                if outcome is not None:
                    fail(run, name, source_id, outcome, failures)
                    continue
                gone.append(source_id)
                run.report.count(name, Outcome.DELETED)
                if run.dry_run:  # a real run counts deletes, as it counts creates
                    run.report.changes.append(
                        Change(
                            action="delete",
                            entity=name,
                            source_id=source_id,
                            target_id=target_id,
                        )
                    )
            # Gone: pending without a target id, created again by what comes next.
            run.state.put(SyncRecord(kind=name, source_id=sid, status="pending") for sid in gone)
    if failures:
        run.report.warnings.append(
            Notice(
                entity="*",
                message="some deletes failed, so nothing was migrated again, and the types"
                " they refer to were not cleared; what was deleted is recorded as gone, what"
                " was not is kept: call remigrate again",
            )
        )
    return not failures


def pending_target_id(
    engine: SyncEngine, run: _Run, kind: type[Entity], source_id: str
) -> str | None:
    """Where a pending create landed, if it surely did: found by our source reference."""
    try:
        entity = run.source.get(kind, source_id)
        found, by_reference = (
            lookup(engine, run, kind, entity) if entity is not None else (None, False)
        )
    except CartMigrateError:
        return None
    # Delete only what is surely ours: what carries our source reference.
    return found.id if found is not None and by_reference else None
