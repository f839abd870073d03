"""Font Awesome cut down to the icons the site shows, at the end of each build (fontTools' subsetter).

The theme ships Font Awesome's whole solid font (153 KiB as WOFF2) and every page with an icon fetches
it, for the fifteen or so icons the site uses. Kept: every icon a ``fa-<name>`` class names in a built
page or in one of the site's scripts, and every icon character the stylesheets draw by themselves
(admonition and link icons). The theme's own font files are the source, so a rebuild never subsets
an already cut-down font.
"""

from __future__ import annotations

import re
from pathlib import Path

WEBFONTS = Path("vendor") / "fontawesome" / "webfonts"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_SELECTOR = re.compile(r"\.fa-([a-z0-9-]+)::?(?:before|after)")
ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,6})")
CLASS_NAME = re.compile(r"\bfa-([a-z0-9][a-z0-9-]*)")


def _private_use(code: int) -> bool:
    return 0xE000 <= code <= 0xF8FF or 0xF0000 <= code <= 0x10FFFD


def _characters(text: str) -> set[int]:
    """Private-use code points in CSS text, written as escapes or as characters."""
    codes = {int(h, 16) for h in ESCAPE.findall(text)} | {ord(c) for c in text}
    return {c for c in codes if _private_use(c)}


def css_icons(css: str) -> tuple[dict[str, set[int]], set[int]]:
    """(icon class name -> code points, code points the stylesheet draws outside those classes)."""
    by_name: dict[str, set[int]] = {}
    always: set[int] = set()
    for selectors, body in RULE.findall(css):
        parts = [s.strip() for s in selectors.split(",") if s.strip()]
        codes = _characters(body)
        if parts and all(ICON_SELECTOR.fullmatch(p) for p in parts):
            for part in parts:
                by_name.setdefault(ICON_SELECTOR.fullmatch(part).group(1), set()).update(codes)
        else:
            always |= codes
    return by_name, always


def used_code_points(outdir: Path) -> set[int]:
    """Every icon the built site can show (JupyterLite's own files aside)."""
    static = outdir / "_static"
    by_name: dict[str, set[int]] = {}
    always: set[int] = set()
    for sheet in static.rglob("*.css"):
        names, drawn = css_icons(sheet.read_text(encoding="utf-8", errors="replace"))
        always |= drawn
        for name, codes in names.items():
            by_name.setdefault(name, set()).update(codes)
    named: set[str] = set()
    sources = [p for p in outdir.rglob("*.html") if "lite" not in p.relative_to(outdir).parts[:1]]
    sources += list(static.rglob("*.js"))
    for source in sources:
        named |= set(CLASS_NAME.findall(source.read_text(encoding="utf-8", errors="replace")))
    return always.union(*(by_name.get(name, set()) for name in named))


def theme_webfonts() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / WEBFONTS


def subset_font(source: Path, target: Path, code_points: set[int]) -> None:
    """Write ``source`` cut down to ``code_points`` (same format: WOFF2 or TrueType) to ``target``."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2" if source.suffix == ".woff2" else None
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(code_points))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def subset_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    code_points = used_code_points(outdir)
    for source in sorted(theme_webfonts().glob("fa-*")):
        target = outdir / "_static" / WEBFONTS / source.name
        if target.is_file() and source.suffix in (".woff2", ".ttf"):
            subset_font(source, target, code_points)


def register(app) -> None:
    app.connect("build-finished", subset_icons)
