"""Search spaces: where a random or Optuna search may draw each key's value from.

A space is written in a ``-D`` value (``key=uniform(a,b)``, ``loguniform(a,b)``,
``int(a,b)``, ``choice(a,b,c)``) or comes from a declared parameter whose kind
has a complete space (``hp.Float`` and ``hp.Int`` with both bounds,
``hp.Choice``, ``hp.Bool``). One rule for the ends everywhere: both ends of
``uniform``, ``loguniform`` and ``int`` can be drawn (as Optuna's
``suggest_float``/``suggest_int``); the grid's ``range(a,b)`` is Python's, stop
excluded, and means exactly the same values in a search.

>>> parse_space("int(1, 4)")
IntRange(1, 4)
>>> parse_space("loguniform(1e-5, 1e-1)")
Uniform(1e-05, 0.1, log=True)
>>> parse_space("choice(relu, gelu)")
Categorical(['relu', 'gelu'])
>>> parse_space("0.1") is None
True
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Mapping
from typing import Any, Optional

from ._grammar import GrammarError, split_list
from ._kinds import Bool, Choice, Float, Int, Parameter
from .exceptions import SearchSpaceError

_FORM = re.compile(r"^\s*(uniform|loguniform|int|choice)\s*\((.*)\)\s*$", re.DOTALL)
# A declared float whose bounds span this many times or more is searched on a log scale.
LOG_RATIO = 100.0


class Dimension:
    """The values one key may take in a search, and how to draw one."""

    log = False

    def pick(self, u: float) -> Any:
        """Return the value at ``u`` in ``[0, 1)``: a uniform ``u`` gives a value drawn from this space."""
        raise NotImplementedError

    def pick_many(self, us: list[float]) -> list[Any]:
        """Return the values at each of ``us`` (what :meth:`pick` gives, in one call per search)."""
        return [self.pick(u) for u in us]

    def list_ends(self) -> list[Any]:
        """Return the extreme values, checked like any other value before a search starts."""
        raise NotImplementedError


class Uniform(Dimension):
    """A float in ``[low, high]``, both ends included; with ``log``, uniform in its logarithm."""

    def __init__(self, low: float, high: float, log: bool = False) -> None:
        self.low, self.high, self.log = float(low), float(high), log

    def pick(self, u: float) -> float:
        if self.log:
            low, high = math.log(self.low), math.log(self.high)
            return min(
                max(math.exp(low + u * (high - low)), self.low), self.high
            )  # exp may round past an end
        return min(self.low + u * (self.high - self.low), self.high)

    def pick_many(self, us: list[float]) -> list[Any]:
        if self.log:
            return super().pick_many(us)
        low, width, high = self.low, self.high - self.low, self.high
        return [min(low + u * width, high) for u in us]

    def list_ends(self) -> list[Any]:
        return [self.low, self.high]

    def __repr__(self) -> str:
        return f"Uniform({self.low!r}, {self.high!r}{', log=True' if self.log else ''})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Uniform) and (self.low, self.high, self.log) == (
            other.low,
            other.high,
            other.log,
        )

    __hash__ = None  # type: ignore[assignment]


class IntRange(Dimension):
    """An integer from ``low`` to ``high``, both ends included."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def pick(self, u: float) -> int:
        return min(self.low + int(u * (self.high - self.low + 1)), self.high)

    def pick_many(self, us: list[float]) -> list[Any]:
        low, count, high = self.low, self.high - self.low + 1, self.high
        return [min(low + int(u * count), high) for u in us]

    def list_ends(self) -> list[Any]:
        return [self.low, self.high]

    def __repr__(self) -> str:
        return f"IntRange({self.low}, {self.high})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntRange) and (self.low, self.high) == (other.low, other.high)

    __hash__ = None  # type: ignore[assignment]


class Categorical(Dimension):
    """One of a list of values, each as likely."""

    def __init__(self, options: Iterable[Any]) -> None:
        self.options = list(options)

    def pick(self, u: float) -> Any:
        return self.options[min(int(u * len(self.options)), len(self.options) - 1)]

    def pick_many(self, us: list[float]) -> list[Any]:
        options, count = self.options, len(self.options)
        return [options[min(int(u * count), count - 1)] for u in us]

    def list_ends(self) -> list[Any]:
        return list(self.options)

    def __repr__(self) -> str:
        return f"Categorical({self.options!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Categorical) and self.options == other.options

    __hash__ = None  # type: ignore[assignment]


def parse_space(text: str, key: str = "") -> Optional[Dimension]:
    """Parse the space ``text`` writes, or None when it is not one of the space forms.

    Raises:
        SearchSpaceError: a space form with bad arguments (the message names ``key``).

    >>> parse_space("uniform(0, 1)")
    Uniform(0.0, 1.0)
    >>> parse_space("int(1, 2.5)", "model.layers")
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SearchSpaceError: model.layers=int(1, 2.5): int(a, b) needs two integers a < b, not '2.5'.
    """  # noqa: E501
    match = _FORM.match(text)
    if match is None:
        return None
    form, body = match.group(1), match.group(2)
    where = f"{key}={text.strip()}" if key else text.strip()
    try:
        arguments = split_list(f"[{body}]")
    except GrammarError as error:
        raise SearchSpaceError(f"{where}: {error}.") from None
    if form == "choice":
        if not arguments:
            raise SearchSpaceError(f"{where}: choice(...) needs at least one value.")
        return Categorical(arguments)
    if len(arguments) != 2:
        raise SearchSpaceError(f"{where}: {form}(a, b) takes two numbers, not {len(arguments)}.")
    if form == "int":
        return _parse_int_range(where, arguments)
    return _parse_uniform(where, form, arguments)


