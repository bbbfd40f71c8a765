"""``hp.trial_should_stop()``: whether the sweep running this trial was stopped, so the trial can end early.

Python cannot stop a thread from outside. After Ctrl-C a sweep on the
``threads`` backend records its running trials as interrupted and raises
``KeyboardInterrupt`` at once, but their functions go on until they return:
in a script the process then exits (the trial threads are daemons), in a
notebook they run on in the background. A long trial polls this flag
(between epochs or steps) and returns when it is set. The flag stays false
on the other backends: there the trial's process is ended (``processes``, a
Ray or Dask cluster the sweep started, a Ray of one's own), except on a Dask
cluster of one's own, whose running trials go on to their end unreached.
"""

from __future__ import annotations

import contextvars
import threading
from typing import Optional

# The stop event of the thread-backend sweep running the current trial (None: not in such a trial).
_STOP: contextvars.ContextVar[Optional[threading.Event]] = contextvars.ContextVar(
    "hyperparameter_trial_stop", default=None
)


def trial_should_stop() -> bool:
    """Tell whether the sweep running this trial was stopped (Ctrl-C): the trial should return now.

    False outside a sweep trial and on every backend but ``threads``, whose
    trials end with their process or, on a Dask cluster of one's own, run on
    to their end. It is the trial's own, like a context variable: its ``async``
    tasks see it, threads it starts do not (poll it in the trial's loop).

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
    event = _STOP.get()
    return event is not None and event.is_set()


def watch_stop(event: threading.Event) -> None:
    """Make ``event`` the stop flag of the trials this thread runs (called once, when it starts)."""
    _STOP.set(event)
