"""Deciding what each entity of a batch needs, from its record's stamp.

One query per batch answers, per source id, the record's status, stamp and
whether references were dropped (``StateStore._stamps``); most entities of a
smart update are decided from that alone (by their change token where the
source keeps one, else by a digest of the selected fields): unchanged,
counted at once. Whole records are fetched only for those that need more (a
comparison with the target, a repair of references).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import attrs

from ..models import Entity, Product, Variant
from ..state import SyncRecord
from ._records import _LEFT_ALONE, Decision, _same_source, _selector, decide
from ._report import Outcome
from ._run import Mode, _Run
from ._tokens import tokens_for

__all__ = ["Batch", "sort_batch"]


@attrs.define
class Batch:
    """A batch sorted by what each entity needs."""

    to_create: list[Entity]
    to_resolve: list[Entity]
    repairs: list[tuple[Entity, SyncRecord]]
    compares: list[tuple[Entity, SyncRecord]]
    #: What ``decide`` said of the entities to compare (by source id).
    decisions: dict[str, Decision]


def sort_batch(run: _Run, kind: type[Entity], prepared: Sequence[Entity], mode: Mode) -> Batch:
    """Sort ``prepared`` (mapped, with ids): never synced or refused (create),
    outcome unknown (resolve), references to repair, selected fields to
    compare; the rest is unchanged and counted here."""
    ids = cast(list[str], [e.id for e in prepared])
    selected = run.fields.get(kind, ())
    variant_selected = run.fields.get(Variant, ()) if kind is Product else ()
    if (
        mode == "smart"
        and not (selected or variant_selected)
        and kind is not Product  # (its variants are counted apart)
        and ids
        and run.state._clean_synced(kind.kind, ids) == len(ids)
    ):
        # Nothing of this type is compared, and all of the batch is synced
        # with its references: unchanged, from one count (a scan of reviews
        # or customers is mostly this).
        run.report.count(kind.kind, Outcome.UNCHANGED, len(ids))
        run.synced_seen[kind.kind] = run.synced_seen.get(kind.kind, 0) + len(ids)
        return Batch(to_create=[], to_resolve=[], repairs=[], compares=[], decisions={})
    # Counted at once: most of a batch is unchanged.
    unchanged = unchanged_variants = left_alone = synced = 0
    token_of = tokens_for(run, kind)
    rest = prepared
    whole: dict[str, SyncRecord] | None = None  # the rest's records, where read whole
    if mode == "smart" and not run.verify and (selected or variant_selected):
        tokens = token_of.many(prepared)
        if tokens:
            # Shown in step by its token (``decide``'s first answer), decided in
            # one query: only the rest is decided row by row.
            labels = _selector(tuple(selected), tuple(variant_selected)).covering
            off = run.state._off_token(kind.kind, tokens, labels)
            if off or len(tokens) < len(prepared):
                rest = [e for e in prepared if e.id in off or e.id not in tokens]
            else:
                rest = []  # all shown in step: the usual batch
            unchanged = synced = len(tokens) - len(off)
            if kind is Product and unchanged:
                unchanged_variants = sum(
                    len(cast(Product, e).variants)
                    for e in prepared
                    if e.id in tokens and e.id not in off
                )
            # The few its tokens did not show in step: their whole records at
            # once (most are compared), where a batch decided row by row needs
            # stamps only.
            whole = run.state.get(kind.kind, [cast(str, e.id) for e in rest]) if rest else {}
    if whole is not None:
        stamps = {sid: (r.status, r.fingerprint, bool(r.dropped)) for sid, r in whole.items()}
    else:
        stamps = run.state._stamps(kind.kind, ids)
    to_create: list[Entity] = []
    to_resolve: list[Entity] = []
    to_compare: list[Entity] = []
    to_repair: list[Entity] = []
    decisions: dict[str, Decision] = {}
    for entity in rest:
        sid = cast(str, entity.id)
        found = stamps.get(sid)
        status, stamp, dropped = found if found is not None else ("failed", None, False)
        if status == "failed":
            to_create.append(entity)
            continue
        if status == "pending":
            to_resolve.append(entity)
            continue
        synced += 1
        if dropped:
            to_repair.append(entity)
        elif mode == "full":
            unchanged += 1
            if isinstance(entity, Product):
                unchanged_variants += len(entity.variants)
            if kind.kind not in run.unsynced and not _same_source(stamp, entity, token_of(entity)):
                run.unsynced.add(kind.kind)
        elif stamp == _LEFT_ALONE:
            left_alone += 1  # existing='leave': never written, its variants not counted
        elif not (selected or variant_selected):
            # Nothing compared: the record keeps what it had, so a later call
            # selecting these fields still sees the change.
            unchanged += 1
            if isinstance(entity, Product):
                unchanged_variants += len(entity.variants)
        else:
            token = token_of(entity)
            decision = decide(stamp, entity, selected, variant_selected, token=token)
            if decision.in_step and not run.verify and decision.restamp is None:
                unchanged += 1
                if isinstance(entity, Product):
                    unchanged_variants += len(entity.variants)
            else:
                decisions[sid] = decision
                to_compare.append(entity)
    run.synced_seen[kind.kind] = run.synced_seen.get(kind.kind, 0) + synced
    if unchanged or left_alone:
        run.report.count(kind.kind, Outcome.UNCHANGED, unchanged + left_alone)
    if unchanged_variants:
        run.report.count(Variant.kind, Outcome.UNCHANGED, unchanged_variants)
    # Whole records only for what needs more than the stamp.
    records = (
        whole
        if whole is not None
        else run.state.get(kind.kind, [cast(str, e.id) for e in (*to_repair, *to_compare)])
    )
    repairs = [(e, records[cast(str, e.id)]) for e in to_repair]
    compares = [(e, records[cast(str, e.id)]) for e in to_compare]
    return Batch(
        to_create=to_create,
        to_resolve=to_resolve,
        repairs=repairs,
        compares=compares,
        decisions=decisions,
    )
