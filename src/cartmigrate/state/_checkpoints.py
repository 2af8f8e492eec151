"""Copying the SQLite state's write-ahead log into its file, off the caller's thread.

In WAL mode a commit appends pages to ``<file>-wal``; now and then those pages
are copied back into the file and the file is ``fsync``-ed (a checkpoint).
SQLite does it by itself inside the commit that pushes the log past 1,000
pages, so that one commit of the engine's waits for the copy and the
``fsync``: about 12 ms on this project's CI machine, a tenth of a smart update
after a 1% change, paid by whichever call crosses the line.

Here a thread with a connection of its own checkpoints, after the store
writes and at most once per ``interval``: a *passive* checkpoint, which copies
what it can without waiting for, or blocking, the store's writes. ``sqlite3``
lets go of the GIL inside SQLite, so the copy and the ``fsync`` run beside the
engine. The store's own connection checkpoints only past a bound ten times
SQLite's (``_sqlite._LOG_BOUND``): under writes that never pause, as a full
migration's, the thread's copy trails them and the log could not start over.

Nothing is less durable for it. A commit is safe against a crashed process
once it is in the log either way (the log is the database until it is copied).
Against a power cut, ``synchronous=NORMAL`` makes the log durable at
checkpoints: here that is within ``interval`` of a write, where SQLite's own
waits for the 1,000th page, however long that takes. Closing the store stops
the thread before the store's connection closes, which copies the rest as
SQLite always does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

__all__ = ["Checkpointer"]

logger = logging.getLogger("cartmigrate")

#: Seconds between two checkpoints, at most one per this while writes go on.
INTERVAL = 0.25
#: Seconds without a write after which the thread ends (the next write starts
#: another): a store its user never closes leaves no thread behind for long.
IDLE = 30.0


class Checkpointer:
    """A thread that checkpoints ``path``'s log after the store writes.

    Started by a write, ended by ``close`` or after ``idle`` seconds without
    one; ``close`` is safe to call more than once, or before any write.
    """

    __slots__ = ("_failed", "_idle", "_interval", "_lock", "_path", "_stop", "_thread", "_wake")

    def __init__(self, path: str, *, interval: float = INTERVAL, idle: float = IDLE) -> None:
        self._path = path
        self._interval = interval
        self._idle = idle
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # who starts or ends the thread
        self._thread: threading.Thread | None = None
        self._failed = False

    def wrote(self) -> bool:
        """The store committed a write: checkpoint soon, off this thread.

        False if the thread could not open the file: the store then lets its
        own connection checkpoint again, as SQLite does by default."""
        if self._failed:
            return False
        with self._lock:
            if self._stop.is_set():
                return True  # closed: the store's connection copies the rest
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="cartmigrate-checkpoints", daemon=True
                )
                self._thread.start()
        return True

    def close(self) -> None:
        """Stop the thread (after the checkpoint it is running, if any)."""
        with self._lock:
            self._stop.set()
            self._wake.set()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _idle_out(self) -> bool:
        """No write for ``idle`` seconds: end, unless one came just now."""
        with self._lock:
            if self._wake.is_set():
                return False
            self._thread = None
            return True

    def _run(self) -> None:
        db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self._path, isolation_level=None)
            db.execute("PRAGMA synchronous=NORMAL")  # as the store's: the log, then the file
        except sqlite3.Error as error:  # the store's own connection still works
            logger.warning("state %s: no checkpoint thread: %s", self._path, error)
            self._failed = True
            if db is not None:
                db.close()
            return
        try:
            while True:
                if not self._wake.wait(self._idle) and self._idle_out():
                    return
                if self._stop.is_set():
                    return
                self._wake.clear()
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:
                    # Nothing is lost: the pages stay in the log, and the
                    # next checkpoint (or the store's close) copies them.
                    logger.warning("state %s: checkpoint failed: %s", self._path, error)
                if self._stop.wait(self._interval):
                    return
        finally:
            db.close()
