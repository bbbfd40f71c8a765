"""Ray tasks and actors see the values visible where they are called (a real local Ray)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import hyperparameter as hp

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_cluster")]
ray = pytest.importorskip(
    "ray", reason="Ray is not installed: it has no release for this Python, or run pip install -e '.[test]'"
)


def visible() -> dict[str, Any]:
    return {key: value for key, value in hp.scope.storage().storage().items() if key.startswith("ray.")}


@hp.ray_remote
def seen_then_write(marker: int) -> dict[str, Any]:
    before = visible()
    hp.scope["ray.written"] = marker  # a bare write: it must not reach the next task
    return before


@hp.ray_remote
def read_epochs() -> int:
    return hp.scope.ray.epochs | 10


@hp.ray_remote(num_cpus=0)
class Counter:
    def __init__(self) -> None:
        self.created_with = visible()

    def seen_then_write(self, marker: int) -> tuple[dict[str, Any], dict[str, Any]]:
        before = visible()
        hp.scope["ray.written"] = marker
        return self.created_with, before


def test_each_call_sees_the_values_where_it_is_made_and_leaves_nothing() -> None:
    """Calls see their caller's block, and no task sees an earlier task's write."""
    with hp.scope(**{"ray.lr": 0.1}):
        first = [seen_then_write.remote(i) for i in range(4)]
    with hp.scope(**{"ray.lr": 0.2}):
        second = [seen_then_write.options(num_cpus=1).remote(i) for i in range(4)]
    assert ray.get(first) == [{"ray.lr": 0.1}] * 4
    assert ray.get(second) == [{"ray.lr": 0.2}] * 4


def test_two_driver_threads_in_different_scopes_each_get_their_own() -> None:
    """Calls made at once from two threads in different blocks each see their own thread's values."""
    barrier = threading.Barrier(2)

    def submit(lr: float) -> list[dict[str, Any]]:
        with hp.scope(**{"ray.lr": lr}):
            barrier.wait()
            return ray.get([seen_then_write.remote(0) for _ in range(3)])

    with ThreadPoolExecutor(2) as threads:
        results = list(threads.map(submit, [0.1, 0.2]))
    assert results == [[{"ray.lr": 0.1}] * 3, [{"ray.lr": 0.2}] * 3]


def test_baseline_frozen_after_the_workers_started_reaches_tasks() -> None:
    """A baseline frozen after Ray started reaches tasks called from a thread that sees it."""
    ray.get(seen_then_write.remote(0))  # the workers are up before the baseline is set
    with hp.scope(**{"ray.base": 1}):
        hp.scope.frozen()
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(lambda: ray.get(seen_then_write.remote(0))).result() == {"ray.base": 1}


def test_actor_sees_the_values_of_each_call_and_keeps_none_of_them() -> None:
    """An actor is built with its creator's values; each method call sees its own caller's values only."""
    with hp.scope(**{"ray.created": 1}):
        counter = Counter.remote()
    with hp.scope(**{"ray.call": 1}):
        first = ray.get(counter.seen_then_write.remote(1))
    second = ray.get(counter.seen_then_write.options(num_returns=1).remote(2))
    assert first == ({"ray.created": 1}, {"ray.call": 1})
    assert second == ({"ray.created": 1}, {})


def test_library_error_in_a_task_reaches_the_driver_as_itself() -> None:
    """A ConversionError raised in a task is raised by ray.get with its message."""
    with hp.scope(**{"ray.epochs": "ten"}), pytest.raises(hp.ConversionError, match=r"ray\.epochs"):
        ray.get(read_epochs.remote())


def test_unpicklable_value_fails_at_the_call_naming_the_key() -> None:
    """A lambda in the caller's values raises UnpicklableValueError at .remote(), naming the key."""
    with hp.scope(**{"ray.hook": lambda: 0}), pytest.raises(hp.UnpicklableValueError, match=r"ray\.hook"):
        seen_then_write.remote(0)
