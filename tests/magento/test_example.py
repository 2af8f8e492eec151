"""examples/magento_to_shopify.py runs offline on the two simulators."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "magento_to_shopify.py"


def test_magento_to_shopify_runs_offline(
    shared_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CARTMIGRATE_MAGENTO_URL", "CARTMIGRATE_SHOPIFY_SHOP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(
        "CARTMIGRATE_SHOPIFY_SCHEMA",
        str(shared_dir / "specs/shopify/admin_schema_2026-01_public.graphql.gz"),
    )
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert "offline" in out
    assert "failure(s)" not in out
    assert "update variant" in out and "update order" in out  # the live changes, planned
    # The reconciliation row: 4 on the source, 4 migrated, 4 on the target.
    assert re.search(r"^order\s.*\s4\s+4\s+4\s+ok$", out, re.MULTILINE), out
    assert "requests sent" in out
