"""hp.sweep on the processes backend: one pool, values reach the workers, every start method."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

import hyperparameter as hp
import sweep_trials
from sweep_trials import (
    assert_trials_found_their_folders,
    injected,
    read_in_children,
    read_in_trial,
    write_in_trial_dir,
)

START_METHODS = [
    method for method in ("fork", "spawn", "forkserver") if method in multiprocessing.get_all_start_methods()
]


def fail_on_two() -> int:
    """Fail for x == 2."""
    if hp.scope.x() == 2:
        raise ValueError("two")
    return int(hp.scope.x())


@pytest.mark.parametrize("method", START_METHODS)
def test_values_reach_processes(method: str) -> None:
    """Each trial's values and the caller's scope reach the worker, its threads included; nothing leaks."""
    with hp.scope(**{"model.name": "resnet"}):
        result = hp.sweep(
            read_in_trial,
            {"train.lr": [0.1, 0.2, 0.3, 0.4]},
            jobs=2,
            backend="processes",
            mp_context=method,
            progress=False,
        )
    assert [trial.result["lr"] for trial in result] == [0.1, 0.2, 0.3, 0.4]
    assert [trial.result["thread"] for trial in result] == [0.1, 0.2, 0.3, 0.4]
    assert {trial.result["outer"] for trial in result} == {"resnet"}
    assert {trial.result["leak"] for trial in result} == {None}
    assert {trial.result["pid"] for trial in result} - {os.getpid()}
    assert len({trial.result["pid"] for trial in result}) <= 2


def test_processes_a_trial_starts_see_its_values_whatever_their_start_method() -> None:
    """Processes a trial starts (fork, spawn, forkserver) see its values and the caller's."""
    with hp.scope(**{"model.name": "resnet"}):
        # Spawned workers: a forked one would inherit this process's forkserver, which it cannot use.
        result = hp.sweep(
            read_in_children,
            {"train.lr": [0.1, 0.2]},
            jobs=2,
            backend="processes",
            mp_context="spawn",
            progress=False,
        )
    assert result.ok, result[0].traceback
    expected = [dict.fromkeys(START_METHODS, (lr, "resnet")) for lr in (0.1, 0.2)]
    assert [trial.result for trial in result] == expected
    assert read_in_children() == dict.fromkeys(START_METHODS, (0.0, ""))


def test_failures_in_processes() -> None:
    """A trial failing in a worker is recorded with its traceback; the others go on."""
    result = hp.sweep(fail_on_two, {"x": [1, 2, 3]}, jobs=2, backend="processes", progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok"]
    assert result[1].error == "ValueError: two"
    assert 'raise ValueError("two")' in (result[1].traceback or "")


def test_unpicklable_function_is_refused() -> None:
    """A function that cannot reach another process is refused before any trial, naming the fix."""
    with pytest.raises(hp.SweepError, match="define it at module level, or use backend='threads'"):
        hp.sweep(lambda: 1, {"x": [1]}, backend="processes", progress=False)


def identity() -> object:
    """Return the swept value."""
    return hp.scope.x()


def test_an_injected_trial_records_its_reads_at_the_program(tmp_path: Path) -> None:
    """A worker's @hp.param reads are sited at the function's definition, not at the pool's code."""
    hp.sweep(injected, {"inj.width": [7]}, backend="processes", runs=tmp_path, progress=False)
    reads = json.loads((tmp_path / "0000" / "record.json").read_text())["reads"]
    assert {read["site"] for read in reads} == {decorator_site()}


def decorator_site() -> str:
    """Return the site of sweep_trials.injected's decorator, as a record writes it."""
    path = sweep_trials.__file__
    lines = Path(path).read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.endswith("# decorator-of-injected"))
    return f"{os.path.relpath(path)}:{line}"


def test_value_that_cannot_reach_a_worker_fails_its_trial_naming_the_key() -> None:
    """A swept value that does not pickle fails its trial with an error naming the key; the others run."""
    result = hp.sweep(identity, {"x": [1, lambda: 2, 3]}, backend="processes", progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok"]
    assert (result[1].error or "").startswith("UnpicklableValueError: Cannot hand hyperparameter 'x'")


def test_outer_value_that_cannot_reach_workers_is_refused() -> None:
    """A value around the sweep that does not pickle is refused before any trial, naming its key."""
    with (
        hp.scope(**{"model.hook": lambda: 0}),
        pytest.raises(hp.UnpicklableValueError, match=r"'model\.hook'"),
    ):
        hp.sweep(identity, {"x": [1]}, backend="processes", progress=False)


class _CtrlCWhileSent:
    """A value whose sending to a worker is where Ctrl-C lands."""

    def __reduce__(self) -> tuple[object, ...]:
        raise KeyboardInterrupt

    def __repr__(self) -> str:
        return "ctrl-c"


def test_ctrl_c_while_a_trial_is_handed_to_a_worker_records_it_interrupted(tmp_path: Path) -> None:
    """Ctrl-C while a trial is being sent to its worker records it interrupted, not running."""
    with pytest.raises(KeyboardInterrupt):
        hp.sweep(identity, {"x": [1, _CtrlCWhileSent()]}, backend="processes", runs=tmp_path, progress=False)
    statuses = [json.loads((tmp_path / f"000{n}" / "trial.json").read_text())["status"] for n in range(2)]
    assert statuses == ["ok", "interrupted"]
    assert "interrupted" in (tmp_path / "results.csv").read_text()


def crash_on_two() -> int:
    """Kill the worker process for x == 2."""
    if hp.scope.x() == 2:
        os._exit(3)
    return int(hp.scope.x())


def test_a_trial_that_kills_its_worker_fails_alone() -> None:
    """A trial whose worker process dies fails; a new pool runs the trials after it."""
    result = hp.sweep(crash_on_two, {"x": [1, 2, 3, 4]}, jobs=1, backend="processes", progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok", "ok"]
    assert (result[1].error or "").startswith("BrokenProcessPool")


def test_worker_trials_record_what_they_read(tmp_path: Path) -> None:
    """A trial in a worker process leaves the record of its reads in its folder."""
    hp.sweep(identity, {"x": [7]}, backend="processes", runs=tmp_path, progress=False)
    reads = json.loads((tmp_path / "0000" / "record.json").read_text())["reads"]
    assert [(read["key"], read["value"]) for read in reads] == [("x", 7)]


@pytest.mark.parametrize("method", START_METHODS)
def test_trials_in_processes_find_their_folders(tmp_path: Path, method: str) -> None:
    """hp.trial_dir() in a worker (each start method), its bound threads and the processes it starts."""
    result = hp.sweep(
        write_in_trial_dir,
        {"train.lr": [0.1, 0.2]},
        jobs=2,
        backend="processes",
        mp_context=method,
        runs=tmp_path,
        progress=False,
    )
    assert_trials_found_their_folders(result, tmp_path)
    assert "sweep.trial_dir" not in (tmp_path / "0000" / "record.json").read_text()
