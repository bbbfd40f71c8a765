"""Where trials run: threads of this process, a process pool, Ray or Dask.

A backend is started once per sweep (one pool, one cluster connection),
takes trials with :meth:`submit` and hands back a
``concurrent.futures.Future`` of each trial's :class:`~._sweep_worker.Outcome`.
The driver never has more trials in flight than the sweep's ``jobs``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import multiprocessing
import pickle
import queue
import threading
import uuid
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Optional, Protocol

from ._engine import innermost
from ._handoff import bind_scope
from ._levels import chain_values
from ._processes import check_picklable
from ._sweep_stop import DaskStopFlag
from ._sweep_worker import Outcome, execute, execute_isolated, start_worker
from .exceptions import MissingDependencyError, SweepError

BACKENDS = ("threads", "processes", "ray", "dask")


class Backend(Protocol):
    """Runs trials somewhere; see the module docstring."""

    def submit(
        self,
        func: Callable[[], Any],
        values: dict[str, Any],
        sources: dict[str, str],
        folder: Optional[str] = None,
    ) -> concurrent.futures.Future[Outcome]:
        """Start one trial: ``func()`` inside ``values`` (whose sources are ``sources``), in ``folder``."""

    def stop(self, interrupted: bool) -> None:
        """Release the workers; when ``interrupted``, without waiting for running trials."""


def start_backend(
    name: str,
    jobs: int,
    probe: Optional[Callable[[], Any]],
    mp_context: Any = None,
    recording: bool = False,
) -> Backend:
    """Start the backend ``name`` for ``jobs`` parallel trials; ``probe`` must reach other processes.

    With ``recording`` every trial's outcome holds what it read (``hp.record``).

    The values visible here (the sweep's caller's scope, the launcher's
    values) are what every trial starts from, in every backend.

    Raises:
        SweepError: an unknown backend, or ``probe`` cannot be sent to other processes.
        UnpicklableValueError: a value visible here cannot be sent to other processes.
        MissingDependencyError: the engine's extra is not installed.
    """
    if name == "threads":
        return ThreadBackend(jobs, recording)
    if name not in BACKENDS:
        raise SweepError(f"Unknown sweep backend {name!r}; expected one of {', '.join(BACKENDS)}.")
    outer = chain_values(innermost())
    if name == "processes":
        _check_function(probe, name, pickle.dumps)
        return ProcessBackend(jobs, check_sendable(outer, pickle.dumps), mp_context, recording)
    if name == "ray":
        ray = _require("ray", "ray")
        _check_function(probe, name, ray.cloudpickle.dumps)
        return RayBackend(ray, jobs, check_sendable(outer, ray.cloudpickle.dumps), recording)
    distributed = _require("distributed", "dask")
    dumps = _require("cloudpickle", "dask").dumps
    _check_function(probe, name, dumps)
    return DaskBackend(distributed, jobs, check_sendable(outer, dumps), dumps, recording)


def _check_function(func: Optional[Callable[[], Any]], backend: str, dumps: Callable[[Any], bytes]) -> None:
    """Refuse a function the backend's pickler cannot send, before any trial."""
    if func is None:
        return
    try:
        dumps(func)
    except Exception as error:
        raise SweepError(
            f"The swept function {func!r} cannot be sent to the {backend} backend's workers "
            f"({type(error).__name__}: {error}); define it at module level, or use backend='threads'."
        ) from None


def check_sendable(values: dict[str, Any], dumps: Callable[[Any], bytes] = pickle.dumps) -> dict[str, Any]:
    """``values``, checked to reach another process by the pickler ``dumps``.

    Raises:
        UnpicklableValueError: a value does not pickle; the error names its key.
    """
    try:
        dumps(values)
    except Exception:
        check_picklable(values, dumps)
        raise  # the values pickle one by one: the failure is not one value's
    return values


