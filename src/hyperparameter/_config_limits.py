"""Limits on what loading a config may expand to: depth, number of values, characters.

A few hundred bytes of YAML aliases, or of ``${...}`` references that repeat a
subtree or double a string, can expand to more values than memory holds. The
limits below sit far above any real config (which holds thousands of values,
not millions), and hitting one is a :class:`~hyperparameter.ConfigError` naming
the file and the key where the expansion went over, before the work is done.

>>> measure({"a": {"b": [1, 2]}}, None)
>>> shared = ["x" * 10] * 10
>>> nested = {"level0": shared}
>>> for level in range(1, 8):
...     nested = {f"level{level}": [nested] * 10}
>>> measure(nested, "aliases.yaml")
Traceback (most recent call last):
...
hyperparameter.exceptions.ConfigError: Config 'aliases.yaml' expands to more than 1000000 values at key 'level7[0].level6[0].level5[8]' (each alias or reference counts every time it is used); the limit guards against exponential expansion.
"""

from __future__ import annotations

from typing import Any, Optional

from ._key_paths import KeyPath, format_path
from .exceptions import ConfigError

#: Deepest nesting of mappings and lists a config may have.
MAX_DEPTH = 200
#: Most values (every mapping, list and scalar, counted once per place it appears) a config may expand to.
MAX_VALUES = 1_000_000
#: Most characters (in keys and strings, counted once per place they appear) a config may expand to.
MAX_CHARACTERS = 100_000_000


def _where(label: Optional[str]) -> str:
    return f"Config {label!r}" if label is not None else "The config"


def too_deep(path: KeyPath, label: Optional[str]) -> ConfigError:
    """The error for values nested deeper than MAX_DEPTH at ``path``."""
    shown = format_path(path[:12]) + ("..." if len(path) > 12 else "")
    return ConfigError(
        f"{_where(label)} nests values more than {MAX_DEPTH} levels deep at key {shown!r}; "
        f"flatten it (configs are a few levels deep)."
    )


def too_big(what: str, limit: int, path: KeyPath, label: Optional[str]) -> ConfigError:
    """The error for an expansion past ``limit`` ``what`` (values or characters) at ``path``."""
    return ConfigError(
        f"{_where(label)} expands to more than {limit} {what} at {_key(path)} (each alias or "
        f"reference counts every time it is used); the limit guards against exponential expansion."
    )


def _key(path: KeyPath) -> str:
    return f"key {format_path(path)!r}" if path else "the top level"


class Budget:
    """What an expansion has used so far: values and characters, checked against the limits."""

    def __init__(self, label: Optional[str]) -> None:
        self.label = label
        self.values = 0
        self.characters = 0

    def spend(self, values: int, characters: int, path: KeyPath, label: Optional[str] = None) -> None:
        """Count an expansion at ``path``; ConfigError when it goes over a limit."""
        self.values += values
        self.characters += characters
        if self.values > MAX_VALUES:
            raise too_big("values", MAX_VALUES, path, label or self.label)
        if self.characters > MAX_CHARACTERS:
            raise too_big("characters", MAX_CHARACTERS, path, label or self.label)


def measure(data: Any, label: Optional[str], budget: Optional[Budget] = None, path: KeyPath = ()) -> None:
    """Check ``data`` (found at ``path``) against the limits, before anything copies it.

    Shared parts (YAML aliases) count every time they appear but are walked
    once; a container met again inside itself (a recursive alias) is refused.
    """
    _measure(data, path, budget or Budget(label), {}, set())


def _measure(
    value: Any, path: KeyPath, budget: Budget, sizes: dict[int, tuple[int, int]], open_: set[int]
) -> None:
    if not isinstance(value, (dict, list, tuple)):
        budget.spend(1, len(value) if isinstance(value, str) else 0, path)
        return
    if len(path) > MAX_DEPTH:
        raise too_deep(path, budget.label)
    known = sizes.get(id(value))
    if known is not None:  # shared (an alias): counted again, not walked again
        budget.spend(*known, path)
        return
    if id(value) in open_:
        raise ConfigError(
            f"{_where(budget.label)} refers to itself at {_key(path)} (a recursive alias); "
            f"a value cannot contain itself."
        )
    open_.add(id(value))
    before = (budget.values, budget.characters)
    budget.spend(1, 0, path)
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str):
            budget.spend(0, len(key), (*path, key))
        _measure(item, (*path, key), budget, sizes, open_)
    open_.discard(id(value))
    sizes[id(value)] = (budget.values - before[0], budget.characters - before[1])
