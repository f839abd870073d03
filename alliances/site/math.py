"""Formulas written into the page as MathML at build time (latex2mathml), instead of typeset by MathJax.

Browsers lay out MathML themselves (Chromium since 109, Firefox, Safari), so a page with math needs no
script, no math font download and no network; screen readers read MathML directly, and the LaTeX
source stays in the ``alttext`` attribute. A formula latex2mathml cannot read is a build warning
(so an error under ``-W``) naming the page and the formula.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ElementTree

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)
RENDERER = "mathml"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
# How many children each layout element takes: latex2mathml writes ``\frac{1}`` as a one-child fraction.
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "mroot": 2, "munder": 2, "mover": 2, "msubsup": 3, "munderover": 3}


def _problem(markup: str) -> str | None:
    """What is wrong with latex2mathml's output, if anything (it keeps unknown commands as text)."""
    for element in ElementTree.fromstring(markup).iter():
        tag = element.tag.removeprefix(MATHML)
        if (element.text or "").strip().startswith("\\"):
            return f"unknown command {element.text.strip()}"
        if tag == "merror":
            return "unreadable formula"
        if tag in ARITY and len(element) != ARITY[tag]:
            return f"{tag} needs {ARITY[tag]} arguments, has {len(element)}"
    return None


def to_mathml(latex: str, display: bool) -> str:
    """MathML for one LaTeX formula; raises ValueError when the formula cannot be read."""
    from latex2mathml.converter import convert

    bare = re.sub(r"\\.", "", latex)
    if bare.count("{") != bare.count("}"):
        raise ValueError(f"cannot convert {latex.strip()!r} to MathML: unbalanced braces")
    try:
        markup = convert(latex.strip(), display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own exception types and plain ones
        raise ValueError(f"cannot convert {latex.strip()!r} to MathML: {str(error) or type(error).__name__}") from error
    problem = _problem(markup)
    if problem:
        raise ValueError(f"cannot convert {latex.strip()!r} to MathML: {problem}")
    return markup.replace("<math ", f'<math alttext="{html.escape(latex.strip(), quote=True)}" ', 1)


def _converted(translator, latex: str, node, display: bool) -> str:
    """MathML for ``latex`` (from ``node``); a warning at the node and the source as code if unreadable."""
    try:
        return to_mathml(latex, display)
    except ValueError as error:
        logger.warning(str(error), location=node, type="course", subtype="math")
        return f"<code>{translator.encode(latex)}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math"))
    self.body.append(_converted(self, node.astext(), node, display=False) + "</span>")
    raise nodes.SkipNode


def visit_math_block(self, node: nodes.math_block) -> None:
    from sphinx.util.math import get_node_equation_number

    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_converted(self, part, node, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def configure(app, config) -> None:
    config.html_math_renderer = RENDERER


def register(app) -> None:
    app.add_html_math_renderer(RENDERER, (visit_math, None), (visit_math_block, None))
    app.connect("config-inited", configure)
