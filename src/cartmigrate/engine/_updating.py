"""Planning and writing updates: the selected fields that differ, and only those.

An entity migrated before is compared with the target's current copy, field
by selected field, after the target's own rendering (``as_stored``); only
what differs is written, a product's variants each on their own. What the
target derives itself, or cannot hold, is reported rather than written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .._exceptions import CartMigrateError
from ..models import Entity, Product, Variant
from ..models._base import _copy_with
from ..state import FailureRecord, SyncRecord
from . import _uncarried as uncarried
from ._acknowledge import acknowledged
from ._fail_fast import StopCall
from ._records import _LEFT_ALONE, Decision, decide
from ._report import FieldChange, Notice, Outcome
from ._run import _Run, fail, record_update
from ._tokens import tokens_for
from ._translation import translate

if TYPE_CHECKING:
    from ._engine import SyncEngine


def _stamped(record: SyncRecord, stamp: str | None) -> SyncRecord:
    """``record`` with another stamp: a text, so nothing to convert again."""
    return _copy_with(record, {"fingerprint": stamp})


class HeldUpdates:
    """The entities of one type to compare, held across the batches read.

    A smart update that scans a store finds a changed entity or two per batch
    it reads. Compared and written alone, each batch's few would cost a read
    of the target, a translation and a state transaction of their own; held
    until a batch's worth is found (or the type is read), they share them.
    Holding defers only the comparison: an entity's record is stamped after
    its write, so one held when a call stops is decided again by the next.
    """

    __slots__ = ("decisions", "engine", "kind", "pairs", "run")

    def __init__(self, engine: SyncEngine, run: _Run, kind: type[Entity]) -> None:
        self.engine, self.run, self.kind = engine, run, kind
        self.pairs: list[tuple[Entity, SyncRecord]] = []
        self.decisions: dict[str, Decision] = {}

    def add(
        self, pairs: Sequence[tuple[Entity, SyncRecord]], decisions: Mapping[str, Decision]
    ) -> None:
        self.pairs.extend(pairs)
        self.decisions.update(decisions)
        size = self.engine.batch_size
        while len(self.pairs) >= size:  # a batch at a time: what a target reads at once
            self._compare(size)

    def flush(self) -> None:
        """Compare and write what is held."""
        while self.pairs:
            self._compare(self.engine.batch_size)

    @contextlib.contextmanager
    def flushed(self) -> Generator[None, None, None]:
        """Flush when the block ends, also when a read fails (what was read is
        still synced), but not when the call stops (nothing more is sent)."""
        try:
            yield
        except StopCall:
            raise
        except Exception:
            self.flush()
            raise
        self.flush()

    def _compare(self, size: int) -> None:
        pairs, self.pairs = self.pairs[:size], self.pairs[size:]
        decisions = {
            record.source_id: found
            for _, record in pairs
            if (found := self.decisions.pop(record.source_id, None)) is not None
        }
        failures: list[FailureRecord] = []
        update(self.engine, self.run, self.kind, pairs, failures, decisions)
        if failures:
            self.run.state.put_failures(failures)


def update(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    pairs: Sequence[tuple[Entity, SyncRecord]],
    failures: list[FailureRecord],
    decisions: Mapping[str, Decision] | None = None,
) -> None:
    """Compare and write the selected fields of ``pairs`` that are not in step.

    ``decisions``: what ``decide`` said of some of them already (the engine
    decides a whole batch from its records' stamps before building records).
    """
    name = kind.kind
    selected = run.fields.get(kind, ())
    variant_selected = run.fields.get(Variant, ()) if kind is Product else ()
    records: list[SyncRecord] = []
    succeeded: list[str] = []
    candidates: list[tuple[Entity, SyncRecord, Decision]] = []
    token_of = tokens_for(run, kind)
    for entity, record in pairs:
        if record.fingerprint == _LEFT_ALONE:
            run.report.count(name, Outcome.UNCHANGED)  # existing='leave': never written
            continue
        if not selected and not variant_selected:
            # Nothing compared: the record keeps what it had, so a later call
            # selecting these fields still sees the change.
            run.report.count_with_variants(entity, Outcome.UNCHANGED)
            continue
        decision = (decisions or {}).get(record.source_id) or decide(
            record.fingerprint,
            entity,
            selected,
            variant_selected,
            token=token_of(entity),
        )
        if decision.in_step and not run.verify:
            run.report.count_with_variants(entity, Outcome.UNCHANGED)
            if decision.restamp is not None:
                records.append(_stamped(record, decision.restamp))
        else:
            candidates.append((entity, record, decision))
    if candidates:
        written, succeeded = apply_changes(
            engine, run, kind, candidates, selected, variant_selected, failures
        )
        records.extend(written)
    if records:
        run.state.put(records)
    succeeded.extend(r.source_id for r in records if r.kind == name)
    if succeeded:
        run.state.clear_failures(name, succeeded)


def apply_changes(
    engine: SyncEngine,
    run: _Run,
    kind: type[Entity],
    candidates: Sequence[tuple[Entity, SyncRecord, Decision]],
    selected: tuple[str, ...],
    variant_selected: tuple[str, ...],
    failures: list[FailureRecord],
) -> tuple[list[SyncRecord], list[str]]:
    """The records to write after comparing, and the source ids compared (or
    written) without failing. A record is stamped with the selection
    compared, except where its stamp showed it in step already
    (``verify=True``): then it is left as it is, and costs no write."""
    name = kind.kind
    try:
        current = run.target.get_many(kind, [cast(str, r.target_id) for _, r, _ in candidates])
    except CartMigrateError as error:
        for entity, _, _ in candidates:
            fail(run, name, cast(str, entity.id), error, failures)
        return [], []
    translated = [t for t, _ in translate(run, [e for e, _, _ in candidates], warn=False)]
    variant_records: dict[str, SyncRecord] = {}
    if variant_selected:
        variant_records = run.state.get(
            Variant.kind,
            [v.id for e, _, _ in candidates for v in cast(Product, e).variants if v.id is not None],
        )
    records: list[SyncRecord] = []
    succeeded: list[str] = []
    for (entity, record, decision), source_view in zip(candidates, translated, strict=True):
        sid = cast(str, entity.id)
        target_id = cast(str, record.target_id)
        target_view = current.get(target_id)
        if target_view is None:
            run.report.count_with_variants(entity, Outcome.SKIPPED)
            if sid in acknowledged(run.state, name):
                continue  # deleted there on purpose: counted in the reconciliation
            run.report.warnings.append(
                Notice(
                    entity=name,
                    source_id=sid,
                    message=f"{target_id} was deleted on the target; not recreated",
                )
            )
            continue
        ok = True
        derived = run.target.derived_fields(source_view)
        stored = run.target.as_stored(source_view)
        changes = _diff(stored, target_view, [f for f in selected if f not in derived])
        run.report.warnings.extend(
            uncarried.on_update(
                run.target,
                stored,
                target_view,
                selected,
                derived,
                changes,
                uncarried.chosen_statuses(engine.rules),
            )
        )
        outcome: Outcome | None = None
        if changes:
            ok = write_update(run, kind, sid, target_id, changes, None, failures)
            outcome = Outcome.UPDATED if ok else None
        else:
            outcome = Outcome.UNCHANGED
        if outcome is not None and variant_selected:
            run.report.count(name, outcome)  # each variant is counted as compared
        elif outcome is not None:  # variants not compared are as they were
            run.report.count_with_variants(entity, outcome, Outcome.UNCHANGED)
        if variant_selected and ok:
            ok = update_variants(
                run,
                cast(Product, entity),
                cast(Product, target_view),
                target_id,
                variant_records,
                variant_selected,
                failures,
            )
        if ok and not decision.in_step:
            records.append(_stamped(record, decision.compared))
        elif ok and decision.restamp is not None:
            records.append(_stamped(record, decision.restamp))
        if ok:
            succeeded.append(sid)
    return records, succeeded


def update_variants(
    run: _Run,
    product: Product,
    target_product: Product,
    target_id: str,
    records: Mapping[str, SyncRecord],
    selected: tuple[str, ...],
    failures: list[FailureRecord],
) -> bool:
    on_target = {v.id: v for v in target_product.variants}
    # As stored within their product: a platform may fill a variant from it
    # (WooCommerce: the product's dimensions, its attributes' "any value").
    stored = {v.id: v for v in run.target.as_stored(product).variants}
    ok = True
    for variant in product.variants:
        record = records.get(variant.id or "")
        target_variant = on_target.get(record.target_id) if record else None
        if record is None or target_variant is None:
            run.report.warnings.append(
                Notice(
                    entity=Variant.kind,
                    source_id=variant.id,
                    message=f"not on the target product {target_id} (added on the source"
                    " after the migration, or removed on the target); not migrated",
                )
            )
            run.report.count(Variant.kind, Outcome.SKIPPED)
            continue
        as_stored = stored.get(variant.id) or run.target.as_stored(variant)
        changes = _diff(as_stored, target_variant, selected)
        if not changes:
            run.report.count(Variant.kind, Outcome.UNCHANGED)
        elif write_update(
            run,
            Variant,
            cast(str, variant.id),
            cast(str, record.target_id),
            changes,
            target_id,
            failures,
            retry_as=(Product.kind, cast(str, product.id)),
        ):
            run.report.count(Variant.kind, Outcome.UPDATED)
        else:
            ok = False
    return ok


def write_update(
    run: _Run,
    kind: type[Entity],
    source_id: str,
    target_id: str,
    changes: Mapping[str, FieldChange],
    parent_id: str | None,
    failures: list[FailureRecord],
    *,
    retry_as: tuple[str, str] | None = None,
) -> bool:
    try:
        run.target.update(
            kind, target_id, {k: c.new for k, c in changes.items()}, parent_id=parent_id
        )
    except CartMigrateError as error:
        fail(run, kind.kind, source_id, error, failures, retry_as=retry_as)
        return False
    record_update(run, kind, source_id, target_id, changes)
    return True


def _diff(source: Any, target: Any, names: Iterable[str]) -> dict[str, FieldChange]:
    """Selected fields whose values differ, old (target) -> new (source)."""
    changes: dict[str, FieldChange] = {}
    for name in names:
        new = getattr(source, name)
        old = getattr(target, name)
        if new == old:
            continue
        changes[name] = FieldChange(old=old, new=new)
    return changes
