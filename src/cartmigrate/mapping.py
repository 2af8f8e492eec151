"""Mapping rules: how source values become target values on the way.

Three kinds of rule, all keyed by ``"model.field"`` (or just ``"model"``),
where a model is its lower-case name or its class:

- **value maps** replace known values (``{"order.status": {"shipped": "completed"}}``);
  a value not in the map passes unchanged. The order status map also applies to
  every entry of the status history, so history and status always agree.
- **transforms** are functions: ``"product.name": str.title`` gets and returns a
  field value; ``"product": fn`` gets and returns the whole entity.
- **filters** decide whether an entity migrates at all (``"order": fn -> bool``).

Rules are applied to source entities before ids are translated, so they see
the source's data. A rule that raises fails that entity alone, with a
``MappingError`` naming the field.

Rules are checked when they are built: a key naming a model or field that
does not exist (``"product.nmae"``), a filter on a field, or a status map
from or to a value no connector gives (``"wc-shipped"``, ``"on-hold"``)
raises ``ConfigurationError`` at once. A typo must not be a rule that
silently never applies.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from ._exceptions import CartMigrateError, ConfigurationError, MappingError
from .models import (
    ENTITY_TYPES,
    Entity,
    Order,
    OrderStatus,
    Product,
    ProductStatus,
    ReviewStatus,
    StockStatus,
    Variant,
)

__all__ = ["MappingRules"]

E = TypeVar("E", bound=Entity)
_Key = str | type[Entity]


_ALL_MODELS: tuple[type[Entity], ...] = (*ENTITY_TYPES, Variant)
_MODELS: dict[str, type[Entity]] = {k.kind: k for k in _ALL_MODELS}

#: The vocabulary of each enum field a value map may translate. Order statuses
#: also take a platform's own raw statuses; the others only their members.
_VOCABULARIES: dict[str, type[enum.StrEnum]] = {
    "order.status": OrderStatus,
    "product.status": ProductStatus,
    "product.stock_status": StockStatus,
    "variant.stock_status": StockStatus,
    "review.status": ReviewStatus,
}


def _key(key: _Key) -> str:
    if isinstance(key, type):
        kind: str | None = getattr(key, "kind", None) if issubclass(key, Entity) else None
        if kind is None or kind not in _MODELS:
            raise ConfigurationError(
                f"mapping rule key {key!r} is not an entity type; known: {', '.join(_MODELS)}"
            )
        return kind
    if not isinstance(key, str):
        raise ConfigurationError(f"mapping rule key {key!r} is neither a str nor an entity type")
    return key.strip().lower()


def _hint(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_key(key: str, *, what: str, field_allowed: bool = True) -> None:
    """Refuse a key naming a model or field that does not exist."""
    model_name, _, field = key.partition(".")
    model = _MODELS.get(model_name)
    if model is None:
        raise ConfigurationError(
            f"{what} {key!r}: no model {model_name!r}{_hint(model_name, _MODELS)};"
            f" known: {', '.join(_MODELS)}"
        )
    if not field:
        return
    if not field_allowed:
        raise ConfigurationError(
            f"{what} {key!r}: filters apply to whole entities; key it by {model_name!r}"
        )
    fields = [n for n in attrs.fields_dict(model) if n != "id"]
    if field not in fields:
        raise ConfigurationError(
            f"{what} {key!r}: {model.__name__} has no field {field!r}{_hint(field, fields)};"
            f" fields: {', '.join(fields)}"
        )


def _spelling(value: str) -> str:
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def _check_value_map(key: str, table: Mapping[Any, Any]) -> None:
    """Refuse a value map over an enum field from or to a value no connector gives."""
    vocabulary = _VOCABULARIES.get(key)
    if vocabulary is None:
        return
    members = {m.value for m in vocabulary}
    raw_allowed = vocabulary is OrderStatus
    for side, values in (("from", table.keys()), ("to", table.values())):
        for value in values:
            text = value.value if isinstance(value, enum.Enum) else value
            if not isinstance(text, str):
                raise ConfigurationError(f"value map {key!r}: {value!r} is not a str")
            if text in members:
                continue
            if _spelling(text) in members:
                raise ConfigurationError(
                    f"value map {key!r}: connectors give {_spelling(text)!r}, never {text!r};"
                    f" write {_spelling(text)!r}"
                )
            if not raw_allowed:
                raise ConfigurationError(
                    f"value map {key!r}: {text!r} is not a {vocabulary.__name__}"
                    f"{_hint(text, members)}; known: {', '.join(sorted(members))}"
                )
            if side == "from" and text.startswith("wc-"):
                raise ConfigurationError(
                    f"value map {key!r}: WooCommerce's custom statuses arrive without their"
                    f" 'wc-' prefix; write {text[3:]!r}, not {text!r}"
                )
            close = difflib.get_close_matches(text, sorted(members), n=1, cutoff=0.85)
            if close:
                # A custom status is fine; one this close to a standard one is a typo.
                raise ConfigurationError(
                    f"value map {key!r}: {text!r} is no OrderStatus and looks like a typo"
                    f" of {close[0]!r}"
                )


def _keyed(value: Mapping[_Key, Any]) -> dict[str, Any]:
    return {_key(k): v for k, v in value.items()}


def _value_maps(value: Mapping[_Key, Mapping[Any, Any]]) -> dict[str, dict[Any, Any]]:
    return {k: dict(v) for k, v in _keyed(value).items()}


@attrs.define(frozen=True, kw_only=True)
class MappingRules:
    """Value maps, transforms and filters applied to every source entity.

    ``order_status`` and ``customer_group`` are shorthands for the two value
    maps almost every migration needs.
    """

    value_maps: Mapping[str, Mapping[Any, Any]] = attrs.field(factory=dict, converter=_value_maps)
    transforms: Mapping[str, Callable[[Any], Any]] = attrs.field(factory=dict, converter=_keyed)
    filters: Mapping[str, Callable[[Any], bool]] = attrs.field(factory=dict, converter=_keyed)
    order_status: Mapping[str, str] = attrs.field(factory=dict)
    customer_group: Mapping[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        maps = dict(self.value_maps)
        if self.order_status:
            maps["order.status"] = {**maps.get("order.status", {}), **self.order_status}
        if self.customer_group:
            maps["customer.group"] = {**maps.get("customer.group", {}), **self.customer_group}
        for key, table in maps.items():
            _check_key(key, what="value map")
            if "." not in key:
                raise ConfigurationError(f"value map {key!r}: name a field, as 'model.field'")
            _check_value_map(key, table)
        for key, rule in self.transforms.items():
            _check_key(key, what="transform")
            if not callable(rule):
                raise ConfigurationError(f"transform {key!r}: {rule!r} is not callable")
        for key, rule in self.filters.items():
            _check_key(key, what="filter", field_allowed=False)
            if key == Variant.kind:
                # Filters pick what is read from the source, and variants are
                # read within their product: this one would never run.
                raise ConfigurationError(
                    "filter 'variant': variants come with their product and are never"
                    " filtered alone; drop them in a product transform instead"
                    " (transforms={'product': lambda p: attrs.evolve(p, variants=[...])})"
                )
            if not callable(rule):
                raise ConfigurationError(f"filter {key!r}: {rule!r} is not callable")
        object.__setattr__(self, "value_maps", maps)

    def __bool__(self) -> bool:
        return bool(self.value_maps or self.transforms or self.filters)

    def keep(self, entity: Entity) -> bool:
        """Whether ``entity`` passes its type's filter."""
        rule = self.filters.get(entity.kind)
        if rule is None:
            return True
        try:
            return bool(rule(entity))
        except CartMigrateError:
            raise
        except Exception as error:
            raise MappingError(f"filter for {entity.kind} raised {error!r}") from error

    def apply(self, entity: E) -> E:
        """``entity`` with value maps, then transforms, applied."""
        if not (self.value_maps or self.transforms):
            return entity
        kind = entity.kind
        changes: dict[str, Any] = {}
        for name in attrs.fields_dict(type(entity)):
            value = getattr(entity, name)
            mapped = self._map_field(kind, name, value)
            if mapped is not value:
                changes[name] = mapped
        # Nested rules work on what the field rules made of the field.
        if isinstance(entity, Order) and "order.status" in self.value_maps:
            history = changes.get("status_history", entity.status_history)
            changes["status_history"] = tuple(
                attrs.evolve(change, status=self._lookup("order.status", change.status))
                for change in history
            )
        if isinstance(entity, Product) and self._touches("variant"):
            variants = changes.get("variants", entity.variants)
            changes["variants"] = tuple(self.apply(variant) for variant in variants)
        result = self._evolve(entity, changes) if changes else entity
        whole = self.transforms.get(kind)
        if whole is not None:
            try:
                result = whole(result)
            except CartMigrateError:
                raise
            except Exception as error:
                raise MappingError(f"transform for {kind} raised {error!r}") from error
            if not isinstance(result, type(entity)):
                raise MappingError(
                    f"transform for {kind} returned {type(result).__name__},"
                    f" not {type(entity).__name__}"
                )
        return result

    def _touches(self, kind: str) -> bool:
        prefix = kind + "."
        return any(k == kind or k.startswith(prefix) for k in (*self.value_maps, *self.transforms))

    def _lookup(self, key: str, value: Any) -> Any:
        table = self.value_maps.get(key)
        if table is None:
            return value
        try:
            return table.get(value, value)
        except TypeError:  # unhashable values are never in a value map
            return value

    def _map_field(self, kind: str, name: str, value: Any) -> Any:
        key = f"{kind}.{name}"
        mapped = self._lookup(key, value)
        transform = self.transforms.get(key)
        if transform is not None:
            try:
                mapped = transform(mapped)
            except CartMigrateError:
                raise
            except Exception as error:
                raise MappingError(f"transform {key} raised {error!r}", field=name) from error
        return mapped

    @staticmethod
    def _evolve(entity: E, changes: Mapping[str, Any]) -> E:
        try:
            return attrs.evolve(entity, **changes)
        except CartMigrateError as error:
            raise MappingError(f"mapping produced an invalid {entity.kind}: {error}") from error
