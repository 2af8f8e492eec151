"""A state belongs to one source and one target: checked before every call.

An id map used with other stores, or with a target that was emptied since,
would make every call report entities as migrated (``unchanged``, ``[ok]``)
that are not there. So the state records which stores it belongs to (their
``store_identity``: platform and address, never a credential), and before a
call the engine asks the target for a few of the ids the state says it holds.
What does not match is refused with ``StateMismatch``, saying what to do.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence

from .._exceptions import ConnectorError, StateMismatch
from ..connectors import Cart
from ..models import ENTITY_TYPES, Entity
from ..state import StateStore
from ._acknowledge import acknowledged
from ._report import Notice, Outcome, Report

__all__ = ["SAMPLE", "bind", "check_binding", "skipped_so_far", "target_count", "unsaid"]

SOURCE_KEY = "binding.source"
TARGET_KEY = "binding.target"

#: How many migrated ids per type the target is asked for before a call.
SAMPLE = 5


def _what_to_do(side: str, bound: str, current: str) -> str:
    return (
        f"this state belongs to a migration with {side} {bound!r}, not {current!r}."
        f" Use that migration's state (or a new state for a new migration); if"
        f" {current!r} is the same store under a new address, call"
        f" engine.rebind(confirm=True) once"
    )


def check_binding(
    source: Cart, target: Cart, state: StateStore, *, confirm_target: bool
) -> list[Notice]:
    """Refuse a state bound to other stores, or a target without what it says.

    Returns notices for what the user should know (a state that cannot record
    its stores). ``confirm_target`` asks the target for a sample of migrated
    ids; remigrate, which is what repairs a stale state, skips that part.
    """
    notices: list[Notice] = []
    try:
        bound_source = state.get_meta(SOURCE_KEY)
        bound_target = state.get_meta(TARGET_KEY)
    except NotImplementedError:
        bound_source = bound_target = None
        notices.append(
            Notice(
                entity="*",
                message=f"{type(state).__name__} keeps no metadata: it cannot check that it"
                " belongs to these stores",
            )
        )
    if bound_source is not None and bound_source != source.store_identity:
        raise StateMismatch(_what_to_do("source", bound_source, source.store_identity))
    if bound_target is not None and bound_target != target.store_identity:
        raise StateMismatch(_what_to_do("target", bound_target, target.store_identity))
    if confirm_target:
        _confirm_target(target, state)
    return notices


def bind(source: Cart, target: Cart, state: StateStore, *, replace: bool = False) -> None:
    """Record which stores ``state`` belongs to (where not recorded yet)."""
    try:
        for key, cart in ((SOURCE_KEY, source), (TARGET_KEY, target)):
            if replace or state.get_meta(key) is None:
                state.set_meta(key, cart.store_identity)
    except NotImplementedError:
        return


def _confirm_target(target: Cart, state: StateStore) -> None:
    """Ask the target for a few migrated ids of each type; refuse when gone.

    Stale means: every id sampled, of every type, is gone (an emptied or
    replaced target), or every one of a type, three at least (that type was
    wiped). One entity deleted on the target by hand is not stale:
    the call reports it, entity by entity. Nor are the few the sample asks
    for (always the same, the first in the state): a type whose sample is gone
    is only taken as wiped when a second sample, from further on, is gone too.
    """
    sampled: dict[str, Sequence[str]] = {}
    missing: dict[str, Sequence[str]] = {}
    try:
        readable = target.capabilities.reads
    except ConnectorError:
        return  # the call itself reports why the target cannot be reached
    for kind in ENTITY_TYPES:
        if kind not in readable:
            continue
        # Deleted there on purpose (acknowledged) is not a sign of a stale state.
        gone_by_choice = acknowledged(state, kind.kind)
        kept = (
            r
            for r in state.records(kind.kind, status="synced")
            if r.source_id not in gone_by_choice
        )
        ids = [r.target_id for r in itertools.islice(kept, SAMPLE) if r.target_id is not None]
        if not ids:
            continue
        try:
            found = target.get_many(kind, ids)
        except ConnectorError:
            return  # as above: not this check's to report
        gone = [i for i in ids if i not in found]
        if len(gone) == len(ids) and _found_further_on(target, kind, state):
            continue  # those few were deleted by hand: the call reports each
        sampled[kind.kind] = ids
        if gone:
            missing[kind.kind] = gone
    every_id_gone = all(len(missing.get(k, ())) == len(ids) for k, ids in sampled.items())
    wiped = [k for k, ids in sampled.items() if len(missing.get(k, ())) == len(ids) >= 3]
    if not sampled or not (every_id_gone or wiped):
        return
    kinds = list(missing) if every_id_gone else wiped
    detail = "; ".join(f"{k}: {', '.join(missing[k])}" for k in kinds)
    raise StateMismatch(
        f"the target {target.store_identity!r} no longer holds what this state says was"
        f" migrated there (none of the sampled ids is there — {detail}). If the target was"
        " emptied or replaced, call engine.remigrate(confirm=True) to migrate again; if this"
        " is the wrong state, use the right one"
    )


def _found_further_on(target: Cart, kind: type[Entity], state: StateStore) -> bool:
    """Whether migrated ids from further on in the state are on the target: then
    the first sample's were deleted by hand, not the whole type wiped.

    Asked only when a whole sample is gone (one more ``get_many``); the target's
    count could not tell, as it also counts what was there before.
    """
    synced = state.count(kind.kind, status="synced")
    start = max(SAMPLE, synced // 2)
    records = itertools.islice(state.records(kind.kind, status="synced"), start, start + SAMPLE)
    ids = [r.target_id for r in records if r.target_id is not None]
    if not ids:
        return False
    try:
        return bool(target.get_many(kind, ids))
    except ConnectorError:
        return False


def target_count(target: Cart, kind: type[Entity], report: Report) -> int | None:
    """How many ``kind`` the target holds after the call (None: it cannot tell).

    In a dry run nothing was written: the target's count plus what the plan
    creates, minus what it deletes.
    """
    try:
        count = target.count(kind)
    except ConnectorError:
        return None
    if count is None or not report.dry_run:
        return count
    planned = report.summary().get(kind.kind, {})
    return count + planned.get(Outcome.CREATED.value, 0) - planned.get(Outcome.DELETED.value, 0)


def unsaid(state: StateStore, kind: str, notes: Iterable[str], dry_run: bool) -> list[str]:
    """The platform notes this migration has not been told yet; remembered as said.

    A note ("customers get an account invite") is news once: repeated in every
    nightly report it hides what is new. A dry run says them without
    remembering, so the real call says them too.
    """
    fresh: list[str] = []
    for note in notes:
        key = f"said.{kind}.{hashlib.sha256(note.encode()).hexdigest()[:16]}"
        try:
            if state.get_meta(key) is not None:
                continue
            if not dry_run:
                state.set_meta(key, note)
        except NotImplementedError:
            pass  # a store without metadata repeats them
        fresh.append(note)
    return fresh


def skipped_so_far(
    state: StateStore, kind: str, skipped: int, *, full_read: bool, dry_run: bool
) -> int:
    """How many source entities of ``kind`` the migration leaves out on purpose
    (a filter, no id), for the reconciliation.

    A full read sees them all and its count is remembered. An incremental read
    sees only what changed since, so it adds what it skipped to the last full
    read's count (one skipped again is counted twice, never one missing):
    without that, every smart update of a migration with a filter would say
    ``MISSING`` and fail ``report.ok``, night after night.
    """
    key = f"skipped.{kind}"
    try:
        if full_read:
            if not dry_run:
                state.set_meta(key, str(skipped))
            return skipped
        known = state.get_meta(key)
    except NotImplementedError:
        return skipped  # a store without metadata knows only this call's
    return skipped + int(known or 0)
