"""State stores: the id map, cursors, open failures and run history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import FailureRecord, RunRecord, StateStore, SyncRecord, SyncStatus
from ._memory import MemoryStateStore
from ._sqlite import SQLiteStateStore

if TYPE_CHECKING:
    from ._sql import SQLStateStore

__all__ = [
    "FailureRecord",
    "MemoryStateStore",
    "RunRecord",
    "SQLStateStore",
    "SQLiteStateStore",
    "StateStore",
    "SyncRecord",
    "SyncStatus",
]


def __getattr__(name: str) -> Any:
    # SQLAlchemy is an extra: imported only when SQLStateStore is asked for.
    if name == "SQLStateStore":
        from ._sql import SQLStateStore

        return SQLStateStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
