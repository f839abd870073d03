"""What the site's pages are made of, without a browser: formulas as MathML, the cut-down icon font,
and the extension files a page loads only when it has their markup."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from alliances.site import assets, icons
from alliances.site.math import to_mathml

M = "{http://www.w3.org/1998/Math/MathML}"


def test_a_fraction_becomes_a_mathml_fraction_with_its_source_kept():
    math = ElementTree.fromstring(to_mathml(r"x_A = d_A + \tfrac{1}{2}\,(V - d_A - d_B)", display=True))
    assert math.get("display") == "block"
    assert math.get("alttext") == r"x_A = d_A + \tfrac{1}{2}\,(V - d_A - d_B)"
    fraction = next(math.iter(f"{M}mfrac"))
    assert ["".join(part.itertext()) for part in fraction] == ["1", "2"]
    subscript = next(math.iter(f"{M}msub"))
    assert ["".join(part.itertext()) for part in subscript] == ["x", "A"]


def test_inline_formulas_are_inline():
    assert ElementTree.fromstring(to_mathml("n(n-1)/2", display=False)).get("display") == "inline"


@pytest.mark.parametrize("latex", [r"\notacommand{x}", r"\frac{1}", "{x", "x^", r"\left( x"])
def test_a_formula_that_cannot_be_read_is_an_error_naming_it(latex):
    with pytest.raises(ValueError, match="cannot convert"):
        to_mathml(latex, display=False)


def test_escaped_braces_are_not_unbalanced():
    math = ElementTree.fromstring(to_mathml(r"\{x\} \cap y", display=False))
    assert "∩" in "".join(math.itertext())


CSS = (r""".fa-bars:before,.fa-navicon:before{content:"\f0c9"}.fa-sun:before{content:"\f185"}"""
       r""".fa-unused:before{content:"\f000"}.admonition>.admonition-title:after{content:var(--icon)}"""
       'html{--icon:"\uf05a"}'  # a stylesheet may hold the icon's character itself, not an escape
       r"""a.external:after{content:"\f35d";color:red}""")


def test_icon_classes_and_the_icons_stylesheets_draw_themselves_are_told_apart():
    by_name, drawn = icons.css_icons(CSS)
    assert by_name == {"bars": {0xF0C9}, "navicon": {0xF0C9}, "sun": {0xF185}, "unused": {0xF000}}
    assert drawn == {0xF05A, 0xF35D}


def test_the_icons_kept_are_those_pages_name_and_stylesheets_draw(tmp_path):
    (tmp_path / "_static" / "styles").mkdir(parents=True)
    (tmp_path / "_static" / "styles" / "theme.css").write_text(CSS, encoding="utf-8")
    (tmp_path / "_static" / "app.js").write_text('icon.className = "fa-solid fa-sun";')
    (tmp_path / "page.html").write_text('<i class="fa-solid fa-bars"></i>')
    (tmp_path / "lite").mkdir()
    (tmp_path / "lite" / "lab.html").write_text('<i class="fa-unused"></i>')  # JupyterLite has its own icons
    assert icons.used_code_points(tmp_path) == {0xF0C9, 0xF185, 0xF05A, 0xF35D}


@pytest.mark.parametrize("name", ["fa-solid-900.woff2", "fa-solid-900.ttf"])
def test_the_cut_down_font_has_exactly_the_icons_asked_for(tmp_path, name):
    from fontTools.ttLib import TTFont

    source = icons.theme_webfonts() / name
    full = set(TTFont(source).getBestCmap())
    wanted = {0xF0C9, 0xF185, 0xF002}
    assert wanted <= full and len(full) > 500
    target = tmp_path / name
    icons.subset_font(source, target, wanted | {0x10FFFD})  # a code point the font lacks is simply skipped
    assert set(TTFont(target).getBestCmap()) == wanted
    assert target.stat().st_size < source.stat().st_size / 10


@pytest.mark.parametrize("body, dropped, kept", [
    ('<p>Text only</p>', {"sphinx-design.min.css", "exercise.css", "togglebutton.js", "copybutton.js"}, set()),
    ('<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>x</pre></div></div>',
     {"sphinx-design.min.css", "togglebutton.css"}, {"copybutton.css", "copybutton.js", "clipboard.min.js"}),
    ('<div class="sd-card sd-shadow-sm">card</div>', {"copybutton.js"}, {"sphinx-design.min.css", "design-tabs.js"}),
    ('<div class="admonition toggle">hidden</div>', set(), {"togglebutton.css", "togglebutton.js"}),
    ('<div class="exercise admonition">do this</div>', set(), {"exercise.css"}),
    # a class that merely contains a word ("dropdown-toggle", "no-highlight") is not that markup
    ('<button class="btn dropdown-toggle">x</button><span class="no-highlight-x">y</span>',
     {"togglebutton.js", "copybutton.js"}, set()),
])
def test_a_page_loads_an_extensions_files_only_with_its_markup(body, dropped, kept):
    unused = set(assets.unused_files(body))
    assert dropped <= unused
    assert not kept & unused


def test_an_unreadable_formula_fails_a_strict_build_naming_page_and_formula(tmp_path):
    """Sphinx with the course's math renderer and ``-W``: a bad formula in a display block is an error at
    its line, and a good one in the same page is still MathML."""
    import subprocess
    import sys

    (tmp_path / "conf.py").write_text('extensions = ["myst_parser"]\nmyst_enable_extensions = ["dollarmath"]\n'
                                      "def setup(app):\n    from alliances.site import math\n    math.register(app)\n")
    (tmp_path / "index.md").write_text("# Page\n\nGood $\\frac{a}{b}$.\n\n$$\nx^2\n\n\\nocommand y\n$$\n")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(tmp_path), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "index.md:5" in result.stderr and "unknown command \\nocommand" in result.stderr
    assert '<math alttext="\\frac{a}{b}"' in (tmp_path / "out" / "index.html").read_text()
