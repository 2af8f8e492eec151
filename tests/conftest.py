"""Shared fixtures: fast retries, and the location of ../shared (real data and specs)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cartmigrate.connectors._http import set_testing

REPO_ROOT = Path(__file__).resolve().parent.parent
# CARTMIGRATE_SHARED points elsewhere (e.g. from a git worktree, whose parent has none).
SHARED = Path(os.environ.get("CARTMIGRATE_SHARED") or REPO_ROOT.parent / "shared")


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    set_testing(backoff=False)
    yield
    set_testing(backoff=True)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository; tests that need it skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: real specs and sample data live there (CI has it)")
    return SHARED
