"""Config file formats: read and write ``.json``, ``.toml``, ``.yaml``/``.yml`` by suffix.

TOML is read with the standard library's ``tomllib`` (``tomli`` before Python
3.11) and written by :mod:`._config_toml`; YAML needs PyYAML, the ``yaml`` extra.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import re
import stat
import sys
from functools import cache
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

from . import _config_toml
from ._config_json import read_json
from ._config_limits import MAX_DEPTH
from ._key_paths import KeyPath, format_path
from .exceptions import ConfigError, MissingDependencyError

YAML_INSTALL = "pip install 'hyperparameter[yaml]'"
# YAML 1.1 reads 1e-3 as a string (its floats need a dot); configs mean a float.
# The same rule as OmegaConf's, so files move between the two unchanged, except that a
# leading dot needs a digit after it: "._" is text (it would be "." once underscores go).
_YAML_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)

# Text on which libyaml and PyYAML's pure loader have been seen to disagree, fuzzing one
# against the other: tabs, control characters and Unicode line breaks, tags, "?" keys, flow
# mappings, a comment right after a block scalar's header, a colon inside a flow sequence.
# Such a file is read by the pure loader alone, so every file reads as it always has.
_LIBYAML_DIFFERS = re.compile(
    r"[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff!?]|(?<!\$)\{|[|>][-+0-9]*#|\[[^\]\n]*:"
)


def format_of(path: Path, label: str, action: str) -> str:
    """Return the format a file's suffix names: ``json``, ``toml`` or ``yaml``."""
    suffix = path.suffix.lower()
    formats = {".json": "json", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}
    if suffix not in formats:
        problem = f"unknown suffix {suffix!r}" if suffix else "no suffix to tell its format"
        raise ConfigError(
            f"Cannot {action} config {label!r}: {problem}; expected .json, .toml, .yaml or .yml."
        )
    return formats[suffix]


class Parsed(NamedTuple):
    """A parsed file and what its text says about it, so the caller can skip work it does not need."""

    data: Any
    #: Whether a string in it may hold ``${``: its text has a ``$``, written or escaped.
    dollar: bool
    #: Whether one container may appear at two places (YAML anchors and aliases).
    shares: bool
    #: Whether every mapping's keys are plain key segments and nothing is shared, as in
    #: most JSON files: the data is then what normalizing it would make of it.
    normal: bool = False


# "$" as every format's escapes can write it.
_DOLLARS = ("$", "\\u0024", "\\x24", "\\U00000024")


def read(path: Path, label: str, depth: int = MAX_DEPTH) -> Parsed:
    """Parse the file at ``path``; ``label`` is how messages name it, ``depth`` the nesting allowed."""
    file_format = format_of(path, label, "read")
    data = _read_regular_file(path, label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"Cannot read config {label!r}: it is not UTF-8 text ({error.reason} at byte {error.start})."
        ) from None
    readers: dict[str, Callable[[str, str], Any]] = {"toml": _read_toml, "yaml": _read_yaml}
    dollar = "$" in text or ("\\" in text and any(dollar in text for dollar in _DOLLARS))
    try:
        if file_format == "json":
            data, normal = read_json(text, label, depth)
            return Parsed(data, dollar, False, normal)
        return Parsed(readers[file_format](text, label), dollar, file_format == "yaml" and "&" in text)
    except RecursionError:  # the parsers recurse once per level of nesting
        raise ConfigError(
            f"Cannot read config {label!r}: its values are nested too deeply to parse "
            f"(configs are a few levels deep; at most {depth} are accepted)."
        ) from None


def _read_regular_file(path: Path, label: str) -> bytes:
    """Read the bytes of the file at ``path``; refuse a FIFO, a device or a directory, unread."""
    with open(path, "rb", opener=_open_without_blocking) as file:
        mode = os.fstat(file.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise ConfigError(
                f"Cannot read config {label!r}: it is {_file_type(mode)}, not a regular file; "
                f"expected a .json, .toml or .yaml file."
            )
        return file.read()


def _open_without_blocking(name: str, flags: int) -> int:
    # Opening a FIFO for reading waits for a writer; O_NONBLOCK returns at once, so
    # the check above can refuse it (it has no effect on regular files).
    return os.open(name, flags | getattr(os, "O_NONBLOCK", 0))


def _file_type(mode: int) -> str:
    types = [
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in types if test(mode)), "a special file")


