"""Write student versions of exercise notebooks: ``alliances-assign [NOTEBOOK ...] --out student/``.

With no notebooks given, every ``exercises/ch*.ipynb`` is converted. One random salt is drawn per
run and used for every notebook of that run; ``--deterministic`` uses a fixed salt per exercise
instead, so the same sources always give the same bytes (that is how the published versions in
``exercises/student/`` are made: ``alliances-assign --deterministic --out exercises/student``).
Exit status: 0 on success, 2 when a source does not follow the format (no answer-key cell,
unbalanced ``# BEGIN/END SOLUTION``, a line that mentions a solution without a recognised marker,
unreadable key); nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from alliances.grading.common import default_exercises_dir, write_atomically
from alliances.grading.notebooks import FormatError, new_salt, read_notebook, stable_salt, student_version

REGENERATE = "alliances-assign --deterministic --out exercises/student"


def assign(notebooks: list[Path], out_dir: Path, salt: str | None = None, deterministic: bool = False) -> list[Path]:
    """Convert every source notebook, or raise FormatError before writing anything."""
    salt = salt or new_salt()
    converted = []
    for path in notebooks:
        nb = read_notebook(path)
        converted.append((path, student_version(nb, path.stem, stable_salt(path.stem) if deterministic else salt)))
    written = []
    for path, student in converted:
        target = out_dir / path.name
        write_atomically(target, nbformat.writes(student) + "\n")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="alliances-assign",
        description="Write student versions of exercise notebooks (solutions, hidden checks and "
                    "expected answers removed).")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="instructor source notebooks (default: every exercises/ch*.ipynb)")
    parser.add_argument("--out", type=Path, default=Path("student"), help="output folder (default: student/)")
    parser.add_argument("--deterministic", action="store_true",
                        help="a fixed salt per exercise, so unchanged sources give identical files (for "
                             "publishing, e.g. exercises/student/); default: a new random salt per run")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(default_exercises_dir().glob("ch*.ipynb"))
    if not notebooks:
        print("alliances-assign: no exercise notebooks found (looked for exercises/ch*.ipynb)", file=sys.stderr)
        return 2
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        print(f"alliances-assign: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    out = args.out.resolve()
    sources = {p.resolve().parent for p in notebooks}
    if out in sources:
        print("alliances-assign: --out must not be the folder of the source notebooks "
              "(that would overwrite the solutions)", file=sys.stderr)
        return 2
    try:
        written = assign(notebooks, args.out, deterministic=args.deterministic)
    except FormatError as exc:
        print(f"alliances-assign: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
