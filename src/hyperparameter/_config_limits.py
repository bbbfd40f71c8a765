"""Limits on what loading a config may expand to: depth, number of values, characters.

A few hundred bytes of YAML aliases, or of ``${...}`` references that repeat a
subtree or double a string, can expand to more values than memory holds. The
default limits sit far above any real config (which holds thousands of values,
not millions), and hitting one is a :class:`~hyperparameter.ConfigError` naming
the file and the key where the expansion went over, before the work is done.
``hp.config(..., limits=hp.ConfigLimits(...))`` sets other limits for one call.

>>> measure({"a": {"b": [1, 2]}}, None)
>>> shared = ["x" * 10] * 10
>>> nested = {"level0": shared}
>>> for level in range(1, 8):
...     nested = {f"level{level}": [nested] * 10}
>>> measure(nested, "aliases.yaml")
Traceback (most recent call last):
...
hyperparameter.exceptions.ConfigError: Config 'aliases.yaml' expands to more than 1000000 values at key 'level7[0].level6[0].level5[8]' (each alias or reference counts every time it is used); the limit guards against exponential expansion.
"""  # noqa: E501

from __future__ import annotations

import sys
from typing import Any, Optional

from ._key_paths import KeyPath, format_path
from .exceptions import ConfigError

#: Deepest nesting of mappings and lists a config may have, by default.
MAX_DEPTH = 200
#: Most values (every mapping, list and scalar, counted once per place it appears) a config may
#: expand to, by default.
MAX_VALUES = 1_000_000
#: Most characters (in keys and strings, counted once per place they appear) a config may expand
#: to, by default.
MAX_CHARACTERS = 100_000_000
_DEFAULTS = {"depth": MAX_DEPTH, "values": MAX_VALUES, "characters": MAX_CHARACTERS}
# Python frames the caller and the loader itself may use besides one per level of nesting.
_FRAMES_SPARE = 100


class ConfigLimits:
    """How far loading a config may go: nesting depth, values and characters, for ``hp.config(limits=)``.

    Args:
        depth: the deepest nesting of mappings and lists (default 200).
        values: the most values the config may expand to, every mapping, list
            and scalar counted once per place it appears, so a YAML alias or a
            ``${...}`` reference counts each time it is used (default 1,000,000).
        characters: the most characters in keys and strings, counted the same
            way (default 100,000,000).

    Each is a whole number of at least 1; the defaults sit far above real
    configs, so lower them to refuse untrusted files early, or raise them for
    a generated config that is bigger still.

    >>> import hyperparameter as hp
    >>> hp.ConfigLimits(values=10_000)
    ConfigLimits(depth=200, values=10000, characters=100000000)
    >>> hp.config({"train": {"dims": [1, 2, 3]}}, limits=hp.ConfigLimits(values=4))
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ConfigError: The config expands to more than 4 values at key 'train.dims[1]' (each alias or reference counts every time it is used); the limit guards against exponential expansion.
    """  # noqa: E501

    __slots__ = ("characters", "depth", "values")
    depth: int
    values: int
    characters: int

    def __init__(
        self, depth: int = MAX_DEPTH, values: int = MAX_VALUES, characters: int = MAX_CHARACTERS
    ) -> None:
        for name, limit in (("depth", depth), ("values", values), ("characters", characters)):
            if isinstance(limit, bool) or not isinstance(limit, int):
                raise TypeError(
                    f"ConfigLimits({name}={limit!r}) is {type(limit).__name__}; expected a whole number "
                    f"such as {_DEFAULTS[name]} (the default)."
                )
            if limit < 1:
                raise ValueError(
                    f"ConfigLimits({name}={limit!r}) is below 1; expected a whole number of at least 1."
                )
            object.__setattr__(self, name, limit)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"ConfigLimits cannot be changed; make another, e.g. hp.ConfigLimits({name}={value!r})."
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ConfigLimits cannot be changed.")

    def __repr__(self) -> str:
        return f"ConfigLimits(depth={self.depth}, values={self.values}, characters={self.characters})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigLimits):
            return NotImplemented
        return (self.depth, self.values, self.characters) == (other.depth, other.values, other.characters)

    def __hash__(self) -> int:
        return hash((self.depth, self.values, self.characters))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConfigLimits, (self.depth, self.values, self.characters))


