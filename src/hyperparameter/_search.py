"""Random and Optuna searches: trial sources the sweep driver draws from, one trial at a time.

A search runs ``trials`` trials numbered ``0 .. trials-1`` over a space of
:mod:`~._search_space` dimensions. A random search knows every trial's values
from its seed alone (trial ``n`` draws from streams named by seed, ``n`` and
key), so it hands them out like a grid. An Optuna search asks its study for the
next values when a worker is free and tells it each result as it arrives.
Resuming either runs the trials that did not succeed again, with their numbers
and values, then carries on.

>>> from hyperparameter._search_space import IntRange
>>> source = RandomSource({"model.layers": IntRange(1, 8)}, trials=3, seed=0)
>>> [trial.values for trial in iter(source.ask, None)]
[{'model.layers': 1}, {'model.layers': 8}, {'model.layers': 3}]
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

from ._keys import check_key
from ._params import Params
from ._search_space import (
    Categorical,
    Dimension,
    IntRange,
    Uniform,
    draw_trials,
    find_declared_spaces,
    parse_space,
)
from ._sweep_grid import GridSource, check_space, parse_swept_range, split_call
from ._sweep_trial import Objective, Trial
from .exceptions import SearchSpaceError, SweepError

SEARCHES = ("random", "optuna")


def search_space(space: Mapping[str, Any]) -> dict[str, Dimension]:
    """Return the dimensions of a search given in Python: a space text, a list of choices, or a Dimension.

    An ``hp.Params`` class under its namespace stands for the spaces of its
    declared kinds that have one; later entries replace them key by key.

    >>> search_space({"train.lr": "loguniform(1e-4, 1e-1)", "model.act": ["relu", "gelu"]})
    {'train.lr': Uniform(0.0001, 0.1, log=True), 'model.act': Categorical(['relu', 'gelu'])}
    """
    dimensions: dict[str, Dimension] = {}
    for key, value in space.items():
        check_key(key)
        if isinstance(value, type) and issubclass(value, Params):
            if key != value.namespace():
                raise SearchSpaceError(
                    f"Search space key {key!r} holds the class {value.__name__}, whose namespace is "
                    f"{value.namespace()!r}; put it under its namespace."
                )
            dimensions.update(find_declared_spaces([value]))
        elif isinstance(value, Dimension):
            dimensions[key] = value
        elif isinstance(value, str):
            dimensions[key] = _parse_space_text(key, value)
        elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
            options = list(value)
            if not options:
                raise SearchSpaceError(f"Search space for {key!r} is an empty list; give at least one value.")
            dimensions[key] = Categorical(options)
        else:
            raise SearchSpaceError(
                f"Search space for {key!r} is {type(value).__name__} {value!r}; expected a space text "
                "such as 'uniform(0, 1)' or a list of values (set a fixed value with hp.scope)."
            )
    return dimensions


def _parse_space_text(key: str, text: str) -> Dimension:
    """Parse the space a text in a Python search space writes; choice items and ranges are numbers there.

    From the command line every value is text that the launcher's checks convert; in Python
    nothing would, so ``choice(1, 2)`` gives the numbers 1 and 2, as ``[1, 2]`` would.

    >>> _parse_space_text("train.layers", "choice(1, 2.5, relu)").options
    [1, 2.5, 'relu']
    >>> _parse_space_text("train.layers", "range(1, 4)").options
    [1, 2, 3]
    """
    parsed = parse_space(text, key)
    if isinstance(parsed, Categorical):
        return Categorical([_parse_number_or_text(option) for option in parsed.options])
    if parsed is not None:
        return parsed
    call = split_call(text)
    if call is not None and call[0] == "range":
        return Categorical(list(parse_swept_range(key, text, call[1])))
    raise SearchSpaceError(
        f"Search space for {key!r} is {text!r}; expected uniform(a,b), loguniform(a,b), int(a,b), "
        "choice(a,b,...), range(a,b[,step]) or a list of values (set a fixed value with hp.scope)."
    )


def _parse_number_or_text(text: str) -> Any:
    """Parse ``text`` as an int or a float when it is one, else return the text itself."""
    for number in (int, float):
        try:
            return number(text)
        except ValueError:
            continue
    return text


def draw_seed() -> int:
    """Draw a seed for a search given none; it is saved with the sweep, so a resume repeats it."""
    return random.SystemRandom().randrange(2**32)


class RandomSource(GridSource):
    """Trials whose values are drawn at random from ``space``; the same seed, the same trials.

    Trial ``n`` is the same whatever ``trials`` is, so a longer search with the
    same seed starts with the trials of a shorter one. Handed out, skipped on
    resume and rerun exactly as the points of a grid.
    """

    def __init__(self, space: Mapping[str, Dimension], trials: int, seed: Optional[int] = None) -> None:
        self.dimensions = dict(space)
        self.seed = draw_seed() if seed is None else seed
        super().__init__({}, draw_trials(self.dimensions, self.seed, _check_trials(trials)))

    def describe(self) -> dict[str, Any]:
        """Describe the search, for the sweep folder."""
        return {
            "search": "random",
            "space": describe_space(self.dimensions),
            "trials": self.total,
            "seed": self.seed,
        }


class OptunaSource:
    """Trials asked of an Optuna study (TPE, seeded), which learns from each result told.

    The study is kept in the sweep folder (``optuna.journal``) once
    :meth:`open` names it; without a folder it lives in memory.
    """

    def __init__(
        self,
        space: Mapping[str, Dimension],
        trials: int,
        objective: Optional[Objective],
        seed: Optional[int] = None,
    ) -> None:
        from ._search_optuna import import_optuna

        import_optuna()  # fail before any trial runs when the extra is missing
        if objective is None:
            raise SearchSpaceError(
                "An Optuna search needs the number to optimize: pass minimize= or maximize= "
                "(--minimize/--maximize [METRIC] on the command line)."
            )
        if not space:
            raise SearchSpaceError("An Optuna search needs at least one key to search.")
        self.dimensions = dict(space)
        self.objective = objective
        self.seed = draw_seed() if seed is None else seed
        self.total: Optional[int] = _check_trials(trials)
        self._folder: Optional[Path] = None
        self._study: Any = None
        self._again: list[Trial] = []  # trials of a resumed sweep to run again, with their values
        self._done: set[int] = set()
        self._next = 0
        self._asked: dict[int, int] = {}  # trial number -> the study's trial number

    def open(self, folder: Optional[Path]) -> None:
        """Keep the study in ``folder`` (before the first ask)."""
        self._folder = folder

    def _open(self) -> Any:
        if self._study is None:
            from ._search_optuna import OptunaStudy

            self._study = OptunaStudy(
                self.dimensions, minimize=self.objective.minimize, seed=self.seed, folder=self._folder
            )
        return self._study

    def resume(self, earlier: Sequence[Trial]) -> None:
        """Run the trials that did not succeed again, then ask new ones up to the total."""
        self._open().fail_running()
        self._done = {trial.number for trial in earlier}  # run again below, or done
        self._again = sorted(
            (trial for trial in earlier if trial.status != "ok"), key=lambda trial: trial.number
        )

    def ask(self) -> Optional[Trial]:
        """Return the next trial: a rerun of a resumed one, else new values from the study, or None."""
        assert self.total is not None
        study = self._open()
        if self._again:
            again = self._again.pop(0)
            asked, _ = study.ask(again.values)
            self._asked[again.number] = asked
            return Trial(again.number, dict(again.values))
        while self._next < self.total and (self._next in self._done):
            self._next += 1
        if self._next >= self.total:
            return None
        asked, values = study.ask()
        number, self._next = self._next, self._next + 1
        self._asked[number] = asked
        return Trial(number, values)

    def tell(self, trial: Trial) -> None:
        """Tell the study the trial's objective value (a failed trial, or one without it, fails)."""
        asked = self._asked.pop(trial.number, None)
        if asked is not None:
            self._open().tell(asked, self.objective.read_value(trial))

    def describe(self) -> dict[str, Any]:
        """Describe the search, for the sweep folder; the study itself is in ``optuna.journal``."""
        return {
            "search": "optuna",
            "space": describe_space(self.dimensions),
            "trials": self.total,
            "seed": self.seed,
            "metric": self.objective.metric,
            "minimize": self.objective.minimize,
        }


