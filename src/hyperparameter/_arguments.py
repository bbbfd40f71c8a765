"""Command-line arguments for a function's parameters: types, flags, lists and choices.

How a parameter's option reads its text comes from its annotation (string annotations included),
else from its default. Text from the command line converts with the same rules
as values read from a scope (see ``docs/values.md``).
"""

from __future__ import annotations

import argparse
import enum
import inspect
import os
import re
import sys
import typing
from collections.abc import Mapping
from typing import Any, Callable, Optional

from ._convert import NONE_WORDS, merge_mapping, parse_bool, to_type, type_name
from ._grammar import GrammarError, is_list_text, split_list
from ._inject import EMPTY, holds_dict
from ._struct import Struct
from .exceptions import ConversionError

# The typing aliases are compared as values (an annotation may be one), not used as annotations.
_SEQUENCES = (list, tuple, set, frozenset, typing.Sequence, typing.List, typing.Tuple, typing.Set)  # noqa: UP006


class OptionType(Struct):
    """How one parameter is read from the command line."""

    __slots__ = ("allows_none", "choices", "container", "convert", "convert_all", "metavar", "name")

    def __init__(
        self,
        name: str,
        convert: Callable[[str], Any],
        choices: Optional[tuple[Any, ...]] = None,
        container: type = list,
        metavar: Optional[str] = None,
        convert_all: Optional[Callable[[Any], Any]] = None,
        allows_none: bool = False,
    ) -> None:
        self.name = name  # "bool", "scalar", "list", "choice"
        self.convert = convert
        self.choices = choices
        self.container = container
        self.metavar = metavar
        # A list whose items are read together (a tuple of fixed length or of several item types).
        self.convert_all = convert_all
        self.allows_none = allows_none  # Optional[...]: `--opt None` (or `null`) gives None


def _dict_entries(key: str, default: dict[str, Any], dict_type: Any, text: str) -> dict[str, Any]:
    """Read ``--opt '{"m": 3}'``: the entries given, each converted as merging into the default converts it.

    Only those entries: the run holds them as the keys under the parameter's,
    so they merge entry by entry over a ``-C`` file's, as ``-D``'s do, and the
    default fills the rest when the function is called.

    >>> _dict_entries("app.opt", {"m": 1, "name": "sgd"}, dict, '{"m": "3"}')
    {'m': 3}
    """
    given = to_type(key, text, dict_type)
    return _entries_given(merge_mapping(key, default, given), given)


def _entries_given(merged: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Return the entries of ``merged`` that ``given`` names, nested mappings likewise."""
    return {
        name: _entries_given(merged[name], value)
        if isinstance(value, Mapping) and value and isinstance(merged[name], Mapping)
        else merged[name]
        for name, value in given.items()
    }


def _strip_optional(annotation: Any) -> Any:
    """Strip ``Optional`` from an annotation (``Optional[X]`` is X); keep other annotations."""
    if typing.get_origin(annotation) is typing.Union:
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _scalar(key: str, cls: Any) -> Callable[[str], Any]:
    """Return a converter from text to the declared type ``cls``, by the one conversion table."""
    if cls is EMPTY or cls is Any or cls is object:
        return _named("str", str)
    return _named(type_name(cls), lambda text: to_type(key, text, cls))


def _choice(key: str, text: str, annotation: Any) -> Any:
    try:
        return to_type(key, text, annotation)
    except ConversionError:
        return text


def _named(name: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap ``parse`` so that argparse reports its errors as one clear line."""

    def converter(text: Any) -> Any:
        try:
            return parse(text)
        except ConversionError as error:
            raise argparse.ArgumentTypeError(
                f"invalid {name} value: {text!r} (expected {error.expected})"
            ) from None
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"invalid {name} value: {text!r}") from None

    converter.__name__ = name
    return converter


def choose_option_type(key: str, annotation: Any, default: Any) -> OptionType:
    """Decide how a parameter with this annotation (or EMPTY) and default (or EMPTY) is read.

    ``Optional[X]`` is read as X, and also takes ``None`` (or ``null``) as its whole value.
    """
    stripped = _strip_optional(annotation)
    chosen = _option_type(key, stripped, default)
    if stripped is annotation or chosen.name == "bool":  # a flag is True or False
        return chosen
    if chosen.name == "list":  # `convert` reads one item; ListAction takes a lone None as the list
        return chosen.replace(allows_none=True)
    convert = chosen.convert
    choices = (*chosen.choices, None) if chosen.choices is not None else None
    return chosen.replace(
        convert=lambda text: None if text.strip() in NONE_WORDS else convert(text),
        choices=choices,
        allows_none=True,
    )


