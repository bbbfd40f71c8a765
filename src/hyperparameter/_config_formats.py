"""Config file formats: read and write ``.json``, ``.toml``, ``.yaml``/``.yml`` by suffix.

TOML is read with the standard library's ``tomllib`` (``tomli`` before Python
3.11) and written by :mod:`._config_toml`; YAML needs PyYAML, the ``yaml`` extra.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any, Callable, Optional

from . import _config_toml
from ._key_paths import KeyPath, format_path
from .exceptions import ConfigError, MissingDependencyError

YAML_INSTALL = "pip install 'hyperparameter[yaml]'"
# YAML 1.1 reads 1e-3 as a string (its floats need a dot); configs mean a float.
# The same rule as OmegaConf's, so files move between the two unchanged.
_YAML_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


def format_of(path: Path, label: str, action: str) -> str:
    """The format a file's suffix names: ``json``, ``toml`` or ``yaml``."""
    suffix = path.suffix.lower()
    formats = {".json": "json", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml"}
    if suffix not in formats:
        problem = f"unknown suffix {suffix!r}" if suffix else "no suffix to tell its format"
        raise ConfigError(
            f"Cannot {action} config {label!r}: {problem}; expected .json, .toml, .yaml or .yml."
        )
    return formats[suffix]


def read(path: Path, label: str) -> Any:
    """Parse the file at ``path``; ``label`` is how messages name it."""
    kind = format_of(path, label, "read")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"Cannot read config {label!r}: it is not UTF-8 text ({error.reason} at byte {error.start})."
        ) from None
    readers: dict[str, Callable[[str, str], Any]] = {
        "json": _read_json,
        "toml": _read_toml,
        "yaml": _read_yaml,
    }
    return readers[kind](text, label)


def write(values: dict[str, Any], path: Path, label: str) -> None:
    """Write ``values`` (plain, nested) to ``path`` in the format its suffix names."""
    kind = format_of(path, label, "save")
    writers: dict[str, Callable[[dict[str, Any]], str]] = {
        "json": _write_json,
        "toml": _config_toml.dumps,
        "yaml": _write_yaml,
    }
    try:
        text = writers[kind](values)
    except ConfigError as error:
        raise ConfigError(f"Cannot save config {label!r}: {error}") from None
    path.write_text(text, encoding="utf-8")


class _Repeated(dict[str, Any]):
    """A JSON object holding ``key`` twice, kept until parsing ends to find its key path."""

    def __init__(self, values: dict[str, Any], key: str) -> None:
        super().__init__(values)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in pairs:
        if key in values:
            return _Repeated(values, key)
        values[key] = value
    return values


def _repeated(path: KeyPath, value: Any) -> Optional[KeyPath]:
    """The key path of the first key that appears twice in one object, if any."""
    if isinstance(value, _Repeated):
        return (*path, value.key)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _repeated((*path, key), item)
        if found is not None:
            return found
    return None


def _read_json(text: str, label: str) -> Any:
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"Cannot parse config {label!r} as JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    repeated = _repeated((), data)
    if repeated is not None:
        raise ConfigError(
            f"Cannot parse config {label!r} as JSON: the key {format_path(repeated)!r} appears twice "
            f"in one object; keep one."
        )
    return data


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
def _yaml_classes(yaml: Any) -> tuple[type, type]:
    """A safe loader and dumper that agree on floats such as ``1e-3``."""
    resolvers = {first: list(entries) for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for first in "-+0123456789.":
        resolvers.setdefault(first, []).append(("tag:yaml.org,2002:float", _YAML_FLOAT))

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
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
            return super().construct_mapping(node, deep)

    class Dumper(yaml.SafeDumper):  # type: ignore[misc]
        yaml_implicit_resolvers = resolvers

        def represent_str(self, data: str) -> Any:
            # PyYAML folds a NEL or a Unicode line separator in a plain or single-quoted
            # scalar into a space when reading it back; double quotes escape them.
            style = '"' if any(char in data for char in "\x85\u2028\u2029") else None
            return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, Dumper.represent_str)
    return Loader, Dumper


def _read_yaml(text: str, label: str) -> Any:
    yaml = _import_yaml("Reading YAML config files")
    loader, _ = _yaml_classes(yaml)
    try:
        data = yaml.load(text, Loader=loader)  # a SafeLoader: builds plain values only
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


def _refuse(path: KeyPath, value: Any, kinds: tuple[type, ...], why: str) -> None:
    """Raise for a value of ``kinds``, which the format has no type for, naming its key."""
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse((*path, key), item, kinds, why)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse((*path, index), item, kinds, why)
    elif isinstance(value, kinds):
        raise ConfigError(f"key {format_path(path)!r} is {value!r}, and {why}.")


def _write_yaml(values: dict[str, Any]) -> str:
    yaml = _import_yaml("Writing YAML config files")
    _refuse(
        (), values, (datetime.time,), "YAML has no time of day; save as .toml, or store the value as a string"
    )
    _, dumper = _yaml_classes(yaml)
    text: str = yaml.dump(
        values, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text
