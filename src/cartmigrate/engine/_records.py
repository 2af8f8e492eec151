"""What the state keeps of a synced entity, and how it tells "in step" cheaply.

A record's fingerprint is *stamped* with the field selection it was synced
for: a create writes every field (``_ALL_FIELDS``), a smart update the fields
it compared. The next call trusts a record only for a selection it covers, so
choosing other fields later still compares them with the target.

A stamp holds one or more parts separated by ``;``:

- ``<digest of the whole entity>/*``: written by a create (every field is
  on the target), or, from older versions, ``<digest>/<selection>``;
- ``<digest of the selected fields>=<selection>``: the target holds these
  fields of this source content. A create writes one for the default
  selection, and a smart update one for what it compared.

A smart update decides "unchanged" from the second kind: a digest of the few
selected fields (a product's stock and its variants', an order's status)
costs a fraction of the whole entity's, and a scan of a store is mostly that
decision. The whole digest is only taken where no selected part matches (an
entity that changed, a selection chosen for the first time, a record written
by an older version); when it shows the entity in step, the record gains the
selected part, so the next call decides cheaply.

Where the source's ``updated_at`` is a change token (``_tokens``), a stamp
ends with the token of the content its parts were taken of, and a matching
token decides before any digest is taken.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, cast

import attrs

from ..models import Entity, Order, Product, Variant, fingerprint
from ..models._serialize import _flattener
from ..state import SyncRecord
from ._selection import DEFAULT_FIELDS
from ._tokens import TOKEN_MARK

#: The selection a create writes: every field.
_ALL_FIELDS = "*"


#: What stands for the whole digest in a create's stamp where a change token
#: vouches for the content instead (``-/*``).
_BY_TOKEN = "-"

#: The fingerprint of an entity found on the target and left alone (``existing="leave"``).
_LEFT_ALONE = "left-alone"


def _selection(selected: Sequence[str], variant_selected: Sequence[str]) -> str:
    """A name for a field selection, kept beside the fingerprint of what it synced."""
    return ",".join(sorted(selected)) + "|" + ",".join(sorted(variant_selected))


def _label(selected: Sequence[str], variant_selected: Sequence[str]) -> str:
    """A short name for a field selection, for the selected part of a stamp."""
    text = _selection(selected, variant_selected)
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def _stamp(digest: str, selection: str) -> str:
    """What the state keeps: the synced source's fingerprint, and for which fields."""
    return f"{digest}/{selection}"


def _plain(value: Any) -> Any:
    """``value`` as nested tuples of str, int, float, bool and None, whose ``repr``
    is cheap: a datetime's or a Decimal's own ``repr`` costs several times
    more than the number it shows."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is tuple or kind is list:
        return tuple([_plain(item) for item in value])
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        # An aware time as its instant; a naive one as written.
        return value.timestamp() if value.tzinfo is not None else value.isoformat()
    if isinstance(value, decimal.Decimal | dt.date):
        return str(value)
    flat = _flattener(kind)
    if flat is not None:
        return _plain(flat(value))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    return repr(value)


#: Per model class and field selection, a function returning those fields as
#: plain values (``_plainer``).
_PLAINERS: dict[tuple[type, tuple[str, ...]], Callable[[Any], tuple[Any, ...]]] = {}


def _plainer(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function turning ``names`` of a ``cls`` model into a tuple of plain values.

    Written once per class and selection, as ``_flattener`` is: enum members
    become their values, times their instant, amounts their text, nested
    models (a status history, a shipment) their own plain tuples, each where
    the field's declaration says so, without testing every value's type.
    A value of another type than declared (a subclass, a raw string kept
    where a vocabulary value was expected) goes through ``_plain``.
    """
    key = (cls, names)
    found = _PLAINERS.get(key)
    if found is not None:
        return found
    namespace: dict[str, Any] = {
        "Enum": enum.Enum,
        "plain": _plain,
        "DT": dt.datetime,
        "Decimal": decimal.Decimal,
    }
    fields = attrs.fields_dict(cls)
    parts = []
    for name in names:
        field = fields[name]
        value = f"o.{name}"
        declared = str(field.type)
        if "model" in field.metadata:
            model = field.metadata["model"]
            inner = tuple(f.name for f in attrs.fields(model) if f.repr)
            namespace[f"model_{name}"] = model
            namespace[f"plain_{name}"] = _plainer(model, inner)

            def one(item: str, name: str = name) -> str:
                return f"(plain_{name}({item}) if type({item}) is model_{name} else plain({item}))"

            parts.append(
                f"(None if {value} is None else tuple([{one('x')} for x in {value}])"
                f" if isinstance({value}, tuple) else {one(value)})"
            )
        elif "enum" in field.metadata:
            # ``_value_``: what ``.value`` returns, without the enum property's call.
            parts.append(f"({value}._value_ if isinstance({value}, Enum) else {value})")
        elif "datetime" in declared:
            parts.append(
                f"({value}.timestamp() if type({value}) is DT and {value}.tzinfo is not None"
                f" else plain({value}))"
            )
        elif "Decimal" in declared:
            parts.append(f"(str({value}) if type({value}) is Decimal else plain({value}))")
        elif "date" in declared:
            parts.append(f"plain({value})")
        else:
            parts.append(value)  # text, numbers, flags, ids: their repr is cheap
    source = f"def plain_fields(o):\n    return ({', '.join(parts)},)"
    exec(source, namespace)
    made: Callable[[Any], tuple[Any, ...]] = namespace["plain_fields"]
    _PLAINERS[key] = made
    return made


