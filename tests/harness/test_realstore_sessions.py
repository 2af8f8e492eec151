"""The real-store session leaves a store as it found it.

A provisioned store that was stopped is started for the tests and stopped
after them; one that was running (``.ci/run`` starts them first) stays
running. Checked with a stand-in store: scripts that record their calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realstore._stores import RealStore


def _store(home: Path) -> RealStore:
    home.mkdir()
    (home / "credentials.env").write_text("KEY=value\n")
    for script in ("reset-to-baseline.sh", "start.sh", "stop.sh"):
        path = home / script
        path.write_text(f"#!/bin/sh\necho {script} >> {home}/calls\n")
        path.chmod(0o755)
    return RealStore(
        name=f"stand-in-{home.name}",
        home=home,
        probe_url="http://127.0.0.1:9/",
        mail_log=home / "mail.log",
    )


def _calls(home: Path) -> list[str]:
    path = home / "calls"
    return path.read_text().split() if path.exists() else []


def test_a_stopped_store_is_started_and_stopped_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "stopped")
    running = {"now": False}

    def answering(self: RealStore) -> bool:
        running["now"] = running["now"] or "start.sh" in _calls(self.home)
        return running["now"]

    monkeypatch.setattr(RealStore, "answering", answering)
    with store.session():
        assert _calls(store.home) == ["start.sh"]
    assert _calls(store.home) == ["start.sh", "stop.sh"]


def test_a_running_store_is_left_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path / "running")
    monkeypatch.setattr(RealStore, "answering", lambda self: True)
    with store.session():
        pass
    assert _calls(store.home) == []


def test_a_store_that_will_not_answer_skips_and_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "silent")
    monkeypatch.setattr(RealStore, "answering", lambda self: False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="does not answer"), store.session():
        pass
    assert _calls(store.home) == ["start.sh", "stop.sh"]
