"""What every top-level entity shares: an id, a natural key and an escape hatch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._fields import frozen_mapping, optional_str

__all__ = ["Entity"]


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
