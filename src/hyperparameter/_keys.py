"""Key rules: what a hyperparameter name may be, and how values become dotted keys.

A key is a string of one or more segments joined by dots (``"train.optimizer.lr"``).
A segment is never empty and holds no whitespace and none of ``= [ ] ,``, the
characters the ``key=value`` and list grammars use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any, Optional

from ._grammar import GrammarError, IndexAssignment, split_indexed
from .exceptions import InvalidKeyError, InvalidKeyTypeError

_FORBIDDEN = frozenset("=[],")
# Keys already checked, so entering a scope in a loop does not re-check them.
# Bounded, because programs may build keys dynamically without limit.
_checked: set[str] = set()
_CHECKED_LIMIT = 65536
# Value types that are never flattened: anything else is checked for Mapping.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), list, tuple, bytes, complex})


def check_key(key: Any) -> str:
    """Return ``key`` if it is a valid dotted name, else raise InvalidKeyError.

    >>> check_key("train.lr")
    'train.lr'
    >>> check_key("train. lr")
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.InvalidKeyError: Invalid hyperparameter key 'train. lr': it contains whitespace; expected dotted names such as 'train.lr'.
    """  # noqa: E501
    if type(key) is str and key in _checked:
        return key
    if not isinstance(key, str):
        raise InvalidKeyTypeError(key, f"it is of type {type(key).__name__}, not a string")
    # A str subclass is checked (and remembered) as the plain string it holds: its
    # own methods, __hash__ and __eq__ included, could lie to the checks and the cache.
    plain: str = str.__str__(key)
    if plain in _checked:
        return plain
    if not plain:
        raise InvalidKeyError(plain, "it is empty")
    if "" in plain.split("."):
        raise InvalidKeyError(plain, "it has an empty segment")
    if any(char.isspace() for char in plain):
        raise InvalidKeyError(plain, "it contains whitespace")
    bad = sorted(_FORBIDDEN.intersection(plain))
    if bad:
        raise InvalidKeyError(plain, f"it contains {', '.join(map(repr, bad))}")
    if len(_checked) >= _CHECKED_LIMIT:
        _checked.clear()
    _checked.add(plain)
    return plain


def are_plain_segments(*mappings: Mapping[Any, Any]) -> bool:
    """Tell whether every key of the mappings is a valid key segment without a dot, all at once.

    The quick test a big config file's tables take; ``check_key`` explains a key that fails.

    >>> are_plain_segments({"lr": 1, "epochs": 2}), are_plain_segments({"train.lr": 1})
    (True, False)
    >>> are_plain_segments({"a b": 1})
    False
    >>> are_plain_segments({"lr": 1}, {"": 2}), are_plain_segments({"lr": 1}, {"epochs": {"a,b": 2}})
    (False, True)
    """
    count = sum(map(len, mappings))
    if not count:
        return True
    try:
        # A comma cannot be part of a key, so in the joined keys each comma is a separator.
        joined = ",".join(chain.from_iterable(mappings))
    except TypeError:  # a key that is not a string
        return False
    return (
        joined.count(",") == count - 1
        and ",," not in joined  # no empty key
        and not joined.startswith(",")
        and not joined.endswith(",")
        and joined.split() == [joined]  # no whitespace
        and not any(char in joined for char in ".=[]")  # nor the rest of _FORBIDDEN
    )


def are_plain_keywords(kwargs: dict[str, Any]) -> bool:
    """Tell whether keyword values can be stored as given: known keys, no nested mappings.

    It is the cheap check that lets entering a scope in a hot loop skip ``collect``.
    """
    for key, value in kwargs.items():
        if type(key) is not str or key not in _checked or type(value) not in _PLAIN_TYPES:
            return False
    return True


def flatten(values: Mapping[Any, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings into dotted keys, checking every key.

    An empty nested mapping is kept as a value, so nothing set is lost.

    >>> flatten({"model": {"hidden": 256, "enc": {"layers": 4}}, "lr": 0.1})
    {'model.hidden': 256, 'model.enc.layers': 4, 'lr': 0.1}
    """
    flat: dict[str, Any] = {}
    _flatten_into(flat, values, prefix)
    return flat


