"""Launch and download: the repository setting, the Colab set-up cell and the buttons a build makes from them.

Colab and Binder are not reachable from the machine that builds the course, so they are tested by
what the links and the set-up cell contain, not by opening them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

from alliances.grading.assign import assign
from alliances.grading.grade import grade_folder
from alliances.grading.sandbox import Limits, detect_mode
from alliances.site import launch, lite
from tests.site_build import ROOT, jupyter_book_command

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading_fixtures as fx  # noqa: E402

URL, BRANCH = "https://github.com/acme-edu/alliances-course", "spring-2027"
JUPYTERQUIZ_PIN = next(line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
                       if line.startswith("jupyterquiz=="))


class FakeShell:
    """Stands in for ``get_ipython()``: records the shell commands and line magics the cell asks for."""

    def __init__(self):
        self.calls = []

    def system(self, command):
        self.calls.append(("system", command))

    def run_line_magic(self, name, line):
        self.calls.append(("magic", name, line))


def run_setup_cell(source, alliances_present, folder, monkeypatch):
    real = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "alliances" and not alliances_present:
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "path", list(sys.path))
    shell = FakeShell()
    exec(TransformerManager().transform_cell(source), {"get_ipython": lambda: shell})
    return shell.calls


def test_setup_cell_clones_the_configured_repository_and_installs_the_pinned_quiz(tmp_path, monkeypatch):
    calls = run_setup_cell(launch.setup_cell_source(URL, BRANCH), False, tmp_path, monkeypatch)
    assert [kind for kind, *_ in calls] == ["system", "magic"], calls
    clone = shlex.split(calls[0][1])
    assert clone[:2] == ["git", "clone"] and "--depth" in clone
    assert clone[clone.index("--branch") + 1] == BRANCH
    assert [a for a in clone if a.startswith("https://")] == [URL]
    folder = clone[-1]
    assert not folder.startswith(("-", "/")) and folder != URL, "the clone goes into a folder beside the notebook"
    assert sys.path[0] == str(tmp_path / folder), "the clone is put first on sys.path"
    name, line = calls[1][1:]
    assert name == "pip" and line.split()[0] == "install" and JUPYTERQUIZ_PIN in line.split()


def test_setup_cell_rerun_after_a_kernel_restart_reuses_the_clone(tmp_path, monkeypatch):
    source = launch.setup_cell_source(URL)
    first = run_setup_cell(source, False, tmp_path, monkeypatch)
    (tmp_path / shlex.split(first[0][1])[-1]).mkdir()  # what git clone would have made
    again = run_setup_cell(source, False, tmp_path, monkeypatch)
    assert [kind for kind, *_ in again] == ["magic"]
    assert "--branch main" in first[0][1]


def test_setup_cell_does_nothing_where_the_package_is_importable(tmp_path, monkeypatch):
    path_before = list(sys.path)
    assert run_setup_cell(launch.setup_cell_source(URL, BRANCH), True, tmp_path, monkeypatch) == []
    assert sys.path == path_before and list(tmp_path.iterdir()) == []


COLAB_LIKE = r"""
import importlib.util, json, shlex, shutil, sys
from pathlib import Path
from IPython.core.inputtransformer2 import TransformerManager

# a Python where the course package is not importable, as on Colab: drop the editable install's finder
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in getattr(f, "__module__", "")]
sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in getattr(h, "__module__", "")]
sys.path_importer_cache.clear()
assert importlib.util.find_spec("alliances") is None, "the course package is still importable"
source, root = Path(sys.argv[1]).read_text(), Path(sys.argv[2])
calls = []

class Shell:
    def system(self, command):  # stands in for git clone: the repository's files, copied
        calls.append(command)
        target = Path(shlex.split(command)[-1])
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(root / "alliances", target / "alliances", ignore=skip)
        shutil.copytree(root / "data", target / "data", ignore=skip)
        shutil.copytree(root / "book" / "selfcheck", target / "book" / "selfcheck")

    def run_line_magic(self, name, line):
        calls.append(f"%{name} {line}")

exec(TransformerManager().transform_cell(source), {"get_ipython": Shell})
import alliances, alliances.data, alliances.selfcheck
print(json.dumps({"calls": calls, "package": alliances.__file__, "rows": len(alliances.data.load("alliances")),
                  "questions": len(alliances.selfcheck.load_questions("ch01"))}))
