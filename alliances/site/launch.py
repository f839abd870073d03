"""Launch and download buttons from one setting, ``repository.url`` in ``_config.yml``.

While it is empty the site shows no repository, Binder or Colab button (they would point nowhere
real), and no notebook carries a set-up cell. The download menu always works: each page as
``.ipynb`` and, on a chapter, its student exercises as ``.ipynb`` (both served by the site).

``python -m alliances.site.launch https://github.com/OWNER/REPO [--branch main]`` sets the
repository: it writes the setting and puts a Colab set-up cell at the top of every chapter and
student exercise (Colab opens a notebook straight from GitHub with nothing installed; the cell
clones the course and does nothing where the package is importable). ``--unset`` undoes both.
Binder reads ``runtime.txt`` (the Python version) and ``requirements.txt`` at the repository's root.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

from alliances.grading.assign import assign
from alliances.site.toc import CHAPTER, ROOT, chapters

LAUNCHERS = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url")
SETUP_TAG = "colab-setup"  # marks the set-up cell, so it can be found, replaced and removed
CLONE_FOLDER = "alliances-course"
# What the course imports at run time that a stock Colab lacks (Colab ships the rest of lite.REQUIRES).
COLAB_PACKAGES = ("jupyterquiz",)
_URL = re.compile(r"https://github\.com/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]{1,100})")
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}")


class SettingError(ValueError):
    """A repository URL or branch that the buttons and the set-up cell cannot use."""


def repository_url(config) -> str:
    return str((config.html_theme_options or {}).get("repository_url") or "").strip()


def configure(app, config) -> None:
    options = dict(config.html_theme_options or {})
    if repository_url(config):
        options["use_repository_button"] = True
    else:
        options.pop("repository_url", None)
        options["use_repository_button"] = False
        options["use_edit_page_button"] = False
        options["use_issues_button"] = False
        launch = dict(options.get("launch_buttons") or {})
        for key in LAUNCHERS:
            launch.pop(key, None)
        launch["thebe"] = False
        options["launch_buttons"] = launch
    config.html_theme_options = options


def student_exercise(chapter: str) -> str:
    """The page of a chapter's student exercises (``book/ch01_x`` -> ``exercises/student/ch01_x``)."""
    return f"exercises/student/{chapter.rsplit('/', 1)[-1]}"


