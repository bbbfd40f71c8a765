"""What runs where a trial runs: its values entered, the function called, the outcome kept.

Every backend ends in :func:`execute`: in a thread of the driver's process,
inside the values visible where the sweep started; in another process, on top
of a copy of those values sent along (:func:`execute_isolated`).

The baseline (what new threads and processes start from) is one per process.
A trial that runs alone in its process may publish it (``hp.scope.frozen()``;
in a worker process its values are published for it); whatever it published is
put back when it ends. A trial that shares its process with other running
trials may not: ``frozen()`` there raises, instead of handing its values to the
other trials' threads.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Callable, Optional

from ._engine import freeze_refusal
from ._levels import Level, baseline, current, make_level, publish_baseline
from ._origins import publish_sources, restore_baseline, save_baseline
from ._processes import carry_baseline
from ._scope import Scope, SourcedScope
from ._sweep_stop import DaskStopFlag, Flag, watch_stop, watch_stop_in_process
from ._trial_dir import TRIAL_DIR_KEY, TrialFolder

# Why a trial that shares its process with other running trials cannot freeze.
_SHARED = (
    "hp.scope.frozen() cannot publish a trial's values while other trials run in the same process "
    "(they share one baseline, so their threads would see them); run the sweep with "
    "backend='processes' (--backend processes) or jobs=1 (-j 1), or hand the values to the "
    "threads the trial starts with hp.bind_scope(fn)."
)


@dataclass
class Outcome:
    """What running one trial gave, sent back to the driver (it pickles)."""

    status: str
    result: Any
    seconds: float
    error: Optional[str] = None
    traceback: Optional[str] = None
    record: Optional[str] = None  # what the trial read, as ``hp.record``'s JSON, when recording


def execute(
    func: Callable[[], Any],
    values: dict[str, Any],
    sources: dict[str, str],
    recording: bool = False,
    alone: bool = True,
    folder: Optional[str] = None,
    stop: Optional[Flag] = None,
) -> Outcome:
    """Call ``func()`` inside the scope of ``values`` and describe what happened.

    ``sources`` says where each value came from (``hp.sweep``, ``-D``), for
    ``-lps``-style listings and the run record. With ``recording`` the
    outcome also holds what the trial read (``hp.record``), failed or not.
    A baseline the trial publishes is put back when it ends; unless ``alone``
    (no other trial runs in this process meanwhile), the trial may not
    publish one: ``hp.scope.frozen()`` raises. ``folder`` is the trial's
    folder, set around its values for ``hp.trial_dir()``; ``stop`` is its
    sweep's stop flag, given to that scope for ``hp.trial_should_stop()``.

    A failure is an outcome, not an exception: the error line and the full
    traceback are written here, where the frames are. ``KeyboardInterrupt``
    still propagates (the driver stops the sweep on it).

    >>> import hyperparameter as hp
    >>> execute(lambda: hp.scope.train.lr | 0.001, {"train.lr": 0.1}, {}).result
    0.1
    >>> execute(lambda: 1 / 0, {}, {}).error
    'ZeroDivisionError: division by zero'
    """
    saved = save_baseline()
    refusal = freeze_refusal.set(None if alone else _SHARED)
    try:
        # Outside the record and without a source: the folder is where the trial runs, not a
        # value it was given (its record neither lists it as read nor as set and never read).
        with Scope(_folder_values(folder)) as place, watch_stop(place, stop):
            if not recording:
                return _call(func, values, sources)
            from ._record import record  # the run record loads only for sweeps that keep folders

            with record() as reads:
                outcome = _call(func, values, sources)
            outcome.record = reads.to_json(indent=1)
            return outcome
    finally:
        freeze_refusal.reset(refusal)
        if baseline() is not saved[0]:  # the trial (or a thread of it) published one
            restore_baseline(saved)


def _folder_values(folder: Optional[str]) -> dict[str, Any]:
    """Return the values that tell a trial its folder: none without one."""
    return {TRIAL_DIR_KEY: TrialFolder(folder)} if folder is not None else {}


def _call(func: Callable[[], Any], values: dict[str, Any], sources: dict[str, str]) -> Outcome:
    started = time.perf_counter()
    try:
        with SourcedScope(values, sources):
            result = func()
            if inspect.iscoroutine(result):  # an `async def` trial runs here, inside its values
                result = asyncio.run(result)
    except KeyboardInterrupt:
        raise
    except SystemExit as error:
        if error.code not in (0, None):  # a program's sys.exit(1) fails that trial only
            return _build_failed_outcome(error, started)
        return Outcome("ok", None, time.perf_counter() - started)
    except BaseException as error:
        return _build_failed_outcome(error, started)
    return Outcome("ok", result, time.perf_counter() - started)


def _build_failed_outcome(error: BaseException, started: float) -> Outcome:
    return Outcome(
        "failed",
        None,
        time.perf_counter() - started,
        describe_error(error),
        # From the swept function's frame down: this module's frame says nothing.
        "".join(traceback.format_exception(type(error), error, _skip_first_frame(error.__traceback__))),
    )


def _skip_first_frame(frames: Optional[TracebackType]) -> Optional[TracebackType]:
    return frames.tb_next if frames is not None else None


def describe_error(error: BaseException) -> str:
    """One line for ``error``: its type and its message's first line.

    >>> describe_error(ValueError("diverged\\nat step 3"))
    'ValueError: diverged'
    """
    message = str(error).strip().split("\n")[0]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


# Whether this process runs one trial at a time, so that a trial may publish its
# values as the baseline of the threads it starts (see execute_isolated).
_alone = threading.Lock()


def execute_isolated(
    func: Callable[[], Any],
    values: dict[str, Any],
    sources: dict[str, str],
    outer: Optional[dict[str, Any]],
    publish: bool,
    recording: bool = False,
    folder: Optional[str] = None,
    stop: Optional[DaskStopFlag] = None,
) -> Outcome:
    """:func:`execute` in another process, on top of ``outer``, the driver's visible values.

    ``outer`` None stands for the values :func:`start_worker` received.

    It runs in a fresh context, so nothing the trial sets stays for the next
    trial of this worker. With ``publish`` (the worker runs one trial at a
    time) the trial's values are also the baseline of the threads and
    processes it starts (spawn and forkserver ones too, as after
    ``hp.scope.frozen()``), and the previous baseline comes back afterwards.
    """
    previous = save_baseline()
    if outer is None:
        outer = previous[0].own
    if stop is not None:
        stop.attach()  # the client of this task, for the threads the trial starts too
    run = (func, values, sources, outer, recording)
    if not publish or not _alone.acquire(blocking=False):
        return contextvars.Context().run(_execute_on, *run, False, folder, stop)
    publish_baseline({**outer, **_folder_values(folder), **values})
    publish_sources(dict(sources))
    carry_baseline()
    try:
        with watch_stop_in_process(stop):  # the process is the trial's: every thread of it is
            return contextvars.Context().run(_execute_on, *run, True, folder, stop)
    finally:
        restore_baseline(previous)
        _alone.release()


def _execute_on(
    func: Callable[[], Any],
    values: dict[str, Any],
    sources: dict[str, str],
    outer: dict[str, Any],
    recording: bool,
    alone: bool,
    folder: Optional[str],
    stop: Optional[Flag],
) -> Outcome:
    current.set(make_level(Level, dict(outer), None, None, None))
    return execute(func, values, sources, recording, alone, folder, stop)


def start_worker(outer: dict[str, Any]) -> None:
    """Prepare a worker process: Ctrl-C is the driver's to handle; new threads and processes see ``outer``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    publish_baseline(dict(outer))
    carry_baseline()
