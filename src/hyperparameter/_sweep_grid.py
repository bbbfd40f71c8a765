"""Grid sweeps: which values are swept, and the trials of their cartesian product.

On the command line a swept value is a comma list (``0.1,0.01``) or
``range(start, stop[, step])`` with Python's meaning (``stop`` excluded);
brackets and quotes keep their commas, so ``[1,2]`` stays one value.

>>> split_swept_text("train.lr", "0.1,0.01")
['0.1', '0.01']
>>> split_swept_text("train.layers", "range(1, 7, 2)")
['1', '3', '5']
>>> split_swept_text("model.dims", "[64,64]") is None
True
>>> split_swept_text("model.dims", "[64,64],[128,128]")
['[64,64]', '[128,128]']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

from ._grammar import unquote
from ._keys import check_key
from ._params import Params
from ._search_space import Categorical, IntRange, find_space_form, parse_space
from ._sweep_trial import Trial
from .exceptions import SearchSpaceError, SweepError

_CALL = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<args>.*)\)\s*$", re.DOTALL)
_OPENERS = {"[": "]", "(": ")", "{": "}"}


def split_top(text: str) -> list[str]:
    """Split ``text`` on the commas outside brackets, parentheses and quotes, stripping items.

    >>> split_top("a, [1,2], 'x,y', f(3,4)")
    ['a', '[1,2]', "'x,y'", 'f(3,4)']

    Raises:
        SweepError: a bracket or quote is not closed.
    """
    items, closers, quote, start = [], [], "", 0
    for position, char in enumerate(text):
        if quote:
            if char == quote and text[position - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in _OPENERS:
            closers.append(_OPENERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == "," and not closers:
            items.append(text[start:position].strip())
            start = position + 1
    if quote or closers:
        raise SweepError(f"Unbalanced {'quote' if quote else 'bracket'} in {text!r}.")
    items.append(text[start:].strip())
    return items


def split_call(text: str) -> Optional[tuple[str, list[str]]]:
    """``("name", [arg texts])`` for text written as ``name(a, b)``, else None.

    >>> split_call("range(1, 10, 3)")
    ('range', ['1', '10', '3'])
    >>> split_call("[1, 2]") is None
    True
    """
    match = _CALL.match(text)
    if match is None or len(split_top(text)) > 1:  # "f(1),g(2)" is a list of two calls
        return None
    args = match["args"].strip()
    return match["name"], split_top(args) if args else []


def split_swept_text(key: str, text: str, unquoted: bool = True) -> Optional[list[str]]:
    """Split a swept command-line value into its texts, or None when ``text`` is one value.

    An item wholly in quotes is the text inside (the quotes only kept its
    commas together), as any ``-D`` value is; ``unquoted=False`` keeps the
    items as written.

    Raises:
        SweepError: an empty item (``a,,b``), or a ``range`` that is not one of
            integers or is empty; the message names the key and the value.
    """
    call = split_call(text)
    if call is not None and call[0] == "range":
        return [str(number) for number in parse_swept_range(key, text, call[1])]
    items = split_top(text) if "," in text else [text]
    if len(items) == 1:
        return None
    if not all(items):
        raise SweepError(
            f"Swept value {key}={text!r} has an empty item; expected values separated by single commas."
        )
    return [unquote(item) for item in items] if unquoted else items


def refuse_search_space(key: str, text: str) -> None:
    """Refuse ``-D key=text`` in a grid when ``text`` is a search space, which only a search draws from.

    >>> refuse_search_space("t.name", "choice(a, b)")
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SweepError: -D t.name=choice(a, b) is a search space: add --search random --trials N to search it, or write -D t.name=a,b for a grid.
    """  # noqa: E501
    form = find_space_form(text)
    if form is None:
        return
    try:
        dimension = parse_space(text, key)
    except SearchSpaceError:
        dimension = None
    if isinstance(dimension, Categorical):
        grid = f"-D {key}={','.join(map(str, dimension.options))}"
    elif isinstance(dimension, IntRange):
        grid = f"-D {key}='range({dimension.low}, {dimension.high + 1})'"
    else:
        grid = f"the values to try, -D {key}=A,B,C,"
    raise SweepError(
        f"-D {key}={text} is a search space: add --search random --trials N to search it, or write {grid} "
        "for a grid."
    )


def parse_swept_range(key: str, text: str, args: list[str]) -> range:
    """``range(*args)`` for the swept value ``key=text``, refusing what Python's range refuses."""
    try:
        numbers = [int(arg) for arg in args]
        swept = range(*numbers)
    except (TypeError, ValueError):
        raise SweepError(
            f"Swept value {key}={text!r} is not a range of integers; "
            "expected range(start, stop) or range(start, stop, step), stop excluded."
        ) from None
    if not swept:
        raise SweepError(f"Swept value {key}={text!r} is an empty range (stop is excluded).")
    return swept


