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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from typing import Literal, TypeVar, cast

import attrs

from .._exceptions import (
    CartMigrateError,
    ConfigurationError,
    ConfirmationRequired,
    ConnectorError,
    TransientError,
)
from ..connectors import Cart
from ..mapping import MappingRules
from ..models import (
    ENTITY_TYPES,
    Category,
    Entity,
    Product,
    Variant,
)
from ..state import FailureRecord, MemoryStateStore, StateStore, SyncRecord
from ..state._lock import default_holder
from ._adoption import resolve_pending
from ._binding import bind, check_binding, skipped_so_far, target_count, unsaid
from ._check import CheckReport, run_check
from ._clearing import clear_target
from ._creating import create
from ._dry_run import OverlayState, PlanningCart
from ._fail_fast import StopCall, preflight, report_stop, stop_if_fatal
from ._read_ahead import ReadAhead
from ._records import _same_source
from ._report import (
    Failure,
    Notice,
    Outcome,
    Progress,
    Reconciliation,
    Report,
)
from ._run import Mode, _Run, _Streamed, fail, progress, source_ref
from ._selection import (
    _KINDS_BY_NAME,
    EntitySelector,
    FieldSelection,
    _resolve_kind,
    _selected_fields,
    _with_dependents,
)
from ._translation import repair_references
from ._updating import update

__all__ = ["SyncEngine"]

logger = logging.getLogger("cartmigrate")

