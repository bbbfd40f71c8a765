"""``hp.trial_should_stop()``: whether the sweep running this trial was stopped, so the trial can end early.

Python cannot stop a thread from outside, and Dask cannot stop a running
task. After Ctrl-C a sweep records its running trials as interrupted and
raises ``KeyboardInterrupt`` at once; on the ``threads`` backend and on a
Dask cluster of one's own their functions go on until they return. A long
trial polls this flag (between epochs or steps) and returns when it is set.
On the other backends the trial's process is ended, and the flag stays false.

The flag belongs to the scope the trial's values are entered in (not to its
values: saving ``hp.scope`` to a config file does not meet it), so it reaches
the code that sees that scope: the trial, its ``async`` tasks, and the threads
and pools it hands work to with ``hp.bind_scope``; the trial's own context holds
it too, so a block that does not inherit (``hp.scope.empty()``) still sees it. A trial that has its worker
process to itself (on a Dask cluster of one's own with ``jobs=1``) owns that
process, so there every thread it starts sees it too.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional, Union

from ._engine import innermost
from ._levels import Level

# How often a trial on a Dask cluster of one's own asks the scheduler, at most (seconds):
# each answer is a round trip, and a trial may poll in every step.
_ASK_EVERY = 0.5


class DaskStopFlag:
    """The stop flag of a sweep's trials on a Dask cluster of one's own: a ``distributed.Event``.

    The driver sets the event on Ctrl-C; a trial asks the scheduler (at most
    every half second, then for good once set) through the client of the
    worker it runs on, from the threads it starts too.
    """

    def __init__(self, name: str, client: Any = None) -> None:
        self.name = name
        self._client = client  # the driver's; a worker's after attach()
        self._stopped = False
        self._asked = float("-inf")

    def attach(self) -> None:
        """Take the client of the Dask task running here, for the asks of every thread of the trial."""
        import distributed

        try:
            self._client = distributed.get_client()
        except ValueError:  # not in a Dask task: never asked, never set
            self._client = None

    def set(self) -> None:
        """Tell the trials to stop (the driver does, with its client)."""
        _find_event(self.name, self._client).set()

    def is_set(self) -> bool:
        """Whether the sweep was stopped, as the scheduler last said."""
        now = time.monotonic()
        if self._stopped or self._client is None or now - self._asked < _ASK_EVERY:
            return self._stopped
        self._asked = now
        try:
            self._stopped = bool(_find_event(self.name, self._client).is_set())
        except Exception:  # the scheduler is gone (the cluster closed): nothing can say stop
            self._stopped = False
        return self._stopped

    def __reduce__(self) -> tuple[Any, ...]:
        return (DaskStopFlag, (self.name,))

    def __repr__(self) -> str:
        return f"<sweep stop flag on Dask: {self.name}>"


def _find_event(name: str, client: Any) -> Any:
    """Return the ``distributed.Event`` named ``name``, asked through ``client``."""
    import distributed

    event: Any = distributed.Event
    return event(name, client=client)


Flag = Union[threading.Event, DaskStopFlag]

# The trials running in this process, by the id of the scope their values are entered in,
# with that scope (which keeps the id unique while the trial runs) and the trial's flag.
_TRIALS: dict[int, tuple[object, Flag]] = {}
# The flag of the trial that has this process to itself (a worker's), for every thread in it.
_ALONE: list[Flag] = []
# The flag of the trial running in this context (its own code and async tasks), whatever scopes
# it enters: a block that does not inherit (hp.scope.empty()) hides the trial's scope, not this.
_OWN: contextvars.ContextVar[Optional[Flag]] = contextvars.ContextVar(
    "hyperparameter_trial_stop", default=None
)


@contextmanager
def watch_stop(owner: object, flag: Optional[Flag]) -> Iterator[None]:
    """Give the trial whose values are entered in the scope ``owner`` the stop flag ``flag`` while it runs."""
    if flag is None:
        yield
        return
    _TRIALS[id(owner)] = (owner, flag)
    token = _OWN.set(flag)
    try:
        yield
    finally:
        _OWN.reset(token)
        del _TRIALS[id(owner)]


@contextmanager
def watch_stop_in_process(flag: Optional[Flag]) -> Iterator[None]:
    """Give ``flag`` to every thread of this process while a trial that has the process to itself runs."""
    if flag is None:
        yield
        return
    _ALONE.append(flag)
    try:
        yield
    finally:
        _ALONE.remove(flag)


def trial_should_stop() -> bool:
    """Tell whether the sweep running this trial was stopped (Ctrl-C): the trial should return now.

    True once the sweep was interrupted, on the ``threads`` backend and on a
    Dask cluster of one's own (asked of its scheduler at most every half
    second), where the trial would otherwise go on; false outside a sweep
    trial and on the other backends, whose trials end with their process.
    The trial, its ``async`` tasks and the threads and pools it hands work to
    with ``hp.bind_scope`` see it; a plain thread it starts sees it only when
    the trial has its worker process to itself (a Dask cluster of one's own
    with ``jobs=1``).

    >>> import hyperparameter as hp
    >>> def train():
    ...     for epoch in range(100):
    ...         if hp.trial_should_stop():
    ...             return {"epochs": epoch}  # save a checkpoint here, then return
    ...     return {"epochs": 100}
    >>> hp.sweep(train, {"lr": [0.1]}, progress=False)[0].result
    {'epochs': 100}
    >>> hp.trial_should_stop()
    False
    """
    if not _TRIALS and not _ALONE:
        return False
    own = _OWN.get()
    if own is not None:
        return own.is_set()
    level: Optional[Level] = innermost()
    while level is not None:
        found = _TRIALS.get(id(level.owner))
        if found is not None and found[0] is level.owner:
            return found[1].is_set()
        level = level.parent
    return bool(_ALONE) and _ALONE[-1].is_set()
