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

from ._grammar import format_value
from ._params import Params
from ._search import make_source
from ._search_space import Categorical, Dimension, draw_trials, find_declared_spaces, parse_space
from ._sweep_grid import check_set_once, swept_texts
from ._sweep_trial import Objective
from .exceptions import SearchSpaceError, SweepError


@dataclass
class SearchPlan:
    """A launched search: its trial source, its keys, and a trial's command line from its values."""

    source: Any
    keys: list[str]
    argv_of: Callable[[Mapping[str, Any]], list[str]]
    space: dict[str, Dimension]
    how: dict[str, str]  # how each key is searched: "-D KEY=SPACE", or its declared space


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
            assignment = f"{key}={format_value(value)}"
            define = searched.get(key)
            if define is None:
                added += ["-D", assignment]
            else:
                trial[define.index] = assignment if define.separate else define.flag + assignment
        end = trial.index("--") if "--" in trial else len(trial)
        return trial[:end] + added + trial[end:]

    source = make_source(search, space, trials=trials, seed=seed, objective=objective)
    how = {
        key: f"-D {key}={searched[key].text}" if key in searched else "its declared space" for key in space
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
            texts = swept_texts(define.key, define.text)
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


def build_extreme_trials(space: Mapping[str, Dimension], seed: int) -> list[dict[str, Any]]:
    """Build trial values that together hold every end of every dimension, for checking before a search.

    >>> from hyperparameter._search_space import IntRange
    >>> build_extreme_trials({"a": IntRange(1, 3), "b": Categorical(["x", "y"])}, 0)[0]["a"]
    1
    """
    base = draw_trials(space, seed, 1)[0]
    return [{**base, key: end} for key, dimension in space.items() for end in dimension.list_ends()]
