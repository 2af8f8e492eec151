"""``engine.check()``: what a migration will meet, asked before anything is written.

One call, no writes: each store answers and takes its credentials (and, where
the connector can tell, holds the permissions a migration needs), what each
type can do (read, read incrementally, be stored), what the target says about
writing it, whether the state belongs to these stores, and the mapping rules.
The three calls run the cheap part of it (the stores answer) themselves.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Literal

import attrs

from .._exceptions import CartMigrateError, StateMismatch
from ..connectors import Cart
from ..models import ENTITY_TYPES
from ._binding import check_binding

if TYPE_CHECKING:
    from ._engine import SyncEngine

__all__ = ["Check", "CheckReport", "run_check"]

Status = Literal["ok", "warning", "failed"]


@attrs.define(frozen=True, kw_only=True)
class Check:
    """One finding: about what (``subject``), how it went, and what it means."""

    subject: str
    status: Status
    message: str


@attrs.define(kw_only=True)
class CheckReport:
    """What ``engine.check()`` found; ``ok`` when nothing failed."""

    checks: list[Check] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != "failed" for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "failed"]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == "warning"]

    def add(self, subject: str, status: Status, message: str) -> None:
        self.checks.append(Check(subject=subject, status=status, message=message))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checks": [
                {"subject": c.subject, "status": c.status, "message": c.message}
                for c in self.checks
            ],
        }

    def __str__(self) -> str:
        marks = {"ok": "ok  ", "warning": "WARN", "failed": "FAIL"}
        width = max((len(c.subject) for c in self.checks), default=0)
        lines = [f"check: {'ok' if self.ok else 'NOT OK'}"]
        lines.extend(
            f"  [{marks[c.status]}] {c.subject.ljust(width)}  {c.message}" for c in self.checks
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = "".join(
            f"<tr><td>{html.escape(c.status)}</td><td>{html.escape(c.subject)}</td>"
            f"<td>{html.escape(c.message)}</td></tr>"
            for c in self.checks
        )
        return (
            f"<div class='cartmigrate-check'><h4>check: {'ok' if self.ok else 'NOT OK'}</h4>"
            "<table><thead><tr><th>status</th><th>subject</th><th>finding</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )


def _store(report: CheckReport, side: str, cart: Cart) -> bool:
    """The store answers and takes its credentials; returns whether it did."""
    subject = f"{side} {cart.store_identity}"
    try:
        cart.check_access()
    except CartMigrateError as error:
        report.add(subject, "failed", f"{error} [{type(error).__name__}]")
        return False
    report.add(subject, "ok", "answers and accepts the credentials")
    try:
        problems = cart.check_permissions(write=side == "target")
    except CartMigrateError as error:
        report.add(subject, "failed", f"permissions: {error} [{type(error).__name__}]")
        return False
    for problem in problems:
        report.add(subject, "failed", problem)
    if side == "target":
        try:
            limits = cart.check_limits()
        except CartMigrateError as error:
            report.add(subject, "warning", f"limits: {error} [{type(error).__name__}]")
            return True
        for limit in limits:
            report.add(subject, "ok", f"limit: {limit}")
    return True


def _types(report: CheckReport, source: Cart, target: Cart) -> None:
    try:
        reads, incremental = source.capabilities.reads, source.capabilities.incremental
        writes = target.capabilities.writes
    except CartMigrateError as error:
        report.add("capabilities", "failed", f"{error} [{type(error).__name__}]")
        return
    for kind in ENTITY_TYPES:
        name = kind.kind
        if kind not in reads:
            report.add(name, "warning", f"{source.name} cannot read {name} entities: not migrated")
            continue
        if kind not in writes:
            report.add(name, "warning", f"{target.name} cannot store {name} entities: skipped")
            continue
        how = "incrementally" if kind in incremental else "in full on each smart_update"
        report.add(name, "ok", f"read {how}, written to {target.name}")
        try:
            notes = target.write_notes(kind)
        except CartMigrateError:
            notes = ()
        for note in notes:
            report.add(name, "warning", f"{target.name}: {note}")


def run_check(engine: SyncEngine) -> CheckReport:
    """Everything ``engine.check()`` looks at, without writing anything."""
    report = CheckReport()
    reached = [_store(report, "source", engine.source), _store(report, "target", engine.target)]
    if all(reached):
        _types(report, engine.source, engine.target)
        try:
            notices = check_binding(engine.source, engine.target, engine.state, confirm_target=True)
        except StateMismatch as error:
            report.add("state", "failed", str(error))
        else:
            report.add("state", "ok", "belongs to these stores (or is new)")
            for notice in notices:
                report.add("state", "warning", notice.message)
    rules = engine.rules
    report.add(
        "mapping rules",
        "ok",
        f"{len(rules.value_maps)} value map(s), {len(rules.transforms)} transform(s),"
        f" {len(rules.filters)} filter(s); every model and field they name exists",
    )
    return report
