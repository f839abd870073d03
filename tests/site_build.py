"""One website build per test session, shared by the book and browser tests (a build takes minutes).

Set ``ALLIANCES_SITE_HTML`` to the ``html`` folder of an existing build to test it instead.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def jupyter_book_command() -> str:
    """The jupyter-book installed beside this Python (the README's build command), else the one on PATH."""
    beside = Path(sys.executable).parent / "jupyter-book"
    found = str(beside) if beside.exists() else shutil.which("jupyter-book")
    if not found:
        raise RuntimeError("jupyter-book is not installed: run `python3 -m pip install -r requirements.txt`")
    return found


@functools.lru_cache(maxsize=1)
def build_site() -> tuple[Path, str]:
    """Build the whole book once, exactly as the README's build command does, into a temporary folder."""
    existing = os.environ.get("ALLIANCES_SITE_HTML")
    if existing:
        return Path(existing), ""
    out = Path(tempfile.mkdtemp(prefix="alliances-site-"))
    result = subprocess.run(
        [jupyter_book_command(), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, cwd=ROOT, timeout=1500,
    )
    log = result.stdout + result.stderr
    if result.returncode != 0:
        raise AssertionError(f"book build failed:\n{log[-6000:]}")
    return out / "_build" / "html", log
