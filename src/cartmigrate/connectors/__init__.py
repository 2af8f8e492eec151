"""Cart connectors: the contract every platform implements, and the bundled carts."""

from __future__ import annotations

from ._base import Capabilities, Cart, Created, WriteNote, WriteResult
from ._forwarding import ForwardingCart
from ._memory import MemoryCart

__all__ = [
    "Capabilities",
    "Cart",
    "Created",
    "ForwardingCart",
    "MemoryCart",
    "WriteNote",
    "WriteResult",
]
