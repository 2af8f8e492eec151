"""An offline PrestaShop 8.2.1 webservice for tests and demos: ``PrestaShopSimulator``.

``PrestaShopCart(sim.url, sim.key, transport=sim.transport)`` talks to it
exactly as to a real shop; see ``_sim`` for what it reproduces.
"""

from __future__ import annotations

from ._shop import SentMail
from ._sim import PrestaShopSimulator, RecordedRequest

__all__ = ["PrestaShopSimulator", "RecordedRequest", "SentMail"]
