"""hp.sweep on Dask (a real LocalCluster of processes): values reach each task; failures recorded."""

from __future__ import annotations

import _thread
import functools
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp
from sweep_trials import (
    assert_trials_found_their_folders,
    freeze_and_read_in_thread,
    read_in_trial,
    wait_until,
    watch_for_stop_in_a_thread,
    write_in_trial_dir,
)

pytestmark = [pytest.mark.dask, pytest.mark.usefixtures("dask_client")]
distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed: run pip install -e '.[test]'"
)


def test_values_reach_dask_tasks() -> None:
    """Each Dask trial reads its own value and the caller's scope; nothing one sets reaches another."""
    with hp.scope(**{"model.name": "resnet"}):
        result = hp.sweep(
            read_in_trial, {"train.lr": [0.1, 0.2, 0.3, 0.4]}, jobs=2, backend="dask", progress=False
        )
    assert result.ok, result.failed[:1]
    assert [trial.result["lr"] for trial in result] == [0.1, 0.2, 0.3, 0.4]
    assert {trial.result["outer"] for trial in result} == {"resnet"}
    assert {trial.result["leak"] for trial in result} == {None}
    assert os.getpid() not in {trial.result["pid"] for trial in result}


def test_failures_on_dask(tmp_path: Any) -> None:
    """A trial raising in a Dask task is recorded in its folder; the others finish."""

    def flaky() -> int:
        if hp.scope.x() == 2:
            raise ValueError("two")
        return int(hp.scope.x())

    result = hp.sweep(flaky, {"x": [1, 2, 3]}, jobs=2, backend="dask", runs=tmp_path / "s", progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok"]
    assert result[1].error == "ValueError: two"
    assert (tmp_path / "s" / "results.csv").read_text().count(",ok,") == 2


def test_frozen_in_a_trial_on_a_dask_cluster_of_ones_own() -> None:
    """On a client's cluster a trial may freeze for its threads with jobs=1; with more it fails, naming
    the fix.

    Two sweeps in a row on one client: the second must not lose the first one's scattered values.
    """
    alone = hp.sweep(freeze_and_read_in_thread, {"frz.lr": [0.1, 0.2]}, backend="dask", progress=False)
    assert [trial.result for trial in alone] == [{"lr": 0.1, "thread": 0.1}, {"lr": 0.2, "thread": 0.2}]
    beside = hp.sweep(
        freeze_and_read_in_thread, {"frz.lr": [0.1, 0.2]}, jobs=2, backend="dask", progress=False
    )
    assert [trial.status for trial in beside] == ["failed", "failed"]
    assert "backend='processes' (--backend processes) or jobs=1" in (beside[0].error or "")


def test_trials_on_dask_find_their_folders(tmp_path: Path) -> None:
    """hp.trial_dir() in a Dask task and its bound threads is the trial's folder."""
    with hp.scope(children=False):
        result = hp.sweep(
            write_in_trial_dir,
            {"train.lr": [0.1, 0.2]},
            jobs=2,
            backend="dask",
            runs=tmp_path,
            progress=False,
        )
    assert_trials_found_their_folders(result, tmp_path)


def test_ctrl_c_tells_trials_on_a_dask_cluster_of_ones_own_to_stop(tmp_path: Path) -> None:
    """After Ctrl-C the threads of a trial still running on one's own Dask cluster see the stop."""

    def interrupt_when_started() -> None:
        wait_until((tmp_path / "started").exists)
        _thread.interrupt_main()

    threading.Thread(target=interrupt_when_started, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        hp.sweep(
            functools.partial(watch_for_stop_in_a_thread, str(tmp_path)),
            {"x": [1]},
            backend="dask",
            progress=False,
        )
    assert wait_until((tmp_path / "stopped").exists)
