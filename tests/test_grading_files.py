"""Every entry of a submissions folder is accounted for, and no file can stall or stop the batch.

FIFOs, devices, folders, symbolic links and sparse giants named ``*.ipynb`` each get a gradebook row
that says what they are, without being opened (a FIFO would block) or hashed (a sparse 1 TiB file
would take an hour); several files for one student and exercise are all graded and shown as a
conflict, and the newest counts.
"""

from __future__ import annotations

import csv
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from alliances.grading import grade
from alliances.grading.grade import grade_folder
from alliances.grading.sandbox import Limits, detect_mode
from alliances.grading.submissions import counting_submissions, discover, read_safely

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading_fixtures as fx  # noqa: E402

WEAK = detect_mode() == "weak"


def _write(path: Path, text: str, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))


@pytest.fixture(scope="module")
def odd_batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    exercises, submissions, out = root / "exercises", root / "submissions", root / "out"
    fx.write_exercise(exercises)
    name = f"{fx.EXERCISE}.ipynb"
    _write(submissions / "alice" / name, fx.submission(fx.RIGHT))
    (submissions / "fifo").mkdir(parents=True)
    os.mkfifo(submissions / "fifo" / name)
    os.mkfifo(submissions / f"flatfifo__{fx.EXERCISE}.ipynb")
    (submissions / "folder" / name).mkdir(parents=True)
    (submissions / "link").mkdir()
    (submissions / "link" / name).symlink_to(exercises / name)   # points at the instructor's source
    (submissions / "giant").mkdir()
    with open(submissions / "giant" / name, "wb") as handle:
        handle.truncate(1 << 40)                                  # sparse 1 TiB: no disk used
    if os.geteuid() == 0:
        (submissions / "device").mkdir()
        os.mknod(submissions / "device" / name, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # like /dev/zero
    now = time.time()
    _write(submissions / "dan" / name, fx.submission(fx.WRONG), mtime=now - 300)            # first try, wrong
    _write(submissions / "dan" / f"{fx.EXERCISE} (1).ipynb", fx.submission(fx.RIGHT), mtime=now - 200)
    _write(submissions / f"dan__{fx.EXERCISE}.ipynb", fx.submission([]), mtime=now - 100)   # newest: blank
    _write(submissions / "=HYPERLINK(1)" / name, fx.submission(fx.RIGHT))
    args = [str(submissions), "--out", str(out), "--exercises", str(exercises), "--workers", "2", "--timeout", "20",
            "--no-progress"] + (["--allow-weak-sandbox"] if WEAK else [])
    started = time.monotonic()
    code = grade.main(args)
    elapsed = time.monotonic() - started
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    return {"code": code, "rows": rows, "elapsed": elapsed, "out": out, "submissions": submissions,
            "exercises": exercises}


def _row(batch, file):
    found = [r for r in batch["rows"] if r["file"] == file]
    assert len(found) == 1, (file, [r["file"] for r in batch["rows"]])
    return found[0]


def test_odd_files_get_a_row_each_and_do_not_stall_the_batch(odd_batch):
    assert odd_batch["code"] == 0
    assert odd_batch["elapsed"] < 120
    name = f"{fx.EXERCISE}.ipynb"
    expected = {f"fifo/{name}": "named pipe (FIFO)", f"flatfifo__{name}": "named pipe (FIFO)",
                f"folder/{name}": "a folder", f"link/{name}": "symbolic link (not followed)",
                f"giant/{name}": "larger than 20 MB (1099511627776 bytes)"}
    if os.geteuid() == 0:
        expected[f"device/{name}"] = "a character device"
    for file, words in expected.items():
        row = _row(odd_batch, file)
        assert row["status"] == "unreadable file", row
        assert words in row["reason"], row
        assert row["total"] == "0" and row["max_total"] == "6"
    assert _row(odd_batch, f"alice/{name}")["total"] == "6"


def test_formula_like_names_are_graded_and_written_safely(odd_batch):
    row = [r for r in odd_batch["rows"] if "HYPERLINK" in r["student"]]
    assert len(row) == 1 and row[0]["total"] == "6" and row[0]["status"] == "graded"
    text = (odd_batch["out"] / "gradebook.csv").read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text and "'=HYPERLINK(1)" in text


def test_conflicting_files_are_all_graded_and_the_newest_counts(odd_batch):
    name = f"{fx.EXERCISE}.ipynb"
    wrong, right, blank = (_row(odd_batch, f) for f in (f"dan/{name}", f"dan/{fx.EXERCISE} (1).ipynb",
                                                          f"dan__{name}"))
    assert (wrong["total"], right["total"], blank["total"]) == ("0", "6", "0")   # each graded on its own
    assert wrong["status"] == right["status"] == "conflict"
    assert blank["status"] == "graded" and blank["reason"].startswith("conflict: 3 files")
    assert f"dan__{name}" in wrong["reason"] and "not counted" in wrong["reason"]
    feedback = odd_batch["out"] / "feedback" / "dan"
    assert (feedback / f"{fx.EXERCISE}.md").read_text().count("Score: **0 / 6**") == 1
    assert len(list(feedback.glob("*.md"))) == 3


def test_the_conflict_rule_is_deterministic(odd_batch):
    """Newest counts; on equal times the path that sorts last; whatever the discovery order."""
    found, _ = discover(odd_batch["submissions"], {fx.EXERCISE})
    dans = [s for s in found if s.student == "dan"]
    for order in (dans, dans[::-1], dans[1:] + dans[:1]):
        assert counting_submissions(order)[("dan", fx.EXERCISE)].label == f"dan__{fx.EXERCISE}.ipynb"
    same = [type(s)(**{**s.__dict__, "mtime_ns": 5}) for s in dans]
    for order in (same, same[::-1]):
        assert counting_submissions(order)[("dan", fx.EXERCISE)].label == f"dan__{fx.EXERCISE}.ipynb"  # sorts last


def test_summary_names_conflicts_and_unreadable_files(odd_batch, capsys, tmp_path):
    counts = grade_folder(odd_batch["submissions"], tmp_path / "again", odd_batch["exercises"], workers=2,
                          limits=Limits(timeout=20), allow_weak=WEAK, progress=False, log=lambda m: None)
    assert counts["conflicts"] == [f"dan/{fx.EXERCISE}"]
    assert f"fifo/{fx.EXERCISE}.ipynb" in counts["unreadable"] and f"giant/{fx.EXERCISE}.ipynb" in counts["unreadable"]
    assert counts["rows"] == len(odd_batch["rows"])


def test_read_safely_checks_the_size_before_reading(tmp_path):
    big = tmp_path / "big.ipynb"
    with open(big, "wb") as handle:
        handle.truncate(1 << 40)
    started = time.monotonic()
    data, problem, _ = read_safely(big)
    assert data is None and "larger than" in problem and time.monotonic() - started < 1
    small = tmp_path / "small.ipynb"
    small.write_bytes(b"{}")
    assert read_safely(small)[:2] == (b"{}", "")
    assert read_safely(small, cap=1)[0] is None


def test_grading_imports_run_one_way():
    """grade -> sandbox/runner/gradebook/scoring -> notebooks, checking, common; assign needs no grading side."""
    import ast

    folder = Path(__file__).resolve().parent.parent / "alliances" / "grading"
    allowed = {
        "common": set(), "notebooks": set(), "submissions": {"common"}, "isolation": set(), "reaper": set(),
        "runner": set(), "gradebook": {"common"}, "assign": {"common", "notebooks"}, "outcome": set(),
        "sandbox": {"isolation", "outcome", "reaper"}, "scoring": {"notebooks", "submissions"},
        "grade": {"common", "gradebook", "notebooks", "sandbox", "scoring", "submissions"},
        "gradescope": {"common", "gradebook", "sandbox", "scoring", "submissions"},
    }
    for path in folder.glob("*.py"):
        if path.stem == "__init__":
            continue
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alliances.grading"):
                found |= {node.module.split(".")[2]} if node.module.count(".") >= 2 else {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("alliances.grading.")}
        assert found <= allowed[path.stem], (path.stem, found - allowed[path.stem])


def test_files_changed_behind_the_graders_back_are_rewritten_and_reported(tmp_path):
    from alliances.grading.grade import _verify

    book, result = tmp_path / "gradebook.csv", tmp_path / "results" / "a.json"
    result.parent.mkdir()
    book.write_text("student,total\nann,1\n")
    result.write_text('{"total": 1}\n')
    written = {book: "student,total\nann,1\n", result: '{"total": 1}\n'}
    book.write_text("student,total\nann,6\n")   # a daemon's forgery
    messages = []
    assert _verify(written, messages.append) == [str(book)]
    assert book.read_text() == "student,total\nann,1\n" and "rewritten" in messages[0]
    assert _verify(written, messages.append) == []


def test_the_sweep_never_matches_the_graders_own_namespaces_or_root():
    from alliances.grading import reaper

    own = {kind: reaper.namespace_of(os.getpid(), kind) for kind in ("pid", "ipc", "mnt")}
    assert reaper.members(namespaces=own) == []
    with pytest.raises(ValueError):
        reaper.sweep(uid=0)
