"""An in-memory store that behaves like a real platform.

Through the ``Cart`` contract it acts as a platform would: it assigns its own
ids, stamps ``updated_at`` on every change, rejects duplicate SKUs and
e-mails and references to entities it does not hold, serves incremental
reads, and can be told to fail. The store owner's own hand (``add``,
``remove``) is there for demos and tests: it changes the store directly, the
way someone editing products in the shop's admin would.
"""

from __future__ import annotations

import builtins
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

import attrs

from .._exceptions import (
    DuplicateEntity,
    EntityNotFound,
    EntityRejected,
    InvalidEntity,
    TransientError,
    WriteOutcomeUnknown,
)
from ..models import (
    ENTITY_TYPES,
    Customer,
    Entity,
    Order,
    Product,
    Variant,
)
from ..models._base import _copy_with, _evolve_some, _fields_of
from ..models._references import _reference_triples, referring_fields
from ._base import Capabilities, Cart, Created
from ._modified import ModifiedIndex

__all__ = ["MemoryCart"]

E = TypeVar("E", bound=Entity)

#: Entity types that carry ``updated_at`` and so can be read incrementally.
_TIMESTAMPED: frozenset[type[Entity]] = frozenset({Product, Customer, Order})


_WRITES = frozenset({"create", "update", "delete"})

_CAPABILITIES = Capabilities(
    reads=ENTITY_TYPES,
    writes=ENTITY_TYPES,
    incremental=_TIMESTAMPED,
    change_tokens=_TIMESTAMPED,  # every write stamps updated_at
    batch_size=100,
    source_refs=True,
)


#: The fields an update must send for its entity's keys (SKUs, e-mail) to
#: change: an update of other fields does not check them again.
_KEYED = frozenset({"sku", "email", "variants"})


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.define
class _Fault:
    operation: str
    countdown: int
    applied: bool
    error: BaseException | None


