"""``hp.sweep``: run a function over many values, in parallel, and keep every result.

The driver asks a trial source (a grid here) for a trial whenever a worker is
free, runs it on the chosen backend inside ``hp.scope(**trial.values)``,
records its outcome (and its folder, with ``runs=``), and tells the source.
A failing trial is recorded and the others go on; Ctrl-C marks the running
trials as interrupted, writes what is known and re-raises, so the folder can
be resumed.
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import queue
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Callable, Optional, TextIO, Union

from ._levels import baseline
from ._numbers import jsonable
from ._origins import restore_baseline, save_baseline
from ._search import build_sweep_source
from ._sweep_folder import PathLike, SweepFolder
from ._sweep_progress import Progress
from ._sweep_trial import Objective, SweepResult, Trial, TrialSource
from ._sweep_worker import Outcome, describe_error
from .exceptions import SweepError

# How often the driver wakes up while waiting, to refresh the progress line
# and to notice Ctrl-C promptly.
_TICK = 0.1


def parse_objective(
    minimize: Union[bool, str, None], maximize: Union[bool, str, None]
) -> Optional[Objective]:
    """Return the objective named by ``minimize=`` or ``maximize=`` (True: the result itself).

    >>> parse_objective("loss", None), parse_objective(None, True)
    (Objective(metric='loss', minimize=True), Objective(metric=None, minimize=False))

    Raises:
        SweepError: both are given.
    """
    if minimize not in (None, False) and maximize not in (None, False):
        raise SweepError("Give minimize= or maximize=, not both.")
    for chosen, direction in ((minimize, True), (maximize, False)):
        if chosen not in (None, False):
            return Objective(None if chosen is True else str(chosen), direction)
    return None


#: How a trial runs: the function to call, the values to enter, and their sources.
Plan = Callable[[Trial], tuple[Callable[[], Any], dict[str, Any], dict[str, str]]]


def plan_for(func: Callable[[], Any], source: str = "hp.sweep") -> Plan:
    """Plan ``hp.sweep``: call ``func`` inside the trial's own values."""
    return lambda trial: (func, trial.values, dict.fromkeys(trial.values, source))


