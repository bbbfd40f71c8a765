"""Benchmark what a sweep itself costs, against baselines measured in the same process.

Run: ``python benchmarks/bench_sweep.py`` (after ``pip install .``).

- Parallel sleep: 200 trials of a 20 ms sleep with 4 jobs; the ideal is
  200 x 20 ms / 4 = 1 s. Threads are timed whole; processes from the first
  trial's start to the last trial's end (after the pool is up), and whole.
- Driver cost per trial: trials of a function that does nothing, on one thread,
  against the same calls made directly inside their scope; with no folder, and
  with a folder (the difference is what the folder writes cost).

Each figure is the best of a few rounds, the sweep and its baseline measured
alternately so that noise from the machine affects both alike.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import hyperparameter as hp

SLEEP = 0.02
SLEEP_TRIALS = 200
JOBS = 4
IDEAL = SLEEP * SLEEP_TRIALS / JOBS
CHEAP_TRIALS = 1000
ROUNDS = 3


def nap() -> tuple[float, float]:
    """Sleep 20 ms and return when this trial ran (wall clock, comparable across processes)."""
    start = time.time()
    time.sleep(SLEEP)
    return start, time.time()


def nothing() -> int:
    """Do no work, as a trial: what remains is the sweep's own cost."""
    return hp.scope.x | 0


def sleep_sweep(backend: str) -> tuple[float, float]:
    """Whole time of the sleep sweep, and the time from the first trial's start to the last's end."""
    started = time.perf_counter()
    result = hp.sweep(nap, {"x": list(range(SLEEP_TRIALS))}, jobs=JOBS, backend=backend, progress=False)
    whole = time.perf_counter() - started
    assert result.ok, result.failed[:1]
    spans = [trial.result for trial in result]
    return whole, max(end for _, end in spans) - min(start for start, _ in spans)


def direct(values: list[int]) -> float:
    """Time the baseline: the same calls, each inside its own scope, no sweep."""
    started = time.perf_counter()
    for value in values:
        with hp.scope(x=value):
            nothing()
    return time.perf_counter() - started


def cheap_sweep(values: list[int], runs: Any) -> float:
    started = time.perf_counter()
    hp.sweep(nothing, {"x": values}, jobs=1, runs=runs, progress=False)
    return time.perf_counter() - started


def best(measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(ROUNDS))


def main() -> None:
    values = list(range(CHEAP_TRIALS))
    baseline = no_folder = with_folder = float("inf")
    with tempfile.TemporaryDirectory() as root:
        for round_number in range(ROUNDS):
            baseline = min(baseline, direct(values))
            no_folder = min(no_folder, cheap_sweep(values, None))
            with_folder = min(with_folder, cheap_sweep(values, Path(root) / str(round_number)))
    threads = min(sleep_sweep("threads")[0] for _ in range(ROUNDS))
    processes = [sleep_sweep("processes") for _ in range(ROUNDS)]
    process_span = min(span for _, span in processes)
    process_whole = min(whole for whole, _ in processes)

    driver_ms = (no_folder - baseline) / CHEAP_TRIALS * 1000
    folder_ms = (with_folder - no_folder) / CHEAP_TRIALS * 1000
    print(f"{SLEEP_TRIALS} trials x {SLEEP * 1000:.0f} ms sleep, --jobs {JOBS} (ideal {IDEAL:.2f} s):")
    print(
        f"  threads                        {threads:6.3f} s  ratio {threads / IDEAL:5.2f}  (target <= 1.25)"
    )
    print(
        f"  processes, after the pool is up {process_span:6.3f} s  ratio {process_span / IDEAL:5.2f}"
        "  (target <= 1.5)"
    )
    print(f"  processes, whole (pool start)  {process_whole:6.3f} s  ratio {process_whole / IDEAL:5.2f}")
    print(f"driver cost per trial, {CHEAP_TRIALS} trials of a function that does nothing, 1 thread:")
    print(f"  no folder      {driver_ms:6.3f} ms per trial  ratio to the 1 ms budget {driver_ms / 1:5.2f}")
    print(
        f"  folder writes  {folder_ms:6.3f} ms per trial more  ratio to the 5 ms budget {folder_ms / 5:5.2f}"
    )


if __name__ == "__main__":
    main()
