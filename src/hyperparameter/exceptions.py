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
from typing import Any, Optional

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
    "ParameterError",
    "ParameterTypeError",
    "ParameterValueError",
    "SchemaError",
    "ScopeError",
    "SearchSpaceError",
    "SweepError",
    "SweepFolderError",
    "UnpicklableValueError",
    "UsageError",
]


class HyperparameterError(Exception):
    """Root of every error this library raises.

    >>> import hyperparameter as hp
    >>> try:
    ...     hp.scope(**{"train lr": 0.1})
    ... except hp.HyperparameterError as error:
    ...     type(error).__name__
    'InvalidKeyError'

    Every one pickles with its message and attributes, so an error raised in a
    worker process reaches the parent intact:

    >>> import pickle
    >>> error = hp.ConversionError("train.epochs", "ten", 10, "an integer")
    >>> copy = pickle.loads(pickle.dumps(error))
    >>> type(copy).__name__, copy.key, str(copy) == str(error)
    ('ConversionError', 'train.epochs', True)
    """

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds an exception by calling its class with ``args``,
        # which fails for errors whose __init__ takes other arguments than the
        # message; rebuild from the message and the attributes instead.
        state = dict(self.__dict__)
        if isinstance(self, ImportError):  # name and path are slots, not in __dict__
            state.update(name=self.name, path=self.path)
        portable = {name: _make_portable(value) for name, value in state.items()}
        return _rebuild, (type(self), self.args, portable)


def _make_portable(value: Any) -> Any:
    """Return ``value`` if it pickles, else its repr: an error must cross even if an attribute cannot.

    (A schema class defined inside a function is one such attribute.)
    """
    import pickle  # only when an error is pickled: most programs never need it

    try:
        pickle.dumps(value)
    except Exception:
        return repr(value)
    return value


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    """Rebuild an unpickled error without calling its ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    for name, value in state.items():
        setattr(error, name, value)
    return error


class InvalidKeyError(HyperparameterError, ValueError):
    """A key is not a dotted name such as ``'train.lr'``.

    >>> import hyperparameter as hp
    >>> hp.scope(**{"train..lr": 1})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.InvalidKeyError: Invalid hyperparameter key 'train..lr': it has an empty segment; expected dotted names such as 'train.lr'.
    """  # noqa: E501

    def __init__(self, key: Any, problem: str, expected: str = "dotted names such as 'train.lr'") -> None:
        self.key = key
        super().__init__(f"Invalid hyperparameter key {key!r}: {problem}; expected {expected}.")


class InvalidKeyTypeError(InvalidKeyError, TypeError):
    """A key is not a string.

    >>> import hyperparameter as hp
    >>> hp.scope({1: "a"})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.InvalidKeyTypeError: Invalid hyperparameter key 1: it is of type int, not a string; expected dotted names such as 'train.lr'.
    """  # noqa: E501


class MissingParameterError(HyperparameterError, KeyError):
    """A required hyperparameter was read but is set nowhere.

    ``str()`` gives the whole sentence rather than ``KeyError``'s quoted key.

    >>> import hyperparameter as hp
    >>> hp.scope.train.lr()
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.MissingParameterError: Missing hyperparameter 'train.lr'; read it with a default (hp.scope.train.lr | default) or set it.
    """  # noqa: E501

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
    """  # noqa: E501

    def __init__(
        self, key: str, value: Any, default: Any, expected: str, declared: Optional[str] = None
    ) -> None:
        self.key = key
        self.value = value
        self.default = default
        self.expected = expected
        self.declared = declared  # the declared type, when there is one rather than a default
        target = (
            declared
            if declared is not None
            else (f"{type(default).__name__} (the type of the default {default!r})")
        )
        super().__init__(
            f"Cannot convert hyperparameter {key!r} = {_show(value)} to {target}: expected {expected}."
        )


def _show(value: Any, limit: int = 200) -> str:
    """Show ``repr(value)`` for a message: shortened around an ellipsis when long, never failing.

    An int of more digits than Python writes out (``sys.set_int_max_str_digits``)
    is described by its size instead.
    """
    try:
        text = repr(value)
    except ValueError:
        return f"<an int of about {int(abs(value).bit_length() * 0.30103) + 1} digits>"
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-limit // 2 :]}"