class _Selector:
    """One field selection, ready to digest entities with: its sorted names,
    its label, and the plain-value function per entity class met."""

    __slots__ = (
        "covering",
        "label",
        "legacy",
        "names",
        "plainers",
        "variant_names",
        "variant_plain",
    )

    def __init__(self, selected: tuple[str, ...], variant_selected: tuple[str, ...]) -> None:
        self.names = (*sorted(selected),)
        self.variant_names = ("id", *sorted(variant_selected)) if variant_selected else None
        self.label = _label(selected, variant_selected)
        self.legacy = _selection(selected, variant_selected)
        #: How a part that says the target holds this selection ends, in a
        #: stamp with a token (every part there is followed by ``;``): a
        #: create's whole digest, this selection's part, an older version's.
        self.covering = (f"/{_ALL_FIELDS};", f"={self.label};", f"/{self.legacy};")
        self.plainers: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
        self.variant_plain = (
            _plainer(Variant, self.variant_names) if self.variant_names is not None else None
        )

    def digest(self, entity: Entity) -> str:
        kind = type(entity)
        plain = self.plainers.get(kind)
        if plain is None:
            plain = self.plainers[kind] = _plainer(kind, self.names)
        values: list[Any] = [plain(entity)]
        if self.variant_plain is not None and isinstance(entity, Product):
            variant_plain, names = self.variant_plain, cast(tuple[str, ...], self.variant_names)
            values += [
                variant_plain(v) if type(v) is Variant else _plainer(type(v), names)(v)
                for v in entity.variants
            ]
        return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


@functools.cache
def _selector(selected: tuple[str, ...], variant_selected: tuple[str, ...]) -> _Selector:
    return _Selector(selected, variant_selected)


def selected_digest(
    entity: Entity, selected: Sequence[str], variant_selected: Sequence[str]
) -> str:
    """A digest of ``entity``'s selected fields (and, for a product, of its
    variants' ids and selected fields): it changes when what a smart update
    would compare changes, and costs little to take."""
    return _selector(tuple(selected), tuple(variant_selected)).digest(entity)


#: Per entity class, the default selection a create stamps beside the whole digest.
_DEFAULT_PARTS: dict[type, _Selector | None] = {}


def _default_selection(kind: type) -> _Selector | None:
    if kind in _DEFAULT_PARTS:
        return _DEFAULT_PARTS[kind]
    if issubclass(kind, Product):
        selected, variant_selected = DEFAULT_FIELDS[Product], DEFAULT_FIELDS[Variant]
    elif issubclass(kind, Order):
        selected, variant_selected = DEFAULT_FIELDS[Order], ()
    else:
        base = next((k for k in DEFAULT_FIELDS if issubclass(kind, k)), None)
        selected, variant_selected = (DEFAULT_FIELDS[base] if base else ()), ()
    found = _selector(tuple(selected), tuple(variant_selected)) if selected else None
    _DEFAULT_PARTS[kind] = found
    return found


def _default_part(entity: Entity) -> str | None:
    """The selected part a create stamps: for the default selection of its type."""
    default = _default_selection(type(entity))
    return None if default is None else f"{default.digest(entity)}={default.label}"


def _created_stamp(entity: Entity, token: str | None = None) -> str:
    """A create's stamp: every field is on the target. With a change token,
    the token vouches for the whole entity (``-/*``), so its digest, the
    costliest part of a create's bookkeeping, is not taken."""
    whole = _stamp(_BY_TOKEN if token is not None else fingerprint(entity), _ALL_FIELDS)
    part = _default_part(entity)
    stamp = whole if part is None else f"{whole};{part}"
    return stamp if token is None else stamp + token


def _same_source(stamp: str | None, entity: Entity, token: str | None = None) -> bool:
    """Whether ``entity`` is the source content last synced with this stamp."""
    if stamp is None:
        return False
    if token is not None and stamp.endswith(token):
        return True
    digest = stamp.split("/", 1)[0]
    return digest != _BY_TOKEN and digest == fingerprint(entity)


