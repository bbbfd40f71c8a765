"""What ``hp.launch`` can run: an ``@hp.param`` function (or a partial of one), or an ``hp.Params`` class.

Each is a :class:`Command`: the options and positionals it adds to the parser,
the scope keys of what the command line gave, and how to call it. A program of
several commands answers to each one's names (see :func:`command_names`).
"""

from __future__ import annotations

import argparse
import collections
import functools
import inspect
import sys
from typing import TYPE_CHECKING, Any, Callable, Protocol

from ._annotations import evaluate_annotations
from ._arguments import add_declared, add_parameter, long_flags
from ._docstrings import Docstring, parse_docstring
from ._engine import innermost
from ._inject import EMPTY, ParamInfo, param
from .exceptions import LaunchError

if TYPE_CHECKING:
    from ._params import Params


class Command(Protocol):
    """What the launcher needs of one thing it can run: a function, or an ``hp.Params`` class."""

    @property
    def func(self) -> Callable[..., Any]:
        """What the command runs."""

    @property
    def info(self) -> ParamInfo:
        """Its namespace and injected parameters."""

    @property
    def name(self) -> str:
        """Its own name (the function's or the class's)."""

    @property
    def doc(self) -> Docstring:
        """Its docstring, parsed: the program's description and each argument's help."""

    @property
    def names(self) -> list[str]:
        """The words that pick this command on the command line."""

    def flags(self) -> list[str]:
        """Return the long options of the command's own parameters (``--lr``, ``--output-file``)."""

    def fill(self, parser: argparse.ArgumentParser, describing: bool = False) -> None:
        """Add the command's own options and positionals to ``parser``."""

    def collect_given(self, arguments: dict[str, Any]) -> dict[str, tuple[Any, str]]:
        """Return the scope key, value and source (``--epochs``) of each argument the command line gave."""

    def call(self, arguments: dict[str, Any]) -> Any:
        """Run the command with the parsed ``arguments``."""


class FunctionCommand:
    """One launchable function: its parser arguments and how to call it."""

    def __init__(self, func: Callable[..., Any]) -> None:
        # A functools.partial runs its function with the bound arguments; the rest are the program's.
        self.bound: tuple[Any, ...] = ()
        self.bound_keywords: dict[str, Any] = {}
        if isinstance(func, functools.partial):
            self.bound, self.bound_keywords, func = func.args, dict(func.keywords), func.func
        info = getattr(func, "__hyperparameter__", None)
        if not isinstance(info, ParamInfo):
            func = param(func)
            info = func.__hyperparameter__  # type: ignore[attr-defined]
        self.func = func
        self.info: ParamInfo = info
        self.original = inspect.unwrap(info.function)
        self.name = getattr(self.original, "__name__", info.namespace)
        self.doc = parse_docstring(self.original.__doc__)
        self.signature = inspect.signature(self.original)
        if self.bound or self.bound_keywords:  # the parameters the partial leaves to the command line
            self.signature = inspect.signature(
                functools.partial(self.original, *self.bound, **self.bound_keywords)
            )

    @property
    def names(self) -> list[str]:
        """What the command answers to: its namespace, and its function's name."""
        return list(dict.fromkeys([self.info.namespace, self.name]))

    def flags(self) -> list[str]:
        """Return the long options of the function's parameters with a default."""
        return [
            flag
            for name, parameter in self.signature.parameters.items()
            if parameter.default is not EMPTY and parameter.kind is not parameter.VAR_KEYWORD
            for flag in long_flags(name)
        ]

    def fill(self, parser: argparse.ArgumentParser, describing: bool = False) -> None:
        annotations = evaluate_annotations(self.original)
        for name, parameter in self.signature.parameters.items():
            if parameter.kind is parameter.VAR_KEYWORD or (
                name in ("self", "cls") and parameter.default is EMPTY
            ):
                continue
            text = self.doc.params.get(name, "")
            if parameter.default is not EMPTY:
                text = f"{text} (default: {parameter.default!r})".strip()
            add_parameter(
                parser,
                parameter,
                f"{self.info.namespace}.{name}",
                annotations.get(name, EMPTY),
                text,
                optional=describing,
            )

    def collect_given(self, arguments: dict[str, Any]) -> dict[str, tuple[Any, str]]:
        """Return the scope key, value and source of each argument the command line gave."""
        given = {}
        for name, parameter in self.signature.parameters.items():
            if name in arguments and parameter.kind is not parameter.VAR_POSITIONAL:
                source = f"argument {name}" if parameter.default is EMPTY else f"--{name}"
                given[f"{self.info.namespace}.{name}"] = (arguments[name], source)
        return given

    def call(self, arguments: dict[str, Any]) -> Any:
        positional, keywords = self.split(arguments)
        result = self.func(*positional, **keywords)
        if inspect.iscoroutine(result):  # an `async def` main runs here, inside the run's values
            import asyncio  # here, not at import: it costs every launch ~50 ms of start-up

            return asyncio.run(result)
        return result

    def bound_values(self) -> dict[str, Any]:
        """Return the values a partial's keywords give its injected parameters, by scope key.

        They are the run's lowest layer, under ``-C``, ``-D`` and options: the
        function and every reader of the key see them, as with any launched value.
        """
        keys = {parameter.name: parameter.key for parameter in self.info.parameters}
        return {keys[name]: value for name, value in self.bound_keywords.items() if name in keys}

    def add_bound(self, arguments: dict[str, Any]) -> None:
        """Pass the partial's keywords for parameters no scope fills (without a default of their own)."""
        injected = {parameter.name for parameter in self.info.parameters}
        for name, value in self.bound_keywords.items():
            if name not in arguments and name not in injected:
                arguments[name] = value

    def split(self, arguments: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """Split the command-line arguments into the function's positional and keyword arguments."""
        positional: list[Any] = list(self.bound)
        keywords: dict[str, Any] = {}
        injected = {parameter.name for parameter in self.info.parameters}
        for name, parameter in self.signature.parameters.items():
            if name not in arguments:
                continue
            value = arguments[name]
            if parameter.kind is parameter.VAR_POSITIONAL:
                positional.extend(value)
            elif parameter.default is EMPTY and parameter.kind is not parameter.KEYWORD_ONLY:
                positional.append(value)
            elif not (name in injected and type(value) is dict and value):
                keywords[name] = value
            # else: an option's dict (--opt '{"m": 3}') is the run's keys under the parameter's,
            # injected from the scope: merged into the default over a -C file's entries.
        return positional, keywords


class ConfigCommand:
    """An ``hp.Params`` class as a program: declared parameters are options; it returns an instance.

    Values set with ``-D`` for the class's namespace are set on the instance, so
    they stay after the launcher's scope ends.
    """

    def __init__(self, cls: type[Params]) -> None:
        self.func = cls
        self.cls = cls
        self.name = cls.__name__
        self.info = ParamInfo(cls.namespace(), cls, ())
        self.doc = parse_docstring(cls.__doc__)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys([self.cls.namespace(), self.name]))

    def flags(self) -> list[str]:
        return [flag for name in self.cls.params() for flag in long_flags(name)]

    def fill(self, parser: argparse.ArgumentParser, describing: bool = False) -> None:
        for name, declared in self.cls.params().items():
            text = f"{declared.doc} ({declared.describe_type()}; default: {declared.default!r})".strip()
            add_declared(parser, name, declared, text)

    def collect_given(self, arguments: dict[str, Any]) -> dict[str, tuple[Any, str]]:
        namespace = self.cls.namespace()
        return {f"{namespace}.{name}": (value, f"--{name}") for name, value in arguments.items()}

    def call(self, arguments: dict[str, Any]) -> Any:
        from ._kinds import UNSET  # loaded with the Params class already

        level = innermost()
        found = {
            name: declared.value_at(level)
            for name, declared in self.cls.params().items()
            if name not in arguments
        }
        values = {name: value for name, value in found.items() if value is not UNSET}
        return self.cls(**values, **arguments)


