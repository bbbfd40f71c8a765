"""Exceptions raised by hyperparameter.

Every exception derives from :class:`HyperparameterError` and also from the
built-in exception it really is, so ``except KeyError`` or ``except ValueError``
keeps working:

>>> import hyperparameter as hp
>>> try:
...     hp.scope.surely.missing()
... except KeyError as error:
...     print(error)
Missing hyperparameter 'surely.missing'; read it with a default (hp.scope.surely.missing | default) or set it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ConfigError",
    "ConversionError",
    "HyperparameterError",
    "InvalidKeyError",
    "InvalidKeyTypeError",
    "LaunchError",
    "MissingDependencyError",
    "MissingParameterError",
    "MissingReferenceError",
    "SchemaError",
    "ScopeError",
]


class HyperparameterError(Exception):
    """Root of every error this library raises."""


class InvalidKeyError(HyperparameterError, ValueError):
    """A key is not a dotted name such as ``'train.lr'``.

    >>> import hyperparameter as hp
    >>> hp.scope(**{"train..lr": 1})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.InvalidKeyError: Invalid hyperparameter key 'train..lr': it has an empty segment; expected dotted names such as 'train.lr'.
    """

    def __init__(
        self, key: Any, problem: str, expected: str = "dotted names such as 'train.lr'"
    ) -> None:
        self.key = key
        super().__init__(f"Invalid hyperparameter key {key!r}: {problem}; expected {expected}.")


class InvalidKeyTypeError(InvalidKeyError, TypeError):
    """A key is not a string."""


class MissingParameterError(HyperparameterError, KeyError):
    """A required hyperparameter was read but is set nowhere.

    ``str()`` gives the whole sentence rather than ``KeyError``'s quoted key.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)

    def __str__(self) -> str:
        return (
            f"Missing hyperparameter {self.key!r}; read it with a default "
            f"(hp.scope.{self.key} | default) or set it."
        )


class ConversionError(HyperparameterError, ValueError):
    """A stored value cannot become the type of the default it is read with.

    >>> import hyperparameter as hp
    >>> with hp.scope(**{"train.epochs": "ten"}):
    ...     hp.scope.train.epochs | 10
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ConversionError: Cannot convert hyperparameter 'train.epochs' = 'ten' to int (the type of the default 10): expected an integer or a float such as '42' or '3.5'.
    """

    def __init__(self, key: str, value: Any, default: Any, expected: str) -> None:
        self.key = key
        self.value = value
        self.default = default
        self.expected = expected
        super().__init__(
            f"Cannot convert hyperparameter {key!r} = {value!r} to "
            f"{type(default).__name__} (the type of the default {default!r}): "
            f"expected {expected}."
        )


class ScopeError(HyperparameterError, RuntimeError):
    """A scope was used against its protocol, e.g. exited out of order."""


class LaunchError(HyperparameterError, RuntimeError):
    """``hp.launch`` cannot build a program, e.g. it finds no function to run."""


class ConfigError(HyperparameterError, ValueError):
    """A configuration cannot be read, resolved, validated or saved.

    The message names the file and the key path where there is one.

    >>> import hyperparameter as hp
    >>> hp.config({"a": "${b}", "b": "${a}"})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ConfigError: Interpolation cycle: a -> b -> a; a value cannot refer to itself.
    """


class MissingReferenceError(ConfigError, KeyError):
    """An interpolation refers to a key, or an environment variable, that is not set.

    ``str()`` gives the whole sentence rather than ``KeyError``'s quoted message.
    """

    def __init__(self, message: str, key: str, reference: str) -> None:
        self.key = key
        self.reference = reference
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class SchemaError(ConfigError):
    """Config values do not fit a schema; ``problems`` lists every one as (key path, message)."""

    def __init__(self, schema: Any, problems: Sequence[tuple[str, str]], sources: Sequence[str]) -> None:
        self.schema = schema
        self.problems = list(problems)
        name = getattr(schema, "__name__", repr(schema))
        verb = "does" if len(sources) == 1 else "do"
        subject = f"{_describe_sources(sources)} {verb} not fit {name}"
        if len(self.problems) == 1:
            key, message = self.problems[0]
            super().__init__(f"{subject} at {key}: {message}.")
        else:
            lines = "".join(f"\n  {key}: {message}" for key, message in self.problems)
            super().__init__(f"{subject} ({len(self.problems)} problems):{lines}")


def _describe_sources(sources: Sequence[str]) -> str:
    """Name the files values came from: ``"Config 'a.toml'"``, or the values when none did."""
    if not sources:
        return "The config values"
    if len(sources) == 1:
        return f"Config {sources[0]!r}"
    return "Configs " + ", ".join(map(repr, sources))


class MissingDependencyError(HyperparameterError, ImportError):
    """An optional dependency is not installed; the message says what to install."""

    def __init__(self, module: str, purpose: str, install: str) -> None:
        super().__init__(f"{purpose} needs {module}, which is not installed: {install}.", name=module)
