"""The pages of the book, in table-of-contents order, read once from ``_toc.yml``.

One reader for every tool that walks the book (the JupyterLite staging, the tests, the site
benchmark), so a new kind of entry (a ``glob``, a nested ``sections`` list) is understood everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
_SUFFIXES = (".ipynb", ".md")
# A chapter's page: book/chNN_<topic> (teaching notes and student exercises named chNN are elsewhere).
CHAPTER = re.compile(r"book/ch\d\d_\w+")


def _entries(node, root: Path):
    if isinstance(node, dict):
        if isinstance(node.get("file"), str):
            yield node["file"]
        if isinstance(node.get("glob"), str):
            found = {p.with_suffix("") for s in _SUFFIXES for p in root.glob(node["glob"] + s)}
            yield from sorted(str(p.relative_to(root)) for p in found)
        for key in ("parts", "chapters", "sections"):
            yield from _entries(node.get(key), root)
    elif isinstance(node, list):
        for item in node:
            yield from _entries(item, root)


def toc_files(root: Path = ROOT) -> list[str]:
    """Every page of the book (without suffix, relative to ``root``), the root page first."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"], *_entries(toc, root)]


def chapters(root: Path = ROOT) -> list[str]:
    """The chapters (``book/chNN_*`` notebooks) in the table of contents, without suffix."""
    return [f for f in toc_files(root) if CHAPTER.fullmatch(f) and (root / f"{f}.ipynb").is_file()]
