"""The contract every cart (platform connector) implements.

A connector author implements the abstract methods; the batch and lookup
methods have working defaults built on them, to override where the platform
offers something cheaper (batch endpoints, a search by SKU).
"""

from __future__ import annotations

import abc
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from .._exceptions import (
    CartMigrateError,
    ConnectorError,
    EntityNotFound,
    InvalidEntity,
    UnsupportedEntity,
)
from .._redact import protect_logger
from ..models import ENTITY_TYPES, Entity, Variant
from ._records import ReadRecord, Tracker, done_reading, raw_id, reading, unwrapped_entity

__all__ = ["Capabilities", "Cart", "Created", "WriteResult"]

E = TypeVar("E", bound=Entity)

logger = protect_logger("cartmigrate")

_UNREADABLE_LOCK = threading.Lock()


def _kinds(value: Iterable[type[Entity]]) -> frozenset[type[Entity]]:
    return frozenset(value)


@attrs.define(frozen=True, kw_only=True)
class Capabilities:
    """What a cart can do, declared up front so the engine can plan around it.

    - ``reads`` / ``writes``: entity types it can read / create-update-delete.
    - ``incremental``: types it can read ``since`` a time (by ``updated_at``).
    - ``change_tokens``: types whose ``updated_at`` the platform moves on
      every change to the entity (and its variants), whether or not it can
      filter by it. A smart update then takes an entity whose ``updated_at``
      is as synced for unchanged without digesting it. Leave a type out where
      some change leaves ``updated_at`` alone (stock sold, on several
      platforms): its entities are then decided by digest.
    - ``batch_size``: how many writes it takes in one request (1: no batches).
    - ``preserves_ids``: creates keep the source's ids (rare; import tools).
    - ``source_refs``: it stores the source reference given to ``create`` and
      can find an entity by it, so a create whose answer was lost is found again.
    - ``read_ahead``: its reads wait on a network, and ``read`` may be iterated
      in a second thread while the engine writes to the target and calls this
      cart's other methods; the engine then reads the next batches, of this
      type and the next, while it writes the current one.
    """

    reads: frozenset[type[Entity]] = attrs.field(converter=_kinds)
    writes: frozenset[type[Entity]] = attrs.field(converter=_kinds)
    incremental: frozenset[type[Entity]] = attrs.field(factory=frozenset, converter=_kinds)
    change_tokens: frozenset[type[Entity]] = attrs.field(factory=frozenset, converter=_kinds)
    batch_size: int = 1
    preserves_ids: bool = False
    source_refs: bool = False
    read_ahead: bool = False


def _id_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.define(frozen=True, kw_only=True)
class WriteNote:
    """What the target made of one created entity other than what was sent.

    A platform may compute a value its own way while it stores the entity
    (PrestaShop prices an order's shipping with its own carrier): the create
    succeeded, but the user must hear which entity and field differ. The
    engine reports each as a warning with the entity's source id.
    """

    message: str
    field: str | None = None


def _note_tuple(value: Iterable[WriteNote]) -> tuple[WriteNote, ...]:
    return tuple(value)


@attrs.define(frozen=True, kw_only=True)
class Created:
    """The ids a create produced: the entity's, and its variants' in input order,
    and what the target stored differently from what was sent (``notes``)."""

    id: str
    variant_ids: tuple[str, ...] = attrs.field(default=(), converter=_id_tuple)
    notes: tuple[WriteNote, ...] = attrs.field(default=(), converter=_note_tuple)


#: One outcome of a batch write: what it produced, or why that item failed.
WriteResult = Created | CartMigrateError


