"""The README's snippet runs as pasted, and prints what it says it prints."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_snippet_runs_as_pasted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (snippet,) = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, "README.md", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert out.startswith("check: ok")
    assert "full_migrate (dry run: nothing was written): ok" in out
    assert "create product 1" in out
    assert "update variant 11" in out and "quantity: 4 -> 3" in out


def test_the_readme_output_excerpt_is_what_the_quickstart_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (excerpt,) = re.findall(r"```text\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    runpy.run_path(str(README.parent / "examples" / "quickstart.py"), run_name="__main__")
    printed = capsys.readouterr().out

    def timeless(text: str) -> str:
        return re.sub(r", \d+\.\d s$", "", text.strip(), flags=re.M)

    assert "3 planned change(s):" in excerpt and "2 update(s) written:" in excerpt
    assert timeless(excerpt) in timeless(printed)
