"""How a report reads: as text (``str(report)``) and as HTML in a notebook.

Both views show the same things, in the same order: counts per type beside
the reconciliation (source, id map, target), the planned or written changes
field by field (old -> new), failures, then warnings. Long lists are cut,
saying how many more there are and where to find them all; a warning said
for many entities is said once, with how many.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._report import Change, FieldChange, Notice, Report

__all__ = ["html_view", "text_view"]

#: How many entries of each list a view shows before "N more".
SHOWN = 20
#: How many fields of a create a view lists.
CREATE_FIELDS = 6
_WIDTH = 70

_OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed", "deleted")
#: Rows in dependency order, variants under their products.
_ORDER = ("category", "manufacturer", "product", "variant", "customer", "order", "review")


def _short(value: Any, width: int = _WIDTH) -> str:
    """A value as a reader wants it: short, one line."""
    if isinstance(value, Mapping):
        text = " ".join(str(v) for v in value.values() if v not in (None, "", [], {}))
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def field_line(name: str, change: FieldChange) -> str:
    """``quantity: 4 -> 0``; for lists, what was added and removed."""
    old, new = change.old, change.new
    if old is None and isinstance(new, list | tuple):  # a create: what it holds
        listed = "; ".join(f"{_short(item, 50)}" for item in new[:2])
        hidden = f"; {len(new) - 2} more" if len(new) > 2 else ""
        return f"{name}: {_entries(len(new))}: {listed}{hidden}"
    if isinstance(old, list | tuple) or isinstance(new, list | tuple):
        before, after = list(old or ()), list(new or ())
        added = [item for item in after if item not in before]
        removed = [item for item in before if item not in after]
        parts = [f"{_entries(len(before))} -> {_entries(len(after))}"]
        parts += [f"+ {_short(item, 50)}" for item in added[:2]]
        parts += [f"- {_short(item, 50)}" for item in removed[:2]]
        unlisted = len(added[2:]) + len(removed[2:])
        if unlisted:
            parts.append(f"{unlisted} more")
        return f"{name}: " + "; ".join(parts)
    if change.old is None and change.new is not None and not isinstance(new, list | tuple):
        return f"{name}: {_short(new)}"
    return f"{name}: {_short(old, 32)} -> {_short(new, 32)}"


def change_title(change: Change) -> str:
    planned = change.target_id is not None and change.target_id.startswith("(new ")
    target = f" (target {change.target_id})" if change.target_id and not planned else ""
    source = f" {change.source_id}" if change.source_id else ""
    return f"{change.action} {change.entity}{source}{target}"


def change_lines(change: Change) -> list[str]:
    fields = list(change.fields.items())
    if change.action == "create":
        shown = [field_line(n, c) for n, c in fields[:CREATE_FIELDS]]
        if len(fields) > CREATE_FIELDS:
            shown.append(f"… {len(fields) - CREATE_FIELDS} more fields")
        return shown
    return [field_line(n, c) for n, c in fields]


def grouped(warnings: Iterable[Notice]) -> list[tuple[Notice, list[str]]]:
    """Warnings with the same type and message, once, with the ids they concern."""
    groups: dict[tuple[str, str, str | None], tuple[Notice, list[str]]] = {}
    for notice in warnings:
        key = (notice.entity, notice.message, notice.field)
        if key not in groups:
            groups[key] = (notice, [])
        if notice.source_id is not None:
            groups[key][1].append(notice.source_id)
    return list(groups.values())


def _notice_text(notice: Notice, ids: Sequence[str]) -> str:
    field = f".{notice.field}" if notice.field else ""
    if len(ids) <= 1:
        where = f" {ids[0]}" if ids else ""
        return f"{notice.entity}{where}{field}: {notice.message}"
    listed = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"{notice.entity}{field} ({len(ids)}: {listed}): {notice.message}"


def _more(total: int, shown: int, where: str) -> str | None:
    return f"… {total - shown} more (all in {where})" if total > shown else None


def rows(report: Report) -> list[list[str]]:
    """The counts table: outcomes per type, then the reconciliation, then a verdict."""
    summary = report.summary()
    named = [*summary, *(k for k in report.reconciliation if k not in summary)]
    kinds = sorted(named, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER))
    table = [["entity", *_OUTCOMES, "on source", "migrated", "on target", "check"]]
    for kind in kinds:
        counts = summary.get(kind, dict.fromkeys(_OUTCOMES, 0))
        rec = report.reconciliation.get(kind)
        empty = rec is None or (rec.source, rec.migrated, rec.target) in ((0, 0, 0), (0, 0, None))
        if not any(counts.values()) and empty:
            continue  # nothing of this type on either side: a row of zeros says nothing
        if rec is None:
            reconciled = ["", "", "", ""]
        else:
            verdict = "ok" if rec.ok else "MISSING" if not rec.complete else "TARGET HAS FEWER"
            if rec.acknowledged:
                verdict += f" ({rec.acknowledged} deleted there by choice)"
            reconciled = [
                "?" if rec.source is None else str(rec.source),
                str(rec.migrated),
                "?" if rec.target is None else str(rec.target),
                verdict,
            ]
        table.append([kind, *(str(counts[o]) for o in _OUTCOMES), *reconciled])
    return table


def title(report: Report) -> str:
    verdict = "ok" if report.ok else "NOT OK"
    dry = " (dry run: nothing was written)" if report.dry_run else ""
    took = ""
    if report.finished_at is not None:
        seconds = (report.finished_at - report.started_at).total_seconds()
        took = f", {seconds:.1f} s"
    return f"{report.call}{dry}: {verdict}{took}"


def text_view(report: Report) -> str:
    lines = [title(report)]
    table = rows(report)
    if len(table) > 1:
        widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
        for index, row in enumerate(table):
            cells = [
                c.rjust(w) if 0 < i < len(row) - 1 else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
    changes = report.changes
    if changes:
        label = "planned change(s)" if report.dry_run else "update(s) written"
        lines.append(f"\n{len(changes)} {label}:")
        for change in changes[:SHOWN]:
            lines.append(f"  {change_title(change)}")
            lines.extend(f"      {line}" for line in change_lines(change))
        more = _more(len(changes), SHOWN, "report.changes")
        if more:
            lines.append(f"  {more}")
    if report.failures:
        lines.append(f"\n{len(report.failures)} failure(s):")
        for failure in report.failures[:SHOWN]:
            field = f".{failure.field}" if failure.field else ""
            lines.append(
                f"  {failure.entity} {failure.source_id}{field}: {failure.message}"
                f" [{failure.error}]"
            )
        more = _more(len(report.failures), SHOWN, "report.failures / report.failures_csv()")
        if more:
            lines.append(f"  {more}")
    groups = grouped(report.warnings)
    if groups:
        lines.append(f"\n{len(report.warnings)} warning(s):")
        for notice, ids in groups[:SHOWN]:
            lines.append(f"  {_notice_text(notice, ids)}")
        more = _more(len(groups), SHOWN, "report.warnings")
        if more:
            lines.append(f"  {more}")
    return "\n".join(lines)


def _table(head: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    rows_html = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{rows_html}</tbody></table>"


def _section(heading: str, content: str, more: str | None, *, open_: bool) -> str:
    tail = f"<p>{html.escape(more)}</p>" if more else ""
    return (
        f"<details{' open' if open_ else ''}><summary>{html.escape(heading)}</summary>"
        f"{content}{tail}</details>"
    )


def html_view(report: Report) -> str:
    parts = [f"<div class='cartmigrate-report'><h4>{html.escape(title(report))}</h4>"]
    table = rows(report)
    parts.append(_table(table[0], table[1:]))
    if report.changes:
        body: list[list[str]] = []
        for change in report.changes[:SHOWN]:
            lines = change_lines(change) or [""]
            body.extend(
                [change_title(change) if i == 0 else "", line] for i, line in enumerate(lines)
            )
        label = "planned change(s)" if report.dry_run else "update(s) written"
        parts.append(
            _section(
                f"{len(report.changes)} {label}",
                _table(["change", "field: old -> new"], body),
                _more(len(report.changes), SHOWN, "report.changes"),
                open_=report.dry_run,
            )
        )
    if report.failures:
        body = [
            [f.entity, f.source_id, f.field or "", f.error, f.message]
            for f in report.failures[:SHOWN]
        ]
        parts.append(
            _section(
                f"{len(report.failures)} failure(s)",
                _table(["entity", "source id", "field", "error", "message"], body),
                _more(len(report.failures), SHOWN, "report.failures"),
                open_=True,
            )
        )
    groups = grouped(report.warnings)
    if groups:
        body = [[_notice_text(n, ids)] for n, ids in groups[:SHOWN]]
        parts.append(
            _section(
                f"{len(report.warnings)} warning(s)",
                _table(["warning"], body),
                _more(len(groups), SHOWN, "report.warnings"),
                open_=False,
            )
        )
    parts.append("</div>")
    return "".join(parts)