"""


def test_setup_cell_makes_the_course_importable_with_its_data_where_it_was_missing(tmp_path):
    """The Colab path end to end, with the clone simulated by a copy (no network here)."""
    (tmp_path / "cell.py").write_text(launch.setup_cell_source(URL, BRANCH))
    (tmp_path / "colab.py").write_text(COLAB_LIKE)
    result = subprocess.run([sys.executable, "-I", "colab.py", "cell.py", str(ROOT)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300, env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert len(seen["calls"]) == 2 and URL in seen["calls"][0]
    assert Path(seen["package"]).resolve().is_relative_to(tmp_path.resolve()), seen["package"]
    assert seen["rows"] > 0 and seen["questions"] > 0


def test_setup_cell_says_what_it_is_for_and_holds_nothing_assign_would_refuse():
    source = launch.setup_cell_source(URL, BRANCH)
    assert source.startswith("# ") and "Colab" in source.splitlines()[0]
    assert "solution" not in source.lower()
    assert len(source.splitlines()) <= 10


# -- the command ---------------------------------------------------------------------------------


def _copy_repository(target: Path) -> Path:
    """The files the command reads or writes, copied."""
    for name in ("_config.yml", "_toc.yml", "requirements.txt"):
        shutil.copy(ROOT / name, target / name)
    (target / "book").mkdir()
    for notebook in (ROOT / "book").glob("ch*.ipynb"):
        shutil.copy(notebook, target / "book" / notebook.name)
    (target / "exercises").mkdir()
    for notebook in (ROOT / "exercises").glob("ch*.ipynb"):
        shutil.copy(notebook, target / "exercises" / notebook.name)
    shutil.copytree(ROOT / "exercises" / "student", target / "exercises" / "student")
    return target


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _is_setup(cell) -> bool:
    return cell.cell_type == "code" and "git clone" in cell.source


def _toc_chapters(root: Path) -> list[str]:
    return re.findall(r"file: (book/ch\d\d_\w+)", (root / "_toc.yml").read_text())


@pytest.fixture
def repository(tmp_path) -> Path:
    return _copy_repository(tmp_path)


def test_command_sets_the_url_and_puts_the_cell_atop_every_chapter_and_exercise(repository, capsys):
    before = _snapshot(repository)
    assert launch.main([URL, "--branch", BRANCH, "--root", str(repository)]) == 0

    old, new = before["_config.yml"].decode().splitlines(), (repository / "_config.yml").read_text().splitlines()
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    assert len(old) == len(new) and [b.strip() for _, b in changed] == [f'url: "{URL}"', f"branch: {BRANCH}"]
    assert [line for line in new if line.lstrip().startswith("#")] == [line for line in old if line.lstrip().startswith("#")]
    assert yaml.safe_load("\n".join(new))["repository"] == {"url": URL, "path_to_book": "", "branch": BRANCH}

    chapters = _toc_chapters(repository)
    assert len(chapters) >= 13
    for chapter in chapters:
        cells = nbformat.read(repository / f"{chapter}.ipynb", as_version=4).cells
        assert _is_setup(cells[0]) and "remove-cell" in _tags(cells[0]), chapter
        assert f"--branch {BRANCH} {URL} " in cells[0].source
        assert sum(map(_is_setup, cells)) == 1
        original = nbformat.reads(before[f"{chapter}.ipynb"].decode(), as_version=4).cells
        assert [c.source for c in cells[1:]] == [c.source for c in original], chapter
    sources = sorted((repository / "exercises").glob("ch*.ipynb"))
    for source in sources:
        cells = nbformat.read(source, as_version=4).cells
        assert "instructor" in _tags(cells[0]) and _is_setup(cells[1]), source.name
        student = nbformat.read(repository / "exercises" / "student" / source.name, as_version=4).cells
        assert _is_setup(student[0]) and "remove-cell" in _tags(student[0]), source.name
        assert student[0].source == cells[1].source and sum(map(_is_setup, student)) == 1
    # the published student versions are exactly what assign makes from the updated sources
    fresh = repository / "fresh"
    assign(sources, fresh, deterministic=True)
    for source in sources:
        assert (fresh / source.name).read_bytes() == (repository / "exercises" / "student" / source.name).read_bytes()
    shutil.rmtree(fresh)

    once = _snapshot(repository)
    capsys.readouterr()
    assert launch.main([URL, "--branch", BRANCH, "--root", str(repository)]) == 0
    assert _snapshot(repository) == once, "running the command twice must change nothing"
    assert "nothing to change" in capsys.readouterr().out

    assert launch.main(["--unset", "--root", str(repository)]) == 0
    after = _snapshot(repository)
    assert {k: v for k, v in after.items() if k != "_config.yml"} == {k: v for k, v in before.items() if k != "_config.yml"}
    assert yaml.safe_load(after["_config.yml"])["repository"]["url"] == ""


def test_a_new_url_replaces_the_cell_and_an_empty_url_unsets(repository):
    assert launch.main([URL, "--root", str(repository)]) == 0
    other = "https://github.com/someone-else/fork"
    assert launch.main([other + ".git", "--root", str(repository)]) == 0  # a clone URL is taken in its plain form
    cells = nbformat.read(repository / "book" / "ch01_understanding.ipynb", as_version=4).cells
    assert sum(map(_is_setup, cells)) == 1 and other + " " in cells[0].source and URL not in cells[0].source
    assert yaml.safe_load((repository / "_config.yml").read_text())["repository"]["url"] == other
    assert launch.main(["", "--root", str(repository)]) == 0
    assert not any(_is_setup(c) for c in nbformat.read(repository / "book" / "ch01_understanding.ipynb", as_version=4).cells)


@pytest.mark.parametrize("bad", ["http://github.com/acme/course", "https://gitlab.com/acme/course",
                                 "https://github.com/acme", "https://github.com/acme/course/tree/main",
                                 "github.com/acme/course", "https://github.com/acme/course;rm -rf ~",
                                 "https://github.com/acme/$(id)"])
def test_an_invalid_url_is_refused_with_a_clear_message_and_nothing_changes(repository, capsys, bad):
    before = _snapshot(repository)
    assert launch.main([bad, "--root", str(repository)]) == 2
    message = capsys.readouterr().err
    assert "not a GitHub repository URL" in message and "https://github.com/OWNER/REPO" in message
    assert _snapshot(repository) == before


def test_a_branch_that_could_break_the_shell_line_is_refused(repository, capsys):
    assert launch.main([URL, "--branch", "main; rm -rf ~", "--root", str(repository)]) == 2
    assert "not a branch name" in capsys.readouterr().err


def test_binder_pins_the_python_version_the_readme_says_was_tested():
    tested = re.search(r"tested: CPython (\d+)\.(\d+)\.\d+", (ROOT / "README.md").read_text())
    assert tested, "README names the tested Python"
    assert (ROOT / "runtime.txt").read_text().strip() == f"python-{tested[1]}.{tested[2]}"
    assert any(line.strip() in ("-e .", ".") for line in (ROOT / "requirements.txt").read_text().splitlines()), (
        "Binder installs requirements.txt: it must install the course package itself")


def test_committed_notebooks_have_no_setup_cell_while_the_url_is_empty():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert (config["repository"]["url"] or "") == "", "the committed setting is empty until the course has a repository"
    notebooks = [*(ROOT / "book").rglob("*.ipynb"), *(ROOT / "exercises").rglob("*.ipynb")]
    assert len(notebooks) >= 39
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        assert not any(_is_setup(c) or launch.SETUP_TAG in _tags(c) for c in cells), path


def test_jupyterlite_copies_have_one_install_cell_not_the_colab_one(repository, tmp_path, monkeypatch):
    assert launch.main([URL, "--root", str(repository)]) == 0
    monkeypatch.setattr(lite, "ROOT", repository)
    monkeypatch.setattr(lite, "build_wheel", lambda folder: folder / "course.whl")
    lite.stage(tmp_path / "staging")
    for chapter in _toc_chapters(repository):
        cells = json.loads((tmp_path / "staging" / "contents" / f"{chapter}.ipynb").read_text())["cells"]
        sources = ["".join(c["source"]) for c in cells]
        assert sources[0] == lite.INSTALL_CELL and not any("git clone" in s for s in sources), chapter
        assert sum("%pip install" in s for s in sources) == 1


# -- the grader and a submission that starts with the set-up cell -----------------------------------


@pytest.mark.slow
def test_grader_treats_the_setup_cell_as_a_no_op(tmp_path):
    exercises, submissions, out = tmp_path / "ex", tmp_path / "subs", tmp_path / "out"
    fx.write_exercise(exercises)
    setup = launch.setup_cell_source(URL, BRANCH)
    for student, answers in (("ann", fx.RIGHT), ("ben", fx.WRONG)):
        target = submissions / student / f"{fx.EXERCISE}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(fx.submission([setup, *answers]))
    grade_folder(submissions, out, exercises, workers=1, limits=Limits(timeout=20),
                 allow_weak=detect_mode() not in ("root-ns", "user-ns"), progress=False, log=lambda m: None)
    results = {json.loads(p.read_text())["student"]: json.loads(p.read_text()) for p in (out / "results").glob("*.json")}
    assert results["ann"]["status"] == "graded" and results["ann"]["total"] == fx.MAX_TOTAL
    assert results["ben"]["status"] == "graded" and results["ben"]["total"] == 0
    for record in results.values():
        assert record["cell_errors"] == []
        assert "git" not in record["output_tail"] and "pip" not in record["output_tail"], record["output_tail"]


# -- a one-page build with the repository set -------------------------------------------------------

COLAB = f"https://colab.research.google.com/github/acme-edu/alliances-course/blob/{BRANCH}/book/ch01_understanding.ipynb"
BINDER = f"https://mybinder.org/v2/gh/acme-edu/alliances-course/{BRANCH}?urlpath=lab/tree/book/ch01_understanding.ipynb"


def _page(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.mark.slow
def test_built_chapter_has_exact_launch_links_and_downloads_its_student_exercises(tmp_path):
    book = tmp_path / "site"
    for folder in ("book", "exercises"):
        (book / folder).mkdir(parents=True)
    for name in ("_config.yml", "requirements.txt", "book/references.bib"):
        shutil.copy(ROOT / name, book / name)
    for folder in ("_static", "_templates"):  # the site's own assets, as the real book has them
        shutil.copytree(ROOT / "book" / folder, book / "book" / folder)
    (book / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": "book/ch01_understanding",
        "chapters": [{"file": "book/ch02_international_relations"}, {"glob": "exercises/student/*"}]}))
    nbformat.write(_page(nbformat.v4.new_markdown_cell("# Chapter one"), nbformat.v4.new_code_cell("print(6 * 7)")),
                   book / "book" / "ch01_understanding.ipynb")
    nbformat.write(_page(nbformat.v4.new_markdown_cell("# Chapter two")), book / "book" / "ch02_international_relations.ipynb")
    instructor = nbformat.v4.new_markdown_cell("Instructor's source: this notebook contains the solutions.")
    instructor.metadata["tags"] = ["instructor"]
    key = nbformat.v4.new_code_cell('from alliances.checking import Checker\n\ncheck = Checker({"q1": {"answer": "answer", '
                                    '"kind": "integer", "expected": 42}})')
    key.metadata["tags"] = ["answer-key"]
    nbformat.write(_page(instructor, nbformat.v4.new_markdown_cell("# Exercises for chapter one"), key,
                         nbformat.v4.new_code_cell("answer = 6 * 7  # SOLUTION")),
                   book / "exercises" / "ch01_understanding.ipynb")
    assert launch.main([URL, "--branch", BRANCH, "--root", str(book)]) == 0

    result = subprocess.run([jupyter_book_command(), "build", str(book), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, cwd=book, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    html = book / "_build" / "html"
    page = (html / "book" / "ch01_understanding.html").read_text()
    links = set(re.findall(r'href="([^"]+)"', page))
    assert COLAB in links and BINDER in links
    assert "42" in page and "git clone" not in page, "the set-up cell runs as a no-op and is not shown"
    exercises = "../_sources/exercises/student/ch01_understanding.ipynb"
    assert exercises in links
    assert page.index('href="../_sources/book/ch01_understanding.ipynb"') < page.index(f'href="{exercises}"'), (
        "the menu offers the page's own notebook first, then its exercises")
    downloaded = json.loads((html / "_sources" / "exercises" / "student" / "ch01_understanding.ipynb").read_text())
    sources = ["".join(c["source"]) for c in downloaded["cells"]]
    assert "git clone" in sources[0] and sources[1] == "# Exercises for chapter one", "the student version, set-up first"
    assert "answer = ..." in sources and "6 * 7" not in "".join(sources)
    # a chapter without exercises offers none
    second = (html / "book" / "ch02_international_relations.html").read_text()
    assert "_sources/exercises/student/" not in second
