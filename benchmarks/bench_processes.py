"""Benchmark handing values to other processes against the same hand-off without them.

Run: ``python benchmarks/bench_processes.py`` (after ``pip install -e ".[test]"``);
``--engines`` adds Dask and Ray (each starts a local cluster: tens of seconds).

Each figure is a ratio: the best round trip of a call carrying the values over
the best round trip of the same plain call, in the same pool or cluster,
measured in alternating rounds so that noise from the machine affects both
alike. Targets (issue 14): ``ProcessPoolExecutor.submit(hp.bind_scope(f), x)``
with 10 keys visible at most 1.2x ``submit(f, x)`` (1,000 keys: reported);
Dask at most 1.2x a plain ``client.submit``; Ray at most 1.5x a plain remote call.
"""

from __future__ import annotations

import argparse
import itertools
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable

import hyperparameter as hp

CALLS = 400


def work(x: int) -> int:
    return x + (hp.scope.bench.k0 | 0)


def best_ratio(subject: Callable[[int], object], baseline: Callable[[int], object], calls: int) -> float:
    """Fast-end time of one ``subject`` call over that of one ``baseline`` call.

    The two are called alternately, one call each in turn, so that the
    machine's noise falls on both alike; the figure compares the 10th
    percentile of each (a round trip's quiet-machine time, robust to the
    spikes of a busy machine).
    """
    counter = itertools.count()
    times: dict[Callable[[int], object], list[float]] = {subject: [], baseline: []}
    for _ in range(calls):
        for call in (baseline, subject):
            start = time.perf_counter()
            call(next(counter))
            times[call].append(time.perf_counter() - start)
    return _fast_end(times[subject]) / _fast_end(times[baseline])


def _fast_end(times: list[float]) -> float:
    return sorted(times)[len(times) // 10]


def values(count: int) -> dict[str, Any]:
    """``count`` values of the types a configuration holds."""
    samples: list[Any] = [0.001, 32, "adamw", True, [64, 64]]
    return {f"bench.k{i}": samples[i % len(samples)] for i in range(count)}


def bench_pool() -> dict[str, float]:
    results = {}
    with ProcessPoolExecutor(1) as pool:
        pool.submit(work, 0).result()  # the worker is up
        for count in (10, 1000):
            with hp.scope(values(count)):
                results[f"ProcessPoolExecutor.submit(bind_scope(f)), {count} keys"] = best_ratio(
                    lambda x: pool.submit(hp.bind_scope(work), x).result(),
                    lambda x: pool.submit(work, x).result(),
                    calls=CALLS,
                )
    return results


def bench_dask() -> dict[str, float]:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client, hp.scope(values(10)):
        client.submit(work, 0).result()
        return {
            "client.submit(bind_scope(f)), 10 keys": best_ratio(
                lambda x: client.submit(hp.bind_scope(work), x).result(),
                lambda x: client.submit(work, x).result(),
                calls=CALLS,
            )
        }


def bench_ray() -> dict[str, float]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        plain, carried = ray.remote(work), hp.ray_remote(work)
        with hp.scope(values(10)):
            ray.get([plain.remote(0), carried.remote(0)])
            return {
                "hp.ray_remote(f).remote(x), 10 keys": best_ratio(
                    lambda x: ray.get(carried.remote(x)), lambda x: ray.get(plain.remote(x)), calls=CALLS
                )
            }
    finally:
        ray.shutdown()


TARGETS = {
    "ProcessPoolExecutor.submit(bind_scope(f)), 10 keys": 1.2,
    "client.submit(bind_scope(f)), 10 keys": 1.2,
    "hp.ray_remote(f).remote(x), 10 keys": 1.5,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", action="store_true", help="also measure Dask and Ray")
    engines = parser.parse_args().engines
    results = bench_pool()
    if engines:
        results.update(bench_dask())
        results.update(bench_ray())
    for name, ratio in results.items():
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"  (target <= {target}x: {'ok' if ratio <= target else 'MISSED'})"
        )
        print(f"{name:55s} {ratio:5.2f}x{verdict}")


if __name__ == "__main__":
    main()
