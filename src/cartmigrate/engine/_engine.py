"""The SyncEngine: full migration, smart update and remigration.

How it keeps its promises (see docs/concepts.md):

- Every create is preceded by a durable *intent* in the state store and
  followed by the target's id. An intent without an id means "outcome
  unknown": before creating again, the engine looks the entity up on the
  target (source reference, then natural key) and adopts what it finds.
- State says "synced" only after the target acknowledged the write; the
  cursor of incremental reads moves only once every entity read was synced
  or recorded as failed.
- After the first migration only *selected* fields are written, and only
  when the mapped source value differs from the target's current one.
- A dry run is the same code path against a target that swallows writes and
  a state that keeps writes in memory, so the plan is exactly the real call.

This module holds the calls' algorithms; the phases they share live beside
it: reading the source (``_reading``), deciding what each entity of a batch
needs from its record's stamp (``_deciding``), creating (``_creating``), resolving
unknown outcomes and adopting (``_adoption``), translating references and
repairing them (``_translation``), planning and writing updates
(``_updating``), clearing the target (``_clearing``), the records and their
stamps (``_records``), and the run's bookkeeping (``_run``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from collections.abc import Callable, Generator, Sequence
from typing import Literal, cast

import attrs

from .._exceptions import CartMigrateError, ConfigurationError, ConfirmationRequired, ConnectorError
from ..connectors import Cart
from ..mapping import MappingRules
from ..models import ENTITY_TYPES, Category, Entity, Product, Variant
from ..models._references import _reference_triples, pointed_to
from ..state import FailureRecord, MemoryStateStore, StateStore
from ..state._lock import default_holder
from ._acknowledge import acknowledge_deleted, acknowledged, forget_acknowledged
from ._adoption import resolve_pending
from ._binding import bind, check_binding, skipped_so_far, target_count, unsaid
from ._check import CheckReport, run_check
from ._clearing import clear_target
from ._creating import create
from ._deciding import sort_batch
from ._dry_run import OverlayState, PlanningCart
from ._fail_fast import StopCall, preflight, report_stop, stop_if_fatal
from ._read_ahead import ReadAhead
from ._read_ids import PlainIds, ReadIds
from ._reading import (
    _chunks,
    _parents_first,
    first_reads,
    next_cursor,
    read_chunks,
    read_since,
    read_types,
    reads_ahead,
    record_unreadable,
    report_deleted,
    settle_gone,
)
from ._report import Failure, Notice, Outcome, Progress, Reconciliation, Report
from ._run import Mode, _Run, fail, progress
from ._selection import (
    EntitySelector,
    FieldSelection,
    _resolve_kind,
    _selected_fields,
    _with_dependents,
)
from ._tokens import rules_label
from ._translation import repair_references
from ._updating import HeldUpdates

__all__ = ["SyncEngine"]

logger = logging.getLogger("cartmigrate")

#: The kinds references point to: their target ids are what translating asks for.
_REFERENCED_KINDS = tuple(sorted({kind.kind for t in ENTITY_TYPES for kind in pointed_to(t)}))


def _waits_for(entity: Entity, kind: type[Entity], waiting: set[str | None]) -> bool:
    """Whether ``entity`` refers to an entity of its own ``kind`` still to be created."""
    return any(k is kind and i in waiting for _, k, i in _reference_triples(entity))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SyncEngine:
    """Moves a store from ``source`` to ``target`` and keeps it in step.

    ``state`` remembers what was migrated (default: in memory; pass a
    ``SQLiteStateStore`` to continue in another process). ``rules`` maps
    values on the way. ``batch_size`` defaults to what the target takes in one
    request. ``overlap`` is how far before its cursor an incremental read
    starts again, against clock skew and late commits; re-read entities cost
    nothing when unchanged. ``on_progress`` receives ``Progress`` events.
    ``read_ahead`` reads the next batch from the source in a second thread
    while the current one is written to the target (default: when the
    source's ``capabilities.read_ahead`` says its reads are remote).
    ``existing`` says what happens to an entity that was on the target before
    the migration (the target refused a create as a duplicate, same SKU or
    e-mail): ``"adopt"`` maps it and keeps its selected fields in step,
    ``"leave"`` maps it (so references to it work) but never writes to it,
    ``"fail"`` fails the source entity; the report lists each.
    """

    def __init__(
        self,
        source: Cart,
        target: Cart,
        *,
        state: StateStore | None = None,
        rules: MappingRules | None = None,
        batch_size: int | None = None,
        overlap: dt.timedelta = dt.timedelta(minutes=10),
        clock: Callable[[], dt.datetime] = _utcnow,
        on_progress: Callable[[Progress], None] | None = None,
        read_ahead: bool | None = None,
        existing: Literal["adopt", "leave", "fail"] = "adopt",
    ) -> None:
        if existing not in ("adopt", "leave", "fail"):
            raise ConfigurationError(
                f"existing= takes 'adopt', 'leave' or 'fail', not {existing!r}"
            )
        self.existing = existing
        self.source = source
        self.target = target
        self.state = state if state is not None else MemoryStateStore()
        self.rules = rules if rules is not None else MappingRules()
        self._batch_size = batch_size
        self.overlap = overlap
        self._clock = clock
        self._on_progress = on_progress
        self.read_ahead = read_ahead  # None: the source's capabilities decide, per call
        self._target_confirmed = False  # whether the target holds what the state says
        self._reached = False  # whether both stores answered and took their credentials

    @property
    def batch_size(self) -> int:
        """As given, else what the target takes in one request (asked when
        needed, where a failure to ask fails one type, not the engine)."""
        return self._batch_size or max(1, self.target.capabilities.batch_size)

    def __repr__(self) -> str:
        return (
            f"SyncEngine(source={self.source.name!r}, target={self.target.name!r},"
            f" state={type(self.state).__name__})"
        )

    # -- the three calls --------------------------------------------------
    def full_migrate(
        self, *, entities: EntitySelector | None = None, dry_run: bool = False, wait: float = 0.0
    ) -> Report:
        """Migrate every entity not migrated yet, in dependency order.

        Safe to repeat and to resume after a crash: nothing is created twice.
        Entities already migrated are left alone (``unchanged``). One call
        runs at a time per state: another one running raises
        ``MigrationLocked`` at once, or after ``wait`` seconds; a dry run takes no lock.
        """
        with self._locked("full_migrate", dry_run, wait):
            run = self._start("full_migrate", dry_run)
            try:
                run.stopped()  # the preflight's failure, if any, ends the call here
                self._sync_types(run, self._kinds(entities), "full")
            except StopCall as stop:
                report_stop(run.report, stop)
            finally:
                self._finish(run)
        return run.report

    def smart_update(
        self,
        *,
        fields: FieldSelection | None = None,
        entities: EntitySelector | None = None,
        dry_run: bool = False,
        verify: bool = False,
        wait: float = 0.0,
    ) -> Report:
        """Carry over what changed on the source since the last call.

        Already-migrated entities get only the selected ``fields`` written,
        and only where they differ from the target; entities never migrated
        are migrated in full. Unchanged entities cost no target request.
        ``verify=True`` compares every migrated entity with the target, even
        those unchanged on the source (e.g. to undo edits of selected fields
        made on the target). ``wait``: as for ``full_migrate``.
        """
        selection = _selected_fields(fields)
        with self._locked("smart_update", dry_run, wait):
            run = self._start("smart_update", dry_run)
            run.fields = selection
            run.verify = verify
            try:
                run.stopped()  # the preflight's failure, if any, ends the call here
                self._sync_types(run, self._kinds(entities), "smart")
            except StopCall as stop:
                report_stop(run.report, stop)
            finally:
                self._finish(run)
        return run.report

    def remigrate(
        self,
        *,
        confirm: bool = False,
        clear: Literal["migrated", "all"] = "migrated",
        entities: EntitySelector | None = None,
        dry_run: bool = False,
        wait: float = 0.0,
    ) -> Report:
        """Delete on the target, forget the state, and migrate again from scratch.

        ``clear="migrated"`` deletes only what this migration created;
        ``clear="all"`` deletes every entity of the migrated types. Refuses
        (``ConfirmationRequired``) and changes nothing without ``confirm=True``.
        If a delete fails, the state is kept and nothing is migrated, so a
        later call cannot duplicate what is still there. Types that refer to
        a remigrated type (orders and reviews to products, say) are remigrated
        with it, or their references would point to deleted entities.
        ``wait``: as for ``full_migrate``.
        """
        if not confirm:
            raise ConfirmationRequired(
                "remigrate deletes entities on the target; call it with confirm=True"
            )
        if clear not in ("migrated", "all"):
            raise ConfigurationError(f"clear must be 'migrated' or 'all', not {clear!r}")
        chosen = self._kinds(entities)
        kinds = _with_dependents(chosen)
        with self._locked("remigrate", dry_run, wait):
            run = self._start("remigrate", dry_run)
            added = [k.kind for k in kinds if k not in chosen]
            if added:
                run.report.warnings.append(
                    Notice(
                        entity="*",
                        message=f"{', '.join(added)} refer to what is remigrated, so they are"
                        " remigrated too (their references would point to deleted entities)",
                    )
                )
            try:
                run.stopped()  # the preflight's failure, if any, ends the call here
                if clear_target(self, run, kinds, clear):
                    names = [k.kind for k in kinds]
                    if Product in kinds:
                        names.append(Variant.kind)
                    run.state.forget(names)
                    forget_acknowledged(run.state, names)
                    self._sync_types(run, kinds, "full")
            except StopCall as stop:
                report_stop(run.report, stop)
            finally:
                self._finish(run)
        return run.report

    # -- around the calls: check, rebind, lock, start, finish -------------
    def check(self) -> CheckReport:
        """What this migration will meet, found without writing anything.

        Each store answers and takes its credentials (and the permissions a
        migration needs, where the connector can tell), what each type can do
        and what the target says about writing it, whether the state belongs
        to these stores, and the mapping rules. ``print()`` it, or show it in
        a notebook; ``.ok`` says whether anything failed.
        """
        return run_check(self)

    def acknowledge_deleted(
        self, kind: type[Entity], source_ids: Sequence[str], *, reason: str | None = None
    ) -> None:
        """Record that these migrated entities were deleted on the target on purpose,
        so reports count them as acknowledged, not missing, and calls leave them
        deleted. Refuses ids never migrated or still on the target (see ``_acknowledge``)."""
        now = self._clock()
        acknowledge_deleted(self.state, self.target, kind, source_ids, reason=reason, now=now)

    def rebind(self, *, confirm: bool = False) -> None:
        """Bind the state to this engine's source and target, replacing the record
        of which stores it belongs to: for a store that moved to a new address.

        Refuses (``ConfirmationRequired``) without ``confirm=True``: a state used
        with stores it was not made for reports entities as migrated that are not.
        """
        if not confirm:
            raise ConfirmationRequired(
                "rebind makes this state belong to other stores; call it with confirm=True"
            )
        bind(self.source, self.target, self.state, replace=True)

    @contextlib.contextmanager
    def _locked(self, call: str, dry_run: bool, wait: float) -> Generator[None, None, None]:
        """The state's migration lock around a call, so two never run at once.

        A dry run takes no lock: it writes nothing, so it cannot duplicate
        anything, and a plan can be made while a long migration runs (it
        shows the state as it is at that moment).
        """
        if dry_run:
            yield
            return
        with self.state.lock(holder=f"{call} on {default_holder()}", wait=wait):
            # What references will be translated to: kept as written from the start.
            self.state._will_look_up(_REFERENCED_KINDS)
            yield

    def _start(self, call: str, dry_run: bool) -> _Run:
        # Before anything, once per engine: each store answers and takes its
        # credentials. Then the state must belong to these stores: with others,
        # or a target that lost what it says, the call would report as migrated
        # what is not there.
        stop: StopCall | None = None
        notices: list[Notice] = []
        try:
            if not self._reached:
                preflight(self.source, self.target)
                self._reached = True
        except StopCall as error:
            stop = error
        else:
            # The target is asked once per engine: later calls cost it no request.
            confirm = call != "remigrate" and not self._target_confirmed
            notices = check_binding(self.source, self.target, self.state, confirm_target=confirm)
            self._target_confirmed = True
            if not dry_run:
                bind(self.source, self.target, self.state)
        started = self._clock()
        state: StateStore = OverlayState(self.state) if dry_run else self.state
        target: Cart = PlanningCart(self.target) if dry_run else self.target
        run = _Run(
            call=call,
            source=self.source,
            target=target,
            state=state,
            report=Report(call=call, dry_run=dry_run, started_at=started),
            dry_run=dry_run,
            rules_label=rules_label(self.rules),
            token_before=started - self.overlap,
        )
        run.report.warnings.extend(notices)
        run.stop = stop
        run.run_id = state.start_run(call, started, dry_run=dry_run)
        logger.info(
            "%s%s: %s -> %s",
            call,
            " (dry run)" if dry_run else "",
            self.source.name,
            self.target.name,
        )
        return run

    def _finish(self, run: _Run) -> None:
        run.report.finished_at = self._clock()
        summary = run.report.summary()
        run.state.finish_run(run.run_id, run.report.finished_at, summary)
        if run.dry_run:
            run.state.close()  # the plan's overlay: the engine's own state stays open
        logger.info("%s finished: %s", run.call, summary)

    def _kinds(self, entities: EntitySelector | None) -> list[type[Entity]]:
        if entities is None:
            return list(ENTITY_TYPES)
        wanted = {_resolve_kind(e) for e in entities}
        if Variant in wanted:
            raise ConfigurationError("variants travel with their product: select Product")
        return [kind for kind in ENTITY_TYPES if kind in wanted]

    # -- what the calls share: every type, one type, one batch -----------
    def _sync_types(self, run: _Run, kinds: Sequence[type[Entity]], mode: Mode) -> None:
        """Sync ``kinds`` in order; with read-ahead, one worker reads them all.

        The worker reads on into the next type while the last batches of
        one are written, and never more than two batches ahead.
        """
        run.reads = {}
        for kind in kinds:
            try:
                readable = kind in run.source.capabilities.reads
                readable = readable and kind in run.target.capabilities.writes
            except ConnectorError:
                continue  # read in its turn, where the failure is reported for this type
            if readable:
                run.reads[kind] = read_since(self, run, kind, mode)
        if run.reads and reads_ahead(self, run):
            run.stream = ReadAhead(read_types(self, run, dict(run.reads)), depth=2).start()
        try:
            for kind in kinds:
                self._sync_type(run, kind, mode)
        finally:
            if run.stream is not None:
                run.stream.close()
                run.stream = None

    def _sync_type(self, run: _Run, kind: type[Entity], mode: Mode) -> None:
        """Sync one entity type; a failure to read it stops only this type."""
        try:
            self._sync_entities(run, kind, mode)
        except ConnectorError as error:
            stop_if_fatal(error)
            run.report.failures.append(
                Failure(
                    entity=kind.kind,
                    source_id="*",
                    error=type(error).__name__,
                    message=f"reading {kind.kind} entities stopped: {error}; what was read is"
                    " kept, the rest is read again by the next call",
                )
            )
            logger.error("%s: reading %s stopped: %s", run.call, kind.kind, error)
        except StopCall:
            raise  # the whole call ends: not this type's failure
        except Exception as error:  # a connector's bug or a record it let through: reported
            run.report.failures.append(
                Failure(
                    entity=kind.kind,
                    source_id="*",
                    error=type(error).__name__,
                    message=f"syncing {kind.kind} entities stopped on an unexpected"
                    f" {type(error).__name__}: {error}; what was done is kept, the next call"
                    " goes on",
                )
            )
            logger.error("%s: syncing %s stopped", run.call, kind.kind, exc_info=True)
        finally:
            run.abandoned.add(kind)  # done with it, however: the worker moves on
            done = run.progressing.get(kind.kind)
            if done is not None:  # it ended early: its progress ends too (a bar closes)
                try:
                    progress(self, run, kind.kind, done, None, finished=True)
                except CartMigrateError as error:  # what ended the type is reported already
                    logger.warning("%s: progress of %s: %s", run.call, kind.kind, error)

    def _sync_entities(self, run: _Run, kind: type[Entity], mode: Mode) -> None:
        """One type: its batches, then what failed earlier and did not come back,
        the cursor, what the source deleted, and the type's reconciliation."""
        name = kind.kind
        if kind not in run.source.capabilities.reads:
            run.report.warnings.append(
                Notice(entity=name, message=f"{self.source.name} cannot read {name} entities")
            )
            return
        writable = kind in run.target.capabilities.writes
        previous = run.state.get_cursor(name)
        since = run.reads.get(kind)
        if not writable:
            known = run.source.count(kind)
            skipped = known if known is not None else sum(1 for _ in run.source.read(kind))
            if not skipped:  # nothing left behind: no row, no warning every night
                return
            run.report.count(name, Outcome.SKIPPED, skipped)
            run.report.warnings.append(
                Notice(
                    entity=name,
                    message=f"{self.target.name} cannot store {name} entities; {skipped} skipped",
                )
            )
            return
        chunks = read_chunks(self, run, kind)
        if kind is Category:  # read whole, to send parents first
            read = cast(list[Category], list(itertools.chain.from_iterable(chunks)))
            chunks = _chunks(_parents_first(read), self.batch_size)
        total = run.source.count(kind) if since is None else None
        # Entities that failed earlier, or are not finished: an incremental read
        # will not return those unchanged since, so they are fetched by id; in a
        # full read, one that does not come back is gone from the source.
        retry = {f.source_id for f in run.state.failures(name)}
        retry.update(r.source_id for r in run.state.unfinished(name))
        # A smart update reading in full takes what it did not read for deleted
        # on the source: the ids read (below) are what it saw.
        full_read = mode == "smart" and since is None
        synced_before = run.state.count(name, status="synced") if full_read else 0
        run.synced_seen[name] = 0
        newest: dt.datetime | None = None
        done = 0
        # A source repeating a record (in a page or across) syncs it once.
        read_ids = PlainIds() if full_read else ReadIds()
        held = HeldUpdates(self, run, kind)
        timestamped = "updated_at" in attrs.fields_dict(kind)
        with contextlib.closing(chunks), held.flushed():
            for chunk in chunks:
                chunk = first_reads(run, name, chunk, read_ids)
                if retry:
                    retry.difference_update(entity.id or "" for entity in chunk)
                stamp = (
                    max((s for e in chunk if (s := e.updated_at) is not None), default=None)  # type: ignore[attr-defined]
                    if timestamped
                    else None
                )
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
                    if run.newest is None or stamp > run.newest:
                        run.newest = stamp
                self._sync_chunk(run, kind, chunk, mode, held)
                record_unreadable(run, kind, retry)
                done += len(chunk)
                progress(self, run, name, done, total)
        record_unreadable(run, kind, retry)
        if retry:
            found = run.source.get_many(kind, sorted(retry)) if since is not None else {}
            still_unreadable = record_unreadable(run, kind, set())
            gone = sorted(retry - set(found) - still_unreadable)
            for source_id in gone:
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        source_id=source_id,
                        message="failed earlier and is gone from the source; no longer retried",
                    )
                )
            settle_gone(self, run, name, gone)
            with held.flushed():
                for chunk in _chunks(found.values(), self.batch_size):
                    self._sync_chunk(run, kind, chunk, mode, held)
        run.report.warnings.extend(
            Notice(entity=name, message=f"{self.target.name}: {note}")
            for note in unsaid(self.state, name, run.target.write_notes(kind), run.dry_run)
        )
        # A full migration leaves migrated entities alone, so it may only start
        # the cursor, and only when none of them changed since it wrote them.
        moves = mode == "smart" or (previous is None and name not in run.unsynced)
        if kind in run.source.capabilities.incremental and moves:
            run.state.set_cursor(name, next_cursor(run, previous, newest))
        # Every entity synced before this call read again (each once): none is
        # gone, and the state need not be listed to find which.
        if full_read and run.synced_seen[name] != synced_before:
            report_deleted(run, name, read_ids)
        run.report.reconciliation[name] = Reconciliation(
            source=run.source.count(kind),
            target=target_count(run.target, kind, run.report),
            migrated=run.state.count(name, status="synced"),
            acknowledged=len(acknowledged(self.state, name)),
            failed=len(run.state.failures(name)),
            skipped=skipped_so_far(
                self.state,
                name,
                run.report.summary().get(name, {}).get(Outcome.SKIPPED.value, 0),
                full_read=since is None,
                dry_run=run.dry_run,
            ),
        )
        progress(self, run, name, done, total, finished=True)

    def _sync_chunk(
        self,
        run: _Run,
        kind: type[Entity],
        chunk: Sequence[Entity],
        mode: Mode,
        held: HeldUpdates,
    ) -> None:
        """One batch: map it, decide per entity from its record what to do (create,
        resolve an unknown outcome, repair references, compare), then do each
        (what to compare joins ``held``, compared once a batch's worth is found)."""
        name = kind.kind
        failures: list[FailureRecord] = []
        prepared: list[Entity] = []
        if not self.rules and all(entity.id is not None for entity in chunk):
            prepared, chunk = list(chunk), ()  # no rules: each entity as read
        for entity in chunk:
            if entity.id is None:
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        message=f"{self.source.name} returned a {name} without an id;"
                        " it cannot be tracked and was skipped",
                    )
                )
                run.report.count(name, Outcome.SKIPPED)
                continue
            try:
                if not self.rules.keep(entity):
                    run.report.count(name, Outcome.SKIPPED)
                    continue
                prepared.append(self.rules.apply(entity))
            except CartMigrateError as error:
                fail(run, name, entity.id, error, failures)
        batch = sort_batch(run, kind, prepared, mode)
        to_create, to_resolve = batch.to_create, batch.to_resolve
        repairs, compares, decisions = batch.repairs, batch.compares, batch.decisions
        if to_resolve:
            missing, adopted = resolve_pending(self, run, kind, to_resolve, failures)
            to_create.extend(missing)
            if adopted:  # counted as created already
                repair_references(run, kind, adopted, failures, count=False)
        if kind is Category or kind is Product:
            # A child category can only be created once its parent has a target
            # id, a grouped product once its children have.
            while to_create:
                waiting = {e.id for e in to_create}
                wave = [e for e in to_create if not _waits_for(e, kind, waiting)]
                wave = wave or to_create  # a cycle: break it
                create(self, run, kind, wave, failures)
                sent = {e.id for e in wave}
                to_create = [e for e in to_create if e.id not in sent]
        elif to_create:
            create(self, run, kind, to_create, failures)
        if repairs:
            # A full migration counts the repair; a smart update counts the comparison.
            repaired = repair_references(run, kind, repairs, failures, count=mode == "full")
            if mode == "smart":
                compares.extend(repaired)
        if compares:
            held.add(compares, decisions)
        if failures:
            run.state.put_failures(failures)
