"""Progress for the engine's calls: tqdm bars, or plain log lines.

Pass either as ``SyncEngine(..., on_progress=...)``::

    from cartmigrate.progress import TqdmProgress
    engine = SyncEngine(source, target, on_progress=TqdmProgress())

``TqdmProgress`` draws one bar per entity type, with a total where the source
can count cheaply, and closes it when the type ends; it uses ``tqdm.auto``,
so it renders in a terminal and in a notebook. It needs tqdm
(``pip install 'cartmigrate[progress]'``). ``LoggingProgress`` needs
nothing: it logs each type's progress under the ``cartmigrate.progress``
logger, for cron jobs and services whose output goes to a log.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from ._redact import protect_logger
from .engine import Progress

#: Scrubbed like every library logger: a progress line may name what a store said.
_LOGGER = protect_logger("cartmigrate.progress")

__all__ = ["LoggingProgress", "TqdmProgress"]


class TqdmProgress:
    """One tqdm bar per entity type of a call, closed when the type ends.

    ``options`` go to every ``tqdm`` bar (``leave=False``, ``file=...``).
    Call ``close()`` after a call that stopped early, to close its bars.
    """

    def __init__(self, **options: Any) -> None:
        try:
            auto = importlib.import_module("tqdm.auto")
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError(
                "TqdmProgress needs tqdm: pip install 'cartmigrate[progress]'"
            ) from error
        self._tqdm: Any = auto.tqdm
        self._options = options
        self._bars: dict[tuple[str, str], Any] = {}

    def __call__(self, event: Progress) -> None:
        key = (event.call, event.entity)
        bar = self._bars.get(key)
        if bar is None:
            for other in [k for k in self._bars if k[0] != event.call]:
                self._bars.pop(other).close()  # a new call: the last one's bars are done
            bar = self._tqdm(
                desc=f"{event.call} {event.entity}",
                total=event.total,
                unit=event.entity,
                **self._options,
            )
            self._bars[key] = bar
        if event.total is not None and bar.total != event.total:
            bar.total = event.total
            bar.refresh()
        bar.update(event.done - bar.n)
        if event.finished:
            if bar.total is None or bar.total < event.done:
                bar.total = event.done
                bar.refresh()
            self._bars.pop(key).close()

    def close(self) -> None:
        """Close every bar still open."""
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


class LoggingProgress:
    """Log lines for progress: each type's start is implicit, its batches at
    ``level`` (default DEBUG) and its end at INFO, with how many of how many."""

    def __init__(self, logger: logging.Logger | None = None, *, level: int = logging.DEBUG) -> None:
        self.logger = logger or _LOGGER
        self.level = level

    def __call__(self, event: Progress) -> None:
        of = f"/{event.total}" if event.total is not None else ""
        if event.finished:
            self.logger.info("%s %s: done, %d%s", event.call, event.entity, event.done, of)
        else:
            self.logger.log(self.level, "%s %s: %d%s", event.call, event.entity, event.done, of)
