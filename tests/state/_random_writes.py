"""Random writes of every kind a state store takes, and its counts, for the
tests that compare those counts with the rows (SQLite's and the SQL store's)."""

from __future__ import annotations

import random

from cartmigrate.state import StateStore, SyncRecord

KINDS = ("product", "order")
STATUSES = (None, "pending", "synced", "failed")


def random_write(store: StateStore, rng: random.Random, *, ids: int, forget: float) -> None:
    """One write: an intent, records of any status, a discard, the same row
    twice in one batch, or (with chance ``forget``) forgetting a kind."""
    kind = rng.choice(KINDS)
    chosen = [str(rng.randrange(ids)) for _ in range(rng.randrange(1, 8))]
    action = rng.randrange(5)
    if action == 0:
        store.put_pending(kind, chosen)
    elif action == 1:
        store.put(
            SyncRecord(
                kind=kind,
                source_id=sid,
                target_id=f"t{sid}",
                status=rng.choice(["synced", "failed", "pending"]),
            )
            for sid in chosen
        )
    elif action == 2:
        store.discard(kind, chosen)
    elif action == 3:
        store.put([SyncRecord(kind=kind, source_id=chosen[0], status="synced")] * 2)
    elif rng.random() < forget:
        store.forget([kind])


def counted(state: StateStore) -> dict[tuple[str, str | None], int]:
    """What ``count`` says, per kind and status (None: all)."""
    return {
        (kind, status): state.count(kind, status=status)  # type: ignore[arg-type]
        for kind in KINDS
        for status in STATUSES
    }