class Cart(abc.ABC):
    """A store on some platform, seen through one small contract.

    Entities go in and come out as the platform-neutral models. Ids handed to
    and returned from a cart are always that cart's own ids.
    """

    #: Short platform name for logs and reports ("woocommerce").
    name: str = "cart"

    @property
    @abc.abstractmethod
    def capabilities(self) -> Capabilities:
        """What this cart can read and write."""

    @property
    def store_identity(self) -> str:
        """Which store this is: the platform and its address, never a credential.

        A state records its source's and target's, and refuses to be used with
        other stores. The default, ``name``, cannot tell two stores of one
        platform apart: connectors override it with the store's URL or shop.
        """
        return self.name

    # -- reading -----------------------------------------------------------
    @abc.abstractmethod
    def read(self, kind: type[E], *, since: dt.datetime | None = None) -> Iterator[E]:
        """Every entity of ``kind``; with ``since``, those updated at or after it.

        A cart that cannot filter by time for ``kind`` ignores ``since``
        (it does not list ``kind`` in ``capabilities.incremental``).
        """

    @abc.abstractmethod
    def get(self, kind: type[E], id: str) -> E | None:
        """The entity with this id, or None when there is none."""

    def get_many(self, kind: type[E], ids: Sequence[str]) -> dict[str, E]:
        """Several entities by id; missing ones are left out."""
        found: dict[str, E] = {}
        for entity_id in ids:
            entity = self.get(kind, entity_id)
            if entity is not None:
                found[entity_id] = entity
        return found

    def count(self, kind: type[Entity]) -> int | None:
        """How many entities of ``kind`` the cart holds, if it can tell cheaply.

        Used for progress totals and count reconciliation; None when unknown.
        """
        return None

    def find(self, kind: type[E], natural_key: str) -> E | None:
        """The entity whose natural key (SKU, e-mail, order number...) matches.

        The default scans ``read(kind)``; connectors override it with the
        platform's own search.
        """
        wanted = natural_key.casefold()
        for entity in self.read(kind):
            key = entity.natural_key
            if key is not None and key.casefold() == wanted:
                return entity
        return None

    def find_many(self, kind: type[E], natural_keys: Sequence[str]) -> dict[str, E]:
        """The entities found by ``find`` for these natural keys, by key (as given).

        A dry run checks a whole batch of products or customers for
        duplicates at once through this. The default asks ``find`` key by
        key; a connector whose platform can search several keys in one
        request (``?sku=a,b,c``) overrides it.
        """
        found: dict[str, E] = {}
        for key in dict.fromkeys(natural_keys):
            entity = self.find(kind, key)
            if entity is not None:
                found[key] = entity
        return found

    def find_by_source_ref(self, kind: type[E], source_ref: str) -> E | None:
        """The entity created with this source reference (see ``create``)."""
        return None

    def keeps_source_refs(self, kind: type[Entity]) -> bool:
        """Whether ``find_by_source_ref`` can find a ``kind`` entity this cart created.

        ``capabilities.source_refs`` says it for the whole cart; a platform
        that keeps references for some types only (WooCommerce has no meta
        on reviews) says which here, so the engine finds an interrupted
        create of the others by its content instead.
        """
        return self.capabilities.source_refs

    # -- writing -----------------------------------------------------------
    @abc.abstractmethod
    def create(self, entity: E, *, source_ref: str | None = None) -> Created:
        """Create ``entity`` (references already in this cart's ids); return new ids.

        ``source_ref`` identifies the source entity ("woocommerce:product:42");
        a cart with ``capabilities.source_refs`` stores it with the entity.
        """

    def create_many(
        self, entities: Sequence[E], *, source_refs: Sequence[str | None] | None = None
    ) -> list[WriteResult]:
        """Create several; one result per entity, in order. An item fails alone."""
        refs = source_refs if source_refs is not None else [None] * len(entities)
        results: list[WriteResult] = []
        for entity, ref in zip(entities, refs, strict=True):
            try:
                results.append(self.create(entity, source_ref=ref))
            except CartMigrateError as error:
                results.append(error)
        return results

    @abc.abstractmethod
    def update(
        self,
        kind: type[Entity],
        id: str,
        changes: Mapping[str, Any],
        *,
        parent_id: str | None = None,
    ) -> None:
        """Change only the named fields of one entity; leave every other field alone.

        For a ``Variant``, ``parent_id`` is its product's id.
        """

    @abc.abstractmethod
    def delete(self, kind: type[Entity], id: str) -> None:
        """Delete one entity (its variants go with a product)."""

    def delete_many(self, kind: type[Entity], ids: Sequence[str]) -> list[CartMigrateError | None]:
        """Delete each id; per id None, or its error (``EntityNotFound``: already gone).

        Platforms with batch endpoints override this to send one request per
        batch (``remigrate`` deletes through it); this default deletes one by one.
        """
        results: list[CartMigrateError | None] = []
        for entity_id in ids:
            try:
                self.delete(kind, entity_id)
            except CartMigrateError as error:
                results.append(error)
            else:
                results.append(None)
        return results

    def clear(self, kind: type[Entity]) -> int:
        """Delete every entity of ``kind``; return how many went."""
        ids = [entity.id for entity in self.read(kind) if entity.id is not None]
        for entity_id in ids:
            self.delete(kind, entity_id)
        return len(ids)

    def derived_fields(self, entity: Entity) -> frozenset[str]:
        """Fields of ``entity`` this cart computes itself and so cannot be written.

        Shopify, say, sums a product's quantity from its variants. The engine
        does not compare such fields, so it never plans a write that cannot
        happen.
        """
        return frozenset()

    def unstored_fields(self, entity: Entity) -> Mapping[str, str]:
        """Fields of ``entity`` this cart has nowhere to keep, each with why.

        ``{"meta_title": "Shopify keeps SEO titles only for ..."}``. The engine
        writes what it can and reports each such field that holds a value as
        a warning (entity, field, reason), so nothing vanishes unsaid.
        """
        return {}

    def as_stored(self, entity: E) -> E:
        """``entity`` as this cart would read it back after writing it.

        A platform normalises some values as it stores them (WooCommerce
        derives a managed stock's status from its quantity, keeps no
        "compare at" price below the price). The engine compares the source
        with the target through this, so a value the platform can only hold
        its own way is not written again on every call.
        """
        return entity

    def required_references(self, kind: type[Entity]) -> frozenset[str]:
        """Fields of ``kind`` whose references this cart cannot add after the create.

        Shopify cannot attach a customer to an order, or link an order line to
        its product, once the order exists. The engine holds such an entity
        back while a reference in these fields waits for a create whose outcome
        is unknown (a passing failure): it is created by a later call, with the
        reference, instead of now without it for good. A reference that cannot
        resolve (refused, not migrated) is dropped and reported as before.
        """
        return frozenset()

    def write_notes(self, kind: type[Entity]) -> tuple[str, ...]:
        """What users must know about writing ``kind`` here, said once per migration.

        For what the platform cannot take or does on its own, e.g. "customer
        passwords cannot be imported; customers get an account invite".
        """
        return ()

    def check_access(self) -> None:
        """Prove, with one cheap request, that the store answers and takes the credentials.

        Raises ``StoreUnreachable`` or ``AuthenticationError`` when it does not;
        the engine calls it before its first call, so a dead host or a wrong key
        fails once, at once. The default asks the cart's capabilities and reads
        the first entity of the first type it reads; connectors override it
        with the platform's cheapest authenticated request.
        """
        readable = self.capabilities.reads
        for kind in ENTITY_TYPES:
            if kind in readable:
                entities = self.read(kind)
                try:
                    next(iter(entities), None)
                finally:
                    close = getattr(entities, "close", None)
                    if close is not None:
                        close()
                return

    def check_permissions(self, *, write: bool) -> list[str]:
        """What the credentials lack for a migration, without writing anything.

        ``write``: the cart is the target, so it must also create, update and
        delete. Returns one sentence per missing permission (a read-only
        WooCommerce key, a missing Shopify scope), saying how to grant it; the
        default, for platforms that cannot tell, finds nothing.
        """
        return []

    def check_limits(self) -> list[str]:
        """What this store will refuse or slow down when written to, without writing.

        ``engine.check()`` lists these for the target (at most N variants a
        product, a daily quota, the rate limit the shop reported), so a
        migration does not discover them halfway. The default knows none.
        """
        return []

    # -- records that could not be read ------------------------------------
    def report_unreadable(self, kind: type[Entity], id: str, error: CartMigrateError) -> None:
        """For implementers: a record of the platform could not become a model.

        ``read`` and ``get`` skip such a record (one bad record must not stop a
        read) and report it here; the engine then lists it as a failure, and
        the next call fetches it by id and tries again.
        """
        with _UNREADABLE_LOCK:
            self.__dict__.setdefault("_unreadable", []).append((kind, id, error))

    def report_not_read(self, kind: type[Entity], id: str, field: str, message: str) -> None:
        """For implementers: a record was read, but a value of it was not.

        Some of what a platform holds has no place in the models (a Magento
        bundle's options, a download kept as a file only buyers can fetch).
        The record still becomes a model, without that value; reported here,
        the engine lists it among the report's warnings naming the entity,
        its id and ``field``, so the value does not vanish without a word.
        """
        with _UNREADABLE_LOCK:
            self.__dict__.setdefault("_not_read", []).append((kind, id, field, message))

    def take_not_read(self) -> list[tuple[type[Entity], str, str, str]]:
        """The values reported not read since the last call: (kind, id, field,
        message) each (the engine drains them)."""
        with _UNREADABLE_LOCK:
            taken: list[tuple[type[Entity], str, str, str]] = self.__dict__.pop("_not_read", [])
        return taken

    def model_from(
        self,
        kind: type[E],
        raw: Any,
        convert: Callable[[Mapping[str, Any]], Entity],
        *,
        id_key: str = "id",
        valid_id: Callable[[Any], bool] | None = None,
    ) -> E | None:
        """The model ``convert`` makes of one raw platform record, or None: reported.

        The one boundary between a platform's data and the models. Whatever a
        malformed record makes a converter raise (a missing key, "1,5" as an
        amount, a date 2024-13-45, a list where a mapping belongs, nesting too
        deep) becomes an ``InvalidEntity`` naming the field where it can be
        told (the key missing, or the last one read before it failed), is
        reported with ``report_unreadable`` and skipped: one bad record never
        stops a read. ``valid_id`` says whether the record's id is one of the
        platform's (a WooCommerce id is a positive whole number): an odd id
        (-1, 1.5, null) fails its record alone, before any follow-up request
        is built from it. A 404 of such a request fails the record too; any
        other ``ConnectorError`` (a sub-request failed) is not the record's
        fault and goes on up.
        """
        source_id = raw_id(raw, id_key)
        problem: CartMigrateError
        if not isinstance(raw, Mapping):
            problem = InvalidEntity(kind.__name__, "*", f"not a record: a {type(raw).__name__}")
        elif valid_id is not None and not valid_id(raw.get(id_key)):
            odd = repr(raw.get(id_key))[:60] if id_key in raw else "none"
            problem = InvalidEntity(kind.__name__, id_key, f"not an id of {self.name}: {odd}")
        else:
            tracker = Tracker()
            token = reading(tracker)
            try:
                entity = convert(ReadRecord(raw, tracker))
            except EntityNotFound as missing:  # a sub-route of this very record: its own fault
                problem = EntityNotFound(
                    str(missing), entity=kind.kind, field=tracker.last, status_code=404
                )
            except ConnectorError:
                raise
            except InvalidEntity as invalid:
                problem = invalid
            except Exception as error:  # any other is the record's fault (a bug's too: reported)
                key = error.args[0] if isinstance(error, KeyError) and error.args else None
                missing_path = tracker.missing_path or ""
                if isinstance(key, str) and missing_path.rpartition(".")[2].endswith(key):
                    field, message = missing_path, "is missing"
                else:
                    field = tracker.last or "*"
                    message = f"cannot be read ({type(error).__name__}: {str(error)[:200]})"
                problem = InvalidEntity(kind.__name__, field, message)
            else:
                if isinstance(entity, kind):
                    return unwrapped_entity(entity)
                problem = InvalidEntity(kind.__name__, "*", f"became a {type(entity).__name__}")
            finally:
                done_reading(token)
        logger.warning("%s: %s %s skipped: %s", self.name, kind.kind, source_id, problem)
        self.report_unreadable(kind, source_id, problem)
        return None

    def take_unreadable(self) -> list[tuple[type[Entity], str, CartMigrateError]]:
        """The records reported unreadable since the last call (the engine drains them)."""
        with _UNREADABLE_LOCK:
            taken: list[tuple[type[Entity], str, CartMigrateError]] = self.__dict__.pop(
                "_unreadable", []
            )
        return taken

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; a cart is also a context manager."""

    def __enter__(self) -> Cart:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- helpers for implementers -----------------------------------------
    def _require(self, kind: type[Entity], *, write: bool = False) -> None:
        allowed = self.capabilities.writes if write else self.capabilities.reads
        if kind not in allowed and not (kind is Variant and write):
            action = "write" if write else "read"
            raise UnsupportedEntity(
                f"{self.name} cannot {action} {kind.kind} entities", entity=kind.kind
            )
