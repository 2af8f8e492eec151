"""The migration lock's shared parts: who holds it, waiting for it, a lock file.

One migration runs at a time per state, or two runs create the same entities
twice. Every store takes the lock with a mechanism that its owner (the
operating system, the database server) releases by itself when the holder
dies: an ``flock`` on a file beside a SQLite state, a PostgreSQL advisory
lock. So no lease to renew, no heartbeat to miss, and no guess whether a
holder that has gone quiet is dead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable

from .._exceptions import MigrationLocked, StateError

__all__ = ["FileLock", "Holder", "default_holder", "locked_error", "poll"]

#: How often a waiting caller tries again, at most: short enough that a
#: freed lock is taken soon, long enough to cost nothing while waiting.
_MAX_PAUSE = 0.25
#: How long a refused caller re-reads an empty holder record (see FileLock).
_NAME_WAIT = 1.0


def default_holder() -> str:
    """Who the lock names when the caller does not say: host and process."""
    return f"{socket.gethostname()} pid {os.getpid()} thread {threading.get_ident()}"


class Holder:
    """What a store records about whoever holds its lock."""

    __slots__ = ("name", "since")

    def __init__(self, name: str | None, since: dt.datetime | None) -> None:
        self.name = name
        self.since = since

    def to_json(self) -> str:
        since = self.since.isoformat() if self.since is not None else None
        return json.dumps({"holder": self.name, "since": since})

    @classmethod
    def from_json(cls, text: str) -> Holder:
        """The holder as recorded; unknown (None, None) when nothing readable is."""
        try:
            data = json.loads(text)
            since = data.get("since")
            return cls(data.get("holder"), dt.datetime.fromisoformat(since) if since else None)
        except (ValueError, TypeError, AttributeError):
            return cls(None, None)


def locked_error(what: str, holder: Holder) -> MigrationLocked:
    who = holder.name or "another process (it has just taken the lock)"
    since = f" since {holder.since.isoformat(timespec='seconds')}" if holder.since else ""
    return MigrationLocked(
        f"{what} is being migrated by {who}{since}; one migration runs at a time"
        " (pass wait= seconds to wait for it)",
        holder=holder.name,
        since=holder.since,
    )


def poll(try_once: Callable[[], bool], wait: float) -> bool:
    """Call ``try_once`` until it returns True or ``wait`` seconds have passed.

    Tries at least once; between tries it sleeps a little longer each time,
    up to a quarter of a second, never past the deadline.
    """
    if wait < 0:
        raise ValueError(f"wait must be >= 0 seconds, not {wait!r}")
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        if try_once():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, _MAX_PAUSE)


class FileLock:
    """An exclusive ``flock`` on ``path``, which names its holder inside.

    ``flock`` belongs to the open file, so two stores in one process exclude
    each other as two processes do, and the kernel drops it when the process
    dies, however it dies. The file is never deleted: deleting a lock file
    lets a third process lock a new file while the second still holds the
    old one. (Local file systems only: NFS ``flock`` is not to be trusted.)
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, what: str, holder: str, wait: float) -> None:
        if self._fd is not None:
            raise locked_error(what, self._read(self._fd))
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not poll(lambda: _try_lock(fd), wait):
                raise locked_error(what, self._holder_of(fd))
            record = Holder(holder, dt.datetime.now(dt.UTC)).to_json().encode()
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, record)
        except BaseException:
            os.close(fd)  # closing drops the lock, if it was taken
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # nobody holds it now
        finally:
            os.close(fd)  # and this drops the lock

    def _holder_of(self, fd: int) -> Holder:
        """Who holds the lock. A holder writes its name just after taking the
        lock, so a caller that comes in between re-reads for a moment."""
        found = self._read(fd)
        if found.name is None:
            poll(lambda: self._read(fd).name is not None, _NAME_WAIT)
            found = self._read(fd)
        return found

    @staticmethod
    def _read(fd: int) -> Holder:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            return Holder.from_json(os.read(fd, 4096).decode("utf-8", "replace"))
        except OSError:
            return Holder(None, None)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 1 << 20, os.SEEK_SET)  # lock a byte past the holder's record
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import errno
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise StateError(f"cannot lock the state's lock file: {error}") from error
        return True
