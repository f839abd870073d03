"""Batch grading: ``alliances-grade SUBMISSIONS_DIR --out grading-output/``.

For each submission, the trusted process (this one):

1. identifies the student (folder name, or the prefix of ``<student>__<exercise>.ipynb``) and the
   exercise (the file name's stem, else ``metadata.alliances.exercise``), sanitising both;
2. reads the instructor's source ``<exercises>/<exercise>.ipynb`` and parses its answer key with
   ``answer_key_from_source`` (never executes it) to get the answer variable names;
3. runs the submission in a fresh sandbox process (:mod:`alliances.grading.sandbox`) asking only
   for those names, and receives their plain-data values;
4. judges every question, hidden ones included, with ``judge()`` here, and writes
   ``results/<student>__<exercise>.json`` atomically.

Submissions whose result file already matches the submission's SHA-256 and the answer key are
skipped unless ``--regrade``; the gradebook, feedback and Gradescope files are rebuilt from the
result files at the end (see :mod:`alliances.grading.gradebook`).

Partial runs: the sandbox reports the answer variables after every cell, so a submission that
times out, exits or crashes is graded on the values it had when its last completed cell ended;
questions whose variable did not exist by then score 0 with a message saying why.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import queue
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from alliances.checking import Result, judge
from alliances.checking.plain import from_jsonable
from alliances.grading.gradebook import result_path, write_atomically, write_outputs
from alliances.grading.notebooks import FormatError, read_answer_key
from alliances.grading.sandbox import Limits, Sandbox, SandboxError

MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2
STATUS = {"finished": "graded", "timed out": "timed out", "crashed": "crashed"}


def sanitise_id(text: str, limit: int = 64) -> str:
    """A safe file-name component: letters, digits, ``.``, ``_``, ``-``; never empty, ``.`` or ``..``.

    When anything had to change, a short hash of the original keeps distinct ids distinct.
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[:limit] or "unnamed"
    if clean != text:
        clean = f"{clean}-{hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
    return clean


@dataclass
class Submission:
    path: Path
    student: str
    exercise: str
    label: str  # path relative to the submissions folder, for messages


