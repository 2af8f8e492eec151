"""The examples the README and the docs point to keep running."""

from __future__ import annotations

import runpy
from pathlib import Path

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
    assert "requests sent" in out
