"""``hp.launch`` / ``hp.run_cli``: turn ``@hp.param`` functions into a command-line program.

Parameters without a default become positionals, parameters with one become
``--name`` options; ``-D key=value`` sets any hyperparameter of the program
and ``-C FILE`` loads a config file; ``-lps`` lists them all and ``-ep KEY``
explains one. Precedence, highest first: explicit options, ``-D``, config
files (later files win), defaults.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from typing import Any, Callable, Optional

from ._arguments import EMPTY, add_declared, add_parameter, annotations_of, rewrite_bool_values
from ._catalog import Catalog, infos_of, project_files
from ._config import config
from ._convert import convert
from ._docstrings import parse_docstring
from ._engine import innermost
from ._inject import ParamInfo, param
from ._levels import ABSENT
from ._params import Params
from ._scope import Scope, scope
from .exceptions import ConversionError, HyperparameterError, LaunchError

_LIST_FLAGS = ("-lps", "--list-params", "--list-param-scope")
_EXPLAIN_FLAGS = ("-ep", "--explain-param")


def _add_common_options(parser: argparse.ArgumentParser, dest_suffix: str = "") -> None:
    default: Any = argparse.SUPPRESS if dest_suffix else []
    parser.add_argument(
        "-D",
        "--define",
        action="append",
        default=default,
        metavar="KEY=VALUE",
        dest="define" + dest_suffix,
        help="set any hyperparameter of the program, e.g. -D train.lr=0.01 (repeatable)",
    )
    parser.add_argument(
        "-C",
        "--config",
        action="append",
        default=default,
        metavar="FILE",
        dest="config" + dest_suffix,
        help="load hyperparameters from a .toml, .json or .yaml file; "
        "-D and options override it (repeatable: later files win)",
    )
    parser.add_argument(
        *_LIST_FLAGS,
        action="store_true",
        default=argparse.SUPPRESS,
        help="list every hyperparameter the program can read, with the value in force",
    )
    parser.add_argument(
        *_EXPLAIN_FLAGS,
        nargs="+",
        metavar="KEY",
        default=argparse.SUPPRESS,
        help="explain hyperparameters: default, type, value in force, source, text",
    )


class _Command:
    """One launchable function: its parser arguments and how to call it."""

    def __init__(self, func: Callable[..., Any]) -> None:
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

    @property
    def names(self) -> list[str]:
        """What the command answers to: its namespace, and its function's name."""
        return list(dict.fromkeys([self.info.namespace, self.name]))

    def fill(self, parser: argparse.ArgumentParser) -> None:
        annotations = annotations_of(self.original)
        for name, parameter in self.signature.parameters.items():
            if parameter.kind is parameter.VAR_KEYWORD or (
                name in ("self", "cls") and parameter.default is EMPTY
            ):
                continue
            text = self.doc.params.get(name, "")
            if parameter.default is not EMPTY:
                text = f"{text} (default: {parameter.default!r})".strip()
            add_parameter(
                parser, parameter, f"{self.info.namespace}.{name}", annotations.get(name, EMPTY), text
            )

    def call(self, arguments: dict[str, Any]) -> Any:
        positional: list[Any] = []
        keywords: dict[str, Any] = {}
        for name, parameter in self.signature.parameters.items():
            if name not in arguments:
                continue
            if parameter.kind is parameter.VAR_POSITIONAL:
                positional.extend(arguments[name])
            elif parameter.default is EMPTY and parameter.kind is not parameter.KEYWORD_ONLY:
                positional.append(arguments[name])
            else:
                keywords[name] = arguments[name]
        return self.func(*positional, **keywords)

    def check_scope(self) -> None:
        """Convert the scope's values for this command now, so a bad ``-D`` is a usage error."""
        level = innermost()
        for parameter in self.info.parameters:
            value = level[parameter.key]
            if value is not ABSENT:
                convert(parameter.key, value, parameter.default)


