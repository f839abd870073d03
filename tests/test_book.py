"""The website builds with warnings as errors, and what readers see without a kernel is complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from alliances.site.toc import CHAPTER, toc_files
from tests.site_build import build_site

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_site() -> tuple[Path, str]:
    """The whole book, built once per session as the README's build command does (shared with the browser tests)."""
    return build_site()


@pytest.mark.slow
def test_book_builds_without_warnings(built_site):
    _, log = built_site
    # ipykernel logs "[IPKernelApp] WARNING | Kernel is running over TCP without encryption" on every
    # start; it is the kernel's log, not a Sphinx warning (those fail the -W build above anyway).
    warnings = [line for line in log.splitlines()
                if ("WARNING" in line or "ERROR" in line) and not line.startswith("[IPKernelApp] WARNING")]
    assert not warnings, "\n".join(warnings[:20])


@pytest.mark.slow
def test_every_toc_page_is_built(built_site):
    html, _ = built_site
    for name in toc_files(ROOT):
        assert (html / f"{name}.html").exists(), f"{name} missing from the site"


@pytest.mark.slow
def test_chapter_pages_show_previews_quizzes_and_launch_buttons(built_site):
    html, _ = built_site
    chapters = [n for n in toc_files(ROOT) if CHAPTER.fullmatch(n)]
    assert chapters
    for name in chapters:
        page = (html / f"{name}.html").read_text()
        figures = re.findall(r"<img src='(\.\./_images/frames/[0-9a-f]+\.png)' alt='([^']*)'", page)
        assert figures and all(len(alt) > 40 for _, alt in figures), f"{name}: figures need real alt text"
        assert all((html / "book" / src).is_file() for src, _ in figures), f"{name}: a figure's image file is missing"
        assert "base64" not in page, f"{name}: an image is inlined instead of served as a file"
        assert "widget-view+json" not in page and "widget-state+json" not in page, f"{name}: widget state reached the page"
        assert "Traceback" not in page, f"{name}: a cell raised while the book was built"
        assert "JupyterQuiz" in page or "jupyterquiz" in page.lower(), f"{name}: no self-check quiz"
        assert f"_sources/{name}.ipynb" in page and (html / "_sources" / f"{name}.ipynb").is_file(), f"{name}: no download"
        cited = re.findall(r'href="references\.html#([\w-]+)"', page)
        assert cited, f"{name}: no citation links to the course's reference list"
        references = (html / "book" / "references.html").read_text()
        assert all(f'id="{anchor}"' in references for anchor in cited), f"{name}: a citation points at nothing"
        assert 'href="glossary.html#term-' in page, f"{name}: no glossary term linked"


@pytest.mark.slow
def test_data_appendix_renders_a_table_per_dataset(built_site):
    from alliances.data import resource_names

    html, _ = built_site
    page = (html / "book" / "data_cards.html").read_text()
    assert "|---" not in page and "| column |" not in page, "a data card table was left as raw Markdown"
    assert page.count("<table") >= len(resource_names())
    for name in resource_names():
        assert f"<code class=\"docutils literal notranslate\"><span class=\"pre\">{name}</span></code>" in page, name