def _option_type(key: str, annotation: Any, default: Any) -> OptionType:
    """Decide how a parameter with this annotation (``Optional`` stripped) and default is read."""
    if annotation is EMPTY or annotation is Any:
        annotation = type(default) if default is not EMPTY and default is not None else str
        if isinstance(default, (list, tuple, set, frozenset)):
            item = type(next(iter(default))) if default else str
            return OptionType("list", _scalar(key, item), container=type(default))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        choices = typing.get_args(annotation)
        # Text that names no choice stays text, for argparse's "invalid choice" message.
        return OptionType("choice", lambda text: _choice(key, text, annotation), choices=choices)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = tuple(annotation)
        names = "{" + ",".join(member.name for member in members) + "}"
        return OptionType("choice", _scalar(key, annotation), choices=members, metavar=names)
    if annotation is bool:
        return OptionType("bool", _named("bool", parse_bool))
    if isinstance(default, dict) and holds_dict(annotation):  # a dict given merges into the default
        dict_type = annotation
        return OptionType(
            "scalar", _named(type_name(dict_type), lambda text: _dict_entries(key, default, dict_type, text))
        )
    if origin in _SEQUENCES or annotation in _SEQUENCES:
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        container = origin if isinstance(origin, type) and origin in (list, tuple, set, frozenset) else list
        convert_all = None
        if container is tuple and args and typing.get_args(annotation)[-1] is not Ellipsis:
            # tuple[float, float], tuple[int, str]: so many items, each of its own type
            convert_all = _named(type_name(annotation), lambda texts: to_type(key, texts, annotation))
        return OptionType(
            "list", _scalar(key, args[0] if args else str), container=container, convert_all=convert_all
        )
    return OptionType("scalar", _scalar(key, annotation))


class ListAction(argparse.Action):
    """Several values (``--dims 64 128``) or one list in the grammar (``--dims [64,128]``)."""

    def __init__(self, *args: Any, option_type: OptionType, **kwargs: Any) -> None:
        self.option_type = option_type
        super().__init__(*args, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: Optional[str] = None,
    ) -> None:
        texts = list(values)
        option_type = self.option_type
        if option_type.allows_none and len(texts) == 1 and texts[0].strip() in NONE_WORDS:
            setattr(namespace, self.dest, None)
            return
        if len(texts) == 1 and is_list_text(texts[0]):
            try:
                texts = split_list(texts[0])
            except GrammarError as error:
                parser.error(f"argument {option_string or self.dest}: {error}")
        try:
            if option_type.convert_all is not None:
                setattr(namespace, self.dest, option_type.convert_all(texts))
                return
            items = [option_type.convert(text) for text in texts]
        except argparse.ArgumentTypeError as error:
            parser.error(f"argument {option_string or self.dest}: {error}")
        setattr(namespace, self.dest, option_type.container(items))


def add_parameter(
    parser: argparse.ArgumentParser,
    parameter: inspect.Parameter,
    key: str,
    annotation: Any,
    help_text: str,
    optional: bool = False,
) -> None:
    """Add ``parameter`` to ``parser``: a positional without a default, else an option.

    With ``optional`` a positional may be left out (for ``-lps`` and ``-ep``).
    """
    option_type = choose_option_type(key, annotation, parameter.default)
    if option_type.name == "list":
        spec: dict[str, Any] = {
            "nargs": "+",
            "action": ListAction,
            "option_type": option_type,
            "metavar": parameter.name.upper(),
        }
    elif option_type.name == "bool" and parameter.default is not EMPTY:
        spec = {"action": BoolFlag}
    else:
        spec = {"type": option_type.convert, "choices": option_type.choices, "metavar": option_type.metavar}
    if parameter.kind is parameter.VAR_POSITIONAL:
        parser.add_argument(parameter.name, nargs="*", type=option_type.convert, help=help_text)
    elif parameter.default is EMPTY:
        if optional:
            spec = {**spec, "nargs": "*" if spec.get("nargs") == "+" else "?", "default": argparse.SUPPRESS}
        parser.add_argument(parameter.name, help=help_text, **spec)
    else:
        flags = long_flags(parameter.name)
        if option_type.name == "bool":
            flags = _bool_flags(parser, flags)
        parser.add_argument(*flags, dest=parameter.name, default=argparse.SUPPRESS, help=help_text, **spec)


def _bool_flags(parser: argparse.ArgumentParser, flags: list[str]) -> list[str]:
    """Return a bool parameter's own options, then the ``--no-`` negations added for it.

    A parameter's own name wins over another's negation (``no_cuda`` owns
    ``--no-cuda`` even beside a ``cuda`` parameter), whichever comes first.
    """
    for flag in flags:
        taken = parser._option_string_actions.get(flag)
        if isinstance(taken, BoolFlag) and flag in taken.negations:
            taken.option_strings = [each for each in taken.option_strings if each != flag]
            taken.negations.discard(flag)
            del parser._option_string_actions[flag]
    owned = parser._option_string_actions
    return flags + [negation(flag) for flag in flags if negation(flag) not in owned]


