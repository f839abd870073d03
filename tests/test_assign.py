"""Student versions: no solution text, expected value or hidden check survives, and they run.

The leak scan below is written independently of ``alliances.grading.notebooks``: it reads the
markers of exercises/README.md itself and looks for every secret in the generated notebooks.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from alliances.checking import answer_key_from_source
from alliances.grading import assign

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading_fixtures as fx  # noqa: E402

EXERCISES = sorted((ROOT / "exercises").glob("ch*.ipynb"))
PUBLISHED = ROOT / "exercises" / "student"
WINDOW = 12  # characters: any run this long from a solution, absent from the public text, is a leak


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def secrets_of(source: nbformat.NotebookNode) -> tuple[list[str], list[re.Pattern], list[str], str]:
    """(solution fragments, expected-value patterns, hidden ids, public text) of a source notebook."""
    fragments, public = [], []
    key = None
    for cell in source.cells:
        tags = _tags(cell)
        if "answer-key" in tags:
            key = answer_key_from_source(cell.source)
            continue
        if "solution" in tags or "instructor" in tags:
            fragments += [line.strip() for line in cell.source.splitlines() if line.strip()]
            continue
        if cell.cell_type != "code":
            public.append(cell.source)
            continue
        inside = False
        for line in cell.source.splitlines():
            if re.match(r"^\s*#\s*BEGIN SOLUTION\s*$", line):
                inside = True
            elif re.match(r"^\s*#\s*END SOLUTION\s*$", line):
                inside = False
            elif inside:
                if line.strip():
                    fragments.append(line.strip())
            elif re.search(r"#\s*SOLUTION\s*$", line):
                code = re.sub(r"#\s*SOLUTION\s*$", "", line)
                fragments.append(code.split("=", 1)[1].strip())
                public.append(code.split("=", 1)[0])
            else:
                public.append(line)
    assert key is not None
    patterns, hidden = [], []
    for question_id, spec in key.items():
        public.append(repr(spec.get("options", "")))
        public.append(f"{spec['answer']} = ...")  # public by design: the answer variable awaiting its value
        if not spec.get("hidden"):  # and the hints of a visible question (its own, and those of common mistakes)
            public.append(str(spec.get("hint", "")))
            public += [str(m.get("hint", "")) for m in spec.get("mistakes", []) if isinstance(m, dict)]
        if spec.get("hidden"):
            hidden.append(question_id)
        if spec["kind"] == "choice":
            continue  # the expected choice is one of the public options by design
        values = spec["expected"] if spec["kind"] in ("numbers", "set", "sequence") else [spec["expected"]]
        whole = [spec["expected"]] if isinstance(spec["expected"], list) else []
        for value in [*values, *whole]:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                patterns.append(re.compile(rf"(?<![\w.]){re.escape(repr(value))}(?![\w.])"))
            elif isinstance(value, str) and len(value) >= 4:
                patterns.append(re.compile(re.escape(value), re.IGNORECASE))
            elif isinstance(value, list):
                patterns.append(re.compile(re.escape(repr(value))))
    return fragments, patterns, hidden, "\n".join(public)


def student_text(nb: nbformat.NotebookNode) -> tuple[str, str]:
    """(all cell sources and metadata, code only)."""
    everything = "\n".join(c.source for c in nb.cells) + json.dumps(nb.metadata)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return everything, code


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def fragment_leaks(fragments: list[str], public: str, student: str) -> list[str]:
    """Every WINDOW-character run of a solution that is in the student text but not in the public text."""
    public, student = _squash(public), _squash(student)
    leaks = []
    for fragment in fragments:
        fragment = _squash(fragment)
        for start in range(max(1, len(fragment) - WINDOW + 1)):
            piece = fragment[start:start + WINDOW]
            if len(piece.strip()) >= min(WINDOW, len(fragment.strip())) and piece in student and piece not in public:
                leaks.append(piece)
                break
    return leaks


def assert_no_leaks(source_path: Path, student_path: Path) -> None:
    source = nbformat.read(source_path, as_version=4)
    student = nbformat.read(student_path, as_version=4)
    fragments, patterns, hidden, public = secrets_of(source)
    everything, code = student_text(student)
    leaks = [f for f in fragments if f in everything and f not in public]
    assert not leaks, f"solution text survives in {student_path.name}: {leaks}"
    # the documented placeholder of a solution block, ``a = b = ...  # your code here``, holds only answer names
    placeholders = re.compile(r"^[ \t]*(\w+[ \t]*=[ \t]*)*\.\.\.[ \t]*# your code here[ \t]*$", re.MULTILINE)
    pieces = fragment_leaks(fragments, public, placeholders.sub("", everything))
    assert not pieces, f"pieces of solutions survive in {student_path.name}: {pieces}"
    leaked_values = [p.pattern for p in patterns if p.search(code) and not p.search(public)]
    assert not leaked_values, f"expected values survive in {student_path.name}: {leaked_values}"
    leaked_ids = [h for h in hidden if h in everything]
    assert not leaked_ids, f"hidden questions survive in {student_path.name}: {leaked_ids}"
    assert "'expected'" not in code and '"expected"' not in code
    assert not re.search(r"""['"]hidden['"]\s*:""", code), "a hidden flag survives (only hidden-part counts may)"
    for cell in student.cells:
        assert "instructor" not in _tags(cell) and "solution" not in _tags(cell)
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert student.metadata["alliances"] == {"exercise": source_path.stem, "student_version": True}