def _check_trials(trials: Any) -> int:
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise SearchSpaceError(f"A search needs trials= a positive number of trials, not {trials!r}.")
    return trials


def build_sweep_source(
    search: str,
    space: Mapping[str, Any],
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    objective: Optional[Objective] = None,
    saved: Optional[Mapping[str, Any]] = None,
) -> tuple[Any, list[str]]:
    """Return the trial source of ``hp.sweep(..., search=...)`` and the keys it sweeps.

    ``saved`` is the source description of a sweep being resumed: a search
    given no seed takes the seed it had, so it draws the same trials again,
    and given no ``trials`` the number it had.
    """
    if search == "grid":
        if trials is not None or seed is not None:
            raise SweepError(
                "trials= and seed= are for search='random' or search='optuna'; a grid runs every combination."
            )
        checked = check_space(space)
        return GridSource(checked), list(checked)
    if saved is not None and saved.get("search") == search:
        seed = saved.get("seed") if seed is None else seed
        trials = saved.get("trials") if trials is None else trials
    dimensions = search_space(space)
    return make_source(search, dimensions, trials=trials, seed=seed, objective=objective), list(dimensions)


def make_source(
    search: str,
    space: Mapping[str, Dimension],
    *,
    trials: Optional[int],
    seed: Optional[int] = None,
    objective: Optional[Objective] = None,
) -> Any:
    """Make the trial source of a ``search`` ("random" or "optuna") over ``space``."""
    if search not in SEARCHES:
        raise SearchSpaceError(f"Unknown search {search!r}; expected one of 'grid', 'random', 'optuna'.")
    if trials is None:
        raise SearchSpaceError(f"A {search} search needs the number of trials (trials=N, --trials N).")
    if search == "random":
        return RandomSource(space, trials, seed)
    return OptunaSource(space, trials, objective, seed)


