"""What a call did (or, in a dry run, would do): counts, failures, warnings, changes."""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal, cast

import attrs
from deepdiff import DeepDiff

from .._redact import scrub

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
    ``total`` when the source can tell."""

    call: str
    entity: str
    done: int
    total: int | None = None


@attrs.define(frozen=True, kw_only=True)
class Reconciliation:
    """Counts per entity type after a call: the source's, and the id map's."""

    source: int | None
    migrated: int
    failed: int
    skipped: int

    @property
    def complete(self) -> bool:
        """Whether every source entity is accounted for (migrated, failed or skipped)."""
        return self.source is None or self.migrated + self.failed + self.skipped >= self.source


_OUTCOMES = [o.value for o in Outcome]


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
    changes: list[Change] = attrs.field(factory=list)
    reconciliation: dict[str, Reconciliation] = attrs.field(factory=dict)
    _counts: dict[str, Counter[str]] = attrs.field(factory=dict, alias="counts")

    def count(self, entity: str, outcome: Outcome, n: int = 1) -> None:
        self._counts.setdefault(entity, Counter())[outcome.value] += n

    def summary(self) -> dict[str, dict[str, int]]:
        """``{"product": {"created": 3, "updated": 0, ...}, ...}`` for every type touched."""
        return {
            entity: {outcome: counts.get(outcome, 0) for outcome in _OUTCOMES}
            for entity, counts in self._counts.items()
        }

    def total(self, outcome: Outcome | str) -> int:
        """How many entities, of any type, had this outcome."""
        return sum(counts.get(str(outcome), 0) for counts in self._counts.values())

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    def _rows(self) -> list[list[str]]:
        rows = [["entity", *_OUTCOMES]]
        for entity, counts in self.summary().items():
            rows.append([entity, *(str(counts[o]) for o in _OUTCOMES)])
        return rows

    def __str__(self) -> str:
        title = f"{self.call}{' (dry run)' if self.dry_run else ''}"
        rows = self._rows()
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [title]
        for index, row in enumerate(rows):
            lines.append(
                "  ".join(
                    cell.rjust(w) if i else cell.ljust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        for entity, rec in self.reconciliation.items():
            source = "?" if rec.source is None else str(rec.source)
            mark = "ok" if rec.complete else "MISSING"
            lines.append(
                f"{entity}: {source} on source, {rec.migrated} migrated,"
                f" {rec.failed} failed, {rec.skipped} skipped [{mark}]"
            )
        if self.failures:
            lines.append(f"{len(self.failures)} failure(s):")
            lines.extend(
                f"  {f.entity} {f.source_id}{'.' + f.field if f.field else ''}: {f.message}"
                for f in self.failures[:20]
            )
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s):")
            lines.extend(
                f"  {w.entity}{' ' + w.source_id if w.source_id else ''}: {w.message}"
                for w in self.warnings[:20]
            )
        return scrub("\n".join(lines))

    def _repr_html_(self) -> str:
        """A table in Jupyter notebooks."""
        rows = self._rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in rows[1:]
        )
        caption = html.escape(f"{self.call}{' (dry run)' if self.dry_run else ''}")
        extra = ""
        if self.failures:
            items = "".join(
                f"<li>{html.escape(f'{f.entity} {f.source_id}: {f.message}')}</li>"
                for f in self.failures[:50]
            )
            extra = f"<p>{len(self.failures)} failure(s)</p><ul>{items}</ul>"
        return scrub(
            f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{extra}"
        )
