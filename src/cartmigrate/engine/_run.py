"""Run bookkeeping: what one call works with, and how it counts and reports.

Every phase of a call (reading, creating, adopting, updating, clearing)
reports its failures, progress and written updates through these, so a
failure is counted once, kept in the state for the next call, and stops the
call only where refused credentials or a dead host make going on pointless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import attrs

from .._exceptions import CartMigrateError
from ..connectors import Cart
from ..models import Entity
from ..state import FailureRecord, StateStore
from ._content import ContentIndex
from ._fail_fast import StopCall, is_fatal, stop_if_fatal
from ._read_ahead import ReadAhead
from ._report import Change, Failure, FieldChange, Outcome, PlainFields, Progress, Report

if TYPE_CHECKING:
    from ._engine import SyncEngine
    from ._tokens import Tokens

logger = logging.getLogger("cartmigrate")

Mode = Literal["full", "smart"]

#: What the read-ahead worker hands over: a batch of a type, the type's end
#: (None), or the error that ended the type's read.
_Streamed = tuple[type[Entity], list[Entity] | BaseException | None]


@attrs.define
class _Run:
    """Everything one call works with."""

    call: str
    source: Cart
    target: Cart
    state: StateStore
    report: Report
    dry_run: bool
    fields: dict[type[Entity], tuple[str, ...]] = attrs.field(factory=dict)
    verify: bool = False
    run_id: int = 0
    #: The newest ``updated_at`` read in this call, of any type: the best
    #: reading of the source's clock, for types that had nothing to read.
    newest: dt.datetime | None = None
    #: Types with migrated entities that changed on the source and that this
    #: (full) call left alone: their cursor must not move past those changes.
    unsynced: set[str] = attrs.field(factory=set)
    #: Where each type is read from (None: in full), decided when the call
    #: starts, and the read-ahead worker reading them all, type after type.
    reads: dict[type[Entity], dt.datetime | None] = attrs.field(factory=dict)
    stream: ReadAhead[_Streamed] | None = None
    #: Types whose sync stopped before their read ended: the worker moves on.
    abandoned: set[type[Entity]] = attrs.field(factory=set)
    #: Source ids, by type name, of the records the source could not read.
    unreadable: dict[str, set[str]] = attrs.field(factory=dict)
    #: (type name, source id, field) of the values the source said it did not
    #: read, warned about once a call (a record read twice is warned once).
    not_read: set[tuple[str, str, str]] = attrs.field(factory=set)
    #: Why the call cannot go on (the preflight failed, or a batch met refused
    #: credentials), raised by ``stopped()`` where the call can stop cleanly.
    stop: StopCall | None = None
    #: Per type name, how many were done so far, while its progress is open.
    progressing: dict[str, int] = attrs.field(factory=dict)

    def stopped(self) -> None:
        if self.stop is not None:
            raise self.stop

    #: A target without source references: its unowned entities by content.
    content: ContentIndex | None = None
    #: Per type name, how many entities sorted in this call were synced
    #: before it: when a full read saw as many as the state held, the source
    #: deleted none of them.
    synced_seen: dict[str, int] = attrs.field(factory=dict)
    #: What this call's change tokens say of the mapping rules (None: a
    #: transform turns them off); the time stamps it trusts are older than
    #: ``token_before``; per type, how it takes them (``_tokens.tokens_for``).
    rules_label: str | None = None
    token_before: dt.datetime | None = None
    tokens: dict[type[Entity], Tokens] = attrs.field(factory=dict)


def fail(
    run: _Run,
    kind: str,
    source_id: str,
    error: CartMigrateError,
    failures: list[FailureRecord],
    *,
    retry_as: tuple[str, str] | None = None,
    defer_stop: bool = False,
) -> None:
    """Report a failure, and keep it in the state so the next call retries.

    ``retry_as`` (kind, source id) keeps it under another entity, the one
    the next call must fetch again: a variant's under its product.
    Refused credentials or a dead host stop the call instead (``StopCall``);
    ``defer_stop`` keeps it for ``run.stopped()``, so a batch still records
    what it created first.
    """
    if defer_stop and is_fatal(error):
        run.stop = run.stop or StopCall(error)
        return
    stop_if_fatal(error)  # refused credentials, a dead host: not this entity's fault
    field = getattr(error, "field", None)
    state_kind, state_id = retry_as or (kind, source_id)
    failure = Failure(
        entity=kind,
        source_id=source_id,
        message=str(error),
        field=field,
        error=type(error).__name__,
    )
    run.report.failures.append(failure)
    run.report.count(kind, Outcome.FAILED)
    failures.append(
        FailureRecord(
            kind=state_kind,
            source_id=state_id,
            message=str(error),
            field=field,
            error=type(error).__name__,
        )
    )
    logger.warning("%s %s failed: %s", kind, source_id, error)


def source_ref(engine: SyncEngine, kind: str, source_id: str) -> str:
    """How the target knows an entity created from ``source_id``: the source's
    name, the type and the id, so a lost answer can be looked up."""
    return f"{engine.source.name}:{kind}:{source_id}"


def progress(
    engine: SyncEngine,
    run: _Run,
    name: str,
    done: int,
    total: int | None,
    *,
    finished: bool = False,
) -> None:
    """Tell ``on_progress`` how far a type is; a finished one is no longer open."""
    if finished:
        run.progressing.pop(name, None)
    else:
        run.progressing[name] = done
    if engine._on_progress is not None:
        engine._on_progress(
            Progress(call=run.call, entity=name, done=done, total=total, finished=finished)
        )


def record_update(
    run: _Run,
    kind: type[Entity],
    source_id: str,
    target_id: str | None,
    changes: Mapping[str, FieldChange],
) -> None:
    """List a written update in the report, its values as plain data."""
    run.report.changes.append(
        Change(
            action="update",
            entity=kind.kind,
            source_id=source_id,
            target_id=target_id,
            fields=PlainFields(changes),
        )
    )
