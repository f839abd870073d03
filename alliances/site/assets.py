"""Each page loads only what it needs, and everything from the site itself.

- no widget state or widget runtime (require.js, html-manager): the figures are image files;
- no thebe (the book has no live-code button), whose configuration sphinx-thebe also writes twice;
- none of jupyterlite-sphinx's page assets (its directives are unused; its CSS pulls a Google font);
- no Font Awesome script (1.5 MB; ``book/_templates/layout.html``): the theme's stylesheet draws the same icons;
- MathJax from the site's own ``_static/mathjax`` (copied from the pinned ``django-static-mathjax``
  package, MathJax 3.2.2), only on pages with math;
- every other script file deferred (order kept), so none blocks the first paint;
- the course's CSS on every page, its figure and self-check scripts only where those are.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "book" / "_static"
TEMPLATES = STATIC.parent / "_templates"
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "a11y", "ui", "sre", "adaptors")
DROPPED = ("require.min.js", "html-manager", "sphinx-thebe.js", "thebe", "jupyterlite_sphinx.js")
# Inline scripts on the page read DOCUMENTATION_OPTIONS as they run: its (tiny) file stays blocking.
KEEP_BLOCKING = ("documentation_options.js",)
# jupyterlite-sphinx styles its own directives (unused here) and pulls a font from Google; thebe is unused
DROPPED_CSS = ("fonts.googleapis.com", "jupyterlite_sphinx.css", "sphinx-thebe.css")
DROPPED_TYPES = ("application/vnd.jupyter.widget-state+json",)


def mathjax_source() -> Path:
    """MathJax's browser build inside the installed ``django-static-mathjax`` package."""
    import mathjax

    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax"


def _keep(script, page_has_math: bool) -> bool:
    filename = getattr(script, "filename", "") or ""
    attributes = getattr(script, "attributes", {}) or {}
    body = attributes.get("body", "")
    if attributes.get("type") in DROPPED_TYPES or "THEBE_JS_URL" in body:
        return False
    if any(part in filename for part in DROPPED):
        return False
    if not page_has_math and ("mathjax" in filename or "window.MathJax" in body):
        return False
    return True


def _deferred(script):
    from sphinx.builders.html._assets import _JavaScript

    attributes = dict(getattr(script, "attributes", {}) or {})
    filename = getattr(script, "filename", "") or ""
    if not filename or filename.endswith(KEEP_BLOCKING) or "async" in attributes or "defer" in attributes:
        return script
    return _JavaScript(filename, priority=script.priority, **attributes, defer="defer")


def page_assets(app, pagename, templatename, context, doctree) -> None:
    """Drop what the page does not need (in place: Sphinx resets the list after each page) and add ours."""
    body = context.get("body", "")
    scripts = context.get("script_files")
    if scripts is not None:
        has_math = 'class="math' in body
        kept, seen = [], set()
        for script in scripts:
            key = (getattr(script, "filename", ""), str((getattr(script, "attributes", {}) or {}).get("body", "")))
            if _keep(script, has_math) and key not in seen:
                seen.add(key)
                kept.append(script)
        # files need not block the first paint (defer keeps their order); the search page's own
        # blocking search scripts need doctools at once, so it stays as it is. New objects: the
        # builder shares the originals between pages.
        if pagename != "search":
            kept = [_deferred(script) for script in kept]
        scripts[:] = kept
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [css for css in styles if not any(part in getattr(css, "filename", "") for part in DROPPED_CSS)]
    if "course-figure-controls" in body:
        app.builder.add_js_file("course-figures.js", defer="defer")
    if "JupyterQuiz" in body:
        app.builder.add_js_file("course-quiz.js", defer="defer")


def copy_mathjax(app, exception) -> None:
    """MathJax's CommonHTML build, its fonts and accessibility parts, into ``_static/mathjax``."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source() / "es5", Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / part, target / part)
    shutil.copyfile(mathjax_source() / "LICENSE", target / "LICENSE")


def configure(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.mathjax_path = "mathjax/tex-chtml.js"
    config.nb_ipywidgets_js = {}
    app.add_css_file("course.css")


def register(app) -> None:
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_assets, priority=900)
    app.connect("build-finished", copy_mathjax)
