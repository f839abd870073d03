"""Finding the submissions in a folder and reading them safely (nothing here runs them).

Layouts: ``SUBMISSIONS/<student>/<exercise>.ipynb`` or ``SUBMISSIONS/<student>__<exercise>.ipynb``.
Every ``*.ipynb`` entry becomes a :class:`Submission`, whatever it is: only regular files are
opened (``O_NONBLOCK | O_NOFOLLOW``, size checked before anything is read), and a FIFO, device,
folder, symbolic link or oversized file gets a ``problem`` that the gradebook reports.

Several files for one student and exercise are a *conflict*: all are graded and listed, and the
one that counts is chosen by :func:`counting_submissions` (the newest modification time; on a tie,
the path that sorts last).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from alliances.grading.common import sanitise_id

MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2
KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"),
         (stat.S_ISLNK, "a symbolic link (not followed)"))


@dataclass
class Submission:
    path: Path
    student: str
    exercise: str
    label: str              # path relative to the submissions folder, for messages
    problem: str = ""       # why the file cannot be graded ('' when it is a readable regular file)
    sha256: str = ""
    mtime_ns: int = 0

    @property
    def key(self) -> str:
        """A stable id for this file's result (two files of one student and exercise never share it)."""
        return f"{self.student}__{self.exercise}__{hashlib.sha256(self.label.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"


def describe_mode(mode: int) -> str:
    return next((text for test, text in KINDS if test(mode)), "not a regular file")


def read_safely(path: Path, cap: int = MAX_NOTEBOOK_BYTES) -> tuple[bytes | None, str, int]:
    """(content, problem, mtime_ns) of a regular file, read without following links or blocking."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})", 0
    if not stat.S_ISREG(info.st_mode):
        return None, f"{describe_mode(info.st_mode)}, not a regular file; not read", info.st_mtime_ns
    if info.st_size > cap:
        return None, f"larger than {cap // 1024 ** 2} MB ({info.st_size} bytes); not read", info.st_mtime_ns
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "a symbolic link (not followed), not a regular file; not read", info.st_mtime_ns
        return None, f"cannot be opened ({exc.strerror})", info.st_mtime_ns
    try:
        info = os.fstat(fd)  # what was opened, not what was looked at
        if not stat.S_ISREG(info.st_mode):
            return None, f"{describe_mode(info.st_mode)}, not a regular file; not read", info.st_mtime_ns
        if info.st_size > cap:
            return None, f"larger than {cap // 1024 ** 2} MB ({info.st_size} bytes); not read", info.st_mtime_ns
        chunks, total = [], 0
        while total <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > cap:
            return None, f"larger than {cap // 1024 ** 2} MB (it grew while being read); not read", info.st_mtime_ns
        return b"".join(chunks), "", info.st_mtime_ns
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})", info.st_mtime_ns
    finally:
        os.close(fd)


def exercise_from_metadata(data: bytes | None) -> str | None:
    if not data:
        return None
    try:
        name = json.loads(data).get("metadata", {}).get("alliances", {}).get("exercise")
    except (ValueError, AttributeError, RecursionError):
        return None
    return name if isinstance(name, str) else None


def _candidate(path: Path, student: str, stem: str, label: str, known: set[str]) -> Submission:
    data, problem, mtime = read_safely(path)
    exercise = stem if stem in known else (exercise_from_metadata(data) or stem)
    return Submission(path, sanitise_id(student), sanitise_id(exercise), label, problem,
                      hashlib.sha256(data).hexdigest() if data is not None else "", mtime)


def discover(submissions_dir: Path, known_exercises: set[str]) -> tuple[list[Submission], list[str]]:
    """Every ``*.ipynb`` entry under ``submissions_dir`` (readable or not); also the names skipped."""
    found, skipped = [], []
    for entry in sorted(os.scandir(submissions_dir), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            for item in sorted(os.scandir(path), key=lambda e: e.name):
                if item.name.startswith("."):
                    continue
                if item.name.endswith(".ipynb"):
                    found.append(_candidate(Path(item.path), entry.name, item.name[:-6],
                                            f"{entry.name}/{item.name}", known_exercises))
                else:
                    skipped.append(f"{entry.name}/{item.name}")
        elif entry.name.endswith(".ipynb") and "__" in entry.name:
            student, stem = entry.name[:-6].split("__", 1)
            found.append(_candidate(path, student, stem, entry.name, known_exercises))
        else:
            skipped.append(entry.name + (" (a symbolic link, not followed)" if entry.is_symlink() else ""))
    return found, skipped


def counting_submissions(submissions: list[Submission]) -> dict[tuple[str, str], Submission]:
    """The file that counts for each (student, exercise): the newest; on a tie, the path that sorts last."""
    chosen: dict[tuple[str, str], Submission] = {}
    for submission in submissions:
        pair = (submission.student, submission.exercise)
        best = chosen.get(pair)
        if best is None or (submission.mtime_ns, submission.label) > (best.mtime_ns, best.label):
            chosen[pair] = submission
    return chosen
