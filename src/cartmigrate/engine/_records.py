"""What the state keeps of a synced entity, and how it tells "in step" cheaply.

A record's fingerprint is *stamped* with the field selection it was synced
for: a create writes every field (``_ALL_FIELDS``), a smart update the fields
it compared. The next call trusts a record only for a selection it covers, so
choosing other fields later still compares them with the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from ..models import Entity, Product, Variant, fingerprint
from ..state import SyncRecord

#: The selection a create writes: every field.
_ALL_FIELDS = "*"


#: The fingerprint of an entity found on the target and left alone (``existing="leave"``).
_LEFT_ALONE = "left-alone"


def _selection(selected: Sequence[str], variant_selected: Sequence[str]) -> str:
    """A name for a field selection, kept beside the fingerprint of what it synced."""
    return ",".join(sorted(selected)) + "|" + ",".join(sorted(variant_selected))


def _stamp(digest: str, selection: str) -> str:
    """What the state keeps: the synced source's fingerprint, and for which fields."""
    return f"{digest}/{selection}"


def _same_source(record: SyncRecord, entity: Entity) -> bool:
    """Whether ``entity`` is the source content last synced for ``record``."""
    stamp = record.fingerprint
    return stamp is not None and stamp.split("/", 1)[0] == fingerprint(entity)


def _in_step(stamp: str | None, digest: str, selection: str) -> bool:
    """Whether the target is known to hold ``selection`` of a source with ``digest``:
    all of it after a create, or that same selection compared since."""
    return stamp in (_stamp(digest, _ALL_FIELDS), _stamp(digest, selection))


def synced(
    name: str,
    entity: Entity,
    target_id: str,
    variant_ids: Sequence[str],
    owned: bool,
    dropped: tuple[str, ...] = (),
    *,
    written: bool,
) -> list[SyncRecord]:
    """Records of a synced entity and its variants.

    ``written``: the target holds what was sent (a create), so every field
    is in step; otherwise (an adopted entity) no fingerprint is kept and the
    next smart update compares the selected fields before trusting it.
    """
    records = [
        SyncRecord(
            kind=name,
            source_id=cast(str, entity.id),
            target_id=target_id,
            status="synced",
            fingerprint=_stamp(fingerprint(entity), _ALL_FIELDS) if written else None,
            owned=owned,
            dropped=dropped,
        )
    ]
    if isinstance(entity, Product):
        # A variant needs no fingerprint of its own: its product's covers it.
        for variant, variant_target in zip(entity.variants, variant_ids, strict=False):
            if variant.id is not None:
                records.append(
                    SyncRecord(
                        kind=Variant.kind,
                        source_id=variant.id,
                        target_id=variant_target,
                        status="synced",
                        owned=owned,
                        parent_id=target_id,
                    )
                )
    return records