def run_sweep(
    plan: Plan,
    source: TrialSource,
    keys: Sequence[str],
    *,
    jobs: int = 1,
    backend: str = "threads",
    folder: Optional[SweepFolder] = None,
    resume: bool = False,
    objective: Optional[Objective] = None,
    progress: bool = True,
    stream: Optional[TextIO] = None,
    mp_context: Any = None,
    probe: Optional[Callable[[], Any]] = None,
    argv_of: Optional[Callable[[Trial], list[str]]] = None,
    resume_hint: Optional[Callable[[Path], str]] = None,
) -> SweepResult:
    """Run the trials of ``source``; the engine under ``hp.sweep`` and ``--sweep``.

    ``plan`` says how each trial runs (see :func:`plan_for`); ``probe`` is a
    function the process backends must be able to send, checked before the
    first trial.

    ``argv_of`` gives the command line that re-runs a trial alone (launcher
    sweeps); it is saved in the trial's folder. ``resume_hint`` gives, for
    the folder, how the closing line tells to resume (``resume=True`` if None).

    Raises:
        KeyboardInterrupt: after recording the interrupted trials and the results so far.
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise SweepError(f"jobs must be a positive integer, not {jobs!r}.")
    source.open(folder.path if folder is not None else None)
    earlier = folder.read_trials() if folder is not None and resume else []
    if resume:
        source.resume(earlier)
    from ._sweep_backends import start_backend  # threads and pools: imported when a sweep runs

    shown = Progress(source.total, stream, objective, enabled=progress)
    shown.count([trial for trial in earlier if trial.status == "ok"])
    saved = save_baseline()  # put back after the sweep, whatever a trial (or its thread) published
    driver = _Driver(
        plan,
        source,
        start_backend(backend, jobs, probe, mp_context, recording=folder is not None),
        jobs,
        folder,
        shown,
        argv_of,
        objective,
    )
    finished = {trial.number: trial for trial in earlier}
    interrupted = False
    try:
        driver.run(finished)
    except KeyboardInterrupt:
        interrupted = True
        driver.interrupt(finished)
    finally:
        driver.backend.stop(interrupted)
        if baseline() is not saved[0]:
            restore_baseline(saved)
    result = SweepResult(list(finished.values()), keys, folder.path if folder else None, objective)
    if folder is not None:
        folder.write_results(result)
    shown.close(_format_closing_line(result, interrupted, resume_hint))
    if interrupted:
        raise KeyboardInterrupt
    return result


def _format_closing_line(
    result: SweepResult, interrupted: bool, resume_hint: Optional[Callable[[Path], str]]
) -> str:
    """Write the last line of the progress output: where the results are, how to resume."""
    if result.folder is None:
        return "sweep: interrupted" if interrupted else ""
    if interrupted or not result.ok:
        hint = "resume=True" if resume_hint is None else resume_hint(result.folder)
        return f"sweep: results in {result.folder}; to run the trials that did not succeed: {hint}"
    return f"sweep: results in {result.folder}"


class _Driver:
    """Keeps ``jobs`` trials in flight and records each as it ends."""

    def __init__(
        self,
        plan: Plan,
        source: TrialSource,
        backend: Any,
        jobs: int,
        folder: Optional[SweepFolder],
        progress: Progress,
        argv_of: Optional[Callable[[Trial], list[str]]],
        objective: Optional[Objective] = None,
    ) -> None:
        self.plan = plan
        self.source = source
        self.backend = backend
        self.jobs = jobs
        self.folder = folder
        self.progress = progress
        self.argv_of = argv_of
        self.objective = objective
        self.in_flight: dict[Any, Trial] = {}
        self.starting: Optional[Trial] = None  # the trial being handed to the backend
        self.ended: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def run(self, finished: dict[int, Trial]) -> None:
        exhausted = False
        while True:
            while not exhausted and len(self.in_flight) < self.jobs:
                trial = self.source.ask()
                if trial is None:
                    exhausted = True
                else:
                    self._start(trial)
            if not self.in_flight:
                return
            try:
                future = self.ended.get(timeout=_TICK)
            except queue.Empty:
                self.progress.tick(len(self.in_flight))
                continue
            trial = self.in_flight[future]
            self._finish(trial, future)
            del self.in_flight[future]  # only now: a Ctrl-C while finishing leaves it interrupted
            finished[trial.number] = trial
            self.source.tell(trial)
            self.progress.report_finished(trial, len(self.in_flight))

    def _start(self, trial: Trial) -> None:
        trial.status = "running"
        self.starting = trial  # until it is in flight: a Ctrl-C meanwhile still records it
        if self.argv_of is not None:
            trial.argv = self.argv_of(trial)
        if self.folder is not None:
            self.folder.write_trial(trial)
        try:
            folder = None if trial.folder is None else str(trial.folder)
            future = self.backend.submit(*self.plan(trial), folder)
        except Exception as error:  # e.g. a value that cannot reach a worker process: this trial fails
            future = concurrent.futures.Future()
            future.set_exception(error)
        self.in_flight[future] = trial
        self.starting = None
        future.add_done_callback(self.ended.put)

    def _finish(self, trial: Trial, future: Any) -> None:
        try:
            outcome: Outcome = future.result()
        except BaseException as error:
            text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
            outcome = Outcome("failed", None, 0.0, describe_error(error), text)
        trial.status, trial.result, trial.seconds = outcome.status, outcome.result, outcome.seconds
        trial.error, trial.traceback = outcome.error, outcome.traceback
        # A misnamed objective fails each trial loudly, not silently ranks nothing (and
        # tells a search every trial failed).
        problem = self.objective.explain_problem(trial) if self.objective and trial.status == "ok" else None
        if problem is not None:
            trial.status, trial.error = "failed", describe_error(SweepError(problem))
        if self.folder is not None:
            self.folder.write_trial(trial)
            if outcome.record is not None:
                self.folder.write_record(trial, outcome.record)

    def interrupt(self, finished: dict[int, Trial]) -> None:
        """Record the trials still running (or being started) as interrupted."""
        starting = [self.starting] if self.starting is not None else []
        for trial in [*self.in_flight.values(), *starting]:
            trial.status = "interrupted"
            if self.folder is not None:
                self.folder.write_trial(trial)
            finished[trial.number] = trial
        self.in_flight.clear()
        self.starting = None


def sweep(
    func: Callable[[], Any],
    space: Mapping[str, Any],
    *,
    jobs: int = 1,
    backend: str = "threads",
    runs: Optional[PathLike] = None,
    resume: bool = False,
    minimize: Union[bool, str, None] = None,
    maximize: Union[bool, str, None] = None,
    progress: bool = True,
    mp_context: Any = None,
    search: str = "grid",
    trials: Optional[int] = None,
    seed: Optional[int] = None,
) -> SweepResult:
    """Call ``func()`` once per combination of ``space``'s values, each inside its own scope.

    Each trial runs inside ``hp.scope(**values)`` on top of the values visible
    where ``sweep`` is called, so wrapping it in ``with hp.scope(...)`` gives
    every trial those values too (a nested sweep is a loop around ``sweep``).
    ``backend`` is ``"threads"`` (one process, no pickling), ``"processes"``
    (one pool for the sweep), ``"ray"`` or ``"dask"``; ``jobs`` trials run at
    once. A failing trial is recorded and the others go on.

    With ``runs=DIR`` each trial gets a folder ``DIR/NNNN/trial.json`` and
    ``DIR/results.csv`` holds one row per trial; ``resume=True`` then runs
    only the trials of that folder without a successful result.
    ``minimize="loss"`` (or ``maximize=``; True for the result itself) shows
    the best so far while it runs and is what ``result.best()`` ranks by.

    >>> import hyperparameter as hp
    >>> @hp.param("train")
    ... def train(lr=0.1, layers=2):
    ...     return {"loss": round(lr * layers, 3)}
    >>> result = hp.sweep(train, {"train.lr": [0.1, 0.01], "train.layers": [1, 4]}, progress=False)
    >>> print(result)
    trial  train.lr  train.layers  status  seconds  loss
    0      0.1       1             ok      0.00     0.1
    1      0.1       4             ok      0.00     0.4
    2      0.01      1             ok      0.00     0.01
    3      0.01      4             ok      0.00     0.04
    >>> result.best("loss").values
    {'train.lr': 0.01, 'train.layers': 1}

    ``search="random"`` (or ``"optuna"``, with ``hyperparameter[optuna]``)
    runs ``trials`` trials drawn from ``space`` instead of its grid; a value of
    ``space`` is then a list to choose from or a space text: ``"uniform(a, b)"``,
    ``"loguniform(a, b)"``, ``"int(a, b)"`` (both ends included) or
    ``"choice(a, b, ...)"``. ``seed=`` repeats the same draws. Optuna learns
    from each result as it arrives, so it needs ``minimize=`` or ``maximize=``.

    >>> result = hp.sweep(train, {"train.lr": "loguniform(1e-4, 1)", "train.layers": "int(1, 8)"},
    ...                   search="random", trials=20, seed=0, minimize="loss", progress=False)
    >>> best = result.best().values
    >>> sorted(best), best["train.lr"] < 0.01
    (['train.layers', 'train.lr'], True)
    >>> with hp.scope(**best):
    ...     train()["loss"] == result.best().result["loss"]
    True

    Returns:
        The trials, in order: a sequence that prints as a table; ``rows()``
        gives dicts for ``pandas.DataFrame``.

    Raises:
        SweepError: ``space`` is not a mapping of keys to lists of values (to
            space texts for a search), an unknown backend or search, or ``runs``
            holds another sweep (resumed: of another function or other values).
        SweepFolderError: ``runs`` cannot be made (a file is in the way, no
            permission); an ``OSError``.
        KeyboardInterrupt: on Ctrl-C, after recording the trials so far.
    """
    objective = parse_objective(minimize, maximize)
    if resume and runs is None:
        raise SweepError("resume=True needs runs=DIR, the folder of the sweep to resume.")
    earlier = SweepFolder.open(runs) if resume and runs is not None and _holds_sweep(runs) else None
    saved = earlier.description.get("source") if earlier is not None else None
    saved = saved if isinstance(saved, dict) else None
    source, keys = build_sweep_source(
        search, in_saved_order(space, saved), trials=trials, seed=seed, objective=objective, saved=saved
    )
    description = {**_identify(func), "keys": keys, "source": jsonable(source.describe())}
    if objective is not None:
        description["objective"] = {"metric": objective.metric, "minimize": objective.minimize}
    if earlier is not None:
        check_same_sweep(earlier, description)
    folder = earlier or (SweepFolder.create(runs, description) if runs is not None else None)
    return run_sweep(
        plan_for(func),
        source,
        keys,
        jobs=jobs,
        backend=backend,
        folder=folder,
        resume=resume,
        objective=objective,
        progress=progress,
        mp_context=mp_context,
        probe=func,
    )


def _holds_sweep(runs: PathLike) -> bool:
    return (Path(runs) / "sweep.json").exists()


def in_saved_order(space: Mapping[str, Any], saved: Optional[Mapping[str, Any]]) -> Mapping[str, Any]:
    """Return ``space`` with its keys in the order of the saved sweep's space, when they are the same keys.

    A grid numbers its trials by key order (the last key varies fastest), so
    a resumed sweep given the same space in another order must take the
    saved order to find each trial in its folder.

    >>> in_saved_order({"b": [1], "a": [2]}, {"search": "grid", "space": {"a": [2], "b": [1]}})
    {'a': [2], 'b': [1]}
    """
    order = saved.get("space") if saved is not None else None
    if not isinstance(order, Mapping) or set(order) != set(space) or list(order) == list(space):
        return space
    return {key: space[key] for key in order}


def check_same_sweep(folder: SweepFolder, description: dict[str, Any]) -> None:
    """Check that ``folder`` holds the sweep ``description`` describes, and save what a resume changes.

    A search may be given more trials than it had (it goes on to that
    number) and a grid or random search another objective; anything else
    that differs is another sweep.

    Raises:
        SweepError: the folder holds a sweep of another function, or of other values.
    """
    saved = folder.description
    where = str(folder.path)
    if not _is_same_function(saved, description):
        raise SweepError(
            f"The folder {where!r} holds a sweep of {saved['function']!r}, not of "
            f"{description['function']!r}; resume it with the same function, or choose another folder."
        )
    before, after = dict(saved.get("source") or {}), dict(description["source"])
    grown = after.get("trials")
    if isinstance(before.get("trials"), int) and isinstance(grown, int):
        if grown < before["trials"]:
            raise SweepError(
                f"The folder {where!r} holds a search of {before['trials']} trials; resuming may give "
                f"it more trials, not fewer (got trials={grown})."
            )
        before["trials"] = grown
    for name in dict.fromkeys([*before, *after]):
        if before.get(name) != after.get(name):
            raise SweepError(
                f"The folder {where!r} holds a different sweep: its {name} is {before.get(name)!r}, "
                f"not {after.get(name)!r}; resume it with the same values, or choose another folder."
            )
    folder.update({name: description[name] for name in ("source", "objective") if name in description})


def _identify(func: Callable[..., Any]) -> dict[str, str]:
    """Name ``func`` as ``module:qualname``, the same in every run (a partial by the function inside it).

    The file of its module is kept too: a script's function is ``__main__:main``
    when run and ``train:main`` when imported, and its file tells it from another
    script's ``main``.
    """
    while isinstance(func, functools.partial):
        func = func.func
    named = func if hasattr(func, "__qualname__") else type(func)
    module = getattr(named, "__module__", None) or "?"
    identity = {"function": f"{module}:{named.__qualname__}"}
    file = getattr(sys.modules.get(module), "__file__", None)
    if isinstance(file, str):
        identity["file"] = os.path.realpath(file)
    return identity


def _is_same_function(saved: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Tell whether a saved sweep's function is ``current``'s: by name, or a script's by qualname and file."""
    before, now = saved.get("function"), str(current["function"])
    as_script = str(before).startswith("__main__:") or now.startswith("__main__:")
    if before is None or saved.get("file") is None or not as_script:
        return before in (None, now)
    return str(before).partition(":")[2] == now.partition(":")[2] and saved["file"] == current.get("file")
