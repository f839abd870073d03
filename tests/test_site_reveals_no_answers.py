"""Nothing on the website reveals a solution: the teaching notes and the exercises page are public
pages, so no exercise's expected value (visible or hidden) may appear in them."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from alliances.checking import answer_key_from_source

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = sorted((ROOT / "exercises").glob("ch[0-9][0-9]_*.ipynb"))


def _key(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if "answer-key" in c.metadata.get("tags", [])]
    return answer_key_from_source(cell.source)


def _telltales(spec: dict) -> list[str]:
    """Forms of an expected value that would give it away in prose (numbers of 3+ significant
    characters, text answers of 6+ letters; short ones like 7 or "yes" occur in any prose)."""
    value = spec.get("expected")
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        text = f"{value}"
        digits = re.sub(r"[^0-9]", "", text.lstrip("0.").rstrip("0") or "0")
        if len(digits) < 3:
            return []
        forms = {text, f"{value:,}" if isinstance(value, int) else text}
        return [f for f in forms if f]
    if isinstance(value, str) and len(value) >= 6 and spec.get("kind") == "text":
        return [value]
    return []


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_teaching_note_reveals_no_expected_value(path):
    note = ROOT / "book" / "teaching" / f"{path.stem[:4]}.md"
    assert note.exists(), f"no teaching note for {path.stem}"
    text = note.read_text(encoding="utf-8")
    found = [(q, t) for q, spec in _key(path).items() for t in _telltales(spec)
             if re.search(rf"(?<![\d.]){re.escape(t)}(?![\d])", text)]
    assert not found, f"{note.name} gives away answers: {found}"


def test_exercises_page_lists_only_student_versions():
    page = (ROOT / "book" / "exercises.md").read_text(encoding="utf-8")
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "exercises/student/*" in toc and "exercises/ch" not in toc
    assert "SOLUTION" not in page and "answer-key" not in page


def test_exercises_page_links_every_student_version():
    page = (ROOT / "book" / "exercises.md").read_text(encoding="utf-8")
    published = sorted(p.stem for p in (ROOT / "exercises" / "student").glob("ch*.ipynb"))
    assert published and len(published) == len(EXERCISES)
    assert [s for s in published if f"{{doc}}`/exercises/student/{s}`" not in page] == []
