"""Print the grader's throughput against a plain nbclient baseline.

Generates N submissions (default 200) of one real exercise (``exercises/ch03_negotiation.ipynb``,
else the test fixture): right, wrong and broken ones (a syntax error, an exception, an infinite
loop stopped by a short timeout), then prints submissions per second for

  (a) a sequential baseline: each notebook executed one by one with plain nbclient (a real
      Jupyter kernel per notebook, no isolation, no judging);
  (b) ``alliances-grade`` with 1 worker (isolated, judged);
  (c) ``alliances-grade`` with all cores;

and the ratio (c)/(a) (goal: at least 2). Everything is written to a temporary folder:

    python benchmarks/bench_grading.py            # 200 submissions
    python benchmarks/bench_grading.py --n 40     # quick run
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from alliances.grading.grade import grade_folder  # noqa: E402
from alliances.grading.notebooks import student_version  # noqa: E402
from alliances.grading.sandbox import Limits, detect_mode  # noqa: E402

MIX = (("right", 0.45), ("wrong", 0.35), ("syntax error", 0.07), ("exception", 0.08), ("infinite loop", 0.05))


def exercise_source(folder: Path) -> Path:
    real = ROOT / "exercises" / "ch03_negotiation.ipynb"
    if real.exists():
        return real
    import grading_fixtures

    return grading_fixtures.write_exercise(folder)


def variants(source: Path) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(str(source), as_version=4)
    right = nbformat.read(str(source), as_version=4)
    wrong = student_version(nb, source.stem)
    for cell in wrong.cells:
        if cell.cell_type == "code" and "answer-key" not in cell.metadata.get("tags", []):
            cell.source = re.sub(r"= \.\.\.(  # your code here)?", "= 1", cell.source)

    def broken(code: str, where: int) -> nbformat.NotebookNode:
        copy = nbformat.read(str(source), as_version=4)
        copy.cells.insert(where, nbformat.v4.new_code_cell(code))
        return copy

    middle = len(right.cells) // 2
    return {"right": right, "wrong": wrong, "syntax error": broken("x = = 1", middle),
            "exception": broken("1 / 0", middle), "infinite loop": broken("while True:\n    pass", len(right.cells))}


def make_submissions(folder: Path, source: Path, n: int) -> collections.Counter:
    kinds = variants(source)
    rng = random.Random(1)
    counts = collections.Counter()
    plan = [kind for kind, share in MIX for _ in range(max(1, round(share * n)))]
    plan = (plan + ["right"] * n)[:n]
    rng.shuffle(plan)
    for number, kind in enumerate(plan):
        path = folder / f"student{number:03d}" / source.name
        path.parent.mkdir(parents=True)
        nbformat.write(kinds[kind], str(path))
        counts[kind] += 1
    return counts


def baseline(submissions: Path, timeout: float) -> float:
    paths = sorted(submissions.glob("*/*.ipynb"))
    saved_stderr = os.dup(2)  # kernels killed at a timeout print shutdown tracebacks: hide them
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    start = time.perf_counter()
    try:
        run_all(paths, timeout)
    finally:
        elapsed = time.perf_counter() - start
        os.dup2(saved_stderr, 2)
        os.close(devnull)
        os.close(saved_stderr)
    return len(paths) / elapsed


def run_all(paths: list[Path], timeout: float) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except (CellTimeoutError, DeadKernelError, RuntimeError):
            pass


def grader(submissions: Path, exercises: Path, out: Path, workers: int, timeout: float) -> tuple[float, dict]:
    start = time.perf_counter()
    grade_folder(submissions, out, exercises, workers=workers, limits=Limits(timeout=timeout),
                 regrade=True, allow_weak=True, progress=False, log=lambda m: None)
    rate = len(list(submissions.glob("*/*.ipynb"))) / (time.perf_counter() - start)
    statuses = collections.Counter(row["status"] for row in csv.DictReader((out / "gradebook.csv").open()))
    return rate, dict(statuses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of submissions (default 200)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per notebook / cell (default 5)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        source = exercise_source(tmp / "fixture")
        exercises = source.parent
        submissions = tmp / "submissions"
        counts = make_submissions(submissions, source, args.n)
        print(f"exercise: {source.relative_to(ROOT) if source.is_relative_to(ROOT) else source.name}; "
              f"{args.n} submissions: {dict(counts)}; sandbox: {detect_mode()}; cores: {cores}", flush=True)
        a = baseline(submissions, args.timeout)
        print(f"(a) nbclient, sequential, no isolation : {a:6.2f} submissions/s", flush=True)
        b, statuses_b = grader(submissions, exercises, tmp / "out1", 1, args.timeout)
        print(f"(b) alliances-grade, 1 worker          : {b:6.2f} submissions/s  {statuses_b}", flush=True)
        c, statuses_c = grader(submissions, exercises, tmp / "out2", cores, args.timeout)
        print(f"(c) alliances-grade, {cores} workers         : {c:6.2f} submissions/s  {statuses_c}", flush=True)
        print(f"ratio (c)/(a): {c / a:.2f}x  (goal: >= 2x)")


if __name__ == "__main__":
    main()