class _ConfigCommand:
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

    def fill(self, parser: argparse.ArgumentParser) -> None:
        for name, declared in self.cls.params().items():
            text = f"{declared.doc} ({declared.describe()}; default: {declared.default!r})".strip()
            add_declared(parser, name, declared, text)

    def check_scope(self) -> None:
        level = innermost()
        for declared in self.cls.params().values():
            value = level[declared.key]
            if value is not ABSENT:
                declared.from_scope(value)

    def call(self, arguments: dict[str, Any]) -> Any:
        level = innermost()
        values = {
            name: declared.from_scope(level[declared.key])
            for name, declared in self.cls.params().items()
            if name not in arguments and level[declared.key] is not ABSENT
        }
        return self.cls(**values, **arguments)


def _command(target: Any) -> Any:
    """The command for a function or a ``Params`` class."""
    if isinstance(target, type) and issubclass(target, Params):
        return _ConfigCommand(target)
    return _Command(target)


def _discover(module_globals: dict[str, Any]) -> list[Callable[..., Any]]:
    """The public ``@hp.param`` functions defined in the calling module."""
    module = module_globals.get("__name__")
    found: dict[int, Callable[..., Any]] = {}
    for name, value in module_globals.items():
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


class _Program:
    """The parser of a program of one or several commands, and running it."""

    def __init__(self, commands: list[Any], module_globals: dict[str, Any], prog: str) -> None:
        self.commands = commands
        self.module_globals = module_globals
        self.single = len(commands) == 1
        first = commands[0]
        self.parser = argparse.ArgumentParser(
            prog=prog,
            description=first.doc.description if self.single else module_globals.get("__doc__"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common_options(self.parser)
        self.by_name: dict[str, Any] = {}
        if self.single:
            first.fill(self.parser)
            return
        subparsers = self.parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
        for command in commands:
            names = command.names
            sub = subparsers.add_parser(
                names[0],
                aliases=names[1:],
                help=command.doc.description.split("\n")[0],
                description=command.doc.description,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            _add_common_options(sub, dest_suffix="_after")
            command.fill(sub)
            for name in names:
                self.by_name[name] = command

    def run(self, argv: list[str]) -> Any:
        if self.single and argv and argv[0] in self.commands[0].names:
            argv = argv[1:]  # `app.py train --lr 0.1` also works for a one-command program
        if any(arg in _LIST_FLAGS or arg.split("=")[0] in _EXPLAIN_FLAGS for arg in _options_part(argv)):
            return self._describe(argv)
        argv = rewrite_bool_values(argv, self.parser)
        for action in self.parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in set(action.choices.values()):
                    argv = rewrite_bool_values(argv, sub)
        namespace = vars(self.parser.parse_args(argv))
        defines = namespace.pop("define", []) + namespace.pop("define_after", [])
        files = namespace.pop("config", []) + namespace.pop("config_after", [])
        command = self.commands[0] if self.single else self.by_name[namespace.pop("command")]
        loaded = self._loaded(files)
        with scope(loaded), self._defined(defines):
            defined = list(scope.empty(*defines))
            self._warn_unknown(list(scope.empty(loaded)), "the -C files set")
            self._warn_unknown(defined, "-D sets")
            try:
                command.check_scope()
            except ConversionError as error:
                if error.key in defined:
                    self.parser.error(f"argument -D/--define: {error}")
                self.parser.error(f"argument -C/--config: {error} (set in {', '.join(files)})")
            scope.frozen()  # threads the program starts inherit these values
            return command.call(namespace)

    def _describe(self, argv: list[str]) -> None:
        """Handle ``-lps`` / ``-ep`` (no positionals needed), then exit."""
        pre = argparse.ArgumentParser(prog=self.parser.prog, add_help=False)
        _add_common_options(pre)
        known, _ = pre.parse_known_args(argv)
        loaded = self._loaded(known.config)
        with scope(loaded), self._defined(known.define):
            catalog = self._catalog()
            sources = dict.fromkeys(scope.empty(loaded), "-C " + ", ".join(known.config))
            sources.update(dict.fromkeys(scope.empty(*known.define), "-D"))
            keys = getattr(known, "explain_param", None)
            if keys is None:
                print(catalog.listing(self.parser.prog, sources))
                raise SystemExit(0)
            status = 0
            for key in keys:
                block = catalog.explain(key, sources)
                if block is None:
                    print(
                        f"{self.parser.prog}: " + catalog.unknown_message(key, "unknown hyperparameter"),
                        file=sys.stderr,
                    )
                    status = 1
                else:
                    print(block)
            raise SystemExit(status)

    def _loaded(self, files: list[str]) -> dict[str, Any]:
        """The values the ``-C`` files hold, merged; a file that cannot load is a usage error."""
        try:
            return config(files) if files else {}
        except (HyperparameterError, OSError) as error:
            self.parser.error(f"argument -C/--config: {error}")

    def _defined(self, defines: list[str]) -> Scope:
        """A scope of the ``-D`` values; a bad key is a usage error."""
        try:
            return scope(*defines)
        except HyperparameterError as error:
            self.parser.error(f"argument -D/--define: {error}")

    def _catalog(self) -> Catalog:
        targets = [command.func for command in self.commands] + list(self.module_globals.values())
        declared = [
            each
            for each in targets
            if isinstance(each, type) and issubclass(each, Params) and each is not Params
        ]
        return Catalog(infos_of(targets), project_files(self.module_globals), declared)

    def _warn_unknown(self, keys: list[str], setter: str) -> None:
        """Warn on stderr about each key no part of the program reads: likely a typo."""
        if not keys:
            return
        catalog = self._catalog()
        for key in keys:
            if key not in catalog.entries:
                message = catalog.unknown_message(key, f"{setter} a hyperparameter the program never reads:")
                print(f"{self.parser.prog}: warning: {message}", file=sys.stderr)


def _options_part(argv: list[str]) -> list[str]:
    """The arguments before a ``--`` separator."""
    return argv[: argv.index("--")] if "--" in argv else argv


def _launch(
    func: Optional[Callable[..., Any]], argv: Optional[list[str]], module_globals: dict[str, Any]
) -> Any:
    functions = [func] if func is not None else _discover(module_globals)
    commands = [_command(each) for each in functions]
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "program"
    program = _Program(commands, module_globals, prog)
    return program.run(list(sys.argv[1:] if argv is None else argv))


def launch(func: Optional[Callable[..., Any]] = None, *, argv: Optional[list[str]] = None) -> Any:
    """Run ``func`` (or the calling module's ``@hp.param`` functions) as a command-line program.

    One function becomes the program; several become subcommands, each
    answering to its namespace and to its function's name. Returns what the
    function returns; its exceptions propagate. ``argv`` defaults to
    ``sys.argv[1:]``.

    >>> import hyperparameter as hp
    >>> @hp.param("app")
    ... def main(input_file: str, output_file: str = "out.txt", verbose: bool = False):
    ...     return input_file, output_file, verbose
    >>> hp.launch(main, argv=["in.txt", "--verbose", "-D", "app.output_file=o.txt"])
    ('in.txt', 'o.txt', True)
    """
    return _launch(func, argv, sys._getframe(1).f_globals)


def run_cli(func: Optional[Callable[..., Any]] = None, *, argv: Optional[list[str]] = None) -> Any:
    """``launch`` under a name that collides with nothing.

    >>> import hyperparameter as hp
    >>> @hp.param("greet")
    ... def hello(name: str = "world"):
    ...     return f"hello, {name}"
    >>> hp.run_cli(hello, argv=["-D", "greet.name=Ada"])
    'hello, Ada'
    """
    return _launch(func, argv, sys._getframe(1).f_globals)
