"""``hp.launch`` / ``hp.run_cli``: turn ``@hp.param`` functions into a command-line program.

Parameters without a default become positionals, parameters with one become
``--name`` options; ``-D key=value`` sets any hyperparameter of the program
and ``-C FILE`` loads a config file; ``-lps`` lists them all and ``-ep KEY``
explains one. Precedence, highest first: explicit options, ``-D``, config
files (later files win), defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import contextvars
import os
import pathlib
import sys
from collections import Counter
from collections.abc import Iterable
from itertools import chain, filterfalse
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

from ._arguments import (
    ArgumentParser,
    HelpFormatter,
    dotted_options_as_defines,
    is_config_file,
    repeat_flag,
    rewrite_bool_values,
)
from ._engine import innermost
from ._grammar import IndexAssignment, unquote_defined
from ._keys import collect, flatten, join_keys
from ._launch_commands import Command, ConfigCommand, FunctionCommand, command_names, discover, make_command
from ._origins import restore_baseline, save_baseline
from ._scope import SourcedScope, scope
from ._sweep_options import SWEEP_EPILOG, wants_sweep
from .exceptions import ConfigError, HyperparameterError, UsageError

if TYPE_CHECKING:
    # Loaded when first needed, so that `--help` and a plain run start fast: the catalog
    # (it scans the program's files) for -D/-C values, -lps and -ep; config files for -C.
    from ._catalog import Catalog
    from ._launch_checks import Checks
    from ._read_keys import ReadKeys
    from ._record import Record

_HELP_FLAGS = ("-h", "--help")
_DEFINE_FLAGS = ("-D", "--define")
_CONFIG_FLAGS = ("-C", "--config")
_LIST_FLAGS = ("-lps", "--list-params", "--list-param-scope")
_EXPLAIN_FLAGS = ("-ep", "--explain-param")
_FORMAT_FLAGS = ("-f", "--format", "--list-format")
# The launcher's own argparse destinations: no parameter name (an identifier) can be one of them.
_DEST = "hp:"
# At the end of a run, the -D keys nothing read get a warning line each, up to this many.
_UNREAD_SHOWN = 20


def _in_force(flags: tuple[str, ...], taken: frozenset[str]) -> tuple[str, ...]:
    """Return the spellings of a launcher option the program leaves to it.

    A long option the program declares is its own; an option left without a spelling answers
    to ``--hp-NAME`` (``--record`` is ``--hp-record``).

    >>> _in_force(("-C", "--config"), frozenset({"--config"}))
    ('-C',)
    >>> _in_force(("--record",), frozenset({"--record"}))
    ('--hp-record',)
    """
    kept = tuple(flag for flag in flags if flag not in taken)
    return kept or ("--hp-" + flags[0][2:],)


def _add_common_options(
    parser: argparse.ArgumentParser, taken: frozenset[str], dest_suffix: str = ""
) -> None:
    default: Any = argparse.SUPPRESS if dest_suffix else []
    parser.add_argument(*_in_force(_HELP_FLAGS, taken), action="help", help="show this help message and exit")
    parser.add_argument(
        *_in_force(_DEFINE_FLAGS, taken),
        action="append",
        default=default,
        metavar="KEY=VALUE",
        dest=f"{_DEST}define{dest_suffix}",
        help="set any hyperparameter of the program, e.g. -D train.lr=0.01 (repeatable)",
    )
    parser.add_argument(
        *_in_force(_CONFIG_FLAGS, taken),
        action="append",
        default=default,
        metavar="FILE",
        dest=f"{_DEST}config{dest_suffix}",
        help="load hyperparameters from .toml, .json or .yaml files (-C base.json more.json); "
        "-D and options override them, later files win",
    )
    parser.add_argument(
        *_in_force(("--record",), taken),
        default=argparse.SUPPRESS,
        metavar="FILE",
        dest=f"{_DEST}record{dest_suffix}",
        help="write every hyperparameter the run read, as read, to FILE (.toml, .json, .yaml) "
        "with where each came from; -C FILE replays the run",
    )
    parser.add_argument(
        *_in_force(("--strict",), taken),
        action="store_true",
        default=argparse.SUPPRESS,
        dest=f"{_DEST}strict{dest_suffix}",
        help="refuse a -D or -C key the program never reads (a typo) instead of warning",
    )
    parser.add_argument(
        *_in_force(_LIST_FLAGS, taken),
        action="store_true",
        default=argparse.SUPPRESS,
        dest=f"{_DEST}list{dest_suffix}",
        help="list every hyperparameter the program can read, with the value in force and its source",
    )
    parser.add_argument(
        *_in_force(_EXPLAIN_FLAGS, taken),
        action="append",
        metavar="KEY",
        default=argparse.SUPPRESS,
        dest=f"{_DEST}explain{dest_suffix}",
        help="explain a hyperparameter: default, type, value in force, source, text (repeatable)",
    )


class _Run:
    """What one command line asks for: the command, its arguments, and the values with their sources."""

    def __init__(self, command: Command, arguments: dict[str, Any], strict: bool) -> None:
        self.command = command
        self.arguments = arguments
        self.strict = strict
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self.set_by_user: list[str] = []  # the -D and -C keys, which must be known to the program
        self.user_sources: dict[str, None] = {}  # where those keys came from ("-D", "-C a.json"), in order
        self.file_keys: dict[str, int] = {}  # "-C a.json" -> how many keys it set, -D overrides included
        self.explain: Optional[list[str]] = None  # -ep KEY...
        self.record_to: Optional[str] = None  # --record FILE
        # The -D/-C keys the program is known to read (the others were reported before the
        # run): the run is watched for those it does not read after all.
        self.watched: list[str] = []
        self.format = "text"  # -lps -f FORMAT
        # The positionals a -D or -C key also named: key -> (that source, the positional's name).
        self.positionals: dict[str, tuple[str, str]] = {}
        # The keys whose values may be dicts to spread: all but a -C file's, which come joined.
        self.unjoined: list[str] = []

    def add(
        self,
        values: dict[str, Any],
        sources: dict[str, str],
        set_by: Iterable[str] = (),
        joined: bool = False,
    ) -> None:
        """Add ``values`` (and where each came from); the run keeps the dicts it is given first.

        ``set_by`` names the ``-D``/``-C`` sources of values the user set, which
        the program must know; options and a partial's keywords name none.
        ``joined``: the values are a file's, their dicts already spread into keys.
        """
        if self.values:
            self.values.update(values)
            self.sources.update(sources)
        else:  # the first values (often a whole -C file): taken as they are, not copied
            self.values, self.sources = values, sources
        if set_by and values:
            self.set_by_user += values
            self.user_sources.update(dict.fromkeys(set_by))
        if not joined:
            self.unjoined += values

    def spread_dicts(self, converted: Iterable[str] = ()) -> None:
        """Hold each dict value (``--opt '{"m": 2}'`` once parsed) as the keys under its key.

        A scope holds nested mappings as dotted keys, and a dict-valued read
        gathers them (see ``_mappings``): so the dict merges into the read's
        default, and a later value wins entry by entry over a ``-C`` file's.
        Only the values not from a file can be dicts, and those ``converted``
        by a declaration's type (a file's text read as a ``dict``).
        """
        values = self.values
        if not any(type(values.get(key)) is dict for key in chain(self.unjoined, converted)):
            return
        spread_values: dict[str, Any] = {}
        for key, value in values.items():
            try:
                spread = flatten(value, key + ".") if type(value) is dict and value else None
            except HyperparameterError:  # entries that are no keys: the dict stays one value
                spread = None
            if spread is None:
                spread_values[key] = value
                continue
            spread_values.update(spread)
            self.sources.update(dict.fromkeys(spread, self.sources.get(key, "the scope")))
            if key in self.set_by_user:
                self.set_by_user += spread
        self.values = spread_values


class _Program:
    """The parser of a program of one or several commands, and running it."""

    def __init__(
        self, commands: list[Command], module_globals: dict[str, Any], prog: str, strict: bool = False
    ) -> None:
        self.commands = commands
        self.module_globals = module_globals
        self.strict = strict
        self.single = len(commands) == 1
        self.prog = prog
        self.names = command_names(commands)
        self.by_name = {name: command for command, names in zip(commands, self.names) for name in names}
        # A long option any command declares is the program's everywhere; the launcher's gives way.
        self.taken = frozenset(flag for command in commands for flag in command.flags())
        self.config_flags = _in_force(_CONFIG_FLAGS, self.taken)
        self.list_flags = _in_force(_LIST_FLAGS, self.taken)
        self.explain_flags = _in_force(_EXPLAIN_FLAGS, self.taken)
        # Messages name an option as this program spells it (`--hp-record` when `--record` is taken).
        self.record_option = "argument " + _in_force(("--record",), self.taken)[0]
        self.config_option = "argument " + "/".join(self.config_flags)
        self.define_option = "argument " + "/".join(_in_force(_DEFINE_FLAGS, self.taken))
        self.strict_option = _in_force(("--strict",), self.taken)[0]
        self.parser = self._build_parser(describing=False)
        self._catalog: Optional[Catalog] = None

    def _build_parser(self, describing: bool) -> argparse.ArgumentParser:
        first = self.commands[0]
        parser = ArgumentParser(
            prog=self.prog,
            description=first.doc.description if self.single else self.module_globals.get("__doc__"),
            formatter_class=HelpFormatter,
            add_help=False,
        )
        _add_common_options(parser, self.taken)
        parser.epilog = SWEEP_EPILOG
        if describing:
            _add_format_option(parser, self.taken)
        if self.single:
            first.fill(parser, describing)
            return parser
        subparsers = parser.add_subparsers(dest=f"{_DEST}command", metavar="COMMAND", required=not describing)
        for command, names in zip(self.commands, self.names):
            sub = subparsers.add_parser(
                names[0],
                aliases=names[1:],
                help=command.doc.description.split("\n")[0],
                description=command.doc.description,
                formatter_class=HelpFormatter,
                add_help=False,
            )
            _add_common_options(sub, self.taken, dest_suffix="_after")
            if describing:
                _add_format_option(sub, self.taken, dest_suffix="_after")
            command.fill(sub, describing)
        return parser

    # -- the one catalog and the checks of this launch ------------------------------------------
    def catalog(self) -> Catalog:
        """Return the program's catalog, built at most once per launch."""
        if self._catalog is None:
            from ._catalog import build_program_catalog

            functions = [command.func for command in self.commands]
            self._catalog = build_program_catalog(functions, self.module_globals)
            for command in self.commands:  # a launched partial's keywords are the program's defaults
                if isinstance(command, FunctionCommand) and command.bound_keywords:
                    self._catalog.bind_defaults(command.bound_values())
        return self._catalog

    def checks(self) -> Checks:
        """Return the checks every value of this launch passes before the program runs."""
        from ._launch_checks import Checks

        return Checks(self.catalog())

    # -- running ------------------------------------------------------------------------------------
    def run(self, argv: list[str]) -> Any:
        if self.single and argv and argv[0] in self.names[0]:
            argv = argv[1:]  # `app.py train --lr 0.1` also works for a one-command program
        argv = dotted_options_as_defines(argv)
        if wants_sweep(_cut_at_separator(argv), self.taken):
            if isinstance(self.commands[0], ConfigCommand):
                name = self.commands[0].name
                self.parser.error(
                    f"--sweep and --search run a function once per trial, but hp.launch({name}) "
                    f"returns a config; launch an @hp.param function that builds {name}() instead"
                )
            from ._sweep_launch import run_sweep_cli  # the sweep machinery loads only for sweeps

            return run_sweep_cli(self, argv)
        if self.describes(argv):
            return self._describe(argv)
        run = self._parse(self.parser, argv)
        self._check(run)
        if run.record_to is not None:
            from ._record_file import record_path

            try:
                run.record_to = record_path(run.record_to)
            except ConfigError as error:
                self.parser.error(f"{self.record_option}: {error}")
        saved = save_baseline()
        # The whole run is recorded: in full for --record, else only which keys it read, to say
        # which -D/-C values nothing read; a run given neither runs unwatched, at full speed.
        # `hp.launch(Params)` returns the config to the caller's code: the run is the rest of the
        # process, which cannot be watched, so nothing is said about keys it never read.
        lasting = isinstance(run.command, ConfigCommand)
        rec: Union[Record, ReadKeys, contextlib.nullcontext[None]] = contextlib.nullcontext()
        if run.record_to is not None:
            from ._record import Record  # the record's machinery loads only for --record

            rec = Record()
        elif run.watched and not lasting:
            from ._read_keys import ReadKeys

            rec = ReadKeys()
        try:
            with SourcedScope.of_checked(run.values, run.sources), rec:
                scope.frozen()  # threads the program starts inherit these values (and the record)
                result = run.command.call(run.arguments)
                if lasting:
                    _read_all(run.values)  # the record holds every value the rest of the run gets
        finally:
            restore_baseline(saved)  # nothing the run published outlives it
            self._report(run, rec)
        if lasting:
            _keep_in_force(run.values, run.sources)
        return result

    def _report(self, run: _Run, rec: Union[Record, ReadKeys, contextlib.nullcontext[None]]) -> None:
        """Report after the run: write ``--record FILE``; warn once per -D/-C key that nothing read."""
        if isinstance(rec, contextlib.nullcontext):
            return
        if run.record_to is not None:
            from ._record_file import write_record

            problem = write_record(rec, run.record_to)
            if problem is not None:
                print(f"{self.prog}: warning: {problem}", file=sys.stderr)
        unread = [key for key in run.watched if key not in rec.reads and key not in rec.gathered]
        if unread:
            from ._launch_checks import summarize_unread

            for line in summarize_unread(unread, run.sources, run.file_keys, _UNREAD_SHOWN):
                print(f"{self.prog}: warning: {line}", file=sys.stderr)

    def _parse(self, parser: argparse.ArgumentParser, argv: list[str]) -> _Run:
        argv = self._rewrite(parser, argv)
        namespace = vars(parser.parse_args(argv))
        launcher = {key: namespace.pop(key) for key in list(namespace) if key.startswith(_DEST)}

        def option(name: str, default: Any = None) -> Any:
            """Return the launcher option's value, given after the command or before it."""
            after = launcher.get(f"{_DEST}{name}_after")
            return after if after is not None else launcher.get(f"{_DEST}{name}", default)

        defines = launcher.get(f"{_DEST}define", []) + launcher.get(f"{_DEST}define_after", [])
        files = launcher.get(f"{_DEST}config", []) + launcher.get(f"{_DEST}config_after", [])
        strict = self.strict or bool(option("strict"))
        explain, record_to, form = option("explain"), option("record"), option("format", "text")
        name = option("command")
        command = self.commands[0] if self.single or name is None else self.by_name[name]
        run = _Run(command, namespace, strict)
        run.explain, run.format, run.record_to = explain, form, record_to
        if record_to is not None:
            from ._config_formats import format_of

            try:
                format_of(pathlib.Path(record_to), record_to, "save")
            except ConfigError as error:
                parser.error(f"{self.record_option}: {error}")
        defined = self._parse_defines(defines)
        given = command.collect_given(namespace)
        if isinstance(command, FunctionCommand) and command.bound_keywords:  # a partial's: the lowest layer
            bound = command.bound_values()
            run.add(bound, dict.fromkeys(bound, "functools.partial"))
            command.add_bound(namespace)
        # -D values and options are the latest layer: the files' ${...} references see them.
        loaded = self._loaded(files, run, {**defined, **{key: value for key, (value, _) in given.items()}})
        run.add(_on_lists_of(defined, loaded), dict.fromkeys(defined, "-D"), set_by=["-D"])
        # A positional's value is the command line's; a -D or -C value for its key is set aside.
        run.positionals = {
            key: (run.sources[key], source[len("argument ") :])
            for key, (_, source) in given.items()
            if source.startswith("argument ") and key in run.sources
        }
        run.add({key: value for key, (value, _) in given.items()}, {k: s for k, (_, s) in given.items()})
        return run

    def _rewrite(self, parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
        """Spell what argparse cannot parse alone: bool words after flags, several files after -C."""
        argv = repeat_flag(argv, self.config_flags, is_config_file)
        argv = rewrite_bool_values(argv, parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in {id(each): each for each in action.choices.values()}.values():
                    argv = rewrite_bool_values(argv, sub)
        return argv

    def _check(self, run: _Run) -> None:
        """Check every value before the program runs; a bad one is a usage error (exit 2)."""
        if run.positionals:
            self._report_positionals(run)
        if not run.set_by_user:
            run.spread_dicts()
            return  # options alone were checked by their types as they were parsed
        checks = self.checks()
        unknown = checks.unknown(run.set_by_user)
        if len(unknown) < len(run.set_by_user):
            run.watched = list(filterfalse(set(unknown).__contains__, run.set_by_user))
        for key, members in checks.namespaces(run.values).items():  # `train: 3` for train.lr, train.bs
            if key not in unknown:  # an option's value, or a key some reader knows after all
                continue
            unknown.remove(key)
            value = run.values.get(key)
            if isinstance(value, dict) and not value:  # an empty table (`[train]`, all commented out)
                del run.values[key]  # sets nothing
                continue
            self._warn(
                run,
                f"{run.sources.get(key, 'the scope')} sets {key!r} to {run.values.get(key)!r}, but "
                f"{key!r} is a namespace of the program ({members}), not a value; set its keys instead",
            )
        if unknown:
            # When no key is known, the keys came from every source given (unless a positional's
            # key was set aside): no need to look each up.
            every = len(unknown) == len(run.set_by_user) and not run.positionals
            setters = list(run.user_sources) if every else None
            self._warn(run, checks.summarize_unknown(unknown, run.sources, setters))
        try:
            converted = checks.convert(run.values, run.sources)
        except UsageError as error:
            self.parser.error(str(error))
        run.values.update(converted)  # the run's own dict, in place: a 10,000-key file is not copied
        run.spread_dicts(converted)

    def _report_positionals(self, run: _Run) -> None:
        """Say that a -D or -C key naming a positional is not used: the command line gives it."""
        for key, (source, name) in run.positionals.items():
            self._warn(
                run,
                f"{source} sets {key!r}, but {name} is a positional argument of {run.command.name}, "
                f"which only the command line fills; the run uses {run.values[key]!r}",
            )
        run.set_by_user = [key for key in run.set_by_user if key not in run.positionals]

    def _warn(self, run: _Run, message: str) -> None:
        """Print a warning about the values given; under --strict it is a usage error (exit 2)."""
        if run.strict:
            self.parser.error(f"{self.strict_option}: {message}")
        print(f"{self.prog}: warning: {message}", file=sys.stderr)

    # -- -lps and -ep -----------------------------------------------------------------------------------
    def describes(self, argv: list[str]) -> bool:
        """Tell whether ``argv`` asks to list (``-lps``) or explain (``-ep KEY``) rather than run."""
        return any(
            arg in self.list_flags or arg.split("=")[0] in self.explain_flags
            for arg in _cut_at_separator(argv)
        )

    def _describe(self, argv: list[str]) -> None:
        """Handle ``-lps`` / ``-ep`` (no positionals needed), then exit."""
        run = self._parse(self._build_parser(describing=True), self._split_explained_keys(argv))
        try:
            with SourcedScope(run.values, run.sources):
                status = self._print_description(run)
            sys.stdout.flush()  # here, so that a reader that left (`-lps | head`) is noticed here
        except BrokenPipeError:  # the reader left: say nothing more, as `hp ls | head` does
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
            status = 1
        raise SystemExit(status)

    def _print_description(self, run: _Run) -> int:
        """Print the listing (``-lps``) or each explained key (``-ep``); return the exit status."""
        catalog = self.catalog()
        if run.explain is None:
            print(catalog.listing_json(self.prog) if run.format == "json" else catalog.listing(self.prog))
            return 0
        status, shown = 0, 0
        for key in run.explain:
            block = catalog.explain(key)
            if block is None:
                message = catalog.unknown_message(key, "unknown hyperparameter")
                print(f"{self.prog}: {message}", file=sys.stderr)
                status = 1
            else:
                print(f"\n{block}" if shown else block)  # a blank line between blocks, as hp desc
                shown += 1
        return status

    def _split_explained_keys(self, argv: list[str]) -> list[str]:
        """Split ``-ep A B``: B is a second key only if the program knows it, else it is a positional."""
        return repeat_flag(argv, self.explain_flags, lambda word: self.catalog().knows(word))

    def _loaded(self, files: list[str], run: _Run, late: dict[str, Any]) -> dict[str, Any]:
        """Add the values the ``-C`` files hold to ``run``, each named by the file that set it.

        The files' ``${...}`` references see the ``late`` values (``-D`` and
        options) over the files' own. A file that cannot be used is a usage error.
        """
        if not files:
            return {}
        from ._config import load_with_origins

        try:
            loaded, origin = load_with_origins(files, late)
        except (HyperparameterError, OSError) as error:
            self.parser.error(f"{self.config_option}: {error}")
        flat = _flatten(loaded)
        if len(set(files)) == 1:
            sources = dict.fromkeys(flat, f"-C {files[0]}")
            run.file_keys = {f"-C {files[0]}": len(flat)}
        else:
            sources = {key: f"-C {origin(key)}" for key in flat}
            run.file_keys = Counter(sources.values())
        run.add(flat, sources, set_by=run.file_keys, joined=True)  # the files that set keys, in order
        return flat

    def _parse_defines(self, defines: list[str]) -> dict[str, Any]:
        """Parse the ``-D`` values (one wholly in quotes is the text inside); a bad key is a usage error."""
        try:
            return {key: unquote_defined(value) for key, value in collect(defines, {}).items()}
        except HyperparameterError as error:
            self.parser.error(f"{self.define_option}: {error}")


def _on_lists_of(defined: dict[str, Any], loaded: dict[str, Any]) -> dict[str, Any]:
    """Apply each ``-D key[i]=v`` to the list a ``-C`` file gave ``key``, if one did.

    >>> _on_lists_of({"dims": IndexAssignment({0: "5"})}, {"dims": [1, 2, 3]})
    {'dims': IndexAssignment(items={0: '5'}, base=[1, 2, 3])}
    """
    for key, value in defined.items():
        if type(value) is IndexAssignment and value.base is None and key in loaded:
            defined[key] = IndexAssignment(value.items, loaded[key])
    return defined


def _read_all(values: dict[str, Any]) -> None:
    """Read every key of ``values`` here, so that a record open here holds them all."""
    level = innermost()
    for key in values:
        level[key]  # the read is what a record sees


def _keep_in_force(values: dict[str, Any], sources: dict[str, str]) -> None:
    """Keep a launched config's values in force for the rest of the program (``hp.launch(Params)``).

    They are added to the baseline of new threads and processes (published
    again, outside the run's record, which has ended), and set in the caller's
    innermost block: at top level, that is for the rest of the calling thread.
    """

    def publish() -> None:
        with SourcedScope.of_checked(values, sources):
            scope.frozen()

    # From a fresh context, which starts from the baseline: the caller's own blocks stay its own.
    contextvars.Context().run(publish)
    scope.update(values)


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    """Flatten nested mappings into dotted keys, as a scope holds them."""
    return join_keys(values) if values else {}


def _add_format_option(parser: argparse.ArgumentParser, taken: frozenset[str], dest_suffix: str = "") -> None:
    parser.add_argument(
        *_in_force(_FORMAT_FLAGS, taken),
        choices=("text", "json"),
        default=argparse.SUPPRESS,
        dest=f"{_DEST}format{dest_suffix}",
        help="how -lps prints: a table (text) or JSON",
    )


def _cut_at_separator(argv: list[str]) -> list[str]:
    """Return the arguments before a ``--`` separator."""
    return argv[: argv.index("--")] if "--" in argv else argv


def _launch(
    func: Optional[Callable[..., Any]],
    argv: Optional[list[str]],
    caller: FrameType,
    strict: bool,
) -> Any:
    functions = [func] if func is not None else discover(caller.f_globals, caller.f_locals)
    commands = [make_command(each) for each in functions]
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "program"
    program = _Program(commands, caller.f_globals, prog, strict)
    return program.run(list(sys.argv[1:] if argv is None else argv))


def launch(
    func: Optional[Callable[..., Any]] = None, *, argv: Optional[list[str]] = None, strict: bool = False
) -> Any:
    """Run ``func`` (or the caller's ``@hp.param`` functions) as a command-line program.

    One function becomes the program; several become subcommands, each
    answering to its namespace and to its function's name. Returns what the
    function returns; its exceptions propagate. ``argv`` defaults to
    ``sys.argv[1:]``. Every value from ``-D``, ``-C`` files and options is
    checked before the function runs, and is the value of its key in the scope
    for the whole run; ``strict=True`` (or ``--strict``) refuses a key the
    program never reads instead of warning.

    >>> import hyperparameter as hp
    >>> @hp.param("app")
    ... def main(input_file: str, output_file: str = "out.txt", verbose: bool = False):
    ...     return input_file, output_file, verbose
    >>> hp.launch(main, argv=["in.txt", "--verbose", "-D", "app.output_file=o.txt"])
    ('in.txt', 'o.txt', True)
    """
    return _launch(func, argv, sys._getframe(1), strict)


def run_cli(
    func: Optional[Callable[..., Any]] = None, *, argv: Optional[list[str]] = None, strict: bool = False
) -> Any:
    """Run ``launch`` under a name that collides with nothing.

    >>> import hyperparameter as hp
    >>> @hp.param("greet")
    ... def hello(name: str = "world"):
    ...     return f"hello, {name}"
    >>> hp.run_cli(hello, argv=["-D", "greet.name=Ada"])
    'hello, Ada'
    """
    return _launch(func, argv, sys._getframe(1), strict)
