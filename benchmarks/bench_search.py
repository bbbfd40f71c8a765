"""Benchmark searches: random search's cost per trial against the grid's, and Optuna's ask/tell rate.

Run: ``python benchmarks/bench_search.py`` (after ``pip install '.[optuna]'``).

1. Random against grid: the same number of trials over the same three keys.
   First the trial sources alone (built, then asked for every trial), then
   whole sweeps of a function that does nothing (no folder, no progress line),
   where a trial's cost is mostly handing it to a worker thread and back. The
   two are measured in alternating rounds and each figure is the ratio of their
   best times per trial (issue 16: random search adds no more per trial than
   the grid).
2. Optuna: trials per second of ``search="optuna"`` (TPE, ask/tell) with the
   same trivial function, 1 and 4 jobs on threads, the study in memory and in
   a journal file in the sweep folder; the sampler's cost grows with the
   number of trials told, so the rate is given for a search of ``OPTUNA_TRIALS``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import hyperparameter as hp
from hyperparameter._search import RandomSource, search_space
from hyperparameter._sweep_grid import GridSource

TRIALS = 2000
ROUNDS = 15
OPTUNA_TRIALS = 200
GRID = {"a": list(range(10)), "b": list(range(10)), "c": list(range(20))}
SPACE = {"a": "uniform(0, 1)", "b": "int(1, 10)", "c": ["x", "y", "z"]}


def nothing() -> float:
    return 0.0


def per_trial(**options: object) -> float:
    """Seconds per trial of one sweep of ``nothing``."""
    started = time.perf_counter()
    result = hp.sweep(nothing, progress=False, **options)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    assert result.ok
    assert len(result) == TRIALS
    return elapsed / len(result)


def asked(source: object) -> int:
    """Ask ``source`` for every trial; how many there were."""
    return sum(1 for _ in iter(source.ask, None))  # type: ignore[attr-defined]


def sources_per_trial() -> tuple[float, float, float]:
    """Best seconds per trial to build a grid source and a random one and ask each for every trial."""
    dimensions = search_space(SPACE)
    grid = search = float("inf")
    for round_ in range(ROUNDS):
        started = time.perf_counter()
        assert asked(GridSource(GRID)) == TRIALS
        grid = min(grid, (time.perf_counter() - started) / TRIALS)
        started = time.perf_counter()
        assert asked(RandomSource(dimensions, TRIALS, seed=round_)) == TRIALS
        search = min(search, (time.perf_counter() - started) / TRIALS)
    return grid, search, search / grid


def random_against_grid(jobs: int) -> tuple[float, float, float]:
    """Best seconds per trial of the grid and of random search, alternating, and their ratio."""
    grid = search = float("inf")
    for round_ in range(ROUNDS):
        grid = min(grid, per_trial(space=GRID, jobs=jobs))
        search = min(search, per_trial(space=SPACE, search="random", trials=TRIALS, seed=round_, jobs=jobs))
    return grid, search, search / grid


def optuna_rate(jobs: int, folder: bool) -> float:
    """Trials per second of an Optuna search of ``nothing``."""
    with tempfile.TemporaryDirectory() as root:
        runs = Path(root) / "sweep" if folder else None
        started = time.perf_counter()
        result = hp.sweep(
            nothing,
            {"a": "uniform(0, 1)", "b": "int(1, 10)", "c": ["x", "y", "z"]},
            search="optuna",
            trials=OPTUNA_TRIALS,
            seed=0,
            minimize=True,
            jobs=jobs,
            runs=runs,
            progress=False,
        )
        elapsed = time.perf_counter() - started
    assert result.ok
    return OPTUNA_TRIALS / elapsed


def main() -> None:
    print(f"random search against the grid: {TRIALS} trials, 3 keys")
    grid, search, ratio = sources_per_trial()
    print(
        f"  trial sources alone: grid {grid * 1e6:5.2f} us/trial, random {search * 1e6:5.2f} us/trial, "
        f"ratio random/grid {ratio:.2f}"
    )
    print("  whole sweeps of a function that does nothing:")
    for jobs in (1, 4):
        grid, search, ratio = random_against_grid(jobs)
        print(
            f"    jobs={jobs}: grid {grid * 1e6:6.1f} us/trial, random {search * 1e6:6.1f} us/trial, "
            f"ratio random/grid {ratio:.2f}"
        )
    try:
        import optuna  # noqa: F401
    except ImportError:
        print("optuna is not installed: pip install 'hyperparameter[optuna]'")
        return
    print(f"optuna ask/tell (TPE), {OPTUNA_TRIALS} trials of a function that does nothing")
    for folder in (False, True):
        for jobs in (1, 4):
            where = "journal file" if folder else "in memory"
            print(f"  jobs={jobs}, study {where}: {optuna_rate(jobs, folder):6.1f} trials/s")


if __name__ == "__main__":
    main()
