"""Small helpers shared by the grading modules (no grading logic here, so every module may import it)."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path


def sanitise_id(text: str, limit: int = 64) -> str:
    """A safe file-name component: letters, digits, ``.``, ``_``, ``-``; never empty, ``.`` or ``..``.

    When anything had to change, a short hash of the original keeps distinct ids distinct.
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[:limit] or "unnamed"
    if clean != text:
        clean = f"{clean}-{hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
    return clean


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace`` (readers never see half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def default_exercises_dir() -> Path:
    """``exercises/`` of the current folder, else the one beside the installed package."""
    here = Path.cwd() / "exercises"
    if here.is_dir():
        return here
    import alliances

    return Path(alliances.__file__).resolve().parent.parent / "exercises"