def write(values: dict[str, Any], path: Path, label: str, comments: Optional[dict[str, str]] = None) -> None:
    """Write ``values`` (plain, nested) to ``path`` in the format its suffix names.

    ``comments`` (by dotted key) go beside each key in TOML, at the top of a
    YAML file, and to ``<name>.sources.json`` next to a JSON file.
    """
    file_format = format_of(path, label, "save")
    writers: dict[str, Callable[[dict[str, Any]], str]] = {
        "json": _write_json,
        "toml": lambda tree: _config_toml.dumps(tree, comments),
        "yaml": _write_yaml,
    }
    try:
        text = writers[file_format](values)
    except ConfigError as error:
        raise ConfigError(f"Cannot save config {label!r}: {error}") from None
    if comments and file_format == "yaml":
        text = "".join(f"# {key}: {_one_line(note)}\n" for key, note in comments.items()) + text
    path.write_text(text, encoding="utf-8")
    if comments and file_format == "json":
        path.with_suffix(".sources.json").write_text(_write_json(dict(comments)), encoding="utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _read_toml(text: str, label: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        try:
            # mypy checks this branch only when run for Python 3.10, where tomli may be absent.
            import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
        except ModuleNotFoundError:
            raise MissingDependencyError(
                "tomli", "Reading TOML before Python 3.11", "pip install 'hyperparameter[toml]'"
            ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Cannot parse config {label!r} as TOML: {error}.") from None


def _import_yaml(purpose: str) -> Any:
    try:
        # Imported by name: the module is typed Any, so mypy needs no PyYAML stubs.
        yaml = importlib.import_module("yaml")
    except ImportError:
        raise MissingDependencyError("PyYAML", purpose, YAML_INSTALL) from None
    return yaml


@cache
def _yaml_classes(yaml: Any) -> tuple[type, Optional[type], type]:
    """Build safe loaders (pure Python, and libyaml's if PyYAML has it) and a dumper agreeing on ``1e-3``."""
    resolvers = {first: list(entries) for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for first in "-+0123456789.":
        resolvers.setdefault(first, []).append(("tag:yaml.org,2002:float", _YAML_FLOAT))

    class Rules:
        """What both loaders add to PyYAML's safe loading: one rule for floats, no key twice."""

        yaml_implicit_resolvers = resolvers

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            # YAML forbids a key twice in one mapping; PyYAML would keep the last silently.
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                if (key_node.tag, key_node.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key {key_node.value!r} appears twice in one mapping",
                        key_node.start_mark,
                    )
                seen.add((key_node.tag, key_node.value))
            return super().construct_mapping(node, deep)  # type: ignore[misc]

    class Loader(Rules, yaml.SafeLoader):  # type: ignore[misc]
        pass

    # libyaml scans and parses in C, about 8 times faster; building the values stays Python,
    # with the same rules. Without libyaml, PyYAML has no CSafeLoader.
    compiled = type("CompiledLoader", (Rules, yaml.CSafeLoader), {}) if hasattr(yaml, "CSafeLoader") else None

    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        yaml_implicit_resolvers = resolvers

        def represent_str(self, data: str) -> Any:
            # PyYAML folds a NEL or a Unicode line separator in a plain or single-quoted
            # scalar into a space when reading it back; double quotes escape them.
            style = '"' if any(char in data for char in "\x85\u2028\u2029") else None
            return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, Dumper.represent_str)
    return Loader, compiled, Dumper


def _read_yaml(text: str, label: str) -> Any:
    yaml = _import_yaml("Reading YAML config files")
    loader, compiled, _ = _yaml_classes(yaml)
    if compiled is not None and not _LIBYAML_DIFFERS.search(text):
        try:
            data = yaml.load(text, Loader=compiled)  # a safe loader: builds plain values only
        except yaml.YAMLError:
            pass  # read again below: the pure loader's words and positions are the documented ones
        else:
            return {} if data is None else data
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise ConfigError(
            f"Cannot parse config {label!r} as YAML: {error.problem or error.context}{where}."
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"Cannot parse config {label!r} as YAML: {error}.") from None
    return {} if data is None else data  # an empty file is an empty config


def _write_json(values: dict[str, Any]) -> str:
    _refuse(
        (),
        values,
        (datetime.date, datetime.time),
        "JSON has no dates or times; save as .toml or .yaml, or store the value as a string",
    )
    return json.dumps(values, indent=2, ensure_ascii=False) + "\n"


def _refuse(path: KeyPath, value: Any, types: tuple[type, ...], why: str) -> None:
    """Raise for a value of ``types``, which the format has no type for, naming its key."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse((*path, key), item, types, why)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse((*path, index), item, types, why)
    elif isinstance(value, types):
        raise ConfigError(f"key {format_path(path)!r} is {value!r}, and {why}.")


def _write_yaml(values: dict[str, Any]) -> str:
    yaml = _import_yaml("Writing YAML config files")
    _refuse(
        (), values, (datetime.time,), "YAML has no time of day; save as .toml, or store the value as a string"
    )
    _, _, dumper = _yaml_classes(yaml)
    text: str = yaml.dump(
        values, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text
