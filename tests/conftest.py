"""Every test starts and ends with the same baseline and the same current scope.

Engine tests share one local cluster per test module: ``ray_cluster`` and ``dask_client``.
``compiled_run`` runs code on the compiled fast paths and says which Python functions it called.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings

import sweep_trials
from hyperparameter import _levels

# Property tests are not timed tests: on a busy or slow CI machine an example may take longer
# than hypothesis' default deadline, which would fail a correct test at random.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")


@pytest.fixture(autouse=True)
def _isolate_hyperparameters() -> Iterator[None]:
    # frozen() publishes a process-wide baseline and top-level writes change the
    # main context: both would otherwise leak from one test into the next.
    baseline, level = _levels.baseline(), _levels.current.get()
    yield
    _levels.publish_baseline(baseline.own)
    _levels.current.set(level)


@pytest.fixture
def compiled_run() -> Callable[[Callable[[], Any]], tuple[Any, list[str]]]:
    """Run a function and return its result and the other Python functions it called (compiled paths only)."""
    from hyperparameter import _acceleration

    if not _acceleration.ACTIVE:
        pytest.skip("the compiled fast paths are not in use")

    def run(action: Callable[[], Any]) -> tuple[Any, list[str]]:
        called: list[str] = []

        def profile(frame: Any, event: str, arg: Any) -> None:
            if event == "call" and frame.f_code is not action.__code__:  # the action's own frame aside
                called.append(frame.f_code.co_name)

        sys.setprofile(profile)
        try:
            result = action()
        finally:
            sys.setprofile(None)
        return result, called

    return run


@contextlib.contextmanager
def _shipped(cloudpickle: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """Send the test module's code, and the trials it runs, by value: workers cannot import them."""
    modules = [request.module, sweep_trials]  # tests/ is not on the workers' path
    for module in modules:
        cloudpickle.register_pickle_by_value(module)
    try:
        yield
    finally:
        for module in modules:
            cloudpickle.unregister_pickle_by_value(module)


@pytest.fixture(scope="module")
def ray_cluster(request: pytest.FixtureRequest) -> Iterator[None]:
    """One local Ray with two CPUs for the whole test module, shut down after it."""
    ray = pytest.importorskip("ray")
    with _shipped(ray.cloudpickle, request):
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        try:
            yield
        finally:
            ray.shutdown()


@pytest.fixture(scope="module")
def dask_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Yield a client of one local Dask cluster of two worker processes for the whole test module,
    closed after it."""
    distributed = pytest.importorskip("distributed")
    cloudpickle = pytest.importorskip("cloudpickle")
    with _shipped(cloudpickle, request):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
