"""Every chapter in the table of contents meets the course's chapter standard (CHAPTER_STANDARD.md).

Chapters are discovered from ``_toc.yml`` (``book/chNN_<topic>``), so a chapter added later is held
to the same standard without editing this file.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from alliances.site.toc import CHAPTER, toc_files

ROOT = Path(__file__).resolve().parent.parent


CHAPTERS = sorted(f for f in toc_files(ROOT) if CHAPTER.fullmatch(f))


def _number(chapter: str) -> str:
    return re.match(r"book/ch(\d\d)_", chapter).group(1)


def _cells(path: Path):
    return [(c["cell_type"], "".join(c["source"])) for c in json.loads(path.read_text())["cells"]]


def _markdown(chapter):
    return [src for kind, src in _cells(ROOT / f"{chapter}.ipynb") if kind == "markdown"]


def _code(chapter):
    return [src for kind, src in _cells(ROOT / f"{chapter}.ipynb") if kind == "code"]


def _section(markdown_cells, heading):
    """Text of the level-2 section ``heading`` up to the next level-1 or level-2 heading."""
    text = "\n".join(markdown_cells)
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    return None if match is None else match.group(1)


def test_chapters_are_discovered():
    assert len(CHAPTERS) >= 5 and "book/ch05_conflict_risks" in CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_top_of_chapter_has_objectives_time_and_prerequisites(chapter):
    top = "\n".join(_markdown(chapter)[:3])
    assert re.search(r"^## Learning objectives", top, re.M), f"{chapter}: no learning objectives near the top"
    assert re.search(r"^\*\*Time:\*\* \S", top, re.M), f"{chapter}: no '**Time:**' line near the top"
    assert re.search(r"^\*\*Prerequisites:\*\* \S", top, re.M), f"{chapter}: no '**Prerequisites:**' line near the top"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_discussion_questions(chapter):
    section = _section(_markdown(chapter), "Discussion questions")
    assert section is not None, f"{chapter}: no '## Discussion questions' section"
    numbered = re.findall(r"^\d+\. \S", section, re.M)
    assert 3 <= len(numbered) <= 5, f"{chapter}: {len(numbered)} discussion questions, the standard asks for 3-5"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_teaching_note(chapter):
    note = ROOT / "book" / "teaching" / f"ch{_number(chapter)}.md"
    assert note.is_file(), f"{chapter}: no teaching note {note.relative_to(ROOT)}"
    text = note.read_text()
    assert text.startswith(f"# Teaching note: chapter {_number(chapter)}, "), f"{note.name}: title line"
    for part in ("stress", "misconception", "exercise"):
        assert part.lower() in text.lower(), f"{note.name}: says nothing under '{part}'"


def test_introduction_has_a_teaching_note():
    assert (ROOT / "book" / "teaching" / "ch00.md").read_text().startswith("# Teaching note: chapter 00, ")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_self_check_questions(chapter):
    files = sorted((ROOT / "book" / "selfcheck").glob(f"ch{_number(chapter)}*.yml"))
    questions = [q for f in files for q in (yaml.safe_load(f.read_text()) or [])]
    assert len(questions) >= 2, f"{chapter}: {len(questions)} self-check questions, at least two needed"
    assert any("quiz(" in src for src in _code(chapter)), f"{chapter}: the self-check quiz is never shown"


def _answer_key(notebook: Path) -> dict:
    for kind, src in _cells(notebook):
        if kind == "code" and "Checker(" in src:
            call = next(node for node in ast.walk(ast.parse(src))
                        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Checker")
            return ast.literal_eval(call.args[0])
    raise AssertionError(f"{notebook}: no answer key")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_exercise_notebook_has_three_questions(chapter):
    notebook = ROOT / "exercises" / f"{Path(chapter).name}.ipynb"
    assert notebook.is_file(), f"{chapter}: no exercise notebook {notebook.relative_to(ROOT)}"
    visible = [k for k, q in _answer_key(notebook).items() if not q.get("hidden")]
    assert len(visible) >= 3, f"{notebook.name}: {len(visible)} questions, at least three needed"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_uses_data_and_a_widget(chapter):
    code = "\n".join(_code(chapter))
    assert re.search(r"\bload\(", code), f"{chapter}: never calls load( on the data package"
    imported = re.findall(r"^from alliances\.widgets\.\w+ import (\([^)]*\)|[^\n]+)", code, re.M)
    names = {n for group in imported for n in re.split(r"[\s,()]+", group) if n}
    assert names, f"{chapter}: imports no widget from alliances.widgets"
    assert any(re.search(rf"^{re.escape(n)}\(", code, re.M) for n in names), f"{chapter}: shows no widget"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_cites_the_course_bibliography(chapter):
    """Chapters cite works from the one course bibliography (book/references.md) and carry no bibliography
    fence of their own (it would show as raw text in JupyterLab)."""
    text = "\n".join(_markdown(chapter))
    assert "```{bibliography}" not in text, f"{chapter}: has its own bibliography fence"
    assert re.search(r"\{cite:[tp]\}`", text), f"{chapter}: cites nothing"
    assert "{doc}`references`" in text, f"{chapter}: does not point readers to the references page"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_markup_reads_cleanly_in_jupyterlab(chapter):
    """JupyterLab renders plain Markdown only: no directive fences (they show as raw code blocks);
    "Try this" boxes are quoted blocks instead. Inline roles ({cite:t}, {term}) are explained in the
    introduction."""
    text = "\n".join(_markdown(chapter))
    fences = re.findall(r"^\s*(?:```|:::)\{[\w-]+\}.*$", text, re.M)
    assert not fences, f"{chapter}: directive fences show as raw text in JupyterLab: {fences}"
