"""Numbers of other libraries (NumPy scalars, 0-d arrays and tensors) as plain Python numbers.

ML code returns ``np.mean(...)``, ``np.int64`` counts and 0-d tensors where it
means a number. A number here is a ``numbers.Real`` or anything with
``__index__`` or ``__float__`` that is not an array of one or more dimensions;
its plain value is a ``bool``, ``int`` or ``float``, which JSON, CSV and
comparisons take as they are.

>>> from fractions import Fraction
>>> plain_number(Fraction(1, 4)), plain_number("0.5"), plain_number(True)
(0.25, '0.5', True)
"""

from __future__ import annotations

import enum
import numbers
import operator
import pathlib
from collections.abc import Mapping
from typing import Any

_PLAIN = (bool, int, float)
_FAILED = (TypeError, ValueError, OverflowError, ArithmeticError)


def plain_number(value: Any) -> Any:
    """Return ``value`` as a plain ``bool``, ``int`` or ``float`` when it is a number, else ``value``.

    A NumPy bool stays a bool, an integer becomes an ``int``, the rest a ``float``;
    an array with dimensions is not a number, even with one element.

    >>> import decimal
    >>> plain_number(decimal.Decimal("2.5")), plain_number([1])
    (2.5, [1])
    """
    if type(value) in _PLAIN or isinstance(value, (str, bytes)) or value is None:
        return value
    is_number = isinstance(value, numbers.Real) or any(
        hasattr(type(value), method) for method in ("__index__", "__float__")
    )
    if not is_number or getattr(value, "ndim", 0) != 0:
        return value
    item = getattr(value, "item", None)  # NumPy, PyTorch, JAX: the Python scalar, bools included
    if callable(item):
        try:
            scalar = item()
        except _FAILED:
            scalar = None
        if type(scalar) in _PLAIN:
            return scalar
    for convert in (operator.index, float):
        try:
            return convert(value)
        except _FAILED:
            pass
    return value


def as_real_number(value: Any) -> Any:
    """Return ``value`` as a plain ``int`` or ``float`` when it is a number (not a bool), else None.

    >>> as_real_number(3), as_real_number(False), as_real_number("3")
    (3, None, None)
    """
    plain = plain_number(value)
    return plain if type(plain) in (int, float) else None


def jsonable(value: Any) -> Any:
    """Return ``value`` as JSON holds it, written as ``hp.save_config`` writes it where JSON has no type.

    Numbers are plain, a path is its text, an enum member its name, a tuple
    or set a list, containers go through; one value JSON cannot hold becomes
    its ``repr`` and the values around it stay as they are (a container
    inside itself too).

    >>> import enum, pathlib
    >>> class Color(enum.Enum):
    ...     RED = 1
    >>> jsonable({"acc": 0.9, "model": object, 3: (1, None), "out": pathlib.PurePosixPath("/x")})
    {'acc': 0.9, 'model': "<class 'object'>", '3': [1, None], 'out': '/x'}
    >>> jsonable([Color.RED, {2, 1}])
    ['RED', [1, 2]]
    """
    return _to_jsonable(value, set())


def _to_jsonable(value: Any, inside: set[int]) -> Any:
    value = plain_number(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, pathlib.PurePath):
        return str(value)
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=repr)
    if not isinstance(value, (Mapping, list, tuple)) or id(value) in inside:
        return repr(value)
    inside.add(id(value))
    try:
        if isinstance(value, Mapping):
            return {
                key if isinstance(key, str) else str(key): _to_jsonable(item, inside)
                for key, item in value.items()
            }
        return [_to_jsonable(item, inside) for item in value]
    finally:
        inside.discard(id(value))
