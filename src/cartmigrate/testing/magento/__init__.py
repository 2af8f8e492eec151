"""An offline Magento 2 for tests and demos: ``MagentoSimulator``.

``MagentoCart(sim.url, sim.token, transport=sim.transport)`` talks to it as
to a real store; it starts as the real test store's seeded baseline (without
the 1,999-product sample catalogue). See ``_sim`` for what it records.
"""

from __future__ import annotations

from ._sim import MagentoSimulator, RecordedRequest
from ._store import SentMail

__all__ = ["MagentoSimulator", "RecordedRequest", "SentMail"]