def make_command(target: Any) -> Command:
    """Return the command for a function or a ``Params`` class."""
    if is_params_class(target):
        return ConfigCommand(target)
    return FunctionCommand(target)


def is_params_class(target: Any) -> bool:
    """Tell whether ``target`` is an ``hp.Params`` class; there is none before ``_params`` is imported."""
    params = sys.modules.get(f"{__package__}._params")
    return params is not None and isinstance(target, type) and issubclass(target, params.Params)


def discover(module_globals: dict[str, Any], local_values: dict[str, Any]) -> list[Callable[..., Any]]:
    """Find the public ``@hp.param`` functions the caller sees: its local variables, then its module's."""
    module = module_globals.get("__name__")
    found: dict[int, Callable[..., Any]] = {}
    for name, value in [*local_values.items(), *module_globals.items()]:
        if (
            not name.startswith("_")
            and callable(value)
            and not isinstance(value, type)
            and isinstance(getattr(value, "__hyperparameter__", None), ParamInfo)
            and getattr(value, "__module__", None) == module
        ):
            found.setdefault(id(value), value)
    if not found:
        raise LaunchError(
            f"hp.launch() found no public @hp.param function in module {module!r}; "
            "decorate one with @hp.param, or pass the function: hp.launch(main)."
        )
    return list(found.values())


def command_names(commands: list[Command]) -> list[list[str]]:
    """Return the words that pick each command: its function's name, and its namespace if no other command's.

    Raises:
        LaunchError: two commands nothing tells apart (the same name and namespace).
    """
    own = collections.Counter(command.name for command in commands)
    claimed = collections.Counter(name for command in commands for name in command.names)
    result = []
    for command in commands:
        names = [
            name for name in command.names if claimed[name] == 1 or (name == command.name and own[name] == 1)
        ]
        if not names:
            raise LaunchError(
                f"hp.launch() has several commands answering to {command.name!r} "
                f"(namespace {command.info.namespace!r}); give one of the functions another name."
            )
        result.append(names)
    return result