def find_space_form(text: str) -> Optional[str]:
    """Return the name of the search-space form ``text`` is written in, or None.

    >>> find_space_form("choice(a, b)"), find_space_form(" int(1,4) "), find_space_form("a,b")
    ('choice', 'int', None)
    """
    match = _FORM.match(text)
    return match.group(1) if match else None


def _parse_int_range(where: str, arguments: list[str]) -> IntRange:
    ends = []
    for argument in arguments:
        try:
            ends.append(int(argument))
        except ValueError:
            raise SearchSpaceError(
                f"{where}: int(a, b) needs two integers a < b, not {argument!r}."
            ) from None
    if ends[0] >= ends[1]:
        raise SearchSpaceError(f"{where}: int(a, b) needs a < b (both ends are included).")
    return IntRange(ends[0], ends[1])


def _parse_uniform(where: str, form: str, arguments: list[str]) -> Uniform:
    ends = []
    for argument in arguments:
        try:
            value = float(argument)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise SearchSpaceError(f"{where}: {form}(a, b) needs two finite numbers, not {argument!r}.")
        ends.append(value)
    log = form == "loguniform"
    if log and ends[0] <= 0:
        raise SearchSpaceError(f"{where}: loguniform(a, b) needs 0 < a < b.")
    if ends[0] >= ends[1]:
        raise SearchSpaceError(f"{where}: {form}(a, b) needs a < b (both ends are included).")
    return Uniform(ends[0], ends[1], log=log)


def find_declared_space(parameter: Parameter[Any]) -> Optional[Dimension]:
    """Return the space of a declared parameter, or None when its kind does not bound one.

    Floats and ints need both bounds (an excluded end moves to the next value
    inside); a float whose declared bounds are positive and span ``LOG_RATIO``
    or more is searched on a log scale, as learning rates and weight decays
    are. A float excluding 0, ``(0, x]``, is searched evenly.

    >>> import hyperparameter as hp
    >>> find_declared_space(hp.Float(1e-3, bounds=(1e-5, 1e-1)))
    Uniform(1e-05, 0.1, log=True)
    >>> find_declared_space(hp.Float(0.1, bounds=(0, 0.5), inclusive_bounds=(False, True)))
    Uniform(5e-324, 0.5)
    >>> find_declared_space(hp.Int(3, bounds=(1, 8), inclusive_bounds=(True, False)))
    IntRange(1, 7)
    >>> find_declared_space(hp.Int(3, bounds=(1, None))) is None
    True
    """
    if isinstance(parameter, Bool):
        return Categorical([False, True])
    if isinstance(parameter, Choice):
        return Categorical(parameter.objects)
    if not isinstance(parameter, (Float, Int)) or parameter.bounds is None:
        return None
    low, high = parameter.bounds
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return None
    low_in, high_in = parameter.inclusive_bounds
    if isinstance(parameter, Int):
        low, high = low + (not low_in), high - (not high_in)
        return IntRange(low, high) if low < high else None
    # The scale comes from the declared bounds: (0, x] is searched evenly, not on a log
    # scale from the first float above 0 (where every draw would be about 0).
    log = low > 0 and high / low >= LOG_RATIO
    low = low if low_in else math.nextafter(low, math.inf)
    high = high if high_in else math.nextafter(high, -math.inf)
    if low >= high:
        return None
    return Uniform(low, high, log=log)


def find_declared_spaces(classes: Iterable[type]) -> dict[str, Dimension]:
    """Return the spaces of every declared parameter of these ``hp.Params`` classes that has one."""
    spaces: dict[str, Dimension] = {}
    for cls in classes:
        for parameter in cls.params().values():  # type: ignore[attr-defined]
            space = find_declared_space(parameter)
            if space is not None and not parameter.constant:
                spaces[parameter.key] = space
    return spaces


def draw_trials(space: Mapping[str, Dimension], seed: int, trials: int) -> list[dict[str, Any]]:
    """Draw the values of trials ``0 .. trials-1`` of a random search seeded with ``seed``.

    Each key draws from its own stream, named by the seed and the key, so trial
    ``n`` has the same values whatever the number of trials (a longer search
    begins with a shorter one), the order of the keys, or the other keys.

    >>> space = {"lr": Uniform(0, 1), "layers": IntRange(1, 4)}
    >>> draw_trials(space, 7, 3) == draw_trials(dict(reversed(space.items())), 7, 5)[:3]
    True
    """
    columns = []
    for key in space:
        draw = random.Random(f"{seed}/{key}").random  # a text seed: the same in every process
        columns.append(space[key].pick_many([draw() for _ in range(trials)]))
    keys = list(space)
    return [dict(zip(keys, row)) for row in zip(*columns)] if keys else [{} for _ in range(trials)]
