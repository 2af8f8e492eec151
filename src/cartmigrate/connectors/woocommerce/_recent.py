"""Finding what an interrupted create left on the store: the newest entities, settled.

WooCommerce cannot filter by meta through REST, so an entity is found by its
source reference (or a migrated order by its source number) among the newest
of its type. Two things make that lookup lie if it is done naively:

- a ``POST /orders/batch`` whose answer was lost (a client time-out, a killed
  process) goes on being processed by PHP: the orders appear one by one,
  seconds later. A lookup right away misses them, and the engine creates them
  again. So before the first lookup of a type that may have an unknown
  outcome, the store is watched until it is *quiet* — its newest id and count
  unchanged for ``quiet`` seconds — or ``deadline`` seconds passed;
- ``?search=`` also matches order ids, so it must never decide a match: the
  match is exact, on the field cartmigrate wrote.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ...models import Entity

__all__ = ["RecentIndex"]

logger = logging.getLogger("cartmigrate.woocommerce")


class RecentIndex:
    """The newest ``scan`` raw resources of each type, read once until invalidated.

    ``newest(kind)`` returns ``(total, newest id)`` for one cheap request;
    ``pages(kind)`` iterates raw resources newest first.
    """

    def __init__(
        self,
        *,
        pages: Callable[[type[Entity]], Iterator[Mapping[str, Any]]],
        newest: Callable[[type[Entity]], tuple[int | None, int | None]],
        scan: int,
        quiet: float,
        deadline: float,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._pages = pages
        self._newest = newest
        self._scan = scan
        self._quiet = quiet
        self._deadline = deadline
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._lock = threading.Lock()
        self._cache: dict[type[Entity], list[Mapping[str, Any]]] = {}
        #: Types whose store side is known to be done with our writes (settled).
        self._settled: set[type[Entity]] = set()

    def forget(self, kind: type[Entity]) -> None:
        """The cart wrote ``kind``: read it again next time (its answers arrived)."""
        with self._lock:
            self._cache.pop(kind, None)

    def unsettle(self, kind: type[Entity]) -> None:
        """A write of ``kind`` had an unknown outcome: the store may still be writing."""
        with self._lock:
            self._cache.pop(kind, None)
            self._settled.discard(kind)

    def recent(self, kind: type[Entity]) -> list[Mapping[str, Any]]:
        with self._lock:
            found = self._cache.get(kind)
            if found is None:
                found = []
                for position, raw in enumerate(self._pages(kind)):
                    if position >= self._scan:
                        break
                    found.append(raw)
                self._cache[kind] = found
            return found

    def settle(self, kind: type[Entity]) -> None:
        """Wait until the store stops adding ``kind`` (at most ``deadline`` seconds).

        Once per type per cart, and again after each write of it whose outcome
        is unknown: a fresh process cannot know whether a run before it was
        killed mid-batch, so it looks before it trusts a miss.
        """
        if kind in self._settled:
            return
        start = self._clock()
        last = self._newest(kind)
        still = start
        while self._clock() - still < self._quiet:
            if self._clock() - start >= self._deadline:
                logger.warning(
                    "woocommerce: the store was still adding %s entities after %.0f s;"
                    " looking them up anyway",
                    kind.kind,
                    self._deadline,
                )
                break
            self._sleep(min(1.0, self._quiet))
            now = self._newest(kind)
            if now != last:
                last, still = now, self._clock()
        with self._lock:
            self._settled.add(kind)
            self._cache.pop(kind, None)