def negation(flag: str) -> str:
    """Return the option that sets a bool flag to False: ``--verbose`` -> ``--no-verbose``."""
    return "--no-" + flag[2:]


class BoolFlag(argparse.Action):
    """``--verbose`` sets True, ``--no-verbose`` False (``--verbose=false`` is rewritten to it).

    Only the negations added for the parameter set False: the option
    ``--no-cuda`` of a parameter named ``no_cuda`` is its own name and sets True.
    """

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)
        self.negations = {negation(flag) for flag in option_strings} & set(option_strings)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: Optional[str] = None,
    ) -> None:
        setattr(namespace, self.dest, option_string not in self.negations)


def rewrite_bool_values(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """Spell a bool flag's value as the flag: ``--flag=false`` and ``--flag false`` become ``--no-flag``.

    A word after a flag is its value only if it is a bool word, so in
    ``app.py --verbose input.txt`` the file stays a positional.
    """
    flags = {
        option
        for action in parser._actions
        if isinstance(action, BoolFlag)
        for option in action.option_strings
        if option not in action.negations
    }
    rewritten = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rewritten += argv[index - 1 :]
            break
        option, sep, text = arg.partition("=")
        if sep and option in flags:
            try:
                arg = option if parse_bool(text) else negation(option)
            except ValueError:
                parser.error(f"argument {option}: invalid bool value: {text!r}")
        elif arg in flags and index < len(argv) and _parses(parse_bool, argv[index]):
            arg = arg if parse_bool(argv[index]) else negation(arg)
            index += 1
        rewritten.append(arg)
    return rewritten


def _parses(parse: Callable[[str], Any], text: str) -> bool:
    """Tell whether ``parse`` accepts ``text``."""
    try:
        parse(text)
    except ValueError:
        return False
    return True


def dotted_options_as_defines(argv: list[str]) -> list[str]:
    """Spell ``--train.lr=0.1`` and ``--train.lr 0.1`` as ``-D train.lr=0.1``: any key is an option.

    A long option whose name holds a dot cannot be one of a program's own
    (those are parameter names), so it names a hyperparameter key. Its value
    is the text after ``=``, else the next word unless that is an option (a
    negative number is a value).

    >>> dotted_options_as_defines(["--train.lr=0.1", "--model.depth", "-2", "--epochs", "3"])
    ['-D', 'train.lr=0.1', '-D', 'model.depth=-2', '--epochs', '3']
    >>> dotted_options_as_defines(["in.txt", "--", "--not.an.option"])
    ['in.txt', '--', '--not.an.option']
    """
    rewritten: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            return rewritten + argv[index - 1 :]
        option, sep, text = arg.partition("=")
        if not (option.startswith("--") and "." in option):
            rewritten.append(arg)
        elif sep:
            rewritten += ["-D", f"{option[2:]}={text}"]
        elif index < len(argv) and (not argv[index].startswith("-") or _parses(float, argv[index])):
            rewritten += ["-D", f"{option[2:]}={argv[index]}"]
            index += 1
        else:
            rewritten.append(arg)  # no value: argparse names it as an unrecognized argument
    return rewritten


def repeat_flag(argv: list[str], flags: tuple[str, ...], takes: Callable[[str], bool]) -> list[str]:
    """Spell the words after a flag's value that ``takes`` accepts as more uses of the flag.

    A following word it does not accept (or one that starts with ``-``) is left
    alone, so a positional after the flag's values stays a positional. The
    value may be attached, as argparse allows (``--config=a.json``, ``-Ca.json``).

    >>> repeat_flag(["-C", "a.json", "b.toml", "in.txt"], ("-C",), lambda word: word.endswith(".toml"))
    ['-C', 'a.json', '-C', 'b.toml', 'in.txt']
    >>> repeat_flag(["--config=a.json", "b.toml"], ("-C", "--config"), lambda word: word.endswith(".toml"))
    ['--config=a.json', '--config', 'b.toml']
    """
    rewritten: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        rewritten.append(arg)
        index += 1
        if arg == "--":
            return rewritten + argv[index:]
        flag = _flag_of(arg, flags)
        if flag is None:
            continue
        if arg == flag:
            if index == len(argv):
                break
            rewritten.append(argv[index])
            index += 1
        while index < len(argv) and not argv[index].startswith("-") and takes(argv[index]):
            rewritten += [flag, argv[index]]
            index += 1
    return rewritten


def _flag_of(arg: str, flags: tuple[str, ...]) -> Optional[str]:
    """Return which of ``flags`` ``arg`` is, alone or with its value attached (``--config=a``, ``-Ca``)."""
    for flag in flags:
        if arg == flag or arg.startswith(flag + "=") or (len(flag) == 2 and arg.startswith(flag)):
            return flag
    return None


def is_config_file(word: str) -> bool:
    """Tell whether a word names a config file by its suffix (``-C a.json b.toml`` takes both)."""
    return word.lower().endswith((".json", ".toml", ".yaml", ".yml"))


def long_flags(name: str) -> list[str]:
    """Return the option strings of a parameter: ``--name``, and ``--dashed-name`` for an underscored one.

    >>> long_flags("output_file")
    ['--output_file', '--output-file']
    """
    return [f"--{name}"] + ([f"--{name.replace('_', '-')}"] if "_" in name else [])


def add_declared(parser: argparse.ArgumentParser, name: str, declared: Any, help_text: str) -> None:
    """Add an option for a parameter declared on an ``hp.Params`` class."""
    flags = long_flags(name)
    if declared.type_name == "bool":
        flags = _bool_flags(parser, flags)
        parser.add_argument(*flags, dest=name, action=BoolFlag, default=argparse.SUPPRESS, help=help_text)
        return

    def parse(text: str) -> Any:
        try:
            value = declared.parse_text(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(
                f"invalid value {text!r}: expected {declared.expected()}"
            ) from None
        try:
            return declared.check(value)
        except (TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    if declared.type_name == "list":
        item = declared.item_type
        option_type = OptionType(
            "list", _named(item.__name__ if item else "str", parse_bool if item is bool else item or str)
        )
        parser.add_argument(
            *flags,
            dest=name,
            nargs="+",
            action=_DeclaredListAction,
            option_type=option_type,
            declared=declared,
            metavar=name.upper(),
            default=argparse.SUPPRESS,
            help=help_text,
        )
        return
    parser.add_argument(
        *flags, dest=name, type=parse, default=argparse.SUPPRESS, metavar=name.upper(), help=help_text
    )


class _DeclaredListAction(ListAction):
    """A list option of a declared parameter: items converted, then the whole list checked."""

    def __init__(self, *args: Any, declared: Any, **kwargs: Any) -> None:
        self.declared = declared
        super().__init__(*args, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: Optional[str] = None,
    ) -> None:
        super().__call__(parser, namespace, values, option_string)
        try:
            setattr(namespace, self.dest, self.declared.check(getattr(namespace, self.dest)))
        except (TypeError, ValueError) as error:
            parser.error(f"argument {option_string}: {error}")


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, taking every negative number as a value: ``--lr -1e-3`` as ``--lr -0.5``.

    argparse tells a negative number from an option by a pattern that knows no
    exponent nor ``inf``/``nan``, so ``--lr -1e-3`` and ``--lr -inf`` were
    "expected one argument". Its subcommands' parsers are of this class too.

    >>> parser = ArgumentParser(prog="app")
    >>> _ = parser.add_argument("--lr", type=float)
    >>> parser.parse_args(["--lr", "-1e-3"]).lr
    -0.001
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NegativeNumberMatcher()  # type: ignore[assignment]  # argparse only calls .match


class _NegativeNumberMatcher:
    """Match a negative number as argparse asks (``.match(text)``), the pattern compiled on first need.

    argparse asks it of every option and argument starting with ``-``; only
    text whose second character can start a number or ``inf``/``nan`` needs
    the pattern, which takes 0.2 ms to compile: most launches never do.

    >>> bool(_NegativeNumberMatcher().match("-1e-3")), bool(_NegativeNumberMatcher().match("-D"))
    (True, False)
    """

    def match(self, text: str) -> Optional[re.Match[str]]:
        second = text[1:2]
        if not second.isdecimal() and second not in _NUMBER_STARTS:  # isdecimal: any digit \d matches
            return None
        return re.match(_NEGATIVE_NUMBER, text)


# -1e-3, -.5, and the words float() reads: -inf, -infinity, -nan, in any case.
_NEGATIVE_NUMBER = r"^-((\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?|(?i:inf|infinity|nan))$"
_NUMBER_STARTS = frozenset(".iInN")  # besides a digit, what can follow the "-" of a _NEGATIVE_NUMBER


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter (descriptions as written), sized to the terminal without ``shutil``.

    argparse builds a formatter for every option it adds, and its own sizing
    imports ``shutil`` (and through it ``bz2`` and ``lzma``): a few milliseconds
    of every launch. The width is found as ``shutil.get_terminal_size`` finds it.
    """

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: Optional[int] = None
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2  # what argparse subtracts from shutil's width
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """Return the terminal's width: ``$COLUMNS``, else the width of stdout's terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80
