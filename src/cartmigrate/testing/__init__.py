"""Tools for testing migrations: fake clocks, store generators, platform
simulators and the connector contract suite.

``CartContract`` needs pytest (install the ``test`` extra); it is imported
only when asked for, so the rest works without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._clock import FakeClock
from ._generator import StoreGenerator, generate_store

if TYPE_CHECKING:
    from ._contract import CartContract

__all__ = ["CartContract", "FakeClock", "StoreGenerator", "generate_store"]


def __getattr__(name: str) -> Any:
    if name == "CartContract":
        from ._contract import CartContract

        return CartContract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
