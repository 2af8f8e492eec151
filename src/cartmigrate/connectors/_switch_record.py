"""A durable note of store settings a cart switched off, for the next run to undo.

A connector that mutes a store's e-mails while it writes (WooCommerce's
e-mail settings, PrestaShop's order-state e-mails) must switch them back on
even when its process is killed in between. It writes this record, fsynced,
*before* it switches a setting off and deletes it once the setting is back
on; a later run finds the records of processes that are no longer alive and
switches what they name back on.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["SwitchRecord", "default_record_dir"]

_SERIAL = itertools.count()


def default_record_dir() -> Path:
    """Where the records live unless told: ``$XDG_CACHE_HOME/cartmigrate`` (``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cartmigrate"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SwitchRecord:
    """This cart's record (one file per cart and process) and the stale ones of a store.

    ``kind`` names the setting family in the file names ("woocommerce-emails");
    ``key`` is the JSON field holding the switched settings.
    """

    def __init__(self, *, kind: str, url: str, key: str, record_dir: Path | None) -> None:
        self._dir = record_dir if record_dir is not None else default_record_dir()
        self._prefix = f"{kind}-" + hashlib.sha256(url.encode()).hexdigest()[:16]
        self._key = key
        self.path = self._dir / f"{self._prefix}-{os.getpid()}-{next(_SERIAL)}.json"

    def write(self, switched: list[str]) -> None:
        """Record ``switched`` durably (written aside, fsynced, then moved in place)."""
        self._dir.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w") as handle:
            json.dump({"pid": os.getpid(), self._key: switched}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.path)

    def drop(self) -> None:
        self.path.unlink(missing_ok=True)

    def stale(self) -> Iterator[tuple[Path, list[str]]]:
        """(file, settings) of every readable record of this store whose process is gone.

        A live process's record is skipped: that run switches its settings back
        itself. The caller deletes a file once what it names is back on.
        """
        if not self._dir.is_dir():
            return
        for path in sorted(self._dir.glob(f"{self._prefix}-*.json")):
            try:
                record = json.loads(path.read_text())
                pid = int(record["pid"])
                switched = [str(s) for s in record[self._key]]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if not _alive(pid):
                yield path, switched
