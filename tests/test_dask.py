"""Dask tasks see the values visible where they are submitted (a real LocalCluster of processes)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import hyperparameter as hp

pytestmark = pytest.mark.dask
distributed = pytest.importorskip(
    "distributed", reason="Dask distributed is not installed: run pip install -e '.[test]'"
)


def visible() -> dict[str, Any]:
    return {key: value for key, value in hp.scope.storage().storage().items() if key.startswith("dask.")}


def seen_then_write(marker: int) -> dict[str, Any]:
    before = visible()
    hp.scope["dask.written"] = marker  # a bare write: it must not reach the next task
    return before


def test_each_task_sees_the_values_where_it_is_submitted_and_leaves_nothing(dask_client: Any) -> None:
    """Bound tasks see their submitter's block; no task sees an earlier task's write."""
    with hp.scope(**{"dask.lr": 0.1}):
        first = dask_client.map(hp.bind_scope(seen_then_write), range(4))
    with hp.scope(**{"dask.lr": 0.2}):
        second = [dask_client.submit(hp.bind_scope(seen_then_write), i) for i in range(4)]
    plain = dask_client.map(seen_then_write, range(4, 8))
    assert dask_client.gather(first) == [{"dask.lr": 0.1}] * 4
    assert dask_client.gather(second) == [{"dask.lr": 0.2}] * 4
    assert dask_client.gather(plain) == [{}] * 4


def test_same_call_in_different_scopes_is_not_taken_for_the_same_task(dask_client: Any) -> None:
    """Two submits of one function and argument under different values get different keys and results."""
    with hp.scope(**{"dask.lr": 0.1}):
        low = dask_client.submit(hp.bind_scope(seen_then_write), 0)
    with hp.scope(**{"dask.lr": 0.2}):
        high = dask_client.submit(hp.bind_scope(seen_then_write), 0)
    assert low.key != high.key
    assert dask_client.gather([low, high]) == [{"dask.lr": 0.1}, {"dask.lr": 0.2}]


def test_two_submitting_threads_in_different_scopes_each_get_their_own(dask_client: Any) -> None:
    """Tasks submitted at once from two threads in different blocks see their own thread's values."""
    barrier = threading.Barrier(2)

    def submit(lr: float) -> list[dict[str, Any]]:
        with hp.scope(**{"dask.lr": lr}):
            barrier.wait()
            return dask_client.gather(
                [dask_client.submit(hp.bind_scope(seen_then_write), i) for i in range(3)]
            )

    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(submit, [0.1, 0.2]))
    assert results == [[{"dask.lr": 0.1}] * 3, [{"dask.lr": 0.2}] * 3]


def test_baseline_frozen_after_the_workers_started_reaches_bound_tasks(dask_client: Any) -> None:
    """A baseline frozen after the cluster started reaches tasks bound in a thread that sees it."""
    with hp.scope(**{"dask.base": 1}):
        hp.scope.frozen()
    with ThreadPoolExecutor(1) as thread:
        future = thread.submit(lambda: dask_client.submit(hp.bind_scope(seen_then_write), 0)).result()
    assert future.result() == {"dask.base": 1}


def test_library_error_in_a_task_reaches_the_client_as_itself(dask_client: Any) -> None:
    """A ConversionError raised in a task is raised by result() with its message and key."""
    with hp.scope(**{"dask.epochs": "ten"}):
        future = dask_client.submit(hp.bind_scope(lambda: hp.scope.dask.epochs | 10))
    with pytest.raises(hp.ConversionError, match=r"dask\.epochs") as caught:
        future.result()
    assert caught.value.key == "dask.epochs"