def join_keys(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten a tree whose keys are already valid segments (a loaded config file's).

    >>> join_keys({"model": {"hidden": 256, "enc": {}}, "lr": 0.1})
    {'model.hidden': 256, 'model.enc': {}, 'lr': 0.1}
    """
    flat: dict[str, Any] = {}
    _join_into(flat, values, prefix)
    return flat


def _join_into(flat: dict[str, Any], values: Mapping[str, Any], prefix: str) -> None:
    for key, value in values.items():
        if type(value) is dict and value:
            _join_into(flat, value, prefix + key + ".")
        else:
            flat[prefix + key] = value


def _flatten_into(flat: dict[str, Any], values: Mapping[Any, Any], prefix: str) -> None:
    for key, value in values.items():
        if type(key) is not str and not isinstance(key, str):
            raise InvalidKeyTypeError(key, f"it is of type {type(key).__name__}, not a string")
        full = prefix + key
        if full not in _checked:
            check_key(full)
        # A dict or a plain value is told by its type alone; only other objects may be Mappings.
        # (Truth is asked of mappings only: an array's truth is an error.)
        if (
            type(value) is dict or (type(value) not in _PLAIN_TYPES and isinstance(value, Mapping))
        ) and value:
            _flatten_into(flat, value, full + ".")
        else:
            flat[full] = value


def assignment(key: str, value: Any) -> dict[str, Any]:
    """Return the values that setting ``key`` (checked) to ``value`` means.

    A non-empty mapping is the keys under ``key``.

    So ``hp.scope.train.opt = {"lr": 0.1}`` sets what ``hp.scope(**{"train.opt": {"lr": 0.1}})`` does.

    >>> assignment("train.opt", {"lr": 0.1, "betas": {"b1": 0.9}}), assignment("train.lr", 0.1)
    ({'train.opt.lr': 0.1, 'train.opt.betas.b1': 0.9}, {'train.lr': 0.1})
    """
    if (type(value) is dict or (type(value) not in _PLAIN_TYPES and isinstance(value, Mapping))) and value:
        return flatten(value, key + ".")
    return {key: value}


def parse_assignment(text: Any) -> tuple[str, Optional[int], str]:
    """Split ``"key=value"`` (or ``"key[i]=value"``) on the first ``=``.

    The key is stripped, the value kept as written.

    >>> parse_assignment(" train.lr=0.1")
    ('train.lr', None, '0.1')
    >>> parse_assignment("train.dims[1]=128")
    ('train.dims', 1, '128')
    """
    if not isinstance(text, str):
        raise InvalidKeyTypeError(
            text, f"a positional argument is a {type(text).__name__}", "'key=value' strings or mappings"
        )
    key, sep, value = str.__str__(text).partition("=")
    if not sep:
        raise InvalidKeyError(text, "it has no '='", "'key=value' strings such as 'train.lr=0.1'")
    try:
        name, index = split_indexed(key.strip())
    except GrammarError as error:
        raise InvalidKeyError(_shorten(key.strip()), str(error), "an index such as 'dims[1]'") from None
    return check_key(name), index, value


def _shorten(text: str, limit: int = 60) -> str:
    """Shorten ``text`` longer than ``limit`` to its start and end around an ellipsis."""
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}...{text[-limit // 2 :]}"


def collect(args: Iterable[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Gather the values a scope is built from: ``"k=v"`` strings, mappings, keywords.

    Later sources win; keywords come last.

    >>> collect(["a=1", {"b": {"c": 2}}], {"d": 3})
    {'a': '1', 'b.c': 2, 'd': 3}

    ``key[i]=value`` strings assign list items (see ``IndexAssignment``).
    """
    values: dict[str, Any] = {}
    # The index assignments built by this call, by key: later items of the same
    # key are added to them in place, so n items cost O(n), not O(n**2).
    building: dict[str, IndexAssignment] = {}
    for arg in args:
        if isinstance(arg, Mapping):
            values.update(flatten(arg))
            continue
        key, index, value = parse_assignment(arg)
        if index is None:
            values[key] = value
            continue
        previous: Any = values.get(key)
        if previous is None or previous is not building.get(key):
            if isinstance(previous, IndexAssignment):  # given by a mapping: never changed in place
                previous = IndexAssignment(dict(previous.items), previous.base)
            else:
                previous = IndexAssignment({}, previous)
            values[key] = building[key] = previous
        previous.items[index] = value
    for key, value in kwargs.items():
        values.update(assignment(check_key(key), value))
    return values
