"""hp.sweep on Ray (a real local Ray): trial values and the caller's reach each task; failures recorded."""

from __future__ import annotations

import _thread
import os
import threading
import time
from pathlib import Path

import pytest

import hyperparameter as hp
from sweep_trials import assert_trials_found_their_folders, read_in_trial, write_in_trial_dir

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_cluster")]
ray = pytest.importorskip(
    "ray", reason="Ray is not installed: it has no release for this Python, or run pip install -e '.[test]'"
)


def test_values_reach_ray_tasks() -> None:
    """Each Ray trial reads its own value and the caller's scope, in the task and its threads;
    nothing leaks."""
    with hp.scope(**{"model.name": "resnet"}):
        result = hp.sweep(read_in_trial, {"train.lr": [0.1, 0.2, 0.3]}, jobs=2, backend="ray", progress=False)
    assert result.ok, result.failed[:1]
    assert [trial.result["lr"] for trial in result] == [0.1, 0.2, 0.3]
    assert [trial.result["thread"] for trial in result] == [0.1, 0.2, 0.3]
    assert {trial.result["outer"] for trial in result} == {"resnet"}
    assert {trial.result["leak"] for trial in result} == {None}
    assert os.getpid() not in {trial.result["pid"] for trial in result}
    assert ray.is_initialized()  # the sweep leaves a Ray it did not start running


def test_failures_on_ray() -> None:
    """A trial raising in a Ray task is recorded with its traceback; the others finish."""

    def flaky() -> int:
        if hp.scope.x() == 2:
            raise ValueError("two")
        return int(hp.scope.x())

    result = hp.sweep(flaky, {"x": [1, 2, 3]}, jobs=2, backend="ray", progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok"]
    assert result[1].error == "ValueError: two"
    assert "raise ValueError" in (result[1].traceback or "")


def test_trials_on_ray_find_their_folders(tmp_path: Path) -> None:
    """hp.trial_dir() in a Ray task and its bound threads is the trial's folder."""
    with hp.scope(children=False):
        result = hp.sweep(
            write_in_trial_dir, {"train.lr": [0.1, 0.2]}, jobs=2, backend="ray", runs=tmp_path, progress=False
        )
    assert_trials_found_their_folders(result, tmp_path)


def sleep_then_write(folder: str) -> None:
    """Say the trial started, sleep, then write a file that says it finished."""
    Path(folder, "started").write_text("")
    time.sleep(8)
    Path(folder, "finished").write_text("")


def test_ctrl_c_cancels_running_trials_on_a_ray_of_ones_own(tmp_path: Path) -> None:
    """Ctrl-C ends the Ray tasks still running, on a Ray the sweep did not start: they never finish."""

    def interrupt_when_started() -> None:
        deadline = time.monotonic() + 60
        while not (tmp_path / "started").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        _thread.interrupt_main()

    threading.Thread(target=interrupt_when_started, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        hp.sweep(lambda: sleep_then_write(str(tmp_path)), {"x": [1]}, backend="ray", progress=False)
    time.sleep(10)
    assert (tmp_path / "started").exists()
    assert not (tmp_path / "finished").exists()
    assert ray.is_initialized()
