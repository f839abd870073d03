"""Print the course's speed figures: each widget's updates, check(), and the book build.

Budgets (issue 11, chapter standard): every widget's median update <= 100 ms and slowest update
<= 250 ms, over every control; one ``check()`` call (the hint path included) <= 50 ms; a clean full
build <= 90 s and a no-change rebuild <= 10 s on 2 cores. Widgets are found through each module's
``WIDGETS``, so a new chapter's widget is measured as soon as it is listed.

Each update is timed twice: wall-clock time (what a reader waits) and the process's CPU time (what
the redraw costs; on a shared, busy machine this is the fairer figure, since wall time also counts
the time other processes hold the cores). The verdict uses wall time unless ``--cpu`` is given.
Each view is closed and its objects collected before the next is measured, as a reader's kernel
holds one chapter's views, not every chapter's: otherwise the garbage collector's full passes over
all earlier views' figures and caches land in later views' updates.
Run from the repository root:

    python benchmarks/bench_course.py            # everything (the clean build takes minutes)
    python benchmarks/bench_course.py --no-build # widgets and check() only
    python benchmarks/bench_course.py --only similarity_heatmap --repeats 1
"""

from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MEDIAN_BUDGET_MS = 100.0
MAX_BUDGET_MS = 250.0
CHECK_BUDGET_MS = 50.0
CLEAN_BUILD_BUDGET_S = 90.0
REBUILD_BUDGET_S = 10.0


def slowest_notebooks(out: Path, count: int = 5) -> list[tuple[str, float]]:
    """Execution time of each notebook, read from the build's jupyter-cache."""
    from jupyter_cache import get_cache

    found = [out / "_build" / ".jupyter_cache", *out.rglob(".jupyter_cache")]
    found = [p for p in found if p.is_dir()]
    if not found:
        print("  (no jupyter-cache found: notebook execution times unavailable)")
        return []
    cache = get_cache(found[0])
    times = []
    for record in cache.list_project_records():
        cached = cache.get_cached_project_nb(record.uri)
        seconds = (cached.data or {}).get("execution_seconds") if cached else None
        if seconds is not None:
            uri = Path(record.uri)
            times.append((str(uri.relative_to(ROOT)) if uri.is_relative_to(ROOT) else str(uri), float(seconds)))
    return sorted(times, key=lambda t: -t[1])[:count]


def time_build() -> tuple[float, float]:
    from test_book import jupyter_book_command

    with tempfile.TemporaryDirectory() as out:
        command = [jupyter_book_command(), "build", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going"]
        timings = []
        for label, budget in (("clean build", CLEAN_BUILD_BUDGET_S), ("no-change rebuild", REBUILD_BUDGET_S)):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=1800)
            timings.append(time.perf_counter() - start)
            if result.returncode:
                sys.exit(f"{label} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
            verdict = "ok" if timings[-1] <= budget else "MISSES"
            print(f"{label:<22} {timings[-1]:7.1f} s  (budget {budget:.0f} s, ratio {timings[-1] / budget:.2f}, {verdict})",
                  flush=True)
        for name, seconds in slowest_notebooks(Path(out)):
            print(f"  notebook {name:<40} {seconds:6.1f} s to execute")
        return timings[0], timings[1]


def widget_factories(only: set[str] | None = None):
    """(label, factory) for every widget listed in a module's ``WIDGETS``."""
    import alliances.widgets as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"alliances.widgets.{info.name}")
        for factory in getattr(module, "WIDGETS", ()):
            if not only or factory.__name__ in only:
                yield f"{info.name}.{factory.__name__}", factory