class MemoryCart(Cart):
    """A complete store held in memory.

    ``MemoryCart(entities)`` starts with those entities, keeping their ids.
    ``clock`` supplies the time stamped on changes (inject one to test
    incremental reads). ``calls`` counts every contract call by name, so tests
    can check what a sync cost.
    """

    def __init__(
        self,
        entities: Iterable[Entity] = (),
        *,
        name: str = "memory",
        clock: Callable[[], dt.datetime] = _utcnow,
        check_references: bool = True,
    ) -> None:
        self.name = name
        self._clock = clock
        self._check_references = check_references
        self._store: dict[type[Entity], dict[str, Entity]] = {kind: {} for kind in ENTITY_TYPES}
        self._keys: dict[type[Entity], dict[str, str]] = {kind: {} for kind in ENTITY_TYPES}
        self._skus: dict[str, str] = {}  # product and variant SKUs -> product id
        self._variant_parent: dict[str, str] = {}  # variant id -> product id
        # Per kind, source ref -> id and id -> source ref. Keyed by strings, not
        # (kind, id) tuples: a tuple holding a class is one more object for the
        # garbage collector to walk, per entity, for the store's whole life.
        self._refs: dict[type[Entity], dict[str, str]] = {kind: {} for kind in ENTITY_TYPES}
        self._ref_of: dict[type[Entity], dict[str, str]] = {kind: {} for kind in ENTITY_TYPES}
        # What each timestamped type's incremental read looks up instead of a scan.
        self._modified = {kind: ModifiedIndex() for kind in _TIMESTAMPED}
        self._next_id = 1
        self._faults: list[_Fault] = []
        self._random_faults: tuple[float, random.Random, frozenset[str], float] | None = None
        self.calls: Counter[str] = Counter()
        for entity in entities:
            self.add(entity)

    @property
    def capabilities(self) -> Capabilities:
        return _CAPABILITIES

    # -- the store owner's hand ------------------------------------------
    def add(self, entity: E) -> E:
        """Insert ``entity``, or replace the one with its id; return what is stored.

        An entity without an id gets one (so do its variants); ``updated_at``
        is stamped, as the platform would on any edit.
        """
        entity_id = entity.id or self._new_id()
        self._reserve(entity_id)
        variants: tuple[Variant, ...] | None = None
        if isinstance(entity, Product):
            for variant in entity.variants:
                if variant.id:
                    self._reserve(variant.id)
            variants = tuple(
                variant if variant.id else _copy_with(variant, {"id": self._new_id()})
                for variant in entity.variants
            )
        return self._put(entity, entity_id, variants)

    def _put(self, entity: E, entity_id: str, variants: tuple[Variant, ...] | None) -> E:
        """Store ``entity`` under ``entity_id`` (with these variants), stamped and indexed."""
        old = self._store[type(entity)].get(entity_id)
        changes: dict[str, Any] = {"id": entity_id}
        if variants is not None:
            changes["variants"] = variants
        changes.update(self._stamps(entity, created=old is None))
        # One copy, and no converters: ids are fresh strings, the variants are
        # models, and the stamps were checked to be aware datetimes.
        stored = _copy_with(entity, changes)
        self._index(old, stored)
        return stored

    def list(self, kind: type[E]) -> builtins.list[E]:
        """Every stored entity of ``kind`` (not counted as a call)."""
        return cast(builtins.list[E], builtins.list(self._store[kind].values()))

    def remove(self, kind: type[Entity], id: str) -> None:
        """Delete directly, as the owner would in the admin (not counted as a call)."""
        old = self._store[kind].pop(id, None)
        if old is None:
            raise EntityNotFound(f"no {kind.kind} {id} in {self.name}", entity=kind.kind)
        self._unindex(old)
        if kind in self._modified:
            self._modified[kind].remove(id)
        ref = self._ref_of[kind].pop(id, None)
        if ref is not None:
            self._refs[kind].pop(ref, None)

    def count(self, kind: type[Entity]) -> int | None:
        return len(self._store[kind])

    # -- fault injection --------------------------------------------------
    def fail_on(
        self,
        operation: str,
        *,
        nth: int = 1,
        applied: bool = False,
        error: BaseException | None = None,
    ) -> None:
        """Make the ``nth`` next call of ``operation`` ("create", "update",
        "delete", "get", "read") fail.

        With ``applied=True`` the write happens first and then the answer is
        "lost", as after a time-out. ``error`` defaults to ``TransientError``
        (``WriteOutcomeUnknown`` when applied); pass any exception, e.g. one
        that simulates the process dying.
        """
        self._faults.append(_Fault(operation, nth, applied, error))

    def fail_randomly(
        self,
        rate: float,
        *,
        seed: int = 0,
        operations: Iterable[str] = ("create", "update"),
        applied_share: float = 0.5,
    ) -> None:
        """Fail a share ``rate`` of the given calls, seeded; ``applied_share`` of
        those failures happen after the write was applied. ``rate=0`` stops it."""
        if rate <= 0:
            self._random_faults = None
        else:
            ops = frozenset(operations)
            self._random_faults = (rate, random.Random(seed), ops, applied_share)

    def _fault(self, operation: str) -> _Fault | None:
        for fault in self._faults:
            if fault.operation == operation:
                fault.countdown -= 1
                if fault.countdown == 0:
                    self._faults.remove(fault)
                    return fault
                break
        if self._random_faults is not None:
            rate, rng, ops, applied_share = self._random_faults
            if operation in ops and rng.random() < rate:
                return _Fault(operation, 0, rng.random() < applied_share, None)
        return None

    def _call(self, operation: str, action: Callable[[], Any]) -> Any:
        self.calls[operation] += 1
        fault = self._fault(operation)
        if fault is None:
            return action()
        applied = fault.applied and operation in _WRITES
        if applied:
            action()
        if fault.error is not None:
            raise fault.error
        if applied:
            raise WriteOutcomeUnknown(f"{self.name}: {operation} applied, answer lost")
        raise TransientError(f"{self.name}: {operation} failed (injected fault)")

    # -- the contract -----------------------------------------------------
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        self._require(kind)
        self._call("read", lambda: None)
        # A snapshot: the store may change while the caller iterates.
        store = self._store[kind]
        entities: list[Any]
        if since is not None and kind in self._modified:
            found: list[Any] = [store.get(i) for i in self._modified[kind].changed_since(since)]
            entities = [
                e
                for e in found
                if e is not None and (e.updated_at is None or e.updated_at >= since)
            ]
        else:
            entities = list(store.values())
        yield from cast(list[E], entities)

    def get(self, kind: type[E], id: str) -> E | None:
        self._require(kind)
        return cast(E | None, self._call("get", lambda: self._store[kind].get(id)))

    def find(self, kind: type[E], natural_key: str) -> E | None:
        self._require(kind)

        def look() -> E | None:
            found = self._keys[kind].get(natural_key.casefold())
            return None if found is None else cast(E, self._store[kind][found])

        return cast(E | None, self._call("find", look))

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        self._require(kind)

        def look() -> E | None:
            entity_id = self._refs[kind].get(source_ref)
            return None if entity_id is None else cast(E | None, self._store[kind].get(entity_id))

        return cast(E | None, self._call("find", look))

    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        kind = type(entity)
        self._require(kind, write=True)

        def apply() -> Created:
            self._check_unique(entity, None)
            self._check_refs(entity)
            # What add() does for an entity without ids, in one copy.
            entity_id = self._new_id()
            variants = (
                tuple(_copy_with(v, {"id": self._new_id()}) for v in entity.variants)
                if isinstance(entity, Product)
                else None
            )
            stored = self._put(entity, entity_id, variants)
            if source_ref is not None:
                self._refs[kind][source_ref] = cast(str, stored.id)
                self._ref_of[kind][cast(str, stored.id)] = source_ref
            variant_ids = (
                tuple(cast(str, v.id) for v in stored.variants)
                if isinstance(stored, Product)
                else ()
            )
            return Created(id=cast(str, stored.id), variant_ids=variant_ids)

        return cast(Created, self._call("create", apply))

    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        self._require(kind, write=True)
        self._call("update", lambda: self._apply_update(kind, id, changes, parent_id))

    def delete(self, kind: type[Entity], id: str) -> None:
        self._require(kind, write=True)
        self._call("delete", lambda: self.remove(kind, id))

    # -- internals --------------------------------------------------------
    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id - 1)

    def _reserve(self, entity_id: str) -> None:
        # Ids given by hand must never be handed out again by the cart.
        if entity_id.isdigit():
            self._next_id = max(self._next_id, int(entity_id) + 1)

    def _stamps(self, entity: Entity, *, created: bool) -> dict[str, Any]:
        """The time stamps a change of ``entity`` gets, as the platform would set them."""
        if type(entity) not in _TIMESTAMPED:
            return {}
        now = self._clock()
        if not isinstance(now, dt.datetime) or now.utcoffset() is None:
            # What the models' converter says of a naive or non-time value.
            attrs.evolve(cast(Any, entity), updated_at=now)
        stamps: dict[str, Any] = {"updated_at": now}
        if created and getattr(entity, "created_at", None) is None:
            stamps["created_at"] = now
        return stamps

    def _apply_update(
        self, kind: type[Entity], id: str, changes: Mapping[str, Any], parent_id: str | None
    ) -> None:
        if kind is Variant:
            product = self._store[Product].get(parent_id or "")
            if not isinstance(product, Product):
                raise EntityNotFound(f"no product {parent_id} in {self.name}", entity="variant")
            variants = list(product.variants)
            for position, variant in enumerate(variants):
                if variant.id == id:
                    variants[position] = self._evolve(variant, changes)
                    break
            else:
                raise EntityNotFound(f"no variant {id} on product {parent_id}", entity="variant")
            # Only the variant changed, and was converted and checked above:
            # the product is copied (and stamped) without converting all its
            # fields again.
            stamps = self._stamps(product, created=False)
            updated: Entity = _copy_with(product, {"variants": tuple(variants), **stamps})
            kind = Product
        else:
            current = self._store[kind].get(id)
            if current is None:
                raise EntityNotFound(f"no {kind.kind} {id} in {self.name}", entity=kind.kind)
            # Changed and stamped in one copy.
            updated = self._evolve(current, changes, self._stamps(current, created=False))
            # As a platform does: only what the update sends is checked again.
            if not _KEYED.isdisjoint(changes):
                self._check_unique(updated, id)
            if not referring_fields(kind).isdisjoint(changes):
                self._check_refs(updated)
        self._index(self._store[kind][updated.id or ""], updated)

    def _evolve(
        self, entity: E, changes: Mapping[str, Any], stamps: Mapping[str, Any] | None = None
    ) -> E:
        unknown = sorted(set(changes) - _fields_of(type(entity)).keys() - {"id"})
        if unknown:
            raise EntityRejected(
                f"{type(entity).kind} has no field {unknown[0]!r}",
                entity=type(entity).kind,
                field=unknown[0],
            )
        try:
            return _evolve_some(entity, {k: v for k, v in changes.items() if k != "id"}, stamps)
        except InvalidEntity as error:
            raise EntityRejected(
                str(error), entity=type(entity).kind, field=error.field, status_code=400
            ) from error

    def _skus_of(self, entity: Entity) -> builtins.list[str]:
        if not isinstance(entity, Product):
            return []
        skus = [entity.sku] + [v.sku for v in entity.variants]
        return [sku.casefold() for sku in skus if sku]

    def _check_unique(self, entity: Entity, own_id: str | None) -> None:
        kind = type(entity)
        for sku in self._skus_of(entity):
            holder = self._skus.get(sku)
            if holder is not None and holder != own_id:
                raise DuplicateEntity(
                    f"SKU {sku!r} is already used by product {holder}",
                    existing_id=holder,
                    entity=kind.kind,
                    field="sku",
                    status_code=400,
                )
        if isinstance(entity, Customer):
            holder = self._keys[Customer].get(entity.email.casefold())
            if holder is not None and holder != own_id:
                raise DuplicateEntity(
                    f"e-mail {entity.email!r} is already registered (customer {holder})",
                    existing_id=holder,
                    entity="customer",
                    field="email",
                    status_code=400,
                )

    def _check_refs(self, entity: Entity) -> None:
        if not self._check_references:
            return
        for field, ref_kind, ref_id in _reference_triples(entity):
            held = self._variant_parent if ref_kind is Variant else self._store[ref_kind]
            if ref_id not in held:
                raise EntityRejected(
                    f"{type(entity).kind}.{field} points to {ref_kind.kind} {ref_id},"
                    " which is not here",
                    entity=type(entity).kind,
                    field=field,
                    status_code=400,
                )

    def _index(self, old: Entity | None, new: Entity) -> None:
        kind = type(new)
        entity_id = cast(str, new.id)
        self._store[kind][entity_id] = new
        self._log_write(new)
        if old is not None and self._same_keys(old, new):
            return  # an update that moved no key
        if old is not None:
            self._unindex(old)
        key = new.natural_key
        if key is not None:
            self._keys[kind].setdefault(key.casefold(), entity_id)
        for sku in self._skus_of(new):
            self._skus.setdefault(sku, entity_id)
        if isinstance(new, Product):
            for variant in new.variants:
                self._variant_parent[cast(str, variant.id)] = entity_id

    def _log_write(self, new: Entity) -> None:
        index = self._modified.get(type(new))
        if index is None:
            return
        store = self._store[type(new)]
        index.put(cast(str, new.id), new.updated_at)  # type: ignore[attr-defined]
        if len(index) > 2 * len(store) + 1024:  # mostly superseded writes
            index.rebuild({i: e.updated_at for i, e in store.items()})  # type: ignore[attr-defined]

    def _same_keys(self, old: Entity, new: Entity) -> bool:
        """Whether ``new`` is found by the keys ``old`` was (natural key, SKUs, variants)."""
        if old.natural_key != new.natural_key or self._skus_of(old) != self._skus_of(new):
            return False
        if isinstance(old, Product) and isinstance(new, Product):
            return [v.id for v in old.variants] == [v.id for v in new.variants]
        return True

    def _unindex(self, old: Entity) -> None:
        kind = type(old)
        key = old.natural_key
        if key is not None and self._keys[kind].get(key.casefold()) == old.id:
            del self._keys[kind][key.casefold()]
        for sku in self._skus_of(old):
            if self._skus.get(sku) == old.id:
                del self._skus[sku]
        if isinstance(old, Product):
            for variant in old.variants:
                self._variant_parent.pop(cast(str, variant.id), None)
