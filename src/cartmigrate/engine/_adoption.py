"""Resolving unknown outcomes and adoption.

A create whose answer was lost may have landed: before creating again, the
entity is looked up on the target (our source reference, else the content it
was sent with, else its natural key) and adopted if found. A create the
target refuses as a duplicate of an entity already there is adopted, left
alone or failed, as ``existing=`` says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs

from .._exceptions import CartMigrateError, DuplicateEntity
from ..models import Entity, Product, references_of
from ..state import FailureRecord, SyncRecord
from ._content import ContentIndex
from ._records import _LEFT_ALONE, synced
from ._report import Notice, Outcome
from ._run import _Run, fail, source_ref
from ._translation import translate

if TYPE_CHECKING:
    from ._engine import SyncEngine


def resolve_pending(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    entities: Sequence[Entity],
    failures: list[FailureRecord],
) -> tuple[list[Entity], list[tuple[Entity, SyncRecord]]]:
    """Find entities whose create may have landed.

    Returns those not found (to create), and those adopted whose
    references need a repair.
    """
    name = kind.kind
    missing: list[Entity] = []
    repair: list[tuple[Entity, SyncRecord]] = []
    records: list[SyncRecord] = []
    adopted: list[str] = []
    for entity in entities:
        sid = cast(str, entity.id)
        try:
            found, by_reference = lookup(engine, run, kind, entity)
        except CartMigrateError as error:
            fail(run, name, sid, error, failures)
            continue
        if found is None or found.id is None:
            missing.append(entity)
            continue
        # Found by our source reference, it is our interrupted create. Found
        # by natural key only, it may have been there before: kept, not owned.
        run.unsynced.add(name)  # the target copy may be older: compare it later
        mapped = adoption_records(run, name, entity, found, owned=by_reference)
        records.extend(mapped)
        if mapped[0].dropped:
            repair.append((entity, mapped[0]))
        adopted.append(sid)
        if by_reference:
            run.report.count_with_variants(entity, Outcome.CREATED)
            message = (
                f"an earlier create was interrupted; found it on the target as"
                f" {found.id} and kept it instead of creating it again"
            )
        else:
            run.report.count_with_variants(entity, Outcome.UNCHANGED)
            message = (
                f"an earlier create was interrupted; {found.id} on the target has the same"
                f" {'SKU' if kind is Product else 'natural key'} and was kept instead of"
                " creating another (remigrate will not delete it: it may have been there"
                " before)"
            )
        run.report.warnings.append(Notice(entity=name, source_id=sid, message=message))
    run.state.put(records)
    if adopted:
        run.state.clear_failures(name, adopted)
    return missing, repair


def lookup(
    engine: SyncEngine, run: _Run, kind: type[Entity], entity: Entity
) -> tuple[Entity | None, bool]:
    """The target entity this source entity became, if it is there, and
    whether it was found by its source reference (so surely ours)."""
    sid = cast(str, entity.id)
    if run.target.keeps_source_refs(kind):
        found = run.target.find_by_source_ref(kind, source_ref(engine, kind.kind, sid))
        if found is not None and free(run, kind, found, sid):
            return found, True
    else:  # no reference to find it by: the content it was sent with, scoped to ours
        run.content = run.content or ContentIndex(run.target, run.state)
        ((payload, _),) = translate(run, [entity], warn=False, clear_id=True)
        found = run.content.match(kind, payload, lambda e: free(run, kind, e, sid))
        if found is not None:
            return found, True
    key = entity.natural_key
    found = run.target.find(kind, key) if key else None
    if found is not None and free(run, kind, found, sid):
        return found, False
    return None, False


def free(run: _Run, kind: type[Entity], found: Entity, source_id: str) -> bool:
    """Whether ``found`` belongs to no other source entity."""
    if found.id is None:
        return False
    return run.state.source_id_for(kind.kind, found.id) in (None, source_id)


def adopt_existing(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    entity: Entity,
    error: DuplicateEntity,
    batch_owners: Mapping[str | None, str],
    failures: list[FailureRecord],
) -> list[SyncRecord]:
    """The target refused a create as a duplicate of ``error.existing_id``.

    ``batch_owners`` maps target ids created earlier in the same batch
    (not in the state yet) to their source ids. A failure here defers any
    stop: what the batch created is recorded first.
    """
    name = kind.kind
    sid = cast(str, entity.id)
    existing = cast(str, error.existing_id)
    owner = batch_owners.get(existing) or run.state.source_id_for(name, existing)
    if owner is not None and owner != sid:
        fail(
            run,
            name,
            sid,
            DuplicateEntity(
                f"{error} — it already holds source {name} {owner}; the two source"
                f" entities share it and only the first was migrated",
                existing_id=existing,
                entity=name,
                field=error.field,
            ),
            failures,
        )
        run.report.warnings.append(  # both are reported: the one migrated, too
            Notice(
                entity=name,
                source_id=owner,
                field=error.field,
                message=f"shares its {error.field or 'natural key'} with source {name} {sid},"
                f" which was not migrated: {existing} on the target is this one",
            )
        )
        return []
    if run.stop is not None:
        return []  # no more requests once the call must stop: the next call adopts it
    try:
        found = run.target.get(kind, existing)
    except CartMigrateError as lookup_error:
        fail(run, name, sid, lookup_error, failures, defer_stop=True)
        return []
    if found is None:
        fail(run, name, sid, error, failures, defer_stop=True)
        return []
    if engine.existing == "fail":
        fail(
            run,
            name,
            sid,
            DuplicateEntity(
                f"{error} — {existing} was on the target before the migration, and"
                " existing='fail' does not adopt it",
                existing_id=existing,
                entity=name,
                field=error.field,
            ),
            failures,
        )
        return []
    run.report.count_with_variants(entity, Outcome.UNCHANGED)
    left = engine.existing == "leave"
    run.report.warnings.append(
        Notice(
            entity=name,
            source_id=sid,
            field=error.field,
            message=f"already on the target as {existing} ({error}); "
            + (
                "left alone (existing='leave'): references to it are kept, it is never written"
                if left
                else "adopted as is, and remigrate will not delete it"
            ),
        )
    )
    records = adoption_records(run, name, entity, found, owned=False)
    if left:
        return [attrs.evolve(r, fingerprint=_LEFT_ALONE) for r in records]
    run.unsynced.add(name)  # adopted as is: compare it later
    return records


def adoption_records(
    run: _Run, name: str, entity: Entity, found: Entity, owned: bool
) -> list[SyncRecord]:
    """Records that map ``entity`` to ``found``, a target entity it became.

    A reference our own earlier create had to drop may resolve now: such
    fields are marked dropped, so they are repaired. An entity that is not
    ours is left as its owners made it.
    """
    dropped: tuple[str, ...] = ()
    if owned:
        ((translated, unresolved),) = translate(run, [entity], warn=False)
        dropped = tuple(
            field
            for field in dict.fromkeys(r.field.split(".")[0] for r in references_of(entity))
            if field in unresolved
            or _reference_values(translated, field) != _reference_values(found, field)
        )
    variant_ids: list[str] = []
    if isinstance(entity, Product) and isinstance(found, Product):
        by_sku = {v.sku.casefold(): v.id for v in found.variants if v.sku and v.id}
        for position, variant in enumerate(entity.variants):
            match = by_sku.get(variant.sku.casefold()) if variant.sku else None
            if match is None and position < len(found.variants):
                match = found.variants[position].id
            variant_ids.append(match or "")
    return synced(name, entity, cast(str, found.id), variant_ids, owned, dropped, written=False)


def _reference_values(entity: Entity, field: str) -> Any:
    """The ids a reference field holds, in a form comparable across carts."""
    value = getattr(entity, field, None)
    if field == "lines":
        return [(line.product_id, line.variant_id) for line in value or ()]
    if field == "category_ids":
        return sorted(value or ())
    return value
