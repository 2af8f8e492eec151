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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from ._exceptions import CartMigrateError, MappingError
from .models import Entity, Order, Product

__all__ = ["MappingRules"]

E = TypeVar("E", bound=Entity)
_Key = str | type[Entity]


def _key(key: _Key) -> str:
    if isinstance(key, type):
        return key.kind
    return key.strip().lower()


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
