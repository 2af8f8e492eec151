"""Creating: what was never migrated, with a durable intent around each batch.

Before the request, each entity's record says *pending* (outcome unknown);
after it, the target's id (synced), a refusal (failed: nothing was created),
or still pending, for the next call to look up before creating again. A
create the target refuses as a duplicate goes to adoption.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from .._exceptions import CartMigrateError, DuplicateEntity, EntityRejected, TransientError
from ..connectors import Created, WriteResult
from ..models import Entity, plain
from ..models._references import _reference_triples
from ..state import FailureRecord, SyncRecord, SyncStatus
from . import _uncarried as uncarried
from ._adoption import adopt_existing
from ._records import synced
from ._report import Change, FieldChange, Notice, Outcome
from ._run import _Run, fail, source_ref
from ._tokens import tokens_for
from ._translation import translate

if TYPE_CHECKING:
    from ._engine import SyncEngine


def create(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    entities: Sequence[Entity],
    failures: list[FailureRecord],
) -> None:
    name = kind.kind
    entities = hold_back(engine, run, kind, entities, failures)
    if not entities:
        return
    # The target assigns its own ids.
    translated = translate(run, entities, warn=True, clear_id=True)
    payloads = [t for t, _ in translated]
    run.report.warnings.extend(
        uncarried.on_create(run.target, entities, uncarried.chosen_statuses(engine.rules))
    )
    source_ids = [cast(str, e.id) for e in entities]
    token_of = tokens_for(run, kind)
    run.state.put_pending(name, source_ids)
    try:
        results: list[WriteResult] = run.target.create_many(
            payloads, source_refs=[source_ref(engine, name, sid) for sid in source_ids]
        )
    except CartMigrateError as error:  # the whole batch failed: outcome unknown
        results = [error] * len(entities)
    records: list[SyncRecord] = []
    succeeded: list[str] = []
    for entity, payload, (_, dropped), result in zip(
        entities, payloads, translated, results, strict=True
    ):
        sid = cast(str, entity.id)
        if isinstance(result, Created):
            records.extend(
                synced(
                    name,
                    entity,
                    result.id,
                    result.variant_ids,
                    True,
                    dropped,
                    written=True,
                    token=token_of(entity),
                )
            )
            succeeded.append(sid)
            run.report.count_with_variants(entity, Outcome.CREATED)
            if result.notes:
                run.report.warnings.extend(
                    Notice(
                        entity=name,
                        source_id=sid,
                        field=note.field,
                        message=f"{run.target.name}: {note.message}",
                    )
                    for note in result.notes
                )
            if run.dry_run:
                run.report.changes.append(
                    Change(
                        action="create",
                        entity=name,
                        source_id=sid,
                        target_id=result.id,
                        fields={
                            k: FieldChange(old=None, new=v)
                            for k, v in plain(payload).items()
                            if v not in (None, [], {}, "") and k != "id"
                        },
                    )
                )
        elif isinstance(result, DuplicateEntity) and result.existing_id is not None:
            batch_owners = {r.target_id: r.source_id for r in records if r.kind == name}
            adopted = adopt_existing(engine, run, kind, entity, result, batch_owners, failures)
            if adopted:
                records.extend(adopted)
                succeeded.append(sid)
            else:
                records.append(SyncRecord(kind=name, source_id=sid, status="failed"))
        else:
            # A refusal means nothing was created; anything else might have been.
            status: SyncStatus = "failed" if isinstance(result, EntityRejected) else "pending"
            records.append(SyncRecord(kind=name, source_id=sid, status=status))
            fail(run, name, sid, result, failures, defer_stop=True)
    run.state.put(records)
    if succeeded:
        run.state.clear_failures(name, succeeded)
    run.stopped()  # what this batch created is recorded: now stop, if it must


def hold_back(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    entities: Sequence[Entity],
    failures: list[FailureRecord],
) -> list[Entity]:
    """The entities to create now: not those with a reference the target
    needs at creation (``required_references``) to an entity whose own
    create is pending (its outcome unknown after a passing failure). Those
    fail for this call, saying why, and the next call creates them."""
    required = run.target.required_references(kind)
    if not required:
        return list(entities)
    wanted: dict[type[Entity], set[str]] = {}
    for entity in entities:
        for field, ref_kind, ref_id in _reference_triples(entity):
            if field.split(".")[0] in required:
                wanted.setdefault(ref_kind, set()).add(ref_id)
    pending = {
        ref_kind: {
            sid
            for sid, record in run.state.get(ref_kind.kind, sorted(ids)).items()
            if record.status == "pending"
        }
        for ref_kind, ids in wanted.items()
    }
    ready: list[Entity] = []
    for entity in entities:
        waits = next(
            (
                (field, ref_kind, ref_id)
                for field, ref_kind, ref_id in _reference_triples(entity)
                if field.split(".")[0] in required and ref_id in pending.get(ref_kind, ())
            ),
            None,
        )
        if waits is None:
            ready.append(entity)
            continue
        field, ref_kind, ref_id = waits
        fail(
            run,
            kind.kind,
            cast(str, entity.id),
            TransientError(
                f"waits for {ref_kind.kind} {ref_id}, whose create did not finish (a"
                f" passing failure); {engine.target.name} cannot add {field} afterwards,"
                " so the next call creates it",
                entity=kind.kind,
                field=field,
            ),
            failures,
        )
    return ready
