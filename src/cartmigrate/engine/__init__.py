"""The SyncEngine and the reports it returns."""

from __future__ import annotations

from ._engine import DEFAULT_FIELDS, SyncEngine
from ._report import Change, Failure, FieldChange, Notice, Outcome, Progress, Reconciliation, Report

__all__ = [
    "DEFAULT_FIELDS",
    "Change",
    "Failure",
    "FieldChange",
    "Notice",
    "Outcome",
    "Progress",
    "Reconciliation",
    "Report",
    "SyncEngine",
]
