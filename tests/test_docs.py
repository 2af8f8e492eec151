"""The docs tell users to import public names only."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRIVATE = re.compile(r"cartmigrate(?:\.\w+)*\._[a-z]\w*")


def test_the_guides_readme_and_examples_import_no_private_module() -> None:
    files = [
        REPO / "README.md",
        *sorted((REPO / "docs").glob("*.md")),
        *sorted((REPO / "docs" / "reference").glob("*.md")),
        *sorted((REPO / "examples").glob("*.py")),
    ]
    found = {
        f"{path.relative_to(REPO)}: {match}"
        for path in files
        for match in PRIVATE.findall(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)
