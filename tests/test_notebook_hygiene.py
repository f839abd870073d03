"""Committed notebooks are clean sources: no outputs, no execution counts, no absolute paths."""

import json
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked_notebooks():
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    on_disk = [p.relative_to(ROOT).as_posix() for d in ("book", "exercises") for p in (ROOT / d).glob("*.ipynb")]
    return sorted(set(listed) | set(on_disk))


NOTEBOOKS = tracked_notebooks()


def test_there_are_notebooks():
    assert any(n.startswith("book/") for n in NOTEBOOKS) and any(n.startswith("exercises/") for n in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_clean(path):
    nb = json.loads((ROOT / path).read_text())
    for number, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path} cell {number} has stored outputs"
            assert cell.get("execution_count") is None, f"{path} cell {number} has an execution count"
        source = "".join(cell["source"])
        assert not re.search(r"(/work/|/home/|/root/|[A-Z]:\\\\Users)", source), f"{path} cell {number}: absolute path"


@pytest.mark.parametrize("path", [n for n in NOTEBOOKS if n.startswith("book/")])
def test_chapter_has_one_title(path):
    nb = json.loads((ROOT / path).read_text())
    titles = [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()
              if line.startswith("# ")]
    assert len(titles) == 1, f"{path} should have exactly one level-1 heading, found {titles}"
