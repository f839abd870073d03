"""Print the course's speed figures: book build (clean and no-change), widget update, check().

Targets (issue: course foundation): one widget update (model + redraw) median <= 100 ms; one
``check()`` call <= 50 ms. Build times are printed for the record. Run from the repository root:

    python benchmarks/bench_course.py            # everything (the clean build takes minutes)
    python benchmarks/bench_course.py --no-build # widgets and check() only
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_build() -> tuple[float, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_book import jupyter_book_command

    with tempfile.TemporaryDirectory() as out:
        command = [jupyter_book_command(), "build", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going"]
        timings = []
        for label in ("clean build", "no-change rebuild"):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            timings.append(time.perf_counter() - start)
            if result.returncode:
                sys.exit(f"{label} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
            print(f"{label:<22} {timings[-1]:7.1f} s", flush=True)
        return timings[0], timings[1]


def sweep_values(control):
    sys.path.insert(0, str(ROOT / "tests"))
    from test_widgets import _sweep_values

    return _sweep_values(control)


def time_widgets(repeats: int) -> float:
    import alliances.widgets as pkg

    all_times = []
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"alliances.widgets.{info.name}")
        for factory in getattr(module, "WIDGETS", ()):
            view = factory()
            times = []
            for _ in range(repeats):
                for name, control in view.controls.items():
                    default = control.value
                    for value in sweep_values(control) + [default]:
                        start = time.perf_counter()
                        view.update(**{name: value})
                        times.append(time.perf_counter() - start)
            all_times += times
            print(f"widget {info.name}.{factory.__name__:<28} median {1000 * statistics.median(times):6.1f} ms  "
                  f"max {1000 * max(times):6.1f} ms  ({len(times)} updates)")
    median = statistics.median(all_times)
    print(f"{'widget update, all widgets':<22} median {1000 * median:6.1f} ms (target <= 100 ms)")
    return median


def time_check(repeats: int) -> float:
    from alliances.checking import Checker, public_question

    key = {
        "n": {"answer": "x", "kind": "number", "expected": 0.62, "tol": 0.005},
        "s": {"answer": "s", "kind": "set", "expected": ["USA", "FRA", "GBR"]},
        "v": {"answer": "v", "kind": "numbers", "expected": [0.1] * 30, "tol": 0.001},
    }
    checkers = [Checker(key), Checker({q: public_question(s, "salt") for q, s in key.items()})]
    inputs = [("n", 0.62), ("n", float("nan")), ("n", "text"), ("s", ["usa", "fra", "gbr"]), ("v", [0.1] * 30), ("v", ...)]
    times = []
    for _ in range(repeats):
        for check in checkers:
            for question, value in inputs:
                start = time.perf_counter()
                check(question, value)
                times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"{'check() call':<22} median {1000 * median:6.3f} ms  max {1000 * max(times):6.3f} ms (target <= 50 ms)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-build", action="store_true", help="skip the book build timings")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.no_build:
        time_build()
    widget = time_widgets(args.repeats)
    check = time_check(50)
    print(f"\nwidget median / target = {1000 * widget / 100:.2f}; check median / target = {1000 * check / 50:.4f}")


if __name__ == "__main__":
    main()