class ThreadBackend:
    """Trials on daemon threads of this process, each in the sweep's scope plus its own values.

    No pickling and no start-up. The threads are daemons so that Ctrl-C ends
    the program at once, without waiting for the trials still running; a
    thread cannot be stopped, so Ctrl-C also sets the flag the trials see in
    ``hp.trial_should_stop()`` (a notebook's kernel lives on). The
    trials share the process's baseline: one trial at a time may publish it
    (``hp.scope.frozen()``) until it ends; beside other trials, it may not.
    """

    def __init__(self, jobs: int, recording: bool) -> None:
        self._execute = bind_scope(execute)
        self._recording = recording
        self._alone = jobs == 1
        self._tasks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run_tasks, name=f"hp-sweep-{index}", daemon=True)
            for index in range(jobs)
        ]
        for thread in self._threads:
            thread.start()

    def _run_tasks(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            future, func, values, sources, folder = task
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(
                        self._execute(func, values, sources, self._recording, self._alone, folder, self._stop)
                    )
                except BaseException as error:
                    future.set_exception(error)

    def submit(
        self,
        func: Callable[[], Any],
        values: dict[str, Any],
        sources: dict[str, str],
        folder: Optional[str] = None,
    ) -> concurrent.futures.Future[Outcome]:
        future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
        self._tasks.put((future, func, values, sources, folder))
        return future

    def stop(self, interrupted: bool) -> None:
        if interrupted:
            self._stop.set()
        for _ in self._threads:
            self._tasks.put(None)
        if not interrupted:
            for thread in self._threads:
                thread.join()


class ProcessBackend:
    """Trials in one pool of worker processes, started once for the sweep.

    Each worker receives the sweep's visible values once, when it starts;
    a trial sends only its function and its own values.
    """

    def __init__(self, jobs: int, outer: dict[str, Any], mp_context: Any, recording: bool) -> None:
        self._recording = recording
        context = mp_context if mp_context is not None else multiprocessing.get_context()
        if isinstance(context, str):
            context = multiprocessing.get_context(context)
        self._start = functools.partial(
            concurrent.futures.ProcessPoolExecutor,
            max_workers=jobs,
            mp_context=context,
            initializer=start_worker,
            initargs=(outer,),
        )
        self._pool = self._start()

    def submit(
        self,
        func: Callable[[], Any],
        values: dict[str, Any],
        sources: dict[str, str],
        folder: Optional[str] = None,
    ) -> concurrent.futures.Future[Outcome]:
        sent = check_sendable(values)
        try:
            return self._pool.submit(
                execute_isolated, func, sent, sources, None, True, self._recording, folder
            )
        except BrokenProcessPool:
            # A trial killed its worker (os._exit, a crash, the OOM killer): the trials
            # running then have failed; a new pool runs the rest.
            self._pool.shutdown(wait=False)
            self._pool = self._start()
            return self._pool.submit(
                execute_isolated, func, sent, sources, None, True, self._recording, folder
            )

    def stop(self, interrupted: bool) -> None:
        if not interrupted:
            self._pool.shutdown(wait=True)
            return
        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


def _require(module: str, extra: str) -> Any:
    """Import ``module``, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            module, f"The {extra} sweep backend", f"pip install 'hyperparameter[{extra}]'"
        ) from None


class RayBackend:
    """Trials as Ray tasks, one CPU each; starts a local Ray if none is running.

    The sweep's visible values are put in Ray's object store once; each task
    gets them and its own values, and runs alone in its worker process. On
    Ctrl-C the running tasks are cancelled (their workers ended), on a Ray
    of one's own too.
    """

    def __init__(self, ray: Any, jobs: int, outer: dict[str, Any], recording: bool) -> None:
        self._ray = ray
        self._recording = recording
        self._dumps = ray.cloudpickle.dumps
        self._own = not ray.is_initialized()
        if self._own:
            ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
        self._outer = ray.put(outer)
        self._remote = ray.remote(num_cpus=1, max_retries=0)(execute_isolated)
        self._running: dict[int, Any] = {}  # the tasks in flight, by their future's id

    def submit(
        self,
        func: Callable[[], Any],
        values: dict[str, Any],
        sources: dict[str, str],
        folder: Optional[str] = None,
    ) -> concurrent.futures.Future[Outcome]:
        task = self._remote.remote(
            func, check_sendable(values, self._dumps), sources, self._outer, True, self._recording, folder
        )
        future: concurrent.futures.Future[Outcome] = task.future()
        self._running[id(future)] = task
        future.add_done_callback(lambda done: self._running.pop(id(done), None))
        return future

    def stop(self, interrupted: bool) -> None:
        if interrupted:
            for task in self._running.copy().values():  # a copy taken at once: tasks end meanwhile
                self._ray.cancel(task, force=True)
        if self._own:
            self._ray.shutdown()


class DaskBackend:
    """Trials as Dask tasks; uses the current ``distributed`` client, or starts a local cluster.

    The sweep's visible values are scattered to every worker once. A cluster
    the sweep starts has one thread per worker process, so a trial may also
    publish its values to the threads it starts; on a client's own cluster a
    worker may run several trials at once (unless ``jobs`` is 1), and only the
    trial's own context gets them. Ctrl-C closes a cluster the sweep started;
    a cluster of one's own cannot stop a running task, so it sets the
    ``distributed.Event`` the trials see in ``hp.trial_should_stop()``.
    """

    def __init__(
        self,
        distributed: Any,
        jobs: int,
        outer: dict[str, Any],
        dumps: Callable[[Any], bytes],
        recording: bool,
    ) -> None:
        self._dumps = dumps
        self._recording = recording
        self._cluster: Optional[Any] = None
        try:
            self._client = distributed.get_client()
        except ValueError:
            self._cluster = distributed.LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            self._client = distributed.Client(self._cluster)
        # A list of one: scattering a dict would scatter each of its values. Not hashed: a key
        # named by the content would be shared with an earlier sweep's equal values, and lost
        # ("lost dependencies") when that sweep releases it.
        self._outer = self._client.scatter([outer], broadcast=True, hash=False)[0]
        # A worker runs one of our trials at a time on a cluster we start, or when jobs is 1.
        self._publish = self._cluster is not None or jobs == 1
        # A cluster of one's own keeps running the trials after Ctrl-C: they can be told to stop.
        self._stop: Optional[DaskStopFlag] = None
        if self._cluster is None:
            self._stop = DaskStopFlag(f"hyperparameter-sweep-stop-{uuid.uuid4().hex}", self._client)

    def submit(
        self,
        func: Callable[[], Any],
        values: dict[str, Any],
        sources: dict[str, str],
        folder: Optional[str] = None,
    ) -> concurrent.futures.Future[Outcome]:
        task = self._client.submit(
            execute_isolated,
            func,
            check_sendable(values, self._dumps),
            sources,
            self._outer,
            self._publish,
            self._recording,
            folder,
            self._stop,
            pure=False,
        )
        future: concurrent.futures.Future[Outcome] = concurrent.futures.Future()
        future.set_running_or_notify_cancel()
        task.add_done_callback(lambda done: _settle(future, done))
        return future

    def stop(self, interrupted: bool) -> None:
        if self._cluster is not None:
            self._client.close()
            self._cluster.close()
        elif interrupted and self._stop is not None:
            # Told from a thread and waited for at most a few seconds: a scheduler that does not
            # answer must not hold up results.csv and the resume hint (nor a second Ctrl-C skip them).
            teller = threading.Thread(target=_tell_trials_to_stop, args=(self._stop,), daemon=True)
            teller.start()
            teller.join(_STOP_PATIENCE)


_STOP_PATIENCE = 3.0  # seconds


def _tell_trials_to_stop(flag: Any) -> None:
    """Set a Dask cluster's stop flag for the trials running on it."""
    with contextlib.suppress(Exception):  # a cluster that is gone runs no trial to tell
        flag.set()


def _settle(future: concurrent.futures.Future[Outcome], task: Any) -> None:
    """Copy a finished Dask task's result or error into ``future``."""
    try:
        future.set_result(task.result())
    except BaseException as error:
        future.set_exception(error)