def _in_step(stamp: str | None, digest: str, selection: str) -> bool:
    """Whether the target is known to hold ``selection`` of a source with ``digest``
    (the whole entity's): all of it after a create, or that same selection
    compared since (a stamp of an older version)."""
    if stamp is None:
        return False
    parts = stamp.split(";")
    return _stamp(digest, _ALL_FIELDS) in parts or _stamp(digest, selection) in parts


def _whole_in_step(body: str, entity: Entity, selection: str) -> bool:
    """``_in_step`` by ``entity``'s whole digest, taken only where the stamp
    holds one to compare it with (not where a token stood for it)."""
    if not any("/" in p and not p.startswith(_BY_TOKEN) for p in body.split(";")):
        return False
    return _in_step(body, fingerprint(entity), selection)


def _body(stamp: str) -> tuple[str, str | None]:
    """A stamp without its token part, and that token (or None)."""
    at = stamp.find(TOKEN_MARK)
    return (stamp, None) if at < 0 else (stamp[:at], stamp[at:])


@attrs.frozen
class Decision:
    """What a smart update knows of one entity before asking the target."""

    in_step: bool
    #: The stamp to keep after comparing the selection (a selected part);
    #: None only where a change token showed the entity in step (nothing
    #: to keep beyond what the record has).
    compared: str | None
    #: A stamp to write although nothing is compared (the record gains the
    #: selected part), or None.
    restamp: str | None = None


#: A token showed the entity in step: nothing to restamp.
_TOKEN_IN_STEP = Decision(in_step=True, compared=None)


def decide(
    stamp: str | None,
    entity: Entity,
    selected: Sequence[str],
    variant_selected: Sequence[str],
    *,
    token: str | None = None,
) -> Decision:
    """Whether the target holds ``entity``'s selected fields, from its record's stamp.

    ``token``: the entity's change token where its type's ``updated_at`` is
    trusted (``_tokens.tokens_for``). One that ends the stamp says the source
    is as when the stamp's parts were taken: no digest is needed.
    """
    selector = _selector(tuple(selected), tuple(variant_selected))
    if token is not None and stamp is not None and stamp.endswith(token):
        a, b, c = selector.covering
        if a in stamp or b in stamp or c in stamp:
            return _TOKEN_IN_STEP
    part = f"{selector.digest(entity)}={selector.label}"
    tail = token or ""
    if stamp is None:
        return Decision(in_step=False, compared=part + tail)
    body, kept = _body(stamp)
    if part in body:  # a digest and a label: it matches only as a whole part
        if token is None or kept == token:
            return Decision(in_step=True, compared=part + tail)
        # In step, but the stamp's token is missing or of other content: keep
        # the parts true of this content, with its token, so the next call
        # decides from the token alone.
        if _whole_in_step(body, entity, selector.legacy):
            return Decision(in_step=True, compared=part + tail, restamp=body + token)
        return Decision(in_step=True, compared=part + tail, restamp=part + token)
    parts = body.split(";")
    own = f"={selector.label}"
    if any(p.endswith(own) for p in parts):
        # This selection's part, of other content: the entity changed. Every
        # part of a stamp that holds a whole digest was taken of that same
        # content (a create writes both, a restamp adds parts only where the
        # whole matched), so the whole digest cannot match either: not taken.
        return Decision(in_step=False, compared=part + tail)
    if not _whole_in_step(body, entity, selector.legacy):
        return Decision(in_step=False, compared=part + tail)
    # In step by the whole digest: keep what showed it, and the selected part
    # (the last two selections' parts at most, so a stamp stays short).
    whole = [p for p in parts if "/" in p]
    selected_parts = [p for p in parts if "=" in p and "/" not in p][-1:]
    restamp = ";".join([*whole, *selected_parts, part]) + tail
    return Decision(in_step=True, compared=part + tail, restamp=restamp)


def synced(
    name: str,
    entity: Entity,
    target_id: str,
    variant_ids: Sequence[str],
    owned: bool,
    dropped: tuple[str, ...] = (),
    *,
    written: bool,
    token: str | None = None,
) -> list[SyncRecord]:
    """Records of a synced entity and its variants.

    ``written``: the target holds what was sent (a create), so every field
    is in step; otherwise (an adopted entity) no fingerprint is kept and the
    next smart update compares the selected fields before trusting it.
    ``token``: the entity's change token, kept at the end of its stamp.
    """
    records = [
        SyncRecord(
            kind=name,
            source_id=cast(str, entity.id),
            target_id=target_id,
            status="synced",
            fingerprint=_created_stamp(entity, token) if written else None,
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
