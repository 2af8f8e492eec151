"""Tools for testing migrations: fake clocks, store generators, platform
simulators and the contract suites of connectors and state stores.

``CartContract`` and ``StateStoreContract`` need pytest (install the ``test``
extra); they are imported only when asked for, so the rest works without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._clock import FakeClock
from ._generator import StoreGenerator, generate_store

if TYPE_CHECKING:
    from ._contract import CartContract
    from ._state_contract import StateStoreContract

__all__ = ["CartContract", "FakeClock", "StateStoreContract", "StoreGenerator", "generate_store"]


def __getattr__(name: str) -> Any:
    if name == "CartContract":
        from ._contract import CartContract

        return CartContract
    if name == "StateStoreContract":
        from ._state_contract import StateStoreContract

        return StateStoreContract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
