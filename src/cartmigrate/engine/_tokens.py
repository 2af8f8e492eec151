"""Change tokens: when the source's ``updated_at`` alone says "as synced".

A scan (a type the source cannot read by time, or any full read) has to
decide, for every entity it reads, whether it changed since it was synced.
A digest of the selected fields answers that for any source, but costs a
few microseconds per entity: most of what a scan of an unchanged store
costs. Where the platform moves an entity's ``updated_at`` on every change
to it, that time stamp answers the same question by one comparison. A cart
says so per type in ``Capabilities.change_tokens``, apart from whether it
can filter by time (``incremental``): WooCommerce cannot filter customers
but keeps their date modified that way, and can filter products but, after
7.9, is reported to leave their date alone when a sale lowers their stock
(woocommerce/woocommerce#40060; 7.9 moves it).

A token is kept at the end of a record's stamp (``;~<token>``) only beside
parts taken of the same content, so a token that matches vouches for those
parts: the target holds what they say of the entity as it is now. Mapping
rules shape what is synced, so the token carries a label of the value maps,
and a transform (code the engine cannot fingerprint) turns tokens off: the
digests decide then, as for a source without tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from .._exceptions import ConnectorError
from ..mapping import MappingRules
from ..models import Entity

if TYPE_CHECKING:
    from ._run import _Run

__all__ = ["NO_TOKENS", "TOKEN_MARK", "Tokens", "rules_label", "tokens_for"]

#: What starts a stamp's token part.
TOKEN_MARK = ";~"


def rules_label(rules: MappingRules) -> str | None:
    """What a token says of the mapping rules it was taken under: ``""`` for
    no value maps, a short digest of them otherwise; None where a transform
    makes tokens untrustworthy."""
    if rules.transforms:
        return None
    if not rules.value_maps:
        return ""
    tables = rules.value_maps.items()
    text = repr(sorted((key, sorted(map(repr, table.items()))) for key, table in tables))
    return "@" + hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


class Tokens:
    """How this call takes the tokens of one type's entities: each entity's
    token (its ``updated_at`` as an instant, with the rules' label), or None
    where there is none to trust (``NO_TOKENS`` answers None for all).

    A platform keeps ``updated_at`` to the second or so, and two edits within
    that second share one: a token read then would hide the second edit. So
    a token is taken only of a time stamp older than the call's start by the
    engine's ``overlap`` (``before``, which also covers the two clocks'
    skew): any later edit has a later stamp.
    """

    __slots__ = ("before", "suffix")

    def __init__(self, suffix: str | None, before: dt.datetime | None) -> None:
        self.suffix = suffix
        self.before = before

    def __call__(self, entity: Entity) -> str | None:
        updated_at: dt.datetime | None = getattr(entity, "updated_at", None)
        if self.before is None or updated_at is None or updated_at >= self.before:
            return None
        return f"{TOKEN_MARK}{updated_at.timestamp()!r}{self.suffix}"

    def many(self, entities: Iterable[Entity]) -> dict[str, str]:
        """The tokens of those of ``entities`` (a batch of one type) that have
        one, by source id: the same tokens as one call each, in one pass."""
        before, suffix, mark = self.before, self.suffix, TOKEN_MARK
        entities = list(entities)
        if before is None or not entities or not hasattr(entities[0], "updated_at"):
            return {}
        return {
            cast(str, entity.id): f"{mark}{updated_at.timestamp()!r}{suffix}"
            for entity in entities
            if (updated_at := entity.updated_at) is not None  # type: ignore[attr-defined]
            and updated_at < before
        }


#: What ``tokens_for`` answers for a type whose ``updated_at`` is not trusted.
NO_TOKENS = Tokens(None, None)


def tokens_for(run: _Run, kind: type[Entity]) -> Tokens:
    """How this call takes the tokens of ``kind``'s entities (asked once per type)."""
    found = run.tokens.get(kind)
    if found is not None:
        return found
    tokens = NO_TOKENS
    before = run.token_before
    if run.rules_label is not None and before is not None and before.tzinfo is not None:
        try:
            capabilities = run.source.capabilities
        except ConnectorError:
            capabilities = None
        if capabilities is not None and kind in capabilities.change_tokens:
            tokens = Tokens(run.rules_label, before)
    run.tokens[kind] = tokens
    return tokens