def _exercise_from_metadata(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = json.loads(path.read_bytes())
        name = data.get("metadata", {}).get("alliances", {}).get("exercise")
        return name if isinstance(name, str) else None
    except (OSError, ValueError, AttributeError, RecursionError):
        return None


def _exercise_name(path: Path, stem: str, known: set[str]) -> str:
    if stem in known:
        return stem
    return _exercise_from_metadata(path) or stem


def discover(submissions_dir: Path, known_exercises: set[str]) -> tuple[list[Submission], list[str]]:
    """Every submission under ``submissions_dir``; also the names of entries that were skipped."""
    found, skipped = [], []
    for entry in sorted(submissions_dir.iterdir()):
        if entry.name.startswith(".") or entry.is_symlink():
            skipped.append(entry.name)
            continue
        if entry.is_dir():
            for item in sorted(entry.iterdir()):
                if item.name.startswith(".") or item.suffix != ".ipynb":
                    if not item.name.startswith("."):
                        skipped.append(f"{entry.name}/{item.name}")
                    continue
                found.append(Submission(item, sanitise_id(entry.name),
                                        sanitise_id(_exercise_name(item, item.stem, known_exercises)),
                                        f"{entry.name}/{item.name}"))
        elif entry.suffix == ".ipynb" and "__" in entry.stem:
            student, stem = entry.stem.split("__", 1)
            found.append(Submission(entry, sanitise_id(student),
                                    sanitise_id(_exercise_name(entry, stem, known_exercises)), entry.name))
        else:
            skipped.append(entry.name)
    return found, skipped


class Exercises:
    """The instructor's answer keys, read (never executed) from the source notebooks."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names = {p.stem for p in folder.glob("*.ipynb")}
        self._keys: dict[str, tuple[dict, str]] = {}

    def key(self, exercise: str) -> tuple[dict, str] | None:
        if exercise not in self.names:
            return None
        if exercise not in self._keys:
            key = read_answer_key(self.folder / f"{exercise}.ipynb")
            digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=repr).encode()).hexdigest()
            self._keys[exercise] = (key, digest)
        return self._keys[exercise]


def read_submission(path: Path) -> tuple[str | None, list[str] | None, str]:
    """(notebook text, code-cell sources, problem): the trusted, non-executing read of a submission."""
    try:
        if not path.is_file() or path.is_symlink():
            return None, None, "not a regular file"
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None, None, f"the file is larger than {MAX_NOTEBOOK_BYTES // 1024 ** 2} MB"
        text = path.read_bytes().decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
    except UnicodeDecodeError:
        return None, None, "the file is not UTF-8 text, so not a notebook"
    except Exception as exc:  # NotJSONError, validation or conversion errors, RecursionError...
        return None, None, f"the file is not a readable Jupyter notebook ({type(exc).__name__})"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return None, None, "the notebook has no list of cells"
    sources = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            return None, None, "a code cell's source is not text"
        sources.append(source)
    return text, sources, ""


def judge_answers(key: dict, answers: dict | None, run_status: str) -> list[dict]:
    questions = []
    for question_id, spec in key.items():
        name = spec["answer"]
        points = float(spec.get("points", 1))
        if answers is not None and name in answers:
            result = judge(question_id, spec, from_jsonable(answers[name]))
        elif answers is None:
            result = Result(question_id, "missing", "the notebook could not be run.", 0.0, points)
        elif run_status == "graded":
            result = Result(question_id, "missing",
                            f"no variable called `{name}` was defined when your notebook finished: store "
                            f"your answer in `{name}` (exact spelling) and run every cell.", 0.0, points)
        else:
            result = Result(question_id, "missing",
                            f"`{name}` was not defined before your notebook stopped ({run_status}).", 0.0, points)
        questions.append({"id": question_id, "status": result.status, "points": result.points,
                          "max_points": result.max_points, "message": result.message,
                          "hidden": bool(spec.get("hidden"))})
    return questions


def _stored_answers(answers: dict) -> dict:
    out = {}
    for name, value in answers.items():
        text = json.dumps(value)
        out[name] = value if len(text) <= 2000 else {"__unsupported__": "too long to store"}
    return out


def grade_submission(submission: Submission, exercises: Exercises, sandbox: Sandbox | None, slot: int,
                     sha: str) -> dict:
    """Grade one submission in the trusted process; returns the result record."""
    started = time.monotonic()
    record = {"student": submission.student, "exercise": submission.exercise, "submission": submission.label,
              "sha256": sha, "key_sha256": None, "status": "invalid notebook", "reason": "",
              "questions": [], "total": 0.0, "max_total": 0.0, "answers": {}, "cell_errors": [],
              "output_tail": "", "sandbox": sandbox.mode if sandbox else None}
    try:
        found = exercises.key(submission.exercise)
    except FormatError as exc:
        record.update(status="error", reason=f"the instructor's source notebook is malformed: {exc}")
        return _finish(record, started)
    if found is None:
        record["reason"] = (f"there is no exercise called {submission.exercise!r} "
                            f"(known: {', '.join(sorted(exercises.names)) or 'none'})")
        return _finish(record, started)
    key, key_sha = found
    record["key_sha256"] = key_sha
    text, cells, problem = read_submission(submission.path)
    if text is None:
        record["reason"] = problem
        record["questions"] = judge_answers(key, None, "invalid notebook")
        return _finish(record, started)
    names = sorted({spec["answer"] for spec in key.values()})
    outcome = sandbox.run(cells, names, text, slot=slot)
    status = STATUS[outcome.status]
    record.update(status=status, answers=_stored_answers(outcome.answers), cell_errors=outcome.cell_errors,
                  output_tail=outcome.output_tail[-2000:])
    reason = outcome.reason
    if outcome.cell_errors and status == "graded":
        shown = ", ".join(f"cell {i + 1} ({e})" for i, e in outcome.cell_errors[:5])
        reason = f"{len(outcome.cell_errors)} code cell(s) raised an error: {shown}"
    record["reason"] = reason
    record["questions"] = judge_answers(key, outcome.answers, status)
    return _finish(record, started)


def _finish(record: dict, started: float) -> dict:
    record["total"] = round(sum(q["points"] for q in record["questions"]), 6)
    record["max_total"] = round(sum(q["max_points"] for q in record["questions"]), 6)
    record["duration_s"] = round(time.monotonic() - started, 3)
    record["graded_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return record


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def is_done(out_dir: Path, submission: Submission, sha: str, key_sha: str | None) -> bool:
    path = result_path(out_dir, submission.student, submission.exercise)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return data.get("sha256") == sha and data.get("key_sha256") == key_sha and data.get("status") != "error"


def grade_folder(submissions_dir: Path, out_dir: Path, exercises_dir: Path, workers: int | None = None,
                 limits: Limits | None = None, regrade: bool = False, gradescope: bool = False,
                 allow_weak: bool = False, progress: bool = True, log=print) -> dict:
    """Grade every submission; returns counts. Raises SandboxError if isolation is not available."""
    submissions_dir, out_dir, exercises_dir = (Path(p).resolve() for p in (submissions_dir, out_dir, exercises_dir))
    exercises = Exercises(exercises_dir)
    submissions, skipped = discover(submissions_dir, exercises.names)
    for name in skipped:
        log(f"skipped {name} (not a notebook submission)")
    (out_dir / "results").mkdir(parents=True, exist_ok=True)
    todo = []
    for submission in submissions:
        sha = file_sha256(submission.path)
        try:
            found = exercises.key(submission.exercise)
        except FormatError:
            found = None
        key_sha = found[1] if found else None
        if not regrade and is_done(out_dir, submission, sha, key_sha):
            continue
        todo.append((submission, sha))
    counts = {"submissions": len(submissions), "graded_now": len(todo), "skipped": len(submissions) - len(todo)}
    if todo:
        workers = max(1, workers or os.cpu_count() or 1)
        secrets = [exercises_dir, submissions_dir, out_dir]
        with Sandbox(secrets, limits=limits or Limits(), allow_weak=allow_weak) as sandbox:
            if sandbox.warning:
                log(f"WARNING: {sandbox.warning}")
            slots: queue.Queue[int] = queue.Queue()
            for slot in range(workers):
                slots.put(slot)

            def task(submission: Submission, sha: str) -> dict:
                slot = slots.get()
                try:
                    record = grade_submission(submission, exercises, sandbox, slot, sha)
                finally:
                    slots.put(slot)
                if sandbox.stopping:  # interrupted: this run was cut short by us, not by the student
                    raise KeyboardInterrupt
                write_atomically(result_path(out_dir, submission.student, submission.exercise),
                                 json.dumps(record, indent=1) + "\n")
                return record

            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), file=sys.stderr, unit="nb", desc="grading")
            pool = ThreadPoolExecutor(max_workers=workers)
            try:
                futures = {pool.submit(task, s, sha): s for s, sha in todo}
                for future in as_completed(futures):
                    submission = futures[future]
                    try:
                        future.result()
                    except KeyboardInterrupt:
                        raise
                    except Exception as exc:  # a grader bug must not stop the batch
                        log(f"ERROR grading {submission.label}: {type(exc).__name__}: {exc}")
                    if bar:
                        bar.update(1)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                sandbox.kill_all()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
                if bar:
                    bar.close()
    results = write_outputs(out_dir, gradescope=gradescope)
    counts["rows"] = len(results)
    return counts


def default_exercises_dir() -> Path:
    from alliances.grading.assign import default_exercises_dir as default

    return default()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="alliances-grade",
        description="Grade a folder of exercise submissions in isolated processes: "
                    "SUBMISSIONS_DIR/<student>/<exercise>.ipynb or SUBMISSIONS_DIR/<student>__<exercise>.ipynb.")
    parser.add_argument("submissions", type=Path, help="folder of submissions")
    parser.add_argument("--out", type=Path, default=Path("grading-output"), help="output folder (default: grading-output/)")
    parser.add_argument("--exercises", type=Path, default=None,
                        help="folder of the instructor's source notebooks (default: exercises/)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel runs (default: cores)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook (default: 120)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per run (default: 2048)")
    parser.add_argument("--regrade", action="store_true", help="grade again even if a result exists")
    parser.add_argument("--gradescope", action="store_true", help="also write gradescope/<student>/<exercise>/results.json")
    parser.add_argument("--allow-weak-sandbox", action="store_true",
                        help="grade even where submissions cannot be isolated from the solutions (unsafe)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"alliances-grade: {args.submissions} is not a folder", file=sys.stderr)
        return 2
    exercises_dir = args.exercises or default_exercises_dir()
    if not exercises_dir.is_dir():
        print(f"alliances-grade: no exercises folder at {exercises_dir} (use --exercises)", file=sys.stderr)
        return 2
    out = args.out.resolve()
    if out == args.submissions.resolve() or out == exercises_dir.resolve():
        print("alliances-grade: --out must be a folder of its own", file=sys.stderr)
        return 2
    limits = Limits(timeout=args.timeout, memory=args.memory_mb * 1024 ** 2)
    log = lambda message: print(message, file=sys.stderr)  # noqa: E731
    try:
        counts = grade_folder(args.submissions, out, exercises_dir, workers=args.workers, limits=limits,
                              regrade=args.regrade, gradescope=args.gradescope,
                              allow_weak=args.allow_weak_sandbox, progress=not args.no_progress, log=log)
    except SandboxError as exc:
        print(f"alliances-grade: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alliances-grade: interrupted; finished results are kept, run again to continue", file=sys.stderr)
        return 130
    print(f"{counts['submissions']} submissions: {counts['graded_now']} graded now, {counts['skipped']} "
          f"already graded; gradebook: {out / 'gradebook.csv'} ({counts['rows']} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
