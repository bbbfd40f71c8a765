"""Key rules: what a hyperparameter name may be, and how values become dotted keys.

A key is a string of one or more segments joined by dots (``"train.optimizer.lr"``).
A segment is never empty and holds no whitespace and none of ``= [ ] ,``, the
characters the ``key=value`` and list grammars use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional

from ._grammar import IndexAssignment, split_indexed
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
    """
    if type(key) is str and key in _checked:
        return key
    if not isinstance(key, str):
        raise InvalidKeyTypeError(key, f"it is of type {type(key).__name__}, not a string")
    if not key:
        raise InvalidKeyError(key, "it is empty")
    if "" in key.split("."):
        raise InvalidKeyError(key, "it has an empty segment")
    if any(char.isspace() for char in key):
        raise InvalidKeyError(key, "it contains whitespace")
    bad = sorted(_FORBIDDEN.intersection(key))
    if bad:
        raise InvalidKeyError(key, f"it contains {', '.join(map(repr, bad))}")
    if len(_checked) >= _CHECKED_LIMIT:
        _checked.clear()
    _checked.add(key)
    return key


def plain_keywords(kwargs: dict[str, Any]) -> bool:
    """Whether keyword values can be stored as given: known keys, no nested mappings.

    It is the cheap check that lets entering a scope in a hot loop skip ``collect``.
    """
    for key, value in kwargs.items():  # noqa: SIM110  (a loop costs less than all() over a generator)
        if key not in _checked or type(value) not in _PLAIN_TYPES:
            return False
    return True


def flatten(values: Mapping[Any, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings into dotted keys, checking every key.

    An empty nested mapping is kept as a value, so nothing set is lost.

    >>> flatten({"model": {"hidden": 256, "enc": {"layers": 4}}, "lr": 0.1})
    {'model.hidden': 256, 'model.enc.layers': 4, 'lr': 0.1}
    """
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise InvalidKeyTypeError(key, f"it is of type {type(key).__name__}, not a string")
        full = check_key(prefix + key)
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


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
    key, sep, value = text.partition("=")
    if not sep:
        raise InvalidKeyError(text, "it has no '='", "'key=value' strings such as 'train.lr=0.1'")
    name, index = split_indexed(key.strip())
    return check_key(name), index, value


def _assign_item(previous: Any, index: int, text: str) -> IndexAssignment:
    """Combine ``key[index]=text`` with what the same arguments already set for key."""
    if isinstance(previous, IndexAssignment):
        return previous.with_item(index, text)
    return IndexAssignment({index: text}, previous)


def collect(args: Iterable[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Gather the values a scope is built from: ``"k=v"`` strings, mappings, keywords.

    Later sources win; keywords come last.

    >>> collect(["a=1", {"b": {"c": 2}}], {"d": 3})
    {'a': '1', 'b.c': 2, 'd': 3}

    ``key[i]=value`` strings assign list items (see ``IndexAssignment``).
    """
    values: dict[str, Any] = {}
    for arg in args:
        if isinstance(arg, Mapping):
            values.update(flatten(arg))
        else:
            key, index, value = parse_assignment(arg)
            values[key] = value if index is None else _assign_item(values.get(key), index, value)
    for key, value in kwargs.items():
        if isinstance(value, Mapping) and value:
            values.update(flatten(value, check_key(key) + "."))
        else:
            values[check_key(key)] = value
    return values
