"""Every exercise notebook follows the format, and its own solutions answer every question correctly.

This catches an answer key that drifted from the data or the models: the solution cells compute
the answers afresh, and every question, hidden ones included, must judge them correct.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from alliances.checking import answer_key_from_source

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("ch*.ipynb"))
JUDGE_ALL = """
import json as _json
from alliances.checking import judge as _judge
print("VERDICTS" + _json.dumps({q: _judge(q, s, globals().get(s["answer"], ...)).status
                                for q, s in check.answer_key.items()}))
"""


def answer_key_cells(nb):
    return [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]


def test_there_are_exercises():
    assert EXERCISES


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_format(path):
    nb = nbformat.read(path, as_version=4)
    keys = answer_key_cells(nb)
    assert len(keys) == 1, "exactly one cell tagged answer-key"
    key = answer_key_from_source(keys[0].source)
    public = [q for q, spec in key.items() if not spec.get("hidden")]
    assert len(public) >= 3, "each chapter needs at least three auto-checked questions"
    assert any(spec.get("hidden") for spec in key.values()), "at least one hidden check for instructors"
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for question in public:
        assert re.search(rf"check\(\s*['\"]{re.escape(question)}['\"]", sources), f"no check cell for {question}"
    assert "SOLUTION" in sources, "solutions must be marked for the student version"
    chapter = path.stem.split("_")[0]
    assert (ROOT / "book" / f"{path.stem}.ipynb").exists(), f"no chapter page book/{path.stem}.ipynb for {chapter}"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_solutions_pass_every_check(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(JUDGE_ALL))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    verdicts = json.loads(printed.split("VERDICTS", 1)[1])
    wrong = {q: status for q, status in verdicts.items() if status != "correct"}
    assert not wrong, f"the notebook's own solutions fail: {wrong}"
