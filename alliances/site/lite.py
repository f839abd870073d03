"""Every chapter live in the browser: a JupyterLite site (``lite/``) built with the book by jupyterlite-sphinx.

At build time this module makes, in ``<build>/lite-staging/``:

- a wheel of the course package built from this repository, carrying the data and the self-check
  questions (the package finds both beside itself, so nothing has to be configured in the browser);
- a copy of each chapter's notebook whose first cell installs that wheel (``%pip install
  alliances-course``: piplite finds it in the lite site's own index), in place of the Colab set-up
  cell when the repository is set (:mod:`alliances.site.launch`);
- a ``jupyter_lite_config.json`` that lists the wheel.

Each chapter page gets an "Open in JupyterLite" button. JupyterLite itself is served by this site;
the Python runtime (Pyodide) and its packages load from Pyodide's CDN when a reader opens it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import nbformat

from alliances.site.launch import without_setup_cell
from alliances.site.toc import chapters

ROOT = Path(__file__).resolve().parents[2]
NAME, VERSION = "alliances-course", "0.1.0"
# What the course package imports at run time; Pyodide ships all but jupyterquiz (pure Python, from PyPI).
REQUIRES = ("ipywidgets", "matplotlib", "numpy", "pandas", "networkx", "scipy", "pyyaml", "pillow", "jupyterquiz")
INSTALL_CELL = (
    "# JupyterLite: install the course package (built from this course's repository) in this browser tab.\n"
    "%pip install -q alliances-course"
)
LITE_NOTE = ("Opens this chapter in JupyterLite, live Python in your browser. JupyterLite is part of this "
             "site; the Python runtime (Pyodide) and its packages download from Pyodide's CDN when you open it.")


def _wheel_files() -> list[tuple[str, Path]]:
    """(path in the wheel, file): the package, its data and the self-check questions."""
    files = [(p.relative_to(ROOT).as_posix(), p) for p in sorted((ROOT / "alliances").rglob("*.py"))
             if "__pycache__" not in p.parts]
    files += [(f"data/{p.name}", p) for p in sorted((ROOT / "data").iterdir()) if p.is_file()]
    files += [(f"book/selfcheck/{p.name}", p) for p in sorted((ROOT / "book" / "selfcheck").glob("*.yml"))]
    return files


def build_wheel(folder: Path) -> Path:
    """A pure-Python wheel (PEP 427) of the course package, its data and self-checks; returns its path."""
    dist_info = f"alliances_course-{VERSION}.dist-info"
    metadata = "\n".join(["Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {VERSION}",
                          *(f"Requires-Dist: {r}" for r in REQUIRES)]) + "\n"
    wheel = "Wheel-Version: 1.0\nGenerator: alliances.site.lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    entries = [(arc, path.read_bytes()) for arc, path in _wheel_files()]
    entries += [(f"{dist_info}/METADATA", metadata.encode()), (f"{dist_info}/WHEEL", wheel.encode())]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arc, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([arc, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"alliances_course-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for arc, data in entries:
            archive.writestr(zipfile.ZipInfo(arc, date_time=(2026, 1, 1, 0, 0, 0)), data)
        archive.writestr(zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(2026, 1, 1, 0, 0, 0)), record.getvalue())
    return target


def stage(staging: Path) -> None:
    """Write the lite site's inputs: contents (chapters with an install cell) and the build config."""
    if staging.exists():
        shutil.rmtree(staging)
    contents, lite = staging / "contents", staging / "lite"
    for name in chapters(ROOT):
        notebook = without_setup_cell(nbformat.read(ROOT / f"{name}.ipynb", as_version=4))
        notebook.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL))
        target = contents / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    wheel = build_wheel(staging / "wheels")
    lite.mkdir(parents=True, exist_ok=True)
    (lite / "jupyter_lite_config.json").write_text(json.dumps({"PipliteAddon": {"piplite_urls": [str(wheel)]}}, indent=2))


def _staging(app) -> Path:
    return Path(app.outdir).parent / "lite-staging"


def configure(app, config) -> None:
    staging = _staging(app)
    config.jupyterlite_dir = str(staging / "lite")
    config.jupyterlite_content_dir = str(staging / "contents")
    config.jupyterlite_contents = None
    config.jupyterlite_bind_ipynb_suffix = False


def add_button(app, pagename, templatename, context, doctree) -> None:
    """An "Open in JupyterLite" button in each chapter's header."""
    if pagename not in chapters(ROOT) or "header_buttons" not in context:
        return
    prefix = "../" * pagename.count("/")
    context["header_buttons"].insert(0, {
        "type": "link",
        "url": f"{prefix}lite/lab/index.html?path={pagename}.ipynb",
        "tooltip": LITE_NOTE,
        "icon": "fas fa-play",
        "text": "Live",
        "label": "jupyterlite-button",
    })


def register(app) -> None:
    app.setup_extension("jupyterlite_sphinx")
    app.connect("config-inited", configure, priority=300)
    # after jupyterlite-sphinx empties its content folder (config-inited), before it builds (build-finished)
    app.connect("builder-inited", lambda app: stage(_staging(app)) if app.builder.format == "html" else None)
    app.connect("html-page-context", add_button, priority=510)
