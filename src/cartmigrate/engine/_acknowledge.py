"""A deletion on the target that the merchant meant: acknowledged, not an error.

The new shop's team deletes a product it does not want to sell any more. The
state still counts it as migrated, so the target holds one fewer than the id
map says, and every nightly report is NOT OK, for ever, for a decision that
was deliberate. ``engine.acknowledge_deleted(Product, ["42"])`` records the
decision in the state (meta ``acknowledged.<kind>``: source id -> target id,
reason, when): the reconciliation counts the entity as acknowledged instead
of missing, the call neither recreates nor updates it, and every report says
how many were acknowledged, so the choice stays visible. ``remigrate``
forgets them with the rest of the id map.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from .._exceptions import ConfigurationError
from ..connectors import Cart
from ..models import Entity
from ..state import StateStore

__all__ = ["acknowledge_deleted", "acknowledged", "forget_acknowledged"]

_KEY = "acknowledged.{kind}"


def acknowledged(state: StateStore, kind: str) -> dict[str, dict[str, Any]]:
    """Source id -> what was recorded, for the acknowledged deletions of ``kind``."""
    try:
        raw = state.get_meta(_KEY.format(kind=kind))
    except NotImplementedError:
        return {}
    if not raw:
        return {}
    loaded = json.loads(raw)
    return loaded if isinstance(loaded, dict) else {}


def acknowledge_deleted(
    state: StateStore,
    target: Cart,
    kind: type[Entity],
    source_ids: Sequence[str],
    *,
    reason: str | None,
    now: dt.datetime,
) -> None:
    """Record that these migrated entities were deleted on the target on purpose.

    Refuses (``ConfigurationError``, nothing recorded) an id that was never
    migrated, or whose target entity is still there: acknowledging what is
    not gone would hide a real loss later.
    """
    name = kind.kind
    records = state.get(name, list(source_ids))
    unknown = [
        sid
        for sid in source_ids
        if sid not in records or records[sid].status != "synced" or not records[sid].target_id
    ]
    if unknown:
        raise ConfigurationError(
            f"acknowledge_deleted: {name} {', '.join(unknown)} was never migrated to the target;"
            " only a migrated entity can be acknowledged as deleted there"
        )
    target_ids = {sid: str(records[sid].target_id) for sid in source_ids}
    still = target.get_many(kind, sorted(set(target_ids.values())))
    present = [sid for sid, tid in target_ids.items() if tid in still]
    if present:
        raise ConfigurationError(
            f"acknowledge_deleted: {name} {', '.join(present)} is still on the target"
            f" ({', '.join(target_ids[s] for s in present)}); delete it there first"
        )
    known = acknowledged(state, name)
    for sid, tid in target_ids.items():
        known[sid] = {"target_id": tid, "reason": reason or "", "at": now.isoformat()}
    try:
        state.set_meta(_KEY.format(kind=name), json.dumps(known, sort_keys=True))
    except NotImplementedError:
        raise ConfigurationError(
            f"{type(state).__name__} keeps no metadata: it cannot record an acknowledgement"
        ) from None


def forget_acknowledged(state: StateStore, kinds: Sequence[str]) -> None:
    """Drop the acknowledgements of ``kinds`` (``remigrate`` starts over)."""
    for name in kinds:
        try:
            if state.get_meta(_KEY.format(kind=name)):
                state.set_meta(_KEY.format(kind=name), "{}")
        except NotImplementedError:
            return
