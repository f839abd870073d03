"""Accessible markup where the theme's HTML falls short of ARIA.

docutils writes each bibliography as ``<div role="list">`` whose entries carry ``role="doc-biblioentry"``
(deprecated in DPUB-ARIA 1.1), so the list has no list items (axe: aria-required-children, critical).
Here each entry is a ``listitem``; the rest of the markup is docutils' own.
"""

from __future__ import annotations

from docutils import nodes


def visit_citation(self, node):
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def register(app) -> None:
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
