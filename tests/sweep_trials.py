"""The trial the sweep backend tests run (processes, Ray, Dask): what a worker sees of the scope.

Used by tests/test_sweep.py, test_sweep_processes.py, test_sweep_ray.py and test_sweep_dask.py;
a module of its own so that every backend's workers import the same function by name.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import hyperparameter as hp


def read_in_trial() -> dict[str, object]:
    """Return what a trial sees (its value, the caller's, a thread's view), then write a bare value."""
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


def _read_in_child(_: object = None) -> tuple[object, object]:
    return hp.scope.train.lr | 0.0, hp.scope.model.name | ""


def read_in_children() -> dict[str, object]:
    """Return what the processes a trial starts see, for each start method this platform has."""
    import concurrent.futures
    import multiprocessing

    seen: dict[str, object] = {}
    for method in ("fork", "spawn", "forkserver"):
        if method in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context(method)
            with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
                seen[method] = pool.submit(_read_in_child).result()
    return seen


def freeze_and_read_in_thread() -> dict[str, object]:
    """Run a program written for hp.launch: publish its values to its threads, then read in one."""
    hp.scope.frozen()
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(hp.scope.frz.lr | 0.0))
    thread.start()
    thread.join()
    return {"lr": hp.scope.frz.lr | 0.0, "thread": seen[0]}


def read_lr_in_new_thread() -> object:
    """Return what a new thread reads for frz.lr (None when nothing sets it): the baseline's value."""
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(hp.scope.frz.lr | None))
    thread.start()
    thread.join()
    return seen[0]


@hp.param("inj")  # decorator-of-injected
def injected(width: int = 3, depth: int = 2) -> int:
    """Return what an ``@hp.param`` trial was given: the record sites its reads at this function."""
    return width * depth


def _trial_dir_in_child(_: object = None) -> str:
    return str(hp.trial_dir())


def write_in_trial_dir() -> dict[str, object]:
    """Write a file in the trial's folder; return the folder the trial, a bound thread and a child see."""
    import concurrent.futures
    import multiprocessing

    folder = hp.trial_dir()
    assert folder is not None
    (folder / "model.txt").write_text(str(hp.scope.train.lr | 0.0))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        thread = pool.submit(hp.bind_scope(_trial_dir_in_child)).result()
    child = str(folder)
    if hp.scope.children | True:  # a Ray or Dask worker's children cannot import this module by name
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            child = pool.submit(_trial_dir_in_child).result()
    return {"dir": str(folder), "thread": thread, "child": child}


def assert_trials_found_their_folders(result: hp.SweepResult, runs: Path) -> None:
    """Check that each of two trials of write_in_trial_dir saw its own folder and wrote its file there."""
    assert result.ok, result[0].traceback
    folders = [str(runs / f"000{n}") for n in range(2)]
    assert [trial.result for trial in result] == [{"dir": d, "thread": d, "child": d} for d in folders]
    assert [(runs / f"000{n}" / "model.txt").read_text() for n in range(2)] == ["0.1", "0.2"]


# How long a test waits for what a loaded machine may do late; a wait that ends early passes.
PATIENCE = 120.0


def wait_until(happened: Callable[[], bool]) -> bool:
    """Wait until ``happened()`` is true (or PATIENCE has passed); return whether it happened."""
    deadline = time.monotonic() + PATIENCE
    while not happened() and time.monotonic() < deadline:
        time.sleep(0.01)
    return happened()


def watch_for_stop_in_a_thread(folder: str) -> None:
    """Write ``started``, then wait in a plain thread for the stop; write ``stopped`` when it comes."""

    def watch() -> None:
        if wait_until(hp.trial_should_stop):
            Path(folder, "stopped").write_text("")

    thread = threading.Thread(target=watch)
    thread.start()
    Path(folder, "started").write_text("")
    thread.join()
