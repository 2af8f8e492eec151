"""What the child processes of the concurrency tests run (importable, so they pickle)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import attrs

from cartmigrate import (
    Capabilities,
    MemoryCart,
    MigrationLocked,
    StateMismatch,
    StateStore,
    SyncEngine,
)
from cartmigrate.connectors import Created
from cartmigrate.models import Entity
from cartmigrate.testing import generate_store

E = Any


def shop() -> list[Entity]:
    return generate_store(
        seed=7, products=40, customers=40, orders=60, categories=8, manufacturers=4, reviews=20
    )


class LoggedCart(MemoryCart):
    """A target in one process whose every create is appended to a file shared by all:
    two processes creating the same source entity show as two lines."""

    def __init__(self, log: str) -> None:
        super().__init__()
        self._log = log

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        created = super().create(entity, source_ref=source_ref)
        line = f"{entity.kind} {source_ref}\n".encode()
        fd = os.open(self._log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)  # one write of a short line under O_APPEND: never interleaved
        finally:
            os.close(fd)
        return created


class LoggedCartWithoutRefs(LoggedCart):
    """The same, declaring that it keeps no source references (like many platforms)."""

    @property
    def capabilities(self) -> Capabilities:
        return attrs.evolve(super().capabilities, source_refs=False)


def migrate(
    open_state: Callable[[], StateStore],
    log: str,
    barrier: Any,
    results: Any,
    wait: float,
    refs: bool = True,
) -> None:
    try:
        target = LoggedCart(log) if refs else LoggedCartWithoutRefs(log)
        engine = SyncEngine(MemoryCart(shop()), target, state=open_state(), batch_size=5)
        barrier.wait(60)
        report = engine.full_migrate(wait=wait)
        created = sum(counts["created"] for counts in report.summary().values())
        results.put(("ok", created))
    except MigrationLocked as error:
        results.put(("locked", error.holder))
    except StateMismatch:
        # It ran after the other process (it held the lock), and its own target
        # is another, empty store: the state refuses it rather than say "done".
        results.put(("mismatch", dt.datetime.now(dt.UTC)))
    except BaseException as error:
        results.put(("error", f"{type(error).__name__}: {error}"))
