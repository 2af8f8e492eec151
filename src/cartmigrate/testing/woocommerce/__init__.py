"""An offline WooCommerce for tests and demos: ``WooCommerceSimulator``.

``WooCommerceCart(sim_url, key, secret, transport=sim.transport)`` talks to it
exactly as to a real store; see ``_sim`` for rate limits, latency and faults.
"""

from __future__ import annotations

from ._emails import SentEmail
from ._sample import load_sample_store
from ._sim import FaultPlan, RecordedRequest, WooCommerceSimulator

__all__ = ["FaultPlan", "RecordedRequest", "SentEmail", "WooCommerceSimulator", "load_sample_store"]