def check_set_once(defines: Sequence[Any], swept: Mapping[str, Any]) -> None:
    """Refuse a swept key that another ``-D`` also sets: one of them would win in every trial, silently.

    ``defines`` are a command line's ``-D`` arguments (``index``, ``key``, ``text``); ``swept`` the
    ones among them that sweep each key.

    >>> from types import SimpleNamespace as D
    >>> check_set_once([D(index=1, key="a", text="1,2"), D(index=3, key="a", text="3")],
    ...                {"a": D(index=1, key="a", text="1,2")})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SweepError: 'a' is swept by -D a=1,2 and also set by -D a=3; give it in one -D.
    """
    for define in defines:
        first = swept.get(define.key)
        if first is not None and define.index != first.index:
            raise SweepError(
                f"{define.key!r} is swept by -D {define.key}={first.text} and also set by "
                f"-D {define.key}={define.text}; give it in one -D."
            )


def check_space(space: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Check the grid ``space``: return it with checked keys and each key's values as a list.

    >>> check_space({"train.lr": (0.1, 0.01), "train.bs": range(32, 65, 32)})
    {'train.lr': [0.1, 0.01], 'train.bs': [32, 64]}

    Raises:
        SweepError: a key's values are not a non-empty collection (a string is one value),
            or are a search space (a space text, an ``hp.Params`` class) without ``search=``.
    """
    checked: dict[str, list[Any]] = {}
    for key, values in space.items():
        check_key(key)
        if isinstance(values, type) and issubclass(values, Params):
            raise SweepError(
                f"Sweep values for {key!r} are the hp.Params class {values.__name__}, a search space: "
                "pass search='random' (or 'optuna') and trials=N to search its declared bounds, "
                "or give each key a list of values for a grid."
            )
        if isinstance(values, str) and find_space_form(values):
            raise SweepError(
                f"Sweep values for {key!r} are the search space {values!r}: pass search='random' "
                "(or 'optuna') and trials=N to search it, or a list of values for a grid."
            )
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            raise SweepError(
                f"Sweep values for {key!r} must be a list of values, not {type(values).__name__} "
                f"{values!r}; wrap one value in a list, or set it with hp.scope around the sweep."
            )
        checked[key] = list(values)
        if not checked[key]:
            raise SweepError(f"Sweep values for {key!r} are empty; give at least one value.")
    return checked


def list_combinations(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the values of ``space``, the last key varying fastest.

    >>> list_combinations({"a": [1, 2], "b": ["x", "y"]})
    [{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'y'}, {'a': 2, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    keys = list(space)
    return [dict(zip(keys, combination)) for combination in itertools.product(*space.values())]


class GridSource:
    """A trial source (see :class:`~._sweep_trial.TrialSource`) for every point of a grid.

    Trial ``n`` always has the ``n``-th combination, so a resumed sweep finds
    each trial in the folder it had; resuming skips the trials that succeeded.

    >>> source = GridSource({"a": [1, 2]})
    >>> source.total, source.ask().values, source.ask().values, source.ask()
    (2, {'a': 1}, {'a': 2}, None)
    """

    def __init__(
        self, space: Mapping[str, Sequence[Any]], points: Optional[Sequence[dict[str, Any]]] = None
    ) -> None:
        self.space = dict(space)
        self.points = list_combinations(self.space) if points is None else points
        self.total: Optional[int] = len(self.points)
        self._done: set[int] = set()
        self._next = 0

    def open(self, folder: Optional[Path]) -> None:
        """Nothing to keep: a grid is its description."""

    def resume(self, earlier: Sequence[Trial]) -> None:
        """Skip the trials that succeeded in the sweep being resumed."""
        self._done = {trial.number for trial in earlier if trial.status == "ok"}

    def ask(self) -> Optional[Trial]:
        """Return the next point of the grid not done yet, or None."""
        while self._next < len(self.points) and self._next in self._done:
            self._next += 1
        if self._next >= len(self.points):
            return None
        trial = Trial(self._next, dict(self.points[self._next]))
        self._next += 1
        return trial

    def tell(self, trial: Trial) -> None:
        """Nothing to learn: a grid is fixed."""

    def describe(self) -> dict[str, Any]:
        """Describe the grid, for the sweep folder."""
        return {"search": "grid", "space": self.space}
