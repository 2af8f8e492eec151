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
        try:
            from ._sql import SQLStateStore
        except ImportError as error:
            raise ImportError(
                f"SQLStateStore needs SQLAlchemy 2 (and psycopg 3 for PostgreSQL):"
                f" pip install 'cartmigrate[postgres]' ({error})"
            ) from error
        return SQLStateStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
