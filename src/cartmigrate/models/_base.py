"""What every top-level entity shares: an id, a natural key and an escape hatch."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

import attrs

from ._fields import frozen_mapping, optional_str

__all__ = ["Entity"]

T = TypeVar("T")

_COPIERS: dict[type, Callable[[Any, Mapping[str, Any]], Any]] = {}


def _copier(cls: type) -> Callable[[Any, Mapping[str, Any]], Any]:
    """A function copying instances of ``cls`` field by field, written once per class.

    Spelled out per field (as attrs writes its own ``__init__``), it costs a
    third less than a loop over the field names.
    """
    names = [field.name for field in attrs.fields(cast(Any, cls))]
    lines = ["def copy(instance, changes):", "    new = new_instance(cls)"]
    lines += [
        f"    set_field(new, {name!r}, changes[{name!r}] if {name!r} in changes"
        f" else instance.{name})"
        for name in names
    ]
    lines.append("    return new")
    namespace: dict[str, Any] = {
        "new_instance": object.__new__,
        "set_field": object.__setattr__,  # the models are frozen
        "cls": cls,
    }
    exec("\n".join(lines), namespace)
    return cast(Callable[[Any, Mapping[str, Any]], Any], namespace["copy"])


def _copy_with(instance: T, changes: Mapping[str, Any]) -> T:
    """A copy of a frozen model with ``changes``, without running its converters.

    ``attrs.evolve`` converts and validates every field again, which for a
    twenty-field order costs more than everything else the engine does with
    it. Only for changes that already are what the converters would produce
    (ids as ``str`` or None, tuples of models of the right type), to a model
    that is valid: the unchanged fields were converted when it was built.
    """
    cls = type(instance)
    copy = _COPIERS.get(cls)
    if copy is None:
        copy = _COPIERS[cls] = _copier(cls)
    return cast(T, copy(instance, changes))


_Convert = Callable[..., Any]

#: Per model class, its fields by name.
_FIELDS: dict[type, dict[str, attrs.Attribute[Any]]] = {}


def _fields_of(cls: type) -> dict[str, attrs.Attribute[Any]]:
    """``attrs.fields_dict(cls)``, built once per class (hot paths ask per entity)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = attrs.fields_dict(cast(Any, cls))
    return fields


def _evolve_some(
    instance: T, changes: Mapping[str, Any], also: Mapping[str, Any] | None = None
) -> T:
    """``attrs.evolve`` for a few fields: each changed value converted and
    validated as ``__init__`` would, the others copied as they are (they were
    converted when ``instance`` was built), then the class's own checks.

    A store updating one field of an order (its status) would otherwise
    convert all twenty fields, lines and addresses included, again. Names
    must be fields of the class (the caller checks). ``also``: values set in
    the same copy as they are, already converted and checked (a store's time
    stamps), over ``changes``.
    """
    cls = type(instance)
    fields = _fields_of(cls)
    converted: dict[str, Any] = {}
    for name, value in changes.items():
        field = fields[name]
        converter = field.converter
        if isinstance(converter, attrs.Converter):
            value = cast(_Convert, converter)(value, instance, field)
        elif converter is not None:
            value = cast(_Convert, converter)(value)
        converted[name] = value
    new = _copy_with(instance, {**converted, **also} if also else converted)
    for name, value in converted.items():
        field = fields[name]
        if field.validator is not None:
            field.validator(new, field, value)
    post_init = getattr(cls, "__attrs_post_init__", None)
    if post_init is not None:
        post_init(new)
    return new


@attrs.define(frozen=True, kw_only=True)
class Entity:
    """Base of every entity a cart reads and writes.

    ``id`` is the id on the cart the entity came from (a string, whatever the
    platform uses). ``extra`` keeps platform data the models do not cover, so
    nothing a connector reads is lost on the way.
    """

    #: Lower-case name used in reports, state and mapping rules ("product").
    kind: ClassVar[str] = "entity"
    id: str | None = attrs.field(default=None, converter=optional_str)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping, repr=False)

    @property
    def natural_key(self) -> str | None:
        """What identifies the entity across platforms (SKU, e-mail, number), if anything."""
        return None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in cls.__dict__:
            cls.kind = cls.__name__.lower()
