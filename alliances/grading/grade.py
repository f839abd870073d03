"""Batch grading: ``alliances-grade SUBMISSIONS_DIR --out grading-output/`` (orchestration only).

1. :mod:`alliances.grading.submissions` finds every ``*.ipynb`` entry, reading only regular files
   (others get a row saying what they are) and spotting conflicts (several files for one student
   and exercise: all graded, the newest counts);
2. :mod:`alliances.grading.scoring` grades each one: the answer key read (never run) from the
   instructor's source, the notebook run in a :class:`~alliances.grading.sandbox.Sandbox`, the
   answers judged here; results are saved in ``results/`` as they come;
3. :mod:`alliances.grading.gradebook` rebuilds the gradebook, feedback and Gradescope files, and
   every file this run wrote is checked afterwards (a change made behind the grader's back is
   undone and reported).

Submissions whose result already matches the file's SHA-256 and the answer key are skipped unless
``--regrade``. A submission that times out, exits or crashes is graded on the answer values it had
after its last completed cell.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from alliances.grading.common import default_exercises_dir, write_atomically
from alliances.grading.gradebook import result_path, write_outputs
from alliances.grading.notebooks import FormatError
from alliances.grading.sandbox import Limits, Sandbox, SandboxError
from alliances.grading.scoring import Exercises, grade_submission
from alliances.grading.submissions import Submission, counting_submissions, discover


def is_done(out_dir: Path, submission: Submission, key_sha: str | None) -> bool:
    path = result_path(out_dir, submission.key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (bool(submission.sha256) and data.get("sha256") == submission.sha256
            and data.get("key_sha256") == key_sha and data.get("status") != "error")


def _needs_sandbox(submission: Submission, exercises: Exercises) -> bool:
    return not submission.problem and submission.exercise in exercises.names


def _conflicts(submissions: list[Submission]) -> dict[str, dict]:
    counting = counting_submissions(submissions)
    groups: dict[tuple[str, str], list[str]] = {}
    for submission in submissions:
        groups.setdefault((submission.student, submission.exercise), []).append(submission.label)
    out = {}
    for submission in submissions:
        files = groups[(submission.student, submission.exercise)]
        if len(files) > 1:
            chosen = counting[(submission.student, submission.exercise)]
            out[submission.key] = {"counts": chosen is submission, "counting": chosen.label, "files": sorted(files)}
    return out


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
    conflicts = _conflicts(submissions)
    mine: dict[Path, str] = {}   # every file this run wrote, to check at the end

    def save(record: dict) -> None:
        submission_key = record["key"]
        if submission_key in conflicts:
            record["conflict"] = conflicts[submission_key]
        else:
            record.pop("conflict", None)
        path, text = result_path(out_dir, submission_key), json.dumps(record, indent=1) + "\n"
        write_atomically(path, text)
        mine[path] = text

    todo, direct, kept = [], [], 0
    for submission in submissions:
        try:
            found = exercises.key(submission.exercise)
        except FormatError:
            found = None
        if not regrade and is_done(out_dir, submission, found[1] if found else None):
            kept += 1
            path = result_path(out_dir, submission.key)
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("conflict") != conflicts.get(submission.key):
                save(record)
            continue
        (todo if _needs_sandbox(submission, exercises) else direct).append(submission)
    for submission in direct:  # unreadable files, unknown exercises: no sandbox needed
        save(grade_submission(submission, exercises, None, 0))
    counts = {"submissions": len(submissions), "graded_now": len(todo) + len(direct), "skipped": kept,
              "conflicts": sorted({f"{s.student}/{s.exercise}" for s in submissions if s.key in conflicts}),
              "unreadable": sorted(s.label for s in submissions if s.problem)}
    sandbox_mode = None
    if todo:
        workers = max(1, workers or os.cpu_count() or 1)
        secrets = [exercises_dir, submissions_dir, out_dir]
        with Sandbox(secrets, limits=limits or Limits(), allow_weak=allow_weak) as sandbox:
            sandbox_mode = sandbox.mode
            if sandbox.warning:
                log(f"WARNING: {sandbox.warning}")
            slots: queue.Queue[int] = queue.Queue()
            for slot in range(workers):
                slots.put(slot)

            def task(submission: Submission) -> dict:
                slot = slots.get()
                try:
                    record = grade_submission(submission, exercises, sandbox, slot)
                finally:
                    slots.put(slot)
                if sandbox.stopping:  # interrupted: this run was cut short by us, not by the student
                    raise KeyboardInterrupt
                save(record)
                return record

            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), file=sys.stderr, unit="nb", desc="grading")
            pool = ThreadPoolExecutor(max_workers=workers)
            try:
                futures = {pool.submit(task, s): s for s in todo}
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
            counts["swept"], counts["leftovers"] = sandbox.swept, list(sandbox.leftovers)
    counts["tampered"] = _verify(mine, log)
    results, written = write_outputs(out_dir, {s.key for s in submissions}, gradescope=gradescope)
    counts["tampered"] += _verify(written, log)
    counts["rows"] = len(results)
    counts["sandbox"] = sandbox_mode
    for pair in counts["conflicts"]:
        log(f"conflict: several files for {pair}; all are in the gradebook, the newest counts")
    return counts


def _verify(written: dict[Path, str], log) -> list[str]:
    """Files this run wrote that no longer hold what it wrote: rewritten, and reported."""
    changed = []
    for path, text in written.items():
        try:
            same = path.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            changed.append(str(path))
            write_atomically(path, text)
            log(f"WARNING: {path} was changed by something other than the grader; rewritten")
    return changed


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
    if counts["unreadable"]:
        print(f"unreadable files ({len(counts['unreadable'])}, each has a row): {', '.join(counts['unreadable'])}")
    if counts["conflicts"]:
        print(f"conflicts ({len(counts['conflicts'])}; every file has a row, the newest counts): "
              f"{', '.join(counts['conflicts'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
