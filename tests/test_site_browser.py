"""The built website in a real browser (Debian's Chromium through Playwright), with every request to
another host blocked: pages load cleanly, figures show with alt text, static controls move the
figure, self-checks give both feedbacks, search works, buttons lead somewhere real, and axe-core
finds no serious or critical accessibility violation, light and dark."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from tests.site_build import ROOT, build_site

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements.txt)")

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
                 if p and Path(p).exists()), None)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found: `apt-get install chromium` (Debian) to run the browser tests"),
]


def toc_pages() -> list[str]:
    from alliances.site.toc import toc_files

    return [f"{name}.html" for name in toc_files(ROOT)] + ["search.html", "genindex.html"]


def chapter_pages() -> list[str]:
    """The chapters (book/chNN_<topic>.html), not the teaching notes or student exercises named chNN."""
    from alliances.site.toc import chapters

    return [f"{name}.html" for name in chapters(ROOT)]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    html, _ = build_site()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield html, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        yield chromium
        chromium.close()


class Visit:
    """A fresh page that blocks every non-loopback request and records errors and failures."""

    def __init__(self, browser, base: str, *, dark: bool = False, width: int = 1200):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        if dark:
            self.context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.requests: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            self.requests.append(url)
            route.continue_()
        else:
            self.failed.append(f"{url} (blocked: another host)")
            route.abort()

    def open(self, path: str):
        self.page.goto(self.base + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site):
    opened: list[Visit] = []

    def make(**kwargs) -> Visit:
        v = Visit(browser, site[1], **kwargs)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


@pytest.mark.parametrize("path", toc_pages())
def test_page_loads_with_no_error_and_nothing_from_another_host(visit, path):
    v = visit()
    page = v.open(path)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images load too
    page.wait_for_load_state("networkidle")
    assert (v.errors, v.failed) == ([], []), f"{path}: console errors {v.errors}; failed requests {v.failed}"


def test_formulas_are_laid_out_by_the_browser_from_mathml_with_no_script(visit):
    """Chapter 11's closed form c* = 1 / (1 + ((1-w)E / (wA))^(1/(s-1))): the browser lays the fractions
    out (numerator above denominator), no raw LaTeX shows, and no math script is fetched."""
    v = visit()
    page = v.open("book/ch11_critiques.html")
    text = page.locator("main").inner_text()
    assert "\\frac" not in text and "\\left" not in text, "raw LaTeX on the page"
    fraction = page.locator("div.math math mfrac").first
    numerator, denominator = fraction.locator(":scope > *").nth(0), fraction.locator(":scope > *").nth(1)
    assert numerator.bounding_box()["y"] + numerator.bounding_box()["height"] <= denominator.bounding_box()["y"] + 1
    inline = page.locator("p span.math math").first
    assert inline.bounding_box()["height"] < 40, "inline formula laid out as a block"
    assert not any("mathjax" in u.lower() or "katex" in u.lower() for u in v.requests), v.requests


@pytest.mark.parametrize("path", ["book/ch01_understanding.html", "index.html"])
def test_every_icon_the_page_shows_is_in_the_cut_down_icon_font(visit, site, path):
    """Each icon's character (the ::before content of every Font Awesome element) has a glyph in the
    font the site serves, so no icon is an empty box after the font is cut down."""
    from fontTools.ttLib import TTFont

    served = TTFont(site[0] / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2")
    glyphs = set(served.getBestCmap())
    assert len(glyphs) < 200, "the icon font was not cut down"
    page = visit().open(path)
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('[class*="fa-"]'))
        .map(e => getComputedStyle(e, '::before').content)
        .filter(c => c && c !== 'none' && c !== 'normal')
        .map(c => c.replace(/^"|"$/g, '').codePointAt(0))""")
    assert len(shown) >= 5, shown
    assert [hex(c) for c in shown if c not in glyphs] == []


@pytest.mark.parametrize("path", chapter_pages())
def test_every_figure_shows_with_alt_text(visit, path):
    page = visit().open(path)
    images = page.locator("main img")
    assert images.count() > 0
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10000)
        alt = image.get_attribute("alt") or ""
        assert len(alt.strip()) > 20, f"{path}: image {image.get_attribute('src')} has alt {alt!r}"


def test_a_static_control_moves_and_changes_the_figure(visit, site):
    html, _ = site
    v = visit()
    page = v.open("book/ch03_negotiation.html")
    figure = page.locator("figure.course-figure:has(.course-figure-controls)").first
    controls = figure.locator(".course-figure-controls")
    assert controls.is_visible(), "the static controls were not revealed"
    assert not any(u.endswith(".json") for u in v.requests), "frames were fetched before the reader asked"
    image, caption = figure.locator(".course-figure-frame img"), figure.locator("figcaption")
    before_src, before_text = image.get_attribute("src"), caption.inner_text()
    slider = figure.locator("input[type=range]").first
    label = figure.locator(f"label[for='{slider.get_attribute('id')}']")
    assert label.inner_text().strip(), "the slider has no visible label"
    slider.focus()
    start = int(slider.input_value())
    page.keyboard.press("ArrowRight" if start < int(slider.get_attribute("max")) else "ArrowLeft")
    page.wait_for_function("([img, src]) => img.getAttribute('src') !== src", arg=[image.element_handle(), before_src])
    after_src, after_text = image.get_attribute("src"), caption.inner_text()
    assert after_text != before_text and image.get_attribute("alt") == after_text
    assert caption.get_attribute("aria-live") == "polite"
    # the new picture is the frame recorded for this control and position, and it is a real file
    index = json.loads((html / "book" / controls.get_attribute("data-frames")).read_text())
    frame = index[slider.get_attribute("name")][int(slider.input_value())]
    assert after_src.endswith(frame["src"]) and frame["alt"] == after_text
    assert (html / "book" / after_src).is_file()
    assert slider.get_attribute("aria-valuetext") == figure.locator(f"output[for='{slider.get_attribute('id')}']").inner_text()
    figure.locator(".course-figure-reset").click()
    assert image.get_attribute("src") == before_src and caption.inner_text() == before_text


