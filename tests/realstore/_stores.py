"""The real stores of ``../shared/realstores`` as test resources.

Each store is real platform software on loopback, provisioned by its
``provision.sh`` (CI does it; locally you may). A store is a shared resource:
``RealStore.session()`` holds an exclusive file lock for the whole pytest
session, so two test processes never talk to one store at once, and tests
call ``reset()`` for the baseline they need.

Where a store is not provisioned the tests skip, saying so; under CI
(``CI=true``) they fail instead, because there they must run. A store that
is provisioned but stopped is started for the session and stopped after it;
one already running (``.ci/run`` starts them all first) is left running.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import attrs
import httpx
import pytest


def _read_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


@attrs.define(frozen=True)
class RealStore:
    """One real store: where it lives, how to reach it, reset it, and count its e-mails."""

    name: str
    home: Path
    probe_url: str
    mail_log: Path
    mail_marker: str = ""

    @property
    def provisioned(self) -> bool:
        return (self.home / "credentials.env").is_file() and (
            self.home / "reset-to-baseline.sh"
        ).is_file()

    @property
    def credentials(self) -> dict[str, str]:
        return _read_env(self.home / "credentials.env")

    def answering(self) -> bool:
        try:
            response = httpx.get(self.probe_url, timeout=10)
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    def start(self) -> None:
        self._run_script("start.sh", check=True)

    def stop(self) -> None:
        self._run_script("stop.sh", check=False)

    def _run_script(self, script: str, *, check: bool) -> None:
        # Output to a file, not a pipe: the servers start.sh leaves running may
        # keep an inherited pipe open, and waiting for its end would never end.
        with Path(f"/tmp/cartmigrate-realstore-{self.name}-start.log").open("ab") as log:
            subprocess.run(
                [str(self.home / script)],
                check=check,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=300,
            )

    def reset(self) -> None:
        """Back to the baseline the provision script saved (about 1-3 s)."""
        subprocess.run(
            [str(self.home / "reset-to-baseline.sh")],
            check=True,
            capture_output=True,
            timeout=300,
        )

    def mails(self) -> int:
        """How many e-mails the store has tried to send so far (each is logged, none leaves)."""
        if self.mail_log.is_dir():
            return sum(1 for p in self.mail_log.iterdir() if p.is_file())
        if not self.mail_log.is_file():
            return 0
        text = self.mail_log.read_text(errors="replace")
        return sum(1 for line in text.splitlines() if self.mail_marker in line)

    def _unavailable(self, reason: str) -> NoReturn:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI must run the real-store tests, but {reason}")
        pytest.skip(reason)

    @contextmanager
    def session(self) -> Iterator[RealStore]:
        """Skip (or, under CI, fail) when unavailable; else hold the store's
        lock, starting the store if it is stopped, and stopping it at the end
        if this session started it.

        Whether it answers is asked with the lock held: another session may
        have stopped the store it started while this one waited.
        """
        if not self.provisioned:
            self._unavailable(
                f"the real {self.name} store is not provisioned ({self.home} is absent): "
                f"run ../shared/realstores/{self.name}/provision.sh as root"
            )
        lock_path = Path(f"/tmp/cartmigrate-realstore-{self.name}.lock")
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            started = False
            try:
                if not self.answering():
                    started = True
                    try:
                        self.start()
                    except (OSError, subprocess.SubprocessError) as error:
                        self._unavailable(f"the real {self.name} store did not start: {error}")
                    if not self.answering():
                        self._unavailable(
                            f"the real {self.name} store does not answer at {self.probe_url}"
                        )
                yield self
            finally:
                if started:
                    self.stop()
                fcntl.flock(lock, fcntl.LOCK_UN)


WOOCOMMERCE = RealStore(
    name="woocommerce",
    home=Path("/opt/realwoo"),
    probe_url="http://127.0.0.1:8089/wp-json/",
    mail_log=Path("/opt/realwoo/logs/wp-debug.log"),
    mail_marker="[realwoo] mail suppressed",
)
PRESTASHOP = RealStore(
    name="prestashop",
    home=Path("/opt/realpresta"),
    probe_url="http://127.0.0.1:8090/api/",
    mail_log=Path("/opt/realpresta/logs/mail.log"),
    mail_marker="",
)
MAGENTO = RealStore(
    name="magento",
    home=Path("/opt/realmagento"),
    probe_url="http://127.0.0.1:8091/rest/V1/store/storeViews",
    mail_log=Path("/opt/realmagento/logs/mail.log"),
    mail_marker="",
)
