"""State stores: the id map, cursors, open failures and run history."""

from __future__ import annotations

from ._base import FailureRecord, RunRecord, StateStore, SyncRecord, SyncStatus
from ._memory import MemoryStateStore
from ._sqlite import SQLiteStateStore

__all__ = [
    "FailureRecord",
    "MemoryStateStore",
    "RunRecord",
    "SQLiteStateStore",
    "StateStore",
    "SyncRecord",
    "SyncStatus",
]