def time_updates(view, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each update: every control to each swept value and back, ``repeats`` times."""
    from test_widgets import _sweep_values

    wall, cpu = [], []
    for _ in range(repeats):
        for name, control in view.controls.items():
            default = control.value
            for value in [*_sweep_values(control), default]:
                w0, c0 = time.perf_counter(), time.process_time()
                view.update(**{name: value})
                wall.append(time.perf_counter() - w0)
                cpu.append(time.process_time() - c0)
    return wall, cpu


def time_widgets(repeats: int, only: set[str] | None = None, use_cpu: bool = False) -> list[str]:
    """Print each widget's median and max update (wall and CPU) and its ratio to the budget."""
    print(f"{'widget':<44} {'median':>7} {'max':>7} {'cpu med':>8} {'cpu max':>8} "
          f"{'med/100':>8} {'max/250':>8}  (ms)")
    missing, every = [], []
    for label, factory in widget_factories(only):
        view = factory()
        wall, cpu = time_updates(view, repeats)
        view.close()
        del view
        gc.collect()
        judged = cpu if use_cpu else wall
        every += judged
        med, top = 1000 * statistics.median(judged), 1000 * max(judged)
        ok = med <= MEDIAN_BUDGET_MS and top <= MAX_BUDGET_MS
        if not ok:
            missing.append(label)
        print(f"{label:<44} {1000 * statistics.median(wall):7.1f} {1000 * max(wall):7.1f} "
              f"{1000 * statistics.median(cpu):8.1f} {1000 * max(cpu):8.1f} "
              f"{med / MEDIAN_BUDGET_MS:8.2f} {top / MAX_BUDGET_MS:8.2f}  {'ok' if ok else 'MISSES'} "
              f"({len(wall)} updates)", flush=True)
    basis = "CPU" if use_cpu else "wall"
    if every:
        print(f"all widgets ({basis}): median {1000 * statistics.median(every):.1f} ms, max {1000 * max(every):.1f} ms")
    print(f"widgets missing the budget ({basis} time): {', '.join(missing) if missing else 'none'}")
    return missing


def time_check(repeats: int) -> float:
    """Median ``check()`` call over right, wrong, odd and hinted answers, instructor and student keys."""
    from alliances.checking import Checker, public_question

    key = {
        "n": {"answer": "x", "kind": "number", "expected": 0.62, "tol": 0.005,
              "hint": "Start from the disagreement point.",
              "mistakes": [{"answer": 62, "hint": "give a fraction, not a percentage"}]},
        "s": {"answer": "s", "kind": "set", "expected": ["USA", "FRA", "GBR"], "hint": "Three states."},
        "v": {"answer": "v", "kind": "numbers", "expected": [0.1] * 30, "tol": 0.001},
    }
    try:
        checkers = [Checker(key), Checker({q: public_question(s, "salt") for q, s in key.items()})]
    except (TypeError, ValueError, KeyError):  # a check API without common-mistake hints yet
        for spec in key.values():
            spec.pop("mistakes", None)
        checkers = [Checker(key), Checker({q: public_question(s, "salt") for q, s in key.items()})]
    inputs = [("n", 0.62), ("n", 62), ("n", 0.7), ("n", float("nan")), ("n", "text"), ("s", ["usa", "fra", "gbr"]),
              ("s", ["USA"]), ("v", [0.1] * 30), ("v", ...)]
    times = []
    for _ in range(repeats):
        for check in checkers:
            for question, value in inputs:
                start = time.perf_counter()
                check(question, value)
                times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{'check() call':<22} median {1000 * median:6.3f} ms  max {1000 * max(times):6.3f} ms "
          f"(budget {CHECK_BUDGET_MS:.0f} ms, ratio {1000 * median / CHECK_BUDGET_MS:.4f})")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="skip the book build timings")
    parser.add_argument("--repeats", type=int, default=2, help="sweeps of every control per widget")
    parser.add_argument("--only", nargs="*", help="widget factory names to measure (default: all)")
    parser.add_argument("--cpu", action="store_true", help="judge widgets on CPU time instead of wall time")
    args = parser.parse_args()
    missing = time_widgets(args.repeats, set(args.only) if args.only else None, args.cpu)
    time_check(50)
    if not args.no_build:
        time_build()
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