class ParameterError(HyperparameterError):
    """A declared parameter (``hp.Float``, ``hp.Int``...) refuses a value; ``key`` and ``value`` say which.

    Each refusal is also the built-in error it is: :class:`ParameterValueError`
    (a ``ValueError``) or :class:`ParameterTypeError` (a ``TypeError``).

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     epochs = hp.Int(10, bounds=(1, None))
    >>> for bad in (0, "ten"):
    ...     try:
    ...         Train(epochs=bad)
    ...     except hp.ParameterError as error:
    ...         print(type(error).__name__, error.key, repr(error.value))
    ParameterValueError train.epochs 0
    ParameterTypeError train.epochs 'ten'
    """

    def __init__(self, message: str, key: str = "", value: Any = None) -> None:
        self.key = key
        self.value = value
        super().__init__(message)


class ParameterValueError(ParameterError, ValueError):
    """A declared parameter refuses a value out of its bounds or choices.

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     lr = hp.Float(1e-3, bounds=(0, 1))
    >>> try:
    ...     Train(lr=2)
    ... except ValueError as error:
    ...     print(type(error).__name__, error.key, error.value)
    ParameterValueError train.lr 2
    """


class ParameterTypeError(ParameterError, TypeError):
    """A declared parameter refuses a value of the wrong type, or a name or write it does not have.

    >>> import hyperparameter as hp
    >>> class Train(hp.Params, namespace="train"):
    ...     epochs = hp.Int(10)
    >>> Train(epochs=2.5)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ParameterTypeError: Parameter 'train.epochs' expects an int, not float 2.5.
    """


class ScopeError(HyperparameterError, RuntimeError):
    """A scope was used against its protocol, e.g. exited out of order.

    >>> import hyperparameter as hp
    >>> outer, inner = hp.scope(x=1), hp.scope(y=2)
    >>> _ = outer.__enter__(), inner.__enter__()
    >>> outer.__exit__(None, None, None)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.ScopeError: Scope hp.scope({'x': 1}) exited out of order: the innermost active scope is hp.scope({'x': 1, 'y': 2}); exit inner scopes first (with-blocks keep the order).
    >>> inner.__exit__(None, None, None), outer.__exit__(None, None, None)
    (None, None)
    """  # noqa: E501


class UnpicklableValueError(HyperparameterError, TypeError):
    """A value cannot cross to another process: it does not pickle.

    Values reach other processes as pickles (``hp.bind_scope``, the frozen
    baseline of a spawned process, a pickled scope). ``key`` names the
    hyperparameter and ``type_name`` the type of its value.

    >>> import pickle, hyperparameter as hp
    >>> pickle.dumps(hp.scope(**{"train.hook": lambda: 0}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.UnpicklableValueError: Cannot hand hyperparameter 'train.hook' (a function) to another process: ...
    """  # noqa: E501

    def __init__(self, key: str, value: Any, cause: BaseException) -> None:
        self.key = key
        self.type_name = type(value).__name__
        super().__init__(
            f"Cannot hand hyperparameter {key!r} (a {self.type_name}) to another process: "
            f"it does not pickle ({cause}); set it to a value that pickles, such as a module-level "
            "function, or to its import path."
        )


class LaunchError(HyperparameterError, RuntimeError):
    """``hp.launch`` cannot build a program, e.g. it finds no function to run.

    >>> import hyperparameter as hp
    >>> hp.launch(argv=[])  # here, in a module without any @hp.param function
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.LaunchError: hp.launch() found no public @hp.param function in module 'hyperparameter.exceptions'; decorate one with @hp.param, or pass the function: hp.launch(main).
    """  # noqa: E501


