"""``hp.trial_dir()``: the folder of the sweep trial running here, for its checkpoints and logs.

A sweep with a folder (``runs=DIR``, always from the command line) runs each
trial inside the key ``sweep.trial_dir`` (``DIR/0003``), set around the
trial's own values. Being a value of the trial's scope, it reaches what the
trial's values reach: the trial on every backend, the threads it hands work to
with ``hp.bind_scope``, and the processes it starts when it runs alone in its
process. The value is a :class:`TrialFolder`, a ``str`` that says a sweep set
it: the same path written to a config file (``hp.save_config(hp.scope, ...)``
in a trial) and loaded again in a single run is a plain ``str``, so that run
is not taken for the trial and does not write into the trial's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from ._engine import innermost
from ._levels import Level

#: The key a sweep trial's folder is kept under, in the trial's scope.
TRIAL_DIR_KEY = "sweep.trial_dir"


class TrialFolder(str):
    """The folder of a sweep trial, as the sweep set it (it pickles as itself, to the trial's processes)."""

    __slots__ = ()


def trial_dir() -> Optional[Path]:
    """Return the folder of the sweep trial running here, or None outside a trial of a sweep with a folder.

    Each trial of ``hp.sweep(..., runs=DIR)`` or ``--sweep`` has its own
    folder ``DIR/NNNN`` (an absolute path), made before the trial starts:
    the place for what the trial writes, so parallel trials do not overwrite
    each other. Run alone (a trial's saved command), a program gets None.

    >>> import hyperparameter as hp, tempfile
    >>> def train():
    ...     return hp.trial_dir().name
    >>> with tempfile.TemporaryDirectory() as runs:
    ...     [trial.result for trial in hp.sweep(train, {"train.lr": [0.1, 0.01]}, runs=runs, progress=False)]
    ['0000', '0001']
    >>> hp.trial_dir() is None
    True
    """
    level: Optional[Level] = innermost()
    while level is not None:  # the values as set, not a read: a trial's record does not list it
        value = level.own.get(TRIAL_DIR_KEY)
        if isinstance(value, TrialFolder):  # a path loaded from a trial's saved config is no trial's
            return Path(value)
        level = level.parent
    return None
