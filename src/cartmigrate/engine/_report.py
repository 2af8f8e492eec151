"""What a call did (or, in a dry run, would do): counts, failures, warnings, changes."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal, cast

import attrs
from deepdiff import DeepDiff

from .._redact import scrub
from ..models import Entity, Product, Variant, plain
from ._changes import ChangeLog
from ._render import html_view, text_view

__all__ = ["Change", "Failure", "FieldChange", "Notice", "Outcome", "Progress", "Report"]


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"
    DELETED = "deleted"


@attrs.define(frozen=True, kw_only=True)
class Failure:
    """An entity that could not be written; the next call retries it."""

    entity: str
    source_id: str
    #: Scrubbed of credentials (a platform's message may quote the request).
    message: str = attrs.field(converter=scrub)
    field: str | None = None
    error: str = "CartMigrateError"


@attrs.define(frozen=True, kw_only=True)
class Notice:
    """Something a user should know that did not fail: a dropped reference,
    an adopted entity, an entity deleted on the source, an unsupported type."""

    entity: str
    message: str = attrs.field(converter=scrub)
    source_id: str | None = None
    field: str | None = None


@attrs.define(frozen=True, kw_only=True)
class FieldChange:
    """One field's value before and after.

    ``detail`` is deepdiff's view of what changed inside a nested value (status
    history, shipments), worked out when asked for: a sync of thousands of
    orders should not pay for a view nobody reads.
    """

    old: Any
    new: Any

    @property
    def detail(self) -> Mapping[str, Any] | None:
        if not isinstance(self.old, list | tuple) and not isinstance(self.new, list | tuple):
            return None
        return cast(Mapping[str, Any], DeepDiff(self.old, self.new, verbose_level=2).to_dict())


class PlainFields(Mapping[str, FieldChange]):
    """A written update's fields, as plain data when first read.

    A report lists every update with its old and new values as plain data
    (models as dicts, amounts and times as text). Converting them as each
    update was written cost 6-8% of a smart update, for reports most callers
    only count: the values are kept as compared, and a change's fields are
    converted when first read, or when the change is spilled to disk.
    """

    __slots__ = ("_plain", "_raw")

    def __init__(self, raw: Mapping[str, FieldChange]) -> None:
        self._raw = dict(raw)  # (the caller's dict may change after)
        self._plain: dict[str, FieldChange] | None = None

    def _view(self) -> dict[str, FieldChange]:
        if self._plain is None:
            self._plain = {
                name: FieldChange(old=plain(c.old), new=plain(c.new))
                for name, c in self._raw.items()
            }
        return self._plain

    def __getitem__(self, name: str) -> FieldChange:
        return self._view()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return repr(self._view())

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (self._view(),))  # pickled (spilled) as the plain dict it reads as


@attrs.define(frozen=True, kw_only=True)
class Change:
    """A write, planned (dry run) or done: the fields it sets, old -> new."""

    action: Literal["create", "update", "delete"]
    entity: str
    source_id: str | None
    target_id: str | None
    fields: Mapping[str, FieldChange] = attrs.field(factory=dict)


@attrs.define(frozen=True, kw_only=True)
class Progress:
    """A progress event: ``done`` entities of ``entity`` handled so far, out of
    ``total`` when the source can tell; ``finished`` on the type's last event."""

    call: str
    entity: str
    done: int
    total: int | None = None
    finished: bool = False


@attrs.define(frozen=True, kw_only=True)
class Reconciliation:
    """Counts per entity type after a call: the source's, the id map's, and the
    target's own count (None where a cart cannot count cheaply)."""

    source: int | None
    migrated: int
    failed: int
    skipped: int
    target: int | None = None
    #: Migrated entities the user acknowledged as deleted on the target on purpose
    #: (``engine.acknowledge_deleted``): counted, not missing.
    acknowledged: int = 0

    @property
    def complete(self) -> bool:
        """Whether every source entity is accounted for (migrated, failed or skipped)."""
        return self.source is None or self.migrated + self.failed + self.skipped >= self.source

    @property
    def consistent(self) -> bool:
        """Whether the target holds at least what the id map says was migrated there.

        It may hold more (what was there before); fewer means entities the
        state counts as migrated are gone — unless they were acknowledged as
        deleted there on purpose.
        """
        return self.target is None or self.target >= self.migrated - self.acknowledged

    @property
    def ok(self) -> bool:
        return self.complete and self.consistent


def _change_log(changes: Iterable[Change]) -> ChangeLog:
    return changes if isinstance(changes, ChangeLog) else ChangeLog(changes)


_OUTCOMES = [o.value for o in Outcome]
_VALUES: dict[Outcome, str] = {o: o.value for o in Outcome}

#: The version of ``Report.to_dict()``'s layout.
SCHEMA_VERSION = 1