class UsageError(HyperparameterError, ValueError):
    """A launched program was given a value or an argument it refuses; the launcher exits with status 2.

    ``key``, ``value`` and ``source`` (``-D``, ``-C FILE``, ``--option``) say
    which value it was, when the error is about one value.

    >>> import hyperparameter as hp
    >>> @hp.param("app")
    ... def main(epochs: int = 3):
    ...     return epochs
    >>> try:
    ...     hp.launch(main, argv=["-D", "app.epochs=2.5"])
    ... except SystemExit as stop:
    ...     stop.code
    2

    The launcher prints ``-D sets 'app.epochs' to '2.5', but main at app.py:2
    expects an integer such as '42'.`` on stderr; its sweeps raise the error itself.
    """

    def __init__(
        self, message: str, key: Optional[str] = None, value: Any = None, source: Optional[str] = None
    ) -> None:
        self.key = key
        self.value = value
        self.source = source
        super().__init__(message)


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

    >>> import hyperparameter as hp
    >>> hp.config({"name": "run-${train.name}"})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.MissingReferenceError: The key 'name' refers to '${train.name}', but 'train' is not set.
    """  # noqa: E501

    def __init__(self, message: str, key: str, reference: str) -> None:
        self.key = key
        self.reference = reference
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class SchemaError(ConfigError):
    """Config values do not fit a schema; ``problems`` lists every one as (key path, message).

    >>> import dataclasses, hyperparameter as hp
    >>> @dataclasses.dataclass
    ... class Train:
    ...     lr: float = 0.1
    ...     epochs: int = 10
    >>> hp.config({"lr": "fast", "epoch": 3}, schema=Train)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SchemaError: The config values do not fit Train (2 problems):
      'lr': expected float, got 'fast' (str)
      'epoch': is not a field of Train. Did you mean 'epochs'?
    """

    def __init__(self, schema: Any, problems: Sequence[tuple[str, str]], sources: Sequence[str]) -> None:
        self.schema = schema
        self.problems = list(problems)
        name = getattr(schema, "__name__", repr(schema))
        verb = "does" if len(sources) == 1 else "do"
        subject = f"{_describe_sources(sources)} {verb} not fit {name}"
        if len(self.problems) == 1:
            key, message = self.problems[0]
            end = "" if message.endswith("?") else "."
            super().__init__(f"{subject} at {key}: {message}{end}")
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
    """An optional dependency is not installed; the message says what to install.

    This is what ``hp.config("exp.yaml")`` raises without PyYAML:

    >>> import hyperparameter as hp
    >>> print(
    ...     hp.MissingDependencyError(
    ...         "PyYAML", "Reading YAML config files", "pip install 'hyperparameter[yaml]'"
    ...     )
    ... )
    Reading YAML config files needs PyYAML, which is not installed: pip install 'hyperparameter[yaml]'.
    """

    def __init__(self, module: str, purpose: str, install: str) -> None:
        super().__init__(f"{purpose} needs {module}, which is not installed: {install}.", name=module)


class SweepError(HyperparameterError, ValueError):
    """A sweep cannot start, or a trial lacks the objective.

    A sweep cannot start on bad swept values, an unknown backend or a folder that does not fit.

    >>> import hyperparameter as hp
    >>> hp.sweep(lambda: None, {"train.lr": 0.1})
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SweepError: Sweep values for 'train.lr' must be a list of values, not float 0.1; wrap one value in a list, or set it with hp.scope around the sweep.
    """  # noqa: E501


class SweepFolderError(HyperparameterError, OSError):
    """A sweep's folder (``runs=``, ``--runs``) cannot be made: a file is in the way, or no permission.

    >>> import hyperparameter as hp, tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as root:
    ...     taken = pathlib.Path(root, "notes.txt")
    ...     _ = taken.write_text("mine")
    ...     try:
    ...         hp.sweep(print, {"train.lr": [0.1]}, runs=taken, progress=False)
    ...     except OSError as error:
    ...         print(type(error).__name__, str(error).replace(root, "ROOT"))
    SweepFolderError The sweep folder 'ROOT/notes.txt' cannot be made: it is a file; choose another folder with runs=DIR.
    """  # noqa: E501


class SearchSpaceError(SweepError):
    """A search space is written wrong, or a search has nothing to search.

    >>> import hyperparameter as hp
    >>> hp.sweep(print, {"train.lr": "loguniform(0, 1)"}, search="random", trials=2)
    Traceback (most recent call last):
    ...
    hyperparameter.exceptions.SearchSpaceError: train.lr=loguniform(0, 1): loguniform(a, b) needs 0 < a < b.
    """