def _answer_numeric(page, quiz, value) -> None:
    box = quiz.locator("input.Input-text")
    box.click()
    box.fill(str(value))
    box.press("Enter")


@pytest.mark.parametrize("path", chapter_pages())
def test_each_self_check_answered_wrongly_then_rightly_shows_both_feedbacks(visit, path):
    page = visit().open(path)
    page.wait_for_function("document.querySelectorAll('.Quiz').length > 0", timeout=15000)
    quizzes = page.locator(".Quiz")
    for i in range(quizzes.count()):
        quiz = quizzes.nth(i)
        quiz.scroll_into_view_if_needed()
        feedback, live = quiz.locator(".Feedback"), quiz.locator(".quiz-live")
        box = quiz.locator("input.Input-text")
        if box.count():
            assert box.evaluate("b => b.labels.length") == 1, f"{path} quiz {i}: the answer box has no label"
            assert box.evaluate("b => b.onpaste === null"), f"{path} quiz {i}: paste is blocked"
            answers = json.loads(box.get_attribute("data-answers"))
            key = next(a for a in answers if a.get("correct"))
            right = key["value"] if "value" in key else sum(key["range"]) / 2
            listed = [v for a in answers for v in ([a["value"]] if "value" in a else a.get("range", []))]
            wrong = max(listed) + 1000  # beyond every accepted value and every listed mistake's range
            _answer_numeric(page, quiz, wrong)
            expect_wrong = next((a["feedback"] for a in answers if a.get("type") == "default"), None)
            page.wait_for_function("f => f.classList.contains('incorrect')", arg=feedback.element_handle())
            if expect_wrong:
                assert feedback.inner_text().strip() == expect_wrong.strip()
            page.wait_for_function("l => l.textContent.startsWith('Not yet')", arg=live.element_handle())
            _answer_numeric(page, quiz, right)
            page.wait_for_function("f => f.classList.contains('correct')", arg=feedback.element_handle())
            page.wait_for_function("l => l.textContent.startsWith('Correct')", arg=live.element_handle())
        else:
            wrong_option = quiz.locator(".MCButton[data-correct='false']").first
            right_option = quiz.locator(".MCButton[data-correct='true']").first
            wrong_option.click()
            page.wait_for_function("f => f.classList.contains('incorrect')", arg=feedback.element_handle())
            assert wrong_option.get_attribute("data-feedback").strip() in feedback.inner_text()
            page.wait_for_function("l => l.textContent.startsWith('Not yet')", arg=live.element_handle())
            right_option.click()
            page.wait_for_function("f => f.classList.contains('correct')", arg=feedback.element_handle())
            assert right_option.get_attribute("data-feedback").strip() in feedback.inner_text()


def test_search_finds_a_chapter_by_a_word_from_its_text(visit):
    page = visit().open("search.html?q=reliability")
    results = page.locator("#search-results ul.search li a")
    page.wait_for_function("document.querySelectorAll('#search-results ul.search li a').length > 0", timeout=20000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("ch05_conflict_risks" in h for h in hrefs), hrefs


def _repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return str((config.get("repository") or {}).get("url") or "").rstrip("/")


@pytest.mark.parametrize("path", chapter_pages())
def test_launch_and_download_links_point_at_something_that_exists(visit, site, path):
    html, base = site
    page = visit().open(path)
    repository = _repository_url()
    links = page.locator(".article-header-buttons a, .header-article-items a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    hrefs = [h for h in hrefs if h and not h.startswith("#") and not h.startswith("javascript")]
    assert any(h.endswith(".ipynb") for h in hrefs), f"{path}: no notebook download"
    exercises = ROOT / "exercises" / "student" / f"{Path(path).stem}.ipynb"
    if exercises.is_file():
        assert any(h.endswith(f"exercises/student/{exercises.name}") for h in hrefs), f"{path}: no exercises download"
    for href in hrefs:
        if urlparse(href).scheme in ("http", "https"):
            assert repository, f"{path}: {href} while no repository is configured"
            assert repository.split("//", 1)[1].split("/", 1)[1] in href or href.startswith(repository), href
        else:
            target = (html / Path(path).parent / href.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{path}: {href} leads nowhere"
    if not repository:
        text = page.content()
        assert "mybinder.org" not in text and "colab.research.google.com" not in text


def _axe_serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("path", toc_pages())
def test_axe_finds_no_serious_or_critical_violation(visit, path, dark):
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed (requirements.txt)")
    page = visit(dark=dark).open(path)
    if dark:
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    if page.locator(".Quiz").count():
        page.wait_for_function("document.querySelectorAll('.Quiz input').length > 0 || "
                               "document.querySelectorAll('.Quiz .MCButton').length > 0", timeout=15000)
    found = _axe_serious(page)
    assert found == [], f"{path} ({'dark' if dark else 'light'}): " + "; ".join(found)


@pytest.mark.parametrize("path", toc_pages())
def test_no_page_scrolls_sideways_on_a_390_px_phone(visit, path):
    page = visit(width=390).open(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{path} scrolls sideways at 390 px"
