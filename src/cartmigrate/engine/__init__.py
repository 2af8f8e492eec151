"""The SyncEngine and the reports it returns."""

from __future__ import annotations

from ._check import Check, CheckReport
from ._engine import SyncEngine
from ._report import Change, Failure, FieldChange, Notice, Outcome, Progress, Reconciliation, Report
from ._selection import DEFAULT_FIELDS, EntitySelector, FieldSelection

__all__ = [
    "DEFAULT_FIELDS",
    "Change",
    "Check",
    "CheckReport",
    "EntitySelector",
    "Failure",
    "FieldChange",
    "FieldSelection",
    "Notice",
    "Outcome",
    "Progress",
    "Reconciliation",
    "Report",
    "SyncEngine",
]
