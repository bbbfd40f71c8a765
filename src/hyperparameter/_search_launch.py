"""``--search random|optuna`` for launched programs: the space from ``-D`` and from declared bounds.

``python train.py --sweep --search optuna --trials 40 --minimize loss`` searches
every ``hp.Params`` parameter of the program whose kind has a complete space,
and the keys given a space with ``-D key=uniform(a,b)`` (or a grid form, which
becomes a choice of exactly its values); a plain ``-D key=value`` pins a key.
Each trial is the program's own command line with one ``-D key=value`` per
searched key, so the launcher checks and records it as any run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ._grammar import format_define, format_value
from ._params import Params
from ._search import make_source
from ._search_space import Categorical, Dimension, find_declared_spaces, parse_space
from ._sweep_grid import check_set_once, split_swept_text
from ._sweep_trial import Objective
from .exceptions import SearchSpaceError, SweepError


@dataclass
class SearchPlan:
    """A launched search: its trial source, its keys, and a trial's command line from its values."""

    source: Any
    keys: list[str]
    argv_of: Callable[[Mapping[str, Any]], list[str]]
    space: dict[str, Dimension]
    how: dict[str, str]  # how each key is searched: "the search space -D KEY=SPACE", or its declared one


def find_declared_classes(targets: Iterable[Any]) -> list[type[Params]]:
    """Return the ``hp.Params`` classes among a program's commands and module globals."""
    found: dict[int, type[Params]] = {}
    for each in targets:
        if isinstance(each, type) and issubclass(each, Params) and each is not Params:
            found.setdefault(id(each), each)
    return list(found.values())


def plan_search(
    args: Sequence[str],
    defines: Sequence[Any],
    classes: Sequence[type[Params]],
    *,
    search: str,
    trials: Optional[int],
    seed: Optional[int],
    objective: Optional[Objective],
) -> SearchPlan:
    """Plan the search of a command line ``args`` whose ``-D`` arguments are ``defines``.

    ``defines`` are the launcher sweep's parsed ``-D`` arguments (``index``,
    ``key``, ``text``, ``separate``, ``flag``).

    Raises:
        SearchSpaceError: a malformed space, or nothing to search.
    """
    space = find_declared_spaces(classes)
    searched = _add_defined_spaces(space, defines)
    if not space:
        raise SearchSpaceError(
            "Nothing to search: give a space with -D key=uniform(a,b) (or loguniform, int, choice), "
            "or declare bounds on hp.Params parameters of the program."
        )
    arguments = list(args)

    def argv_of(values: Mapping[str, Any]) -> list[str]:
        trial = list(arguments)
        added: list[str] = []
        for key, value in values.items():
            assignment = f"{key}={format_define(value)}"
            define = searched.get(key)
            if define is None:
                added += ["-D", assignment]
            else:
                trial[define.index] = assignment if define.separate else define.flag + assignment
        end = trial.index("--") if "--" in trial else len(trial)
        return trial[:end] + added + trial[end:]

    source = make_source(search, space, trials=trials, seed=seed, objective=objective)
    how = {
        key: f"the search space -D {key}={searched[key].text}"
        if key in searched
        else f"the declared search space of {key!r}"
        for key in space
    }
    return SearchPlan(source, list(space), argv_of, space, how)


def _add_defined_spaces(space: dict[str, Dimension], defines: Sequence[Any]) -> dict[str, Any]:
    """Put the spaces ``defines`` give into ``space`` (a plain value pins its key); return the searched ones.

    Raises:
        SearchSpaceError: a malformed space, a key given two spaces, or a searched key another -D sets.
    """
    searched: dict[str, Any] = {}
    for define in defines:
        dimension = parse_space(define.text, define.key)
        if dimension is None:
            texts = split_swept_text(define.key, define.text)
            if texts is None:  # a plain -D value pins the key
                space.pop(define.key, None)
                continue
            dimension = Categorical(texts)
        if define.key in searched:
            raise SearchSpaceError(f"The key {define.key!r} is given two spaces; give it one -D.")
        space[define.key] = dimension
        searched[define.key] = define
    try:
        check_set_once(defines, searched)
    except SweepError as error:
        raise SearchSpaceError(str(error)) from None
    return searched


@dataclass
class ExtremeTrial:
    """Trial values at ends of their spaces, and which end each value is ("its low end")."""

    values: dict[str, Any]
    ends: dict[str, str]


def build_extreme_trials(space: Mapping[str, Dimension]) -> list[ExtremeTrial]:
    """Build trials that together hold every end of every dimension, for checking before a search.

    The first trial has every key at its first end (a low end, a first
    choice); each other trial moves one key to another of its ends.

    >>> from hyperparameter._search_space import IntRange
    >>> trials = build_extreme_trials({"a": IntRange(1, 3), "b": Categorical(["x", "y"])})
    >>> [trial.values for trial in trials]
    [{'a': 1, 'b': 'x'}, {'a': 3, 'b': 'x'}, {'a': 1, 'b': 'y'}]
    >>> trials[1].ends
    {'a': 'its high end', 'b': 'its choice x'}
    """
    ends = {key: dimension.list_ends() for key, dimension in space.items()}
    labels = {
        key: [_name_end(space[key], index, end) for index, end in enumerate(ends[key])] for key in space
    }
    first = ExtremeTrial({key: ends[key][0] for key in space}, {key: labels[key][0] for key in space})
    trials = [first]
    for key in space:
        for index in range(1, len(ends[key])):
            values, named = dict(first.values), dict(first.ends)
            values[key], named[key] = ends[key][index], labels[key][index]
            trials.append(ExtremeTrial(values, named))
    return trials


def _name_end(dimension: Dimension, index: int, end: Any) -> str:
    """Name the end ``end`` (the ``index``-th of :meth:`Dimension.list_ends`) of ``dimension``."""
    if isinstance(dimension, Categorical):
        return f"its choice {format_value(end)}"
    return "its low end" if index == 0 else "its high end"
