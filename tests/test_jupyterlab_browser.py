"""The student's JupyterLab, in a real browser: a chapter runs, reads rendered, and its slider
answers the keyboard; a student exercise gives honest feedback to a right and a wrong answer.

JupyterLab serves a temporary copy of the book and a student version made by ``alliances-assign``
(so saving a notebook never touches the repository). Debian's Chromium is driven by Playwright;
pages may reach only the loopback server.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_support as bs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "book/ch03_negotiation.ipynb"
EXERCISE = "ch03_negotiation.ipynb"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not bs.CHROMIUM.exists(), reason=f"no Chromium at {bs.CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="the playwright package is not installed (pip install playwright==1.65.2)"),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a temporary copy of the book and a student version of the exercise."""
    from alliances.grading import assign

    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(ROOT / "book", root / "book")
    assert assign.main([str(ROOT / "exercises" / EXERCISE), "--out", str(root / "student")]) == 0
    with bs.jupyterlab(root, tmp_path_factory.mktemp("lab-home"), ROOT) as (base, token, log):
        yield base, token, log


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(bs.CHROMIUM), args=bs.CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab, tmp_path, request):
    """A fresh page that can only reach the server; a screenshot and the server log are kept on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    blocked = bs.block_outside_requests(context)
    page = context.new_page()
    failures = request.session.testsfailed
    yield page
    if request.session.testsfailed > failures:
        try:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the log still helps
            print(f"screenshot failed: {exc}")
        shutil.copy(lab[2], tmp_path / "jupyterlab.log")
        print(f"screenshot and server log kept in {tmp_path}; blocked requests: {blocked}")
    context.close()


def _number(text: str) -> float:
    return float(text.strip().replace("\u2212", "-"))


def test_chapter_runs_and_its_slider_answers_the_keyboard(page, lab):
    base, token, _ = lab
    bs.open_notebook(page, base, token, CHAPTER, "chapter")
    bs.run_all(page)
    assert not bs.tracebacks(page)

    view = page.locator(".jp-NotebookPanel .jp-CodeCell").filter(has=page.locator(".widget-slider")).first
    view.scroll_into_view_if_needed()
    handle = view.locator(".widget-slider .noUi-handle").first
    readout = view.locator(".widget-slider .widget-readout").first
    image = view.locator(".widget-image, .jupyter-widgets img").first
    caption = view.locator(".figure-description")
    image.wait_for(state="visible")
    assert caption.count() == 1
    value_before, src_before = _number(readout.inner_text()), image.get_attribute("src")
    bytes_before, text_before = bs.image_bytes(image), caption.inner_text()
    assert text_before.strip()

    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                           arg=[image.element_handle(), src_before], timeout=60_000)
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[caption.element_handle(), text_before], timeout=60_000)

    value_after = _number(readout.inner_text())
    assert value_after > value_before, "ArrowRight did not raise the slider"
    assert bs.image_bytes(image) != bytes_before, "the figure's image did not change"
    assert caption.inner_text() != text_before, "the figure's description did not change"


JUPYTERLAB_MYST = importlib.util.find_spec("jupyterlab_myst") is not None


@pytest.mark.xfail(
    not JUPYTERLAB_MYST, strict=True,
    reason="issue 16 item 4: chapter 3 still shows MyST directives as raw code blocks in JupyterLab "
           "('Try this' admonitions, the {bibliography} fence) and jupyterlab-myst is not installed; "
           "strict, so this marker must go once the markup degrades cleanly")
def test_chapter_markdown_has_no_raw_directives(page, lab):
    base, token, _ = lab
    bs.open_notebook(page, base, token, CHAPTER, "reading")
    markdown = page.locator(".jp-NotebookPanel .jp-MarkdownCell .jp-RenderedMarkdown")
    markdown.first.wait_for()
    texts = markdown.all_inner_texts()
    assert len(texts) >= 10  # every markdown cell rendered (the chapter has more than ten)
    raw = [" ".join(t.split())[:60] for t in texts
           if "```{" in t or ":class:" in t or "{admonition}" in t or "{bibliography}" in t]
    fences = page.locator(".jp-RenderedMarkdown pre code[class*='language-{']")
    shown = [" ".join(t.split())[:60] for t in fences.all_inner_texts()]
    assert not raw and not shown, (
        f"MyST directives show as raw text in JupyterLab: code blocks from directive fences {shown}; "
        f"cells with directive text {raw}")


def _council_swings(votes: list[int], quota: int) -> list[int]:
    """Banzhaf swings of each member, by enumerating every coalition."""
    swings = [0] * len(votes)
    for members in itertools.product((0, 1), repeat=len(votes)):
        total = sum(v for v, m in zip(votes, members) if m)
        for i, (v, m) in enumerate(zip(votes, members)):
            if m and total >= quota > total - v:
                swings[i] += 1
    return swings


def test_student_exercise_gives_feedback_to_right_and_wrong_answers(page, lab):
    # Q4 (the Security Council): an elected member is critical when the five permanent members and
    # exactly three of the other nine elected members vote yes.
    right_swings = math.comb(9, 3)
    # Q3: the member with the same power as B in the council 4, 3, 2, 1, 1 with quota 6.
    swings = _council_swings([4, 3, 2, 1, 1], 6)
    names = "ABCDE"
    same_as_b = [n for n, s in zip(names, swings) if s == swings[1] and n != "B"]
    wrong_letter = next(n for n, s in zip(names, swings) if s != swings[1])
    assert same_as_b == ["C"]  # as the chapter says: B's three votes can always be replaced by C's two

    base, token, _ = lab
    bs.open_notebook(page, base, token, f"student/{EXERCISE}", "student")
    assert bs.code_cell(page, "elected_swings = ...").count() == 1  # a student version, not the source
    bs.replace_source(page, bs.code_cell(page, "elected_swings = ...").first, f"elected_swings = {right_swings}")
    bs.replace_source(page, bs.code_cell(page, "same_power_as_b = ...").first, f'same_power_as_b = "{wrong_letter}"')
    bs.run_all(page)
    assert not bs.tracebacks(page)

    right = bs.code_cell(page, ", elected_swings)").first.locator(".jp-OutputArea").inner_text()
    wrong = bs.code_cell(page, ", same_power_as_b)").first.locator(".jp-OutputArea").inner_text()
    assert "correct" in right and "not yet" not in right and "✅" in right, right
    assert "not yet" in wrong and "✅" not in wrong and "correct, well done" not in wrong, wrong
    untouched = bs.code_cell(page, ", banzhaf_e)").first.locator(".jp-OutputArea").inner_text()
    assert "no answer yet" in untouched, untouched