def describe_space(space: Mapping[str, Dimension]) -> dict[str, Any]:
    """Describe a space in a JSON-able form, read back by :func:`rebuild_space`."""
    described: dict[str, Any] = {}
    for key, dimension in space.items():
        if isinstance(dimension, Uniform):
            described[key] = ["loguniform" if dimension.log else "uniform", dimension.low, dimension.high]
        elif isinstance(dimension, IntRange):
            described[key] = ["int", dimension.low, dimension.high]
        else:
            assert isinstance(dimension, Categorical)
            described[key] = ["choice", *dimension.options]
    return described


def rebuild_space(described: Mapping[str, Sequence[Any]]) -> dict[str, Dimension]:
    """Rebuild the space :func:`describe_space` wrote."""
    space: dict[str, Dimension] = {}
    for key, (form, *arguments) in described.items():
        if form == "choice":
            space[key] = Categorical(arguments)
        elif form == "int":
            space[key] = IntRange(*arguments)
        else:
            space[key] = Uniform(arguments[0], arguments[1], log=form == "loguniform")
    return space


def rebuild_source(described: Mapping[str, Any]) -> Any:
    """Rebuild the source a saved search description describes (for ``--resume``)."""
    space = rebuild_space(described["space"])
    if described["search"] == "random":
        return RandomSource(space, described["trials"], described["seed"])
    objective = Objective(described.get("metric"), described.get("minimize", True))
    return OptunaSource(space, described["trials"], objective, described["seed"])
