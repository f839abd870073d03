"""Cold and cached load of the largest table (ATOP dyad-years, 273,296 rows) through the schema.

Goals (issue 10): under 2 s cold, under 0.2 s cached, on 2 cores. "Cold" clears the loader's
cache (the file is parsed and every constraint, key and foreign key checked); "cached" is a later
call, which hands out a copy of the parsed frame.

    python benchmarks/bench_data.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time

from alliances import data

LARGEST = "atop_dyad_years"


def _time(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main(repeats: int = 5) -> dict[str, float]:
    def cold():
        data.clear_cache()
        data.load(LARGEST)

    colds = [_time(cold) for _ in range(repeats)]
    cached = [_time(lambda: data.load(LARGEST)) for _ in range(repeats)]
    result = {"cold_median_s": statistics.median(colds), "cold_max_s": max(colds),
              "cached_median_s": statistics.median(cached), "cached_max_s": max(cached)}
    rows = len(data.load(LARGEST))
    print(f"load({LARGEST!r}), {rows:,} rows, {repeats} runs each")
    print(f"  cold:   median {result['cold_median_s']:.3f} s, max {result['cold_max_s']:.3f} s (goal < 2 s)")
    print(f"  cached: median {result['cached_median_s']:.4f} s, max {result['cached_max_s']:.4f} s (goal < 0.2 s)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