def add_exercises_download(app, pagename, templatename, context, doctree) -> None:
    """On a chapter with exercises, the download menu also offers the student exercises as ``.ipynb``."""
    exercise = student_exercise(pagename)
    if not CHAPTER.fullmatch(pagename) or exercise not in app.env.found_docs:
        return
    menu = next((b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"), None)
    if menu is None:
        return
    pages = [i for i, b in enumerate(menu["buttons"]) if b.get("label") in ("download-notebook-button", "download-source-button")]
    menu["buttons"].insert(pages[-1] + 1 if pages else 0, {  # after the page's own notebook
        "type": "link",
        "url": f"{context['pathto']('_sources', 1)}/{exercise}.ipynb",
        "text": "exercises .ipynb",
        "tooltip": "Download this chapter's exercises (student version) as a notebook",
        "icon": "fas fa-pencil-alt",
        "label": "download-exercises-button",
    })


def register(app) -> None:
    app.connect("config-inited", configure, priority=400)
    app.connect("html-page-context", add_exercises_download, priority=505)


# -- the repository setting and the Colab set-up cell ----------------------------------------------


def check_setting(url: str, branch: str) -> str:
    """The repository URL in its plain form (no trailing ``/`` or ``.git``); SettingError if unusable."""
    plain = url.strip().rstrip("/").removesuffix(".git")
    match = _URL.fullmatch(plain)
    if not match or match["repo"] in {".", ".."}:
        raise SettingError(f"not a GitHub repository URL: {url!r}; give it as https://github.com/OWNER/REPO "
                           "(Colab opens notebooks from GitHub only)")
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith(("/", ".lock")):
        raise SettingError(f"not a branch name: {branch!r}")
    return plain


def pinned(package: str, root: Path = ROOT) -> str:
    """``package==version`` as pinned in ``requirements.txt``."""
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if re.fullmatch(rf"{re.escape(package)}==\S+", line.split("#")[0].strip(), re.IGNORECASE):
            return line.split("#")[0].strip()
    raise LookupError(f"{package} is not pinned in requirements.txt")


def setup_cell_source(url: str, branch: str = "main", root: Path = ROOT) -> str:
    """The set-up cell for Colab: where ``alliances`` is not importable, clone ``url`` at ``branch``
    beside the notebook, put the clone on ``sys.path`` (the package finds its data and self-checks
    beside itself) and install what Colab lacks; where it is importable, do nothing."""
    url = check_setting(url, branch)
    packages = " ".join(pinned(p, root) for p in COLAB_PACKAGES)
    return "\n".join([
        "# Set-up for Colab, which opens this notebook without the course package: fetch the course",
        "# (code, data, self-checks) and what Colab lacks. Where the package is installed, this does nothing.",
        "import importlib.util, os, sys",
        'if importlib.util.find_spec("alliances") is None:',
        f'    if not os.path.isdir("{CLONE_FOLDER}"):',
        f"        !git clone -q --depth 1 --branch {branch} {url} {CLONE_FOLDER}",
        f"    %pip install -q {packages}",
        f'    sys.path.insert(0, os.path.abspath("{CLONE_FOLDER}"))',
    ])


def is_setup_cell(cell) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return isinstance(tags, list) and SETUP_TAG in tags


def without_setup_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.cells = [c for c in nb.cells if not is_setup_cell(c)]
    return nb


def new_setup_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell", SETUP_TAG]})
    cell.id = SETUP_TAG  # a fixed id: setting the same repository twice gives the same bytes
    return cell


def _place_setup_cell(path: Path, source: str | None) -> bool:
    """Put the set-up cell (``None``: no cell) first, after any instructor-only cells; True if the file changed."""
    before = path.read_text(encoding="utf-8")
    nb = without_setup_cell(nbformat.reads(before, as_version=4))
    if source is not None:
        at = 0
        while at < len(nb.cells) and "instructor" in nb.cells[at].get("metadata", {}).get("tags", []):
            at += 1
        nb.cells.insert(at, new_setup_cell(source))
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def _set_config(path: Path, url: str, branch: str | None) -> bool:
    """Rewrite ``repository.url`` (and ``branch``) in ``_config.yml`` in place, keeping every other line."""
    before = path.read_text(encoding="utf-8")
    lines, inside = before.splitlines(keepends=True), False
    values = {"url": f'"{url}"', **({"branch": branch} if branch else {})}
    for i, line in enumerate(lines):
        if re.match(r"\S", line):
            inside = line.startswith("repository:")
            continue
        field = re.match(r"(\s+(\w+):[ \t]*)(\"[^\"]*\"|'[^']*'|[^\s#]*)(.*)", line) if inside else None
        if field and field[2] in values:
            lines[i] = f"{field[1]}{values[field[2]]}{field[4]}\n"
    after = "".join(lines)
    written = yaml.safe_load(after).get("repository") or {}
    if written.get("url") != url or (branch and written.get("branch") != branch):
        raise SettingError(f"could not write repository.url/branch in {path}: keep them as two lines under "
                           "'repository:' (url: ..., branch: ...)")
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def apply(url: str, branch: str = "main", root: Path = ROOT) -> list[Path]:
    """Set the repository (``url`` empty: unset it) in ``root``: the setting, the set-up cell in every
    chapter and exercise source, and the regenerated student exercises. Returns the files changed."""
    url = check_setting(url, branch) if url.strip() else ""
    source = setup_cell_source(url, branch, root) if url else None
    changed = [root / "_config.yml"] if _set_config(root / "_config.yml", url, branch if url else None) else []
    changed += [root / f"{c}.ipynb" for c in chapters(root) if _place_setup_cell(root / f"{c}.ipynb", source)]
    sources = sorted((root / "exercises").glob("ch*.ipynb"))
    changed += [p for p in sources if _place_setup_cell(p, source)]
    student = root / "exercises" / "student"
    before = {p: p.read_bytes() for p in student.glob("*.ipynb")}
    changed += [p for p in assign(sources, student, deterministic=True) if before.get(p) != p.read_bytes()]
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m alliances.site.launch",
        description="Set the course's public repository: the repository, Binder and Colab buttons, and a Colab "
                    "set-up cell at the top of every chapter and student exercise.")
    parser.add_argument("url", nargs="?", default="", help="https://github.com/OWNER/REPO (empty: unset)")
    parser.add_argument("--branch", default="main", help="the branch the buttons open and Colab clones (default: main)")
    parser.add_argument("--unset", action="store_true", help="clear the setting and remove the set-up cells")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.unset and args.url:
        parser.error("give a URL or --unset, not both")
    try:
        changed = apply("" if args.unset else args.url, args.branch, args.root)
    except SettingError as exc:
        print(f"alliances.site.launch: {exc}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"changed {path.relative_to(args.root)}")
    if not changed:
        print("nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
