"""A notebook that fails to execute fails the book build on every run, not only the first."""

from __future__ import annotations

import shutil
import subprocess

import nbformat
import pytest
import yaml

from site_build import ROOT, jupyter_book_command


def _notebook(code: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _build(book) -> subprocess.CompletedProcess:
    return subprocess.run(
        [jupyter_book_command(), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=book, timeout=600,
    )


@pytest.mark.slow
def test_broken_notebook_fails_every_build_until_fixed(tmp_path):
    """The course's own configuration, a one-page book whose notebook raises: build, build, fix, build."""
    book = tmp_path / "book"
    (book / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    shutil.copy(ROOT / "book" / "references.bib", book / "book" / "references.bib")
    for folder in ("_static", "_templates"):  # the site's own assets, as the real book has them
        if (ROOT / "book" / folder).is_dir():
            shutil.copytree(ROOT / "book" / folder, book / "book" / folder)
    (book / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "book/page"}))
    page = book / "book" / "page.ipynb"
    nbformat.write(_notebook("raise RuntimeError('this page is broken')"), page)

    first, second = _build(book), _build(book)
    assert first.returncode != 0, "the first build over a broken notebook must fail"
    assert second.returncode != 0, (
        "the second build must fail too, not report success over the broken page:\n"
        + (second.stdout + second.stderr)[-3000:]
    )
    assert "Executing notebook failed" in second.stdout + second.stderr or "mystnb.exec" in second.stderr

    nbformat.write(_notebook("print('fixed')"), page)
    fixed = _build(book)
    assert fixed.returncode == 0, (fixed.stdout + fixed.stderr)[-3000:]
    assert "fixed" in (book / "_build" / "html" / "book" / "page.html").read_text()
    shutil.rmtree(book / "_build", ignore_errors=True)
