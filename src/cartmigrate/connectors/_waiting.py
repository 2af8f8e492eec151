"""How the HTTP layer waits: the one switch that turns sleeping off in tests,
``Retry-After`` as a platform says it, and the cost bucket that throttles
requests before a platform's limit.

Apart from ``_http.py`` because a simulator enforcing a limit (``try_acquire``)
and a connector throttling itself share the bucket without the client.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable

__all__ = ["CostBucket", "parse_retry_after", "set_testing", "sleep"]

_settings = {"backoff": True}


def set_testing(*, backoff: bool = False) -> None:
    """Turn retry backoff (and throttle sleeps) off, for fast tests; on again with True."""
    _settings["backoff"] = backoff


def sleep(seconds: float) -> None:
    """Sleep, unless testing turned sleeping off."""
    if _settings["backoff"] and seconds > 0:
        time.sleep(seconds)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or None when it gives no hint.

    Accepts delta-seconds or an HTTP date; zero, negative or unreadable values
    mean "no hint" (a literal 0 would make a client hammer the server).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return seconds if seconds > 0 else None


class CostBucket:
    """A leaky bucket of request cost, shared by every request of one client.

    ``capacity`` units refill at ``restore_rate`` per second; ``acquire(cost)``
    waits until the bucket holds ``cost``. Platforms that report their own
    bucket (Shopify's ``throttleStatus``) call ``observe`` so the estimate
    follows the server, read at runtime rather than hard-coded.
    """

    def __init__(
        self,
        capacity: float,
        restore_rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = sleep,
    ) -> None:
        self.capacity = capacity
        self.restore_rate = restore_rate
        self._available = capacity
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()
        self.waited = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self._available = min(
            self.capacity, self._available + (now - self._stamp) * self.restore_rate
        )
        self._stamp = now

    @property
    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._available

    def acquire(self, cost: float = 1.0) -> None:
        cost = min(cost, self.capacity)
        while True:
            with self._lock:
                self._refill()
                if self._available >= cost - 1e-9:
                    self._available -= cost
                    return
                wait = (cost - self._available) / self.restore_rate
            self.waited += wait
            self._sleep(wait)
            if not _settings["backoff"] and self._sleep is sleep:
                # Testing with real time and no sleeping: don't spin, go on.
                with self._lock:
                    self._available = cost

    def try_acquire(self, cost: float) -> bool:
        """Take ``cost`` if the bucket holds it now, without waiting; say whether it did.

        What a server enforcing the limit does (the simulators use it).
        """
        with self._lock:
            self._refill()
            if self._available < cost - 1e-6:
                return False
            self._available = max(0.0, self._available - cost)
            return True

    def refund(self, cost: float) -> None:
        """Give back what a request was charged but did not spend."""
        with self._lock:
            self._available = min(self.capacity, self._available + cost)

    def observe(
        self,
        *,
        available: float,
        capacity: float | None = None,
        restore_rate: float | None = None,
    ) -> None:
        """Adopt the server's own view of the bucket."""
        with self._lock:
            if capacity is not None:
                self.capacity = capacity
            if restore_rate is not None:
                self.restore_rate = restore_rate
            self._available = min(self.capacity, available)
            self._stamp = self._clock()
