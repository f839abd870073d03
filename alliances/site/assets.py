"""Each page loads only what it needs, and everything from the site itself.

- no widget state or widget runtime (require.js, html-manager): the figures are image files;
- no thebe (the book has no live-code button), whose configuration sphinx-thebe also writes twice;
- none of jupyterlite-sphinx's page assets (its directives are unused; its CSS pulls a Google font);
- no Font Awesome script (1.5 MB; ``book/_templates/layout.html``): the theme's stylesheet draws the same icons;
- no MathJax: formulas are MathML written at build time (:mod:`alliances.site.math`);
- every other script file deferred (order kept), so none blocks the first paint;
- the course's CSS on every page, its figure and self-check scripts only where those are.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "book" / "_static"
TEMPLATES = STATIC.parent / "_templates"
DROPPED = ("require.min.js", "html-manager", "sphinx-thebe.js", "thebe", "jupyterlite_sphinx.js")
# Inline scripts on the page read DOCUMENTATION_OPTIONS as they run: its (tiny) file stays blocking.
KEEP_BLOCKING = ("documentation_options.js",)
# jupyterlite-sphinx styles its own directives (unused here) and pulls a font from Google; thebe is unused
DROPPED_CSS = ("fonts.googleapis.com", "jupyterlite_sphinx.css", "sphinx-thebe.css")
DROPPED_TYPES = ("application/vnd.jupyter.widget-state+json",)


def _class_token(*names: str) -> re.Pattern:
    words = "|".join(names)
    return re.compile(rf'class="(?:[^"]*\s)?(?:{words})(?:\s[^"]*)?"')


# An extension's files style or run its own markup: a page without that markup does without them.
BY_MARKUP = (
    (re.compile(r'class="(?:[^"]*\s)?sd-'), ("sphinx-design.min.css", "design-tabs.js")),
    (_class_token("exercise", "solution"), ("exercise.css",)),
    (_class_token("toggle", "dropdown"), ("togglebutton.css", "togglebutton.js")),
    (_class_token("highlight"), ("copybutton.css", "copybutton.js", "clipboard.min.js")),
)


def unused_files(body: str) -> tuple[str, ...]:
    """The extension files (by name) whose markup does not occur in a page's body."""
    return tuple(name for pattern, names in BY_MARKUP if not pattern.search(body) for name in names)


def _keep(script, unused: tuple[str, ...]) -> bool:
    filename = getattr(script, "filename", "") or ""
    attributes = getattr(script, "attributes", {}) or {}
    body = attributes.get("body", "")
    if attributes.get("type") in DROPPED_TYPES or "THEBE_JS_URL" in body:
        return False
    if any(part in filename for part in DROPPED) or filename.endswith(unused):
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
    unused = unused_files(body)
    scripts = context.get("script_files")
    if scripts is not None:
        kept, seen = [], set()
        for script in scripts:
            key = (getattr(script, "filename", ""), str((getattr(script, "attributes", {}) or {}).get("body", "")))
            if _keep(script, unused) and key not in seen:
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
        styles[:] = [css for css in styles if not any(part in getattr(css, "filename", "") for part in DROPPED_CSS)
                     and not getattr(css, "filename", "").endswith(unused)]
    if "course-figure-controls" in body:
        app.builder.add_js_file("course-figures.js", defer="defer")
    if "JupyterQuiz" in body:
        app.builder.add_js_file("course-quiz.js", defer="defer")


def static_changed(app, env, added, changed, removed) -> list[str]:
    """Every page again when a file in ``book/_static`` is newer than its built copy.

    Sphinx copies static files, and stamps their checksums into the pages' links, only when it
    writes some page: without this, an edited stylesheet never reached a no-change rebuild.
    """
    built = Path(app.outdir) / "_static"
    for source in STATIC.rglob("*"):
        if source.is_file():
            copy = built / source.relative_to(STATIC)
            if not copy.is_file() or copy.stat().st_mtime < source.stat().st_mtime:
                return sorted(env.found_docs - set(added) - set(changed))
    return []


def configure(app, config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.nb_ipywidgets_js = {}
    app.add_css_file("course.css")


def register(app) -> None:
    app.connect("config-inited", configure)
    app.connect("html-page-context", page_assets, priority=900)
    app.connect("env-get-outdated", static_changed)
