"""The trial the sweep backend tests run (processes, Ray, Dask): what a worker sees of the scope.

Used by tests/test_sweep_processes.py, test_sweep_ray.py and test_sweep_dask.py; a module of
its own so that every backend's workers import the same function by name.
"""

from __future__ import annotations

import os
import threading

import hyperparameter as hp


def read_in_trial() -> dict[str, object]:
    """What a trial sees in its worker: its value, the caller's, a thread's view; then a bare write."""
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(hp.scope.train.lr | 0.0))
    thread.start()
    thread.join()
    leaked = hp.scope.leak | None
    hp.scope.leak = "set by a trial"  # must not reach the next trial the worker runs
    return {
        "lr": hp.scope.train.lr | 0.0,
        "outer": hp.scope.model.name | "",
        "thread": seen[0],
        "leak": leaked,
        "pid": os.getpid(),
    }