DEFAULT_LIMITS = ConfigLimits()


def checked_limits(limits: Optional[ConfigLimits]) -> ConfigLimits:
    """Check ``limits`` (None: the defaults); refuse one not a ConfigLimits or deeper than Python recurses."""
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, ConfigLimits):
        raise TypeError(
            f"hp.config(limits=...) takes an hp.ConfigLimits, not {type(limits).__name__} {limits!r}; "
            f"e.g. limits=hp.ConfigLimits(depth=50)."
        )
    deepest = sys.getrecursionlimit() - _FRAMES_SPARE
    if limits.depth > deepest:
        raise ValueError(
            f"ConfigLimits(depth={limits.depth}) is deeper than Python's recursion limit "
            f"({sys.getrecursionlimit()}) lets a config be walked; expected at most {deepest}, "
            f"or raise sys.setrecursionlimit() first."
        )
    return limits


def _where(label: Optional[str]) -> str:
    return f"Config {label!r}" if label is not None else "The config"


def too_deep(path: KeyPath, label: Optional[str], depth: int) -> ConfigError:
    """Build the error for values nested deeper than ``depth`` at ``path``."""
    shown = format_path(path[:12]) + ("..." if len(path) > 12 else "")
    return ConfigError(
        f"{_where(label)} nests values more than {depth} level{'s' if depth != 1 else ''} deep "
        f"at key {shown!r}; "
        f"flatten it (configs are a few levels deep)."
    )


def too_big(what: str, limit: int, path: KeyPath, label: Optional[str]) -> ConfigError:
    """Build the error for an expansion past ``limit`` ``what`` (values or characters) at ``path``."""
    return ConfigError(
        f"{_where(label)} expands to more than {limit} {what} at {_key(path)} (each alias or "
        f"reference counts every time it is used); the limit guards against exponential expansion."
    )


def _key(path: KeyPath) -> str:
    return f"key {format_path(path)!r}" if path else "the top level"


class Budget:
    """What an expansion has used so far: values and characters, checked against the limits."""

    def __init__(self, label: Optional[str], limits: ConfigLimits = DEFAULT_LIMITS) -> None:
        self.label = label
        self.limits = limits
        self.values = 0
        self.characters = 0

    def spend(self, values: int, characters: int, path: KeyPath, label: Optional[str] = None) -> None:
        """Count an expansion at ``path``; ConfigError when it goes over a limit."""
        self.values += values
        self.characters += characters
        if self.values > self.limits.values:
            raise too_big("values", self.limits.values, path, label or self.label)
        if self.characters > self.limits.characters:
            raise too_big("characters", self.limits.characters, path, label or self.label)


def measure(
    data: Any,
    label: Optional[str],
    budget: Optional[Budget] = None,
    path: KeyPath = (),
    limits: ConfigLimits = DEFAULT_LIMITS,
) -> None:
    """Check ``data`` (found at ``path``) against the limits, before anything copies it.

    Shared parts (YAML aliases) count every time they appear but are walked
    once; a container met again inside itself (a recursive alias) is refused.
    """
    _measure(data, path, budget or Budget(label, limits), {}, set())


def _measure(
    value: Any, path: KeyPath, budget: Budget, sizes: dict[int, tuple[int, int]], open_: set[int]
) -> None:
    if not isinstance(value, (dict, list, tuple)):
        budget.spend(1, len(value) if isinstance(value, str) else 0, path)
        return
    if len(path) > budget.limits.depth:
        raise too_deep(path, budget.label, budget.limits.depth)
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
