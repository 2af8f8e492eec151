"""Reading the next batches from the source while the current one is written.

Source and target are different servers. Read and written in turn, each is
idle while the engine waits on the other, and a migration takes the sum of
both. Reading a batch or two ahead in a second thread overlaps the two, and
it sends neither server more requests at once than before: each cart keeps
its own ``max_concurrency``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

__all__ = ["ReadAhead"]

T = TypeVar("T")

#: How often a worker blocked on a full queue checks whether it should stop.
_POLL = 0.05
#: How long closing waits for the read the worker is in.
_PATIENCE = 5.0

logger = logging.getLogger("cartmigrate")


class ReadAhead(Generic[T]):
    """Iterates ``batches`` in a worker thread, at most ``depth`` batches ahead.

    Use it as a context manager: leaving the block (also by an exception, or
    a crash test's interrupt) stops the worker at its next batch, after a
    short wait for the read it is in. An error raised by ``batches`` is raised again
    where the consumer reaches it, after every batch read before it.
    """

    def __init__(self, batches: Iterator[T], *, depth: int = 1) -> None:
        self._batches = batches
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._starting = threading.Lock()
        self._started = False
        self._ended = False  # the end, or the error, was handed over
        self._thread = threading.Thread(
            target=self._work, name="cartmigrate-read-ahead", daemon=True
        )

    def start(self) -> ReadAhead[T]:
        """Start reading (once; entering the context also starts it)."""
        with self._starting:
            if not self._started:
                self._started = True
                self._thread.start()
        return self

    def __enter__(self) -> ReadAhead[T]:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[T]:
        """The batches; iterating again goes on where the last iteration stopped."""
        while not self._ended:
            tag, value = self._queue.get()
            if tag == "batch":
                yield value
                continue
            self._ended = True
            if tag == "error":
                raise value

    def close(self) -> None:
        """Stop the worker, and wait a little for the read it is in.

        Only a little: that read may be retrying a flaky server for minutes,
        and whoever stops the call (Ctrl-C, say) should not wait for it. The
        worker only reads, and it stops by itself at its next batch.
        """
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(_PATIENCE)
            if self._thread.is_alive():
                logger.warning("the read-ahead worker is still finishing a read; it stops after it")

    def _work(self) -> None:
        try:
            for batch in self._batches:
                if not self._put(("batch", batch)):
                    return
            self._put(("done", None))
        except BaseException as error:  # handed to the consumer, raised there
            self._put(("error", error))
        finally:
            close = getattr(self._batches, "close", None)
            if close is not None:
                close()  # a generator's cleanup runs in the thread that ran it

    def _put(self, item: tuple[str, Any]) -> bool:
        """Queue ``item``; False when the consumer has left."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL)
            except queue.Full:
                continue
            return True
        return False
