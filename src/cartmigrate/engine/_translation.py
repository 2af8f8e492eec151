"""Translating references: source ids to the target's, and repairing dropped ones.

A reference to an entity not on the target (yet) cannot be sent: it is
dropped, reported, and the field marked in the entity's record, so a later
call writes it once what it points to has been migrated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from .._exceptions import CartMigrateError, EntityRejected
from ..models import Entity
from ..models._references import Resolver, _reference_triples, _rewrite
from ..state import FailureRecord, SyncRecord
from ._report import FieldChange, Notice, Outcome
from ._run import _Run, fail, record_update

E = TypeVar("E", bound=Entity)


def translate(
    run: _Run, entities: Sequence[E], *, warn: bool, clear_id: bool = False
) -> list[tuple[E, tuple[str, ...]]]:
    """Rewrite every reference to the target's ids (one state query per type).

    Returns each entity rewritten, with the fields whose references had
    to be dropped (``"lines"`` for an order line's product or variant).
    ``clear_id`` also clears the id, in the same copy, for a create.
    """
    also: dict[str, Any] = {"id": None} if clear_id else {}
    resolve = _resolver(run, entities)
    translated: list[tuple[E, tuple[str, ...]]] = []
    for entity in entities:
        rewritten, dropped = _rewrite(entity, resolve, also)
        if not dropped:
            translated.append((rewritten, ()))
            continue
        fields = tuple(dict.fromkeys(ref.field.split(".")[0] for ref in dropped))
        if warn:
            for ref in dropped:
                run.report.warnings.append(
                    Notice(
                        entity=entity.kind,
                        source_id=entity.id,
                        field=ref.field,
                        message=f"{ref.kind.kind} {ref.id} is not on the target;"
                        " the reference was dropped",
                    )
                )
        translated.append((rewritten, fields))
    return translated


def _resolver(run: _Run, entities: Sequence[Entity]) -> Resolver:
    """The target id of every reference these entities hold, where it has one.

    Resolved first from the target ids the state keeps at hand (while it
    holds the lock, what it wrote and read); only the ids those lack are
    asked of it, one query per type. A full migration wrote every id its
    references point to, so its batches ask nothing: a query fewer per type
    per batch, each a round trip to PostgreSQL for ``SQLStateStore``.
    """
    kept: dict[type[Entity], Mapping[str, str]] = {}
    lacking: dict[type[Entity], set[str]] = {}
    for entity in entities:
        for _, kind, ref_id in _reference_triples(entity):
            ids = kept.get(kind)
            if ids is None:
                ids = kept[kind] = run.state._kept_target_ids(kind.kind) or {}
            if ref_id not in ids:
                lacking.setdefault(kind, set()).add(ref_id)
    asked = {
        kind: run.state._synced_target_ids(kind.kind, list(ids)) for kind, ids in lacking.items()
    }

    def resolve(kind: type[Entity], source_id: str) -> str | None:
        ids = kept.get(kind)
        found = None if ids is None else ids.get(source_id)
        if found is None and kind in asked:
            return asked[kind].get(source_id)
        return found

    return resolve


def repair_references(
    run: _Run,
    kind: type[Entity],
    pairs: Sequence[tuple[Entity, SyncRecord]],
    failures: list[FailureRecord],
    *,
    count: bool,
) -> list[tuple[Entity, SyncRecord]]:
    """Write references dropped earlier whose entities are now on the target.

    Only the reference fields are written. Returns the pairs with their
    records brought up to date, for a smart update to carry on with.
    """
    name = kind.kind
    translated = translate(run, [e for e, _ in pairs], warn=False)
    result: list[tuple[Entity, SyncRecord]] = []
    records: list[SyncRecord] = []
    for (entity, record), (rewritten, still_dropped) in zip(pairs, translated, strict=True):
        fixed = [f for f in record.dropped if f not in still_dropped]
        if not fixed:
            result.append((entity, record))
            if count:
                run.report.count_with_variants(entity, Outcome.UNCHANGED)
            continue
        changes = {f: FieldChange(old=None, new=getattr(rewritten, f)) for f in fixed}
        try:
            run.target.update(
                kind, cast(str, record.target_id), {f: c.new for f, c in changes.items()}
            )
        except EntityRejected as error:
            # The platform cannot change these references on an existing entity:
            # stop asking, and let the entity's selected fields sync as usual.
            record = attrs.evolve(record, dropped=still_dropped)
            records.append(record)
            result.append((entity, record))
            run.report.warnings.append(
                Notice(
                    entity=name,
                    source_id=entity.id,
                    field=",".join(fixed),
                    message=f"the target cannot set these references afterwards ({error});"
                    " they stay dropped",
                )
            )
            continue
        except CartMigrateError as error:
            fail(run, name, cast(str, entity.id), error, failures)
            result.append((entity, record))  # the repair is retried next time
            continue
        record_update(run, kind, cast(str, entity.id), record.target_id, changes)
        record = attrs.evolve(record, dropped=still_dropped)
        records.append(record)
        result.append((entity, record))
        if count:  # only references were written: the variants are as they were
            run.report.count_with_variants(entity, Outcome.UPDATED, Outcome.UNCHANGED)
        run.report.warnings.append(
            Notice(
                entity=name,
                source_id=entity.id,
                field=",".join(fixed),
                message="references dropped earlier now point to the migrated entities",
            )
        )
    run.state.put(records)
    return result