@pytest.fixture(scope="module")
def fixture_versions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assign")
    source = fx.write_exercise(folder / "src")
    out = folder / "student"
    assert assign.main([str(source), "--out", str(out)]) == 0
    return source, out / source.name


def test_fixture_student_version_has_no_secrets(fixture_versions):
    source, student = fixture_versions
    assert_no_leaks(source, student)
    text = student.read_text()
    for secret in ("PURPLE-ELEPHANT", "round(base_share", "sum(values)", "palette", "grass", "q1-hidden", "0.38"):
        assert secret not in text
    nb = nbformat.read(student, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert "share = ...\nother = ..." in code[1]
    assert any(c.startswith("count = ...  # your code here") for c in code)
    assert "pick = ...  # your code here" in code
    assert any(c.cell_type == "markdown" and c.source == "_Write your answer here._" for c in nb.cells)


def test_fixture_student_version_runs_and_reports_missing(fixture_versions):
    _, student = fixture_versions
    nb = nbformat.read(student, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint('STATUS' + json.dumps({q: check(q, globals()[check.answer_key[q]['answer']]).status "
        "for q in check.questions}))"))
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    statuses = json.loads(printed.split("STATUS", 1)[1])
    assert statuses == {"q1": "missing", "q2": "missing", "q3": "missing"}
    check_outputs = [o for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")
                     for o in c.outputs]
    assert check_outputs and all("no answer yet" in json.dumps(o) for o in check_outputs)


def test_one_salt_per_run(tmp_path):
    first, second = fx.write_exercise(tmp_path / "a"), tmp_path / "b" / "ch91_other.ipynb"
    second.parent.mkdir()
    second.write_text(first.read_text())
    assert assign.main([str(first), str(second), "--out", str(tmp_path / "out")]) == 0
    salts = set()
    for path in (tmp_path / "out").glob("*.ipynb"):
        salts |= set(re.findall(r"'salt': '([0-9a-f]+)'", path.read_text().replace('\\"', '"')))
    assert len(salts) == 1
    assert assign.main([str(first), "--out", str(tmp_path / "out2")]) == 0
    again = set(re.findall(r"'salt': '([0-9a-f]+)'", (tmp_path / "out2" / first.name).read_text()))
    assert again and again != salts


def test_fragment_scan_finds_a_partial_leak():
    """The scan itself: a piece of a solution line is found even when the whole line is not there."""
    fragments = ["round(base_share * 2, 2)"]
    assert fragment_leaks(fragments, "share = ...", "x = base_share * 2") == ["base_share *"]
    assert fragment_leaks(fragments, "share = ...", "share = ...") == []
    assert fragment_leaks(fragments, "base_share * 2 is public", "base_share * 2") == []


STRAY_MARKERS = {
    "capitalised": ("code", "share = 0.62  # Solution"),
    "annotated": ("code", "share = 0.62  # SOLUTION (from Q1)"),
    "labelled_block": ("code", "# BEGIN SOLUTION q1\nshare = 0.62\n# END SOLUTION q1"),
    "lower_case_comment": ("code", "# solution below\nshare = 0.62"),
    "twice": ("code", "share = 0.62  # solution  # SOLUTION"),
    "markdown_label": ("markdown", "**Solution:** the share is 0.62"),
    "markdown_answer": ("markdown", "Answer: green"),
    "markdown_heading": ("markdown", "## Solution"),
}


def test_prose_that_mentions_answers_is_not_a_label(tmp_path):
    nb = fx.source_notebook()
    nb.cells.insert(4, nbformat.v4.new_markdown_cell("Give your answer to 2 decimals; any\nanswer within 0.005 is accepted."))
    path = tmp_path / "ch90_fixture.ipynb"
    nbformat.write(nb, str(path))
    assert assign.main([str(path), "--out", str(tmp_path / "out")]) == 0


@pytest.mark.parametrize("case", sorted(STRAY_MARKERS))
def test_stray_solution_mentions_are_refused(tmp_path, case, capsys):
    kind, text = STRAY_MARKERS[case]
    nb = fx.source_notebook()
    cell = nbformat.v4.new_code_cell(text) if kind == "code" else nbformat.v4.new_markdown_cell(text)
    nb.cells.insert(4, cell)
    path = tmp_path / "ch90_fixture.ipynb"
    nbformat.write(nb, str(path))
    assert assign.main([str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "ch90_fixture" in err and "cell 5" in err and "line" in err  # counted from 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("problem", ["no_key", "unbalanced_begin", "unbalanced_end", "nested"])
def test_malformed_sources_are_refused(tmp_path, problem, capsys):
    nb = fx.source_notebook()
    if problem == "no_key":
        nb.cells = [c for c in nb.cells if "answer-key" not in _tags(c)]
    elif problem == "unbalanced_begin":
        nb.cells.append(nbformat.v4.new_code_cell("# BEGIN SOLUTION\nx = 1"))
    elif problem == "unbalanced_end":
        nb.cells.append(nbformat.v4.new_code_cell("x = 1\n# END SOLUTION"))
    else:
        nb.cells.append(nbformat.v4.new_code_cell("# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION"))
    path = tmp_path / "ch90_fixture.ipynb"
    nbformat.write(nb, str(path))
    assert assign.main([str(path), "--out", str(tmp_path / "out")]) == 2
    assert "alliances-assign:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_module_and_default_notebooks(tmp_path, monkeypatch):
    import subprocess

    monkeypatch.chdir(ROOT)
    done = subprocess.run([sys.executable, "-m", "alliances.grading.assign", "--out", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in EXERCISES]
    assert all(f"wrote {tmp_path / p.name}" in done.stdout for p in EXERCISES)


@pytest.mark.parametrize("source", EXERCISES, ids=lambda p: p.stem)
def test_course_exercises_have_no_leaks(tmp_path, source):
    assert assign.main([str(source), "--out", str(tmp_path)]) == 0
    assert_no_leaks(source, tmp_path / source.name)


@pytest.mark.parametrize("source", EXERCISES, ids=lambda p: p.stem)
def test_course_student_versions_run_and_report_missing(tmp_path, source):
    assert assign.main([str(source), "--out", str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / source.name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint('STATUS' + json.dumps({q: check(q, globals().get(check.answer_key[q]['answer'], ...)).status "
        "for q in check.questions}))"))
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    statuses = json.loads(printed.split("STATUS", 1)[1])
    assert statuses and set(statuses.values()) == {"missing"}


# -- the published student versions (exercises/student/) ------------------------------------


def test_published_student_versions_are_in_sync(tmp_path):
    """exercises/student/ holds exactly what the regenerate command writes (deterministically)."""
    assert assign.main(["--deterministic", "--out", str(tmp_path / "a"), *map(str, EXERCISES)]) == 0
    assert assign.main(["--deterministic", "--out", str(tmp_path / "b"), *map(str, EXERCISES)]) == 0
    fresh = {p.name: p.read_bytes() for p in (tmp_path / "a").glob("*.ipynb")}
    assert fresh == {p.name: p.read_bytes() for p in (tmp_path / "b").glob("*.ipynb")}, "output is not deterministic"
    shipped = {p.name: p.read_bytes() for p in PUBLISHED.glob("*.ipynb")}
    missing = sorted(set(fresh) - set(shipped))
    extra = sorted(set(shipped) - set(fresh))
    stale = sorted(name for name in set(fresh) & set(shipped) if fresh[name] != shipped[name])
    assert not (missing or extra or stale), (
        f"exercises/student/ is out of sync with exercises/ (missing: {missing}, no source: {extra}, "
        f"stale: {stale}). Regenerate with:  {assign.REGENERATE}  (and delete the files without a source)")


@pytest.mark.parametrize("source", EXERCISES, ids=lambda p: p.stem)
def test_published_student_versions_have_no_leaks(source):
    assert_no_leaks(source, PUBLISHED / source.name)


def test_instructor_sources_say_at_the_top_that_they_hold_the_solutions():
    """The first cell of every source warns that it holds the solutions, and students never get it."""
    wanting = []
    for source in EXERCISES:
        nb = nbformat.read(source, as_version=4)
        first = nb.cells[0]
        if not ("instructor" in _tags(first) and "contains the solutions" in first.source.lower()):
            wanting.append(source.name)
    assert not wanting, (
        "these instructor sources do not start with a cell tagged 'instructor' that says the notebook "
        f"contains the solutions: {wanting}. Add as the first cell (markdown, tag 'instructor'): "
        "\"**Instructor's source: this notebook contains the solutions and the answer key.** Students: open "
        "the student version, exercises/student/<this file's name>, instead.\"")
    for source in EXERCISES:
        assert "contains the solutions" not in (PUBLISHED / source.name).read_text().lower()


def test_exercises_page_reveals_nothing():
    """The website's exercises page points to the student versions and shows no solution or key."""
    page = (ROOT / "book" / "exercises.md").read_text(encoding="utf-8")
    assert "exercises/student" in page
    for source in EXERCISES:
        fragments, patterns, hidden, public = secrets_of(nbformat.read(source, as_version=4))
        assert not fragment_leaks(fragments, public, page)
        assert not [h for h in hidden if h in page]
        assert not [p.pattern for p in patterns if p.search(page)]
