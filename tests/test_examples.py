"""The examples the README and the docs point to keep running."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_quickstart_runs_and_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "full_migrate" in out
    assert "update variant 1011" in out  # the dry-run diff
    assert "quantity: 4 -> 0" in out
    assert "Rewritten by the new shop's team" in out  # the target's edit survived
    assert "updated: 0, created: 0" in out  # the second smart update wrote nothing


def test_woocommerce_to_shopify_runs_offline(
    shared_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CARTMIGRATE_WC_URL", "CARTMIGRATE_SHOPIFY_SHOP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "CARTMIGRATE_WC_SAMPLE",
        str(shared_dir / "data/woocommerce-sample-data/sample_products.csv"),
    )
    monkeypatch.setenv(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        str(shared_dir / "specs/shopify/admin_schema_2026-01_public.graphql.gz"),
    )
    runpy.run_path(str(EXAMPLES / "woocommerce_to_shopify.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "offline" in out
    assert "failure(s)" not in out
    assert "update order" in out
    assert "quantity from its variants: the source's 9 is not carried" in out  # the V-Neck
    assert "requests sent" in out


def test_keep_in_sync_runs_two_nights_offline(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    sys.path.insert(0, str(EXAMPLES))
    try:
        namespace = runpy.run_path(str(EXAMPLES / "keep_in_sync.py"))
        assert namespace["main"]([]) == 0
    finally:
        sys.path.remove(str(EXAMPLES))
    out = capsys.readouterr().out
    nights = out.split("== ")
    assert "exit code 0" in nights[1]  # the first migration
    second = nights[2]
    assert "smart_update: NOT OK" in second and "exit code 1" in second
    assert "quantity: 100 -> 29" in second  # the conflict: the old shop's stock wins
    assert "ALERT: 1 failure(s)" in second
    assert '"variant","1012","","TransientError"' in second  # the failures as CSV
    assert "price 14.00 (theirs)" in second  # a field not synced keeps the team's edit
    assert "smart_update: ok" in nights[3] and "quantity: 9 -> 7" in nights[3]


def test_keep_in_sync_refuses_a_second_run_while_one_holds_the_lock(tmp_path: Path) -> None:
    namespace = runpy.run_path(str(EXAMPLES / "keep_in_sync.py"))
    from cartmigrate import MemoryCart

    state = tmp_path / "migration.db"
    with namespace["state_lock"](state) as first:
        assert first
        assert namespace["night"](MemoryCart(), MemoryCart(), state) == namespace["LOCKED"]
    assert namespace["night"](MemoryCart(), MemoryCart(), state) == namespace["OK"]


class _Unreadable(Exception):
    pass


def test_keep_in_sync_alerts_and_exits_non_zero_when_the_run_raises(tmp_path: Path) -> None:
    from cartmigrate import MemoryCart

    namespace = runpy.run_path(str(EXAMPLES / "keep_in_sync.py"))
    crashes: list[BaseException] = []
    reports: list[object] = []

    class Broken(MemoryCart):
        def read(self, *args: object, **kwargs: object) -> Any:
            raise _Unreadable("the old shop's database is gone")

    code = namespace["night"](
        Broken(),
        MemoryCart(),
        tmp_path / "migration.db",
        on_alert=reports.append,
        on_crash=crashes.append,
    )
    assert code == namespace["CRASHED"] != namespace["OK"]
    assert [type(e) for e in crashes] == [_Unreadable] and reports == []
    # A state that cannot be opened is a crash too, not a quiet night.
    code = namespace["night"](
        MemoryCart(),
        MemoryCart(),
        tmp_path / "no-such-dir" / "migration.db",
        on_crash=crashes.append,
    )
    assert code == namespace["CRASHED"] and len(crashes) == 2


def test_keep_in_sync_alerts_when_the_stores_cannot_be_set_up(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CARTMIGRATE_WC_URL", "CARTMIGRATE_SHOPIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    namespace = runpy.run_path(str(EXAMPLES / "keep_in_sync.py"))
    assert namespace["main"](["night"]) == namespace["CRASHED"]
    assert "ALERT: the run stopped with KeyError" in capsys.readouterr().out