E = TypeVar("E", bound=Entity)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
                    self._sync_types(run, kinds, "full")
            except StopCall as stop:
                report_stop(run.report, stop)
            finally:
                self._finish(run)
        return run.report

    # -- run bookkeeping --------------------------------------------------
    def check(self) -> CheckReport:
        """What this migration will meet, found without writing anything.

        Each store answers and takes its credentials (and the permissions a
        migration needs, where the connector can tell), what each type can do
        and what the target says about writing it, whether the state belongs
        to these stores, and the mapping rules. ``print()`` it, or show it in
        a notebook; ``.ok`` says whether anything failed.
        """
        return run_check(self)

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
        logger.info("%s finished: %s", run.call, summary)

    def _kinds(self, entities: EntitySelector | None) -> list[type[Entity]]:
        if entities is None:
            return list(ENTITY_TYPES)
        wanted = {_resolve_kind(e) for e in entities}
        if Variant in wanted:
            raise ConfigurationError("variants travel with their product: select Product")
        return [kind for kind in ENTITY_TYPES if kind in wanted]

    # -- one entity type --------------------------------------------------
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
                run.reads[kind] = self._since(run, kind, mode)
        if run.reads and self._reads_ahead(run):
            run.stream = ReadAhead(self._read_types(run, dict(run.reads)), depth=2).start()
        try:
            for kind in kinds:
                self._sync_type(run, kind, mode)
        finally:
            if run.stream is not None:
                run.stream.close()
                run.stream = None

    def _reads_ahead(self, run: _Run) -> bool:
        """``read_ahead`` as given, else as the source says (asked per call: a
        cart may find out its capabilities from the store)."""
        if self.read_ahead is not None:
            return self.read_ahead
        try:
            return run.source.capabilities.read_ahead
        except ConnectorError:
            return False

    def _since(self, run: _Run, kind: type[Entity], mode: Mode) -> dt.datetime | None:
        """Where this call reads ``kind`` from: None for a full read."""
        previous = run.state.get_cursor(kind.kind)
        incremental = kind in run.source.capabilities.incremental
        if mode == "smart" and incremental and previous is not None and not run.verify:
            return previous - self.overlap
        return None

    def _read_types(
        self, run: _Run, reads: Mapping[type[Entity], dt.datetime | None]
    ) -> Generator[_Streamed, None, None]:
        """Every type's batches, then its end; in the read-ahead worker."""
        for kind, since in reads.items():
            try:
                for chunk in _chunks(run.source.read(kind, since=since), self.batch_size):
                    if kind in run.abandoned:
                        break
                    yield kind, chunk
            except Exception as error:  # ends this type's read, raised where it is synced
                yield kind, error
            else:
                yield kind, None

    def _read_chunks(self, run: _Run, kind: type[Entity]) -> Generator[list[Entity], None, None]:
        """The batches of ``kind``: from the read-ahead worker, or read here."""
        since = run.reads.get(kind)
        if run.stream is None or kind not in run.reads:
            yield from _chunks(run.source.read(kind, since=since), self.batch_size)
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
        chunks = self._read_chunks(run, kind)
        if kind is Category:  # read whole, to send parents first
            read = cast(list[Category], list(itertools.chain.from_iterable(chunks)))
            chunks = _chunks(_parents_first(read), self.batch_size)
        total = run.source.count(kind) if since is None else None
        # Entities that failed earlier, or are not finished: an incremental read
        # will not return those unchanged since, so they are fetched by id; in a
        # full read, one that does not come back is gone from the source.
        retry = {f.source_id for f in run.state.failures(name)}
        retry.update(r.source_id for r in run.state.unfinished(name))
        seen: set[str] | None = set() if mode == "smart" and since is None else None
        newest: dt.datetime | None = None
        done = 0
        read_ids: set[str] = (
            set()
        )  # a source repeating a record (in a page or across) syncs it once
        with contextlib.closing(chunks):
            for chunk in chunks:
                chunk = self._first_reads(run, name, chunk, read_ids)
                for entity in chunk:
                    retry.discard(entity.id or "")
                    if seen is not None and entity.id is not None:
                        seen.add(entity.id)
                    stamp = getattr(entity, "updated_at", None)
                    if stamp is not None and (newest is None or stamp > newest):
                        newest = stamp
                        if run.newest is None or stamp > run.newest:
                            run.newest = stamp
                self._sync_chunk(run, kind, chunk, mode)
                self._record_unreadable(run, kind, retry)
                done += len(chunk)
                progress(self, run, name, done, total)
        self._record_unreadable(run, kind, retry)
        if retry:
            found = run.source.get_many(kind, sorted(retry)) if since is not None else {}
            still_unreadable = self._record_unreadable(run, kind, set())
            gone = sorted(retry - set(found) - still_unreadable)
            for source_id in gone:
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        source_id=source_id,
                        message="failed earlier and is gone from the source; no longer retried",
                    )
                )
            self._settle_gone(run, name, gone)
            for chunk in _chunks(found.values(), self.batch_size):
                self._sync_chunk(run, kind, chunk, mode)
        run.report.warnings.extend(
            Notice(entity=name, message=f"{self.target.name}: {note}")
            for note in unsaid(self.state, name, run.target.write_notes(kind), run.dry_run)
        )
        # A full migration leaves migrated entities alone, so it may only start
        # the cursor, and only when none of them changed since it wrote them.
        moves = mode == "smart" or (previous is None and name not in run.unsynced)
        if kind in run.source.capabilities.incremental and moves:
            run.state.set_cursor(name, self._next_cursor(run, previous, newest))
        if seen is not None:
            gone = [
                r.source_id
                for r in run.state.records(name, status="synced")
                if r.source_id not in seen
            ]
            for source_id in gone:
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        source_id=source_id,
                        message="deleted on the source; left on the target",
                    )
                )
        run.report.reconciliation[name] = Reconciliation(
            source=run.source.count(kind),
            target=target_count(run.target, kind, run.report),
            migrated=run.state.count(name, status="synced"),
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

    @staticmethod
    def _first_reads(
        run: _Run, name: str, chunk: Sequence[Entity], read_ids: set[str]
    ) -> list[Entity]:
        """``chunk`` without the entities this read returned already (once each, warned)."""
        fresh: list[Entity] = []
        for entity in chunk:
            if entity.id is not None and entity.id in read_ids:
                run.report.warnings.append(
                    Notice(
                        entity=name,
                        source_id=entity.id,
                        message="the source returned it twice in one read; synced once",
                    )
                )
                continue
            if entity.id is not None:
                read_ids.add(entity.id)
            fresh.append(entity)
        return fresh

    @staticmethod
    def _next_cursor(
        run: _Run, previous: dt.datetime | None, newest: dt.datetime | None
    ) -> dt.datetime:
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

    def _settle_gone(self, run: _Run, name: str, source_ids: Sequence[str]) -> None:
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
                        found = run.target.find_by_source_ref(
                            kind, source_ref(self, name, source_id)
                        )
                if found is not None and found.id is not None:
                    landed.append(
                        attrs.evolve(record, target_id=found.id, status="synced", owned=True)
                    )
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

    def _record_unreadable(self, run: _Run, kind: type[Entity], retry: set[str]) -> set[str]:
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
        ids = run.unreadable.get(kind.kind, set())
        retry.difference_update(ids)
        if failures:
            run.state.put_failures(failures)
        return ids

    def _sync_chunk(
        self, run: _Run, kind: type[Entity], chunk: Sequence[Entity], mode: Mode
    ) -> None:
        name = kind.kind
        failures: list[FailureRecord] = []
        prepared: list[Entity] = []
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
        records = run.state.get(name, [e.id for e in prepared if e.id is not None])
        to_create: list[Entity] = []
        to_resolve: list[Entity] = []
        to_compare: list[tuple[Entity, SyncRecord]] = []
        to_repair: list[tuple[Entity, SyncRecord]] = []
        for entity in prepared:
            record = records.get(cast(str, entity.id))
            if record is None or record.status == "failed":
                to_create.append(entity)
            elif record.status == "pending":
                to_resolve.append(entity)
            elif record.dropped:
                to_repair.append((entity, record))
            elif mode == "full":
                run.report.count_with_variants(entity, Outcome.UNCHANGED)
                if name not in run.unsynced and not _same_source(record, entity):
                    run.unsynced.add(name)
            else:
                to_compare.append((entity, record))
        if to_resolve:
            missing, adopted = resolve_pending(self, run, kind, to_resolve, failures)
            to_create.extend(missing)
            if adopted:  # counted as created already
                repair_references(run, kind, adopted, failures, count=False)
        if kind is Category:
            # A child can only be created once its parent has a target id.
            while to_create:
                waiting = {e.id for e in to_create}
                wave = [e for e in to_create if cast(Category, e).parent_id not in waiting]
                wave = wave or to_create  # a cycle: break it
                create(self, run, kind, wave, failures)
                sent = {e.id for e in wave}
                to_create = [e for e in to_create if e.id not in sent]
        elif to_create:
            create(self, run, kind, to_create, failures)
        if to_repair:
            # A full migration counts the repair; a smart update counts the comparison.
            repaired = repair_references(run, kind, to_repair, failures, count=mode == "full")
            if mode == "smart":
                to_compare.extend(repaired)
        if to_compare:
            update(self, run, kind, to_compare, failures)
        if failures:
            run.state.put_failures(failures)

    # -- creating ---------------------------------------------------------
    # -- updating ---------------------------------------------------------
    # -- clearing ---------------------------------------------------------