@attrs.define(kw_only=True)
class Report:
    """The result of one engine call.

    ``summary()`` gives counts per entity type and outcome; ``failures`` and
    ``warnings`` name each entity; ``changes`` lists every planned write in a
    dry run, and every update in a real run (creates and deletes are counted,
    not listed, so a million-entity migration does not keep a million changes).
    """

    call: str
    dry_run: bool = False
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    failures: list[Failure] = attrs.field(factory=list)
    warnings: list[Notice] = attrs.field(factory=list)
    #: A list-like ``ChangeLog``: the first thousand in memory, the rest in a file.
    changes: ChangeLog = attrs.field(factory=ChangeLog, converter=_change_log)
    reconciliation: dict[str, Reconciliation] = attrs.field(factory=dict)
    _counts: dict[str, Counter[str]] = attrs.field(factory=dict, alias="counts")

    def count(self, entity: str, outcome: Outcome, n: int = 1) -> None:
        # Called per entity: no Counter built per call, no enum lookup.
        counts = self._counts.get(entity)
        if counts is None:
            counts = self._counts[entity] = Counter()
        counts[_VALUES[outcome]] += n

    def count_with_variants(
        self, entity: Entity, outcome: Outcome, variants: Outcome | None = None
    ) -> None:
        """Count ``entity``, and a product's variants with the same outcome (or
        ``variants``: an update that left them alone), so variants are counted
        the same way by every call and every path through it."""
        self.count(entity.kind, outcome)
        if isinstance(entity, Product) and entity.variants:
            self.count(
                Variant.kind, outcome if variants is None else variants, len(entity.variants)
            )

    def summary(self) -> dict[str, dict[str, int]]:
        """``{"product": {"created": 3, "updated": 0, ...}, ...}`` for every type touched."""
        return {
            entity: {outcome: counts.get(outcome, 0) for outcome in _OUTCOMES}
            for entity, counts in self._counts.items()
        }

    def total(self, outcome: Outcome | str) -> int:
        """How many entities, of any type, had this outcome (variants included:
        every call counts them beside their products)."""
        return sum(counts.get(str(outcome), 0) for counts in self._counts.values())

    @property
    def ok(self) -> bool:
        """True when nothing failed and every type reconciles (source, id map, target)."""
        return not self.failures and all(r.ok for r in self.reconciliation.values())

    # -- views -------------------------------------------------------------
    def __str__(self) -> str:
        return scrub(text_view(self))

    def _repr_html_(self) -> str:
        """The notebook view: the same as ``str(report)``, as tables."""
        return scrub(html_view(self))

    # -- export ------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-safe data, in the schema docs/reports.md describes.

        ``schema`` is bumped when a key changes meaning or goes away; new keys
        may be added. Amounts are strings, times ISO 8601 in UTC.
        """
        return {
            "schema": SCHEMA_VERSION,
            "call": self.call,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "started_at": plain(self.started_at),
            "finished_at": plain(self.finished_at),
            "summary": self.summary(),
            "reconciliation": {
                kind: {
                    "source": rec.source,
                    "migrated": rec.migrated,
                    "failed": rec.failed,
                    "skipped": rec.skipped,
                    "target": rec.target,
                    "acknowledged": rec.acknowledged,
                    "ok": rec.ok,
                }
                for kind, rec in self.reconciliation.items()
            },
            "failures": [
                {
                    "entity": f.entity,
                    "source_id": f.source_id,
                    "field": f.field,
                    "error": f.error,
                    "message": f.message,
                }
                for f in self.failures
            ],
            "warnings": [
                {
                    "entity": w.entity,
                    "source_id": w.source_id,
                    "field": w.field,
                    "message": w.message,
                }
                for w in self.warnings
            ],
            "changes": [
                {
                    "action": c.action,
                    "entity": c.entity,
                    "source_id": c.source_id,
                    "target_id": c.target_id,
                    "fields": {
                        name: {"old": plain(fc.old), "new": plain(fc.new)}
                        for name, fc in c.fields.items()
                    },
                }
                for c in self.changes
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text."""
        return scrub(json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str))

    def failures_csv(self) -> str:
        """The failures as CSV (entity, source_id, field, error, message), for a
        spreadsheet or a ticket: one row per failed entity, a header first.

        Messages carry store data (a product name, a platform's error text), and
        a spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, a tab
        or a carriage return as a formula. Such a cell is written with a leading
        ``'`` and every cell is quoted (OWASP's advice against CSV injection), so
        it opens as text, and a line break inside a message stays in its cell.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(["entity", "source_id", "field", "error", "message"])
        for f in self.failures:
            writer.writerow(
                [_cell(v) for v in (f.entity, f.source_id, f.field or "", f.error, f.message)]
            )
        return scrub(buffer.getvalue())


#: What makes a spreadsheet read a cell as a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text, never runs."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value
