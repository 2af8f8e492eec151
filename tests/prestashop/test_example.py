"""examples/prestashop_to_shopify.py runs offline on the two simulators."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT, SHARED


def test_prestashop_to_shopify_runs_offline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = "specs/shopify/admin_schema_2026-01_public.graphql.gz"
    candidates = [
        SHARED / schema,
        Path(os.environ.get("CARTMIGRATE_SHARED", "/nonexistent")) / schema,
    ]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        pytest.skip(f"{SHARED} is absent: Shopify's schema lives there (CI has it)")
    for name in ("CARTMIGRATE_PS_URL", "CARTMIGRATE_SHOPIFY_SHOP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARTMIGRATE_SHOPIFY_SCHEMA", str(found))
    runpy.run_path(str(REPO_ROOT / "examples" / "prestashop_to_shopify.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "offline" in out
    assert "failure(s)" not in out
    assert "update variant 1: quantity" in out  # the sale on the old shop, planned
    assert "update order 1: status, status_history, shipments" in out
    assert "requests sent: prestashop" in out
