"""An Optuna study driven by ask and tell, one trial at a time, kept in a journal file.

Optuna is imported here only, when a study is opened; without it the error
names the extra to install. The study lives in the sweep folder
(``DIR/optuna.journal``), so resuming the sweep continues the same study.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Optional

from ._search_space import Categorical, Dimension, IntRange, Uniform
from .exceptions import MissingDependencyError

JOURNAL = "optuna.journal"
INSTALL = "pip install 'hyperparameter[optuna]'"
_STUDY = "sweep"
_PLAIN = (bool, int, float, str, type(None))  # what an Optuna categorical may hold as is


def import_optuna() -> Any:
    """Import ``optuna``, or raise MissingDependencyError naming the extra."""
    try:
        import optuna
    except ImportError:
        raise MissingDependencyError("optuna", "An Optuna search (search='optuna')", INSTALL) from None
    return optuna


class OptunaStudy:
    """A study over ``space``, minimizing or maximizing, seeded, in ``folder`` (or in memory).

    ``ask`` gives a new trial's id and values at once (the sampler learns from
    every trial told so far, and counts the running ones as pending), so a free
    worker never waits for the others.
    """

    def __init__(
        self, space: dict[str, Dimension], *, minimize: bool, seed: int, folder: Optional[Path]
    ) -> None:
        optuna = import_optuna()
        self._optuna = optuna
        self.space = space
        self._distributions = {key: _to_distribution(optuna, dimension) for key, dimension in space.items()}
        if folder is None:
            storage: Any = optuna.storages.InMemoryStorage()
        else:
            journal = optuna.storages.journal
            backend = journal.JournalFileBackend(str(Path(folder) / JOURNAL))
            storage = journal.JournalStorage(backend)
        sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True)
        verbosity = optuna.logging.get_verbosity()
        optuna.logging.set_verbosity(optuna.logging.WARNING)  # no "new study created" line per sweep
        try:
            self.study = optuna.create_study(
                storage=storage,
                sampler=sampler,
                study_name=_STUDY,
                direction="minimize" if minimize else "maximize",
                load_if_exists=True,
            )
        finally:
            optuna.logging.set_verbosity(verbosity)

    def ask(self, values: Optional[dict[str, Any]] = None) -> tuple[int, dict[str, Any]]:
        """Return a new trial's id and values; with ``values``, a trial with those values (a rerun)."""
        if values is not None:
            self.study.enqueue_trial(
                {
                    key: _to_optuna(self.space[key], value)
                    for key, value in values.items()
                    if key in self.space
                }
            )
        trial = self.study.ask(self._distributions)
        drawn = {key: _from_optuna(self.space[key], trial.params[key]) for key in self.space}
        return trial.number, drawn

    def tell(self, number: int, value: Optional[float]) -> None:
        """Record a finished trial: its objective value, or None for a failed one."""
        state = self._optuna.trial.TrialState
        if value is None or math.isnan(value):
            self.study.tell(number, state=state.FAIL)
        else:
            self.study.tell(number, value)

    def fail_running(self) -> int:
        """Mark trials left running by an interrupted sweep as failed; how many there were."""
        running = self.study.get_trials(deepcopy=False, states=(self._optuna.trial.TrialState.RUNNING,))
        for trial in running:
            self.tell(trial.number, None)
        return len(running)


def _to_distribution(optuna: Any, dimension: Dimension) -> Any:
    distributions = optuna.distributions
    if isinstance(dimension, Uniform):
        return distributions.FloatDistribution(dimension.low, dimension.high, log=dimension.log)
    if isinstance(dimension, IntRange):
        return distributions.IntDistribution(dimension.low, dimension.high)
    assert isinstance(dimension, Categorical)
    return distributions.CategoricalDistribution(_to_optuna_choices(dimension))


def _to_optuna_choices(dimension: Categorical) -> list[Any]:
    """Return the options as Optuna stores them: as they are when plain, else by position."""
    options = dimension.options
    return options if all(isinstance(option, _PLAIN) for option in options) else list(range(len(options)))


def _to_optuna(dimension: Dimension, value: Any) -> Any:
    if isinstance(dimension, Categorical) and _to_optuna_choices(dimension) is not dimension.options:
        return dimension.options.index(value)
    return value


def _from_optuna(dimension: Dimension, value: Any) -> Any:
    if isinstance(dimension, Categorical) and _to_optuna_choices(dimension) is not dimension.options:
        return dimension.options[value]
    return value
