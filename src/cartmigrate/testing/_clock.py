"""A clock that moves only when told, for deterministic tests and simulators."""

from __future__ import annotations

import datetime as dt
import math
import threading

__all__ = ["FakeClock"]


class FakeClock:
    """Wall time and monotonic time that advance only through ``sleep``/``advance``.

    Hand ``clock.now`` to carts and engines that stamp times, ``clock.monotonic``
    and ``clock.sleep`` to rate limiters and simulators: a test that waits
    minutes for a rate limit then runs in microseconds, and the simulator can
    still check that the limit was respected.
    """

    def __init__(self, start: dt.datetime | None = None, *, tick: dt.timedelta | None = None):
        self._now = start or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        self._start = self._now
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._tick = tick or dt.timedelta(0)
        self._lock = threading.Lock()
        self.slept = 0.0

    def now(self) -> dt.datetime:
        """The current time; each call moves it on by ``tick`` (default: not at all)."""
        with self._lock:
            current = self._now
            self._now += self._tick
            return current

    def monotonic(self) -> float:
        """Seconds since the clock's start (small numbers keep float precision)."""
        with self._lock:
            return (self._now - self._start) / dt.timedelta(seconds=1)

    def sleep(self, seconds: float) -> None:
        """Move time on by ``seconds``, rounded up to a whole microsecond, so that
        a waiter computing a tiny wait always sees time pass."""
        if seconds > 0:
            step = dt.timedelta(microseconds=math.ceil(seconds * 1_000_000))
            with self._lock:
                self._now += step
                self.slept += step.total_seconds()

    def advance(self, delta: dt.timedelta | float) -> None:
        seconds = delta.total_seconds() if isinstance(delta, dt.timedelta) else delta
        self.sleep(seconds)
