"""What users write type-checks under ``mypy --strict``: the docs' connector
skeleton, and selections built in variables before they are passed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

USER_CODE = """
from cartmigrate import (
    Entity,
    EntitySelector,
    FieldSelection,
    MemoryCart,
    Order,
    Product,
    SyncEngine,
    Variant,
)
from cartmigrate.connectors.http import HttpClient, Secret, set_testing

engine = SyncEngine(MemoryCart(), MemoryCart())
fields = {Product: ["quantity"]}
engine.smart_update(fields=fields)
several = {Product: ["quantity"], Variant: ("quantity", "stock_status"), Order: ["status"]}
engine.smart_update(fields=several, dry_run=True)
by_name = {"product": ["quantity"]}
engine.smart_update(fields=by_name)
mixed: dict[type[Entity] | str, list[str]] = {Product: ["quantity"], "order": ["status"]}
engine.smart_update(fields=mixed)
kinds = [Product, Order]
engine.full_migrate(entities=kinds)
chosen: EntitySelector = ["product", Order]
engine.full_migrate(entities=chosen)
token = Secret("x")
set_testing(backoff=False)
client: type[HttpClient] = HttpClient


def nightly(engine: SyncEngine, selection: FieldSelection) -> bool:
    return engine.smart_update(fields=selection).ok
"""


def _skeleton() -> str:
    text = (REPO / "docs" / "writing-a-connector.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    skeleton = next(b for b in blocks if "class MyShopCart(Cart)" in b)
    return skeleton + '\ncart = MyShopCart()\nreveal_type(cart.get(Customer, "7"))\n'


def test_user_code_and_the_connector_skeleton_pass_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    (tmp_path / "user_code.py").write_text(USER_CODE, encoding="utf-8")
    (tmp_path / "skeleton.py").write_text(_skeleton(), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--config-file",
            "/dev/null",
            "--cache-dir",
            str(REPO / ".mypy_cache"),
            str(tmp_path / "user_code.py"),
            str(tmp_path / "skeleton.py"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    lines = [line for line in result.stdout.splitlines() if "note: Revealed type" not in line]
    assert not lines, "\n".join(lines)
    assert 'Revealed type is "cartmigrate.models._customers.Customer | None"' in result.stdout
