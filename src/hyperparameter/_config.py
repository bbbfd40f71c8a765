"""Config files: load, merge, interpolate and validate them; save the values in force.

``config`` reads ``.json``, ``.toml`` and ``.yaml`` files (or takes mappings),
deep-merges them in order, resolves ``${...}`` interpolations and returns a
nested ``dict`` that ``hp.scope`` accepts as it is; with ``schema=`` it builds a
dataclass instead. ``save_config`` writes values back, loadable to the same values.

>>> import hyperparameter as hp
>>> values = config({"train": {"lr": 0.1}}, {"train.epochs": 3, "name": "run-${train.epochs}"})
>>> values
{'train': {'lr': 0.1, 'epochs': 3}, 'name': 'run-3'}
>>> with hp.scope(values):
...     hp.scope.train.lr | 0.001, hp.scope.name | ""
(0.1, 'run-3')
"""

from __future__ import annotations

import datetime
import enum
import numbers
import os
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any, Optional, TypeVar, Union, overload

from . import _config_formats, _interpolation, _schema
from ._key_paths import KeyPath, format_path
from ._keys import check_key
from ._scope import Scope, ScopeRoot
from .exceptions import ConfigError, InvalidKeyError, InvalidKeyTypeError

T = TypeVar("T")
PathLike = Union[str, "os.PathLike[str]"]
Source = Union[PathLike, Mapping[str, Any]]


@overload
def config(source: Union[Source, Sequence[Source]], *more: Source, schema: None = None) -> dict[str, Any]: ...


@overload
def config(source: Union[Source, Sequence[Source]], *more: Source, schema: type[T]) -> T: ...


def config(source: Union[Source, Sequence[Source]], *more: Source, schema: Optional[type[T]] = None) -> Any:
    """Load config files and mappings into one nested dict, or a ``schema`` instance.

    Args:
        source: a path (``str`` or ``pathlib.Path``) to a ``.json``, ``.toml``,
            ``.yaml`` or ``.yml`` file, a mapping, or a list of them.
        more: further paths or mappings, as if ``source`` were a list.
        schema: a dataclass (or any annotated type) to build from the values.

    Sources are deep-merged in order: later sources win, mappings merge key by
    key, and anything else (lists included) is replaced whole. A dotted key
    (``"train.lr"``) is the same as nested keys. ``${...}`` interpolations are
    resolved after merging, so a later file can change what a reference sees.

    Raises:
        ConfigError: a file cannot be parsed, a key is invalid, or an
            interpolation cannot be resolved; the message names the file and key.
        MissingReferenceError: an interpolation refers to something not set (a KeyError).
        SchemaError: the values do not fit ``schema``; it lists every problem.
        MissingDependencyError: a ``.yaml`` file without PyYAML installed.
        OSError: a file cannot be read, e.g. FileNotFoundError.
    """
    merged: dict[str, Any] = {}
    origins: dict[KeyPath, Optional[str]] = {}
    labels: list[str] = []
    for item in _sources(source, more):
        if isinstance(item, Mapping):
            label, data = None, item
        else:
            label = os.fspath(item)
            labels.append(label)
            data = _config_formats.read(pathlib.Path(label), label)
            if not isinstance(data, Mapping):
                raise ConfigError(
                    f"Config {label!r} holds {type(data).__name__} {_short(data)} at the top level; "
                    f"expected a mapping of keys to values."
                )
        tree = _normalize(data, (), label)
        _record_origins(origins, (), tree, label)
        _merge(merged, tree)

    def where(path: KeyPath) -> Optional[str]:
        for end in range(len(path), 0, -1):
            if path[:end] in origins:
                return origins[path[:end]]
        return None

    values = _interpolation.resolve(merged, where)
    if schema is None:
        return values
    return _schema.build(schema, values, where, labels)


def _sources(source: Union[Source, Sequence[Source]], more: tuple[Source, ...]) -> list[Source]:
    first: list[Source] = list(source) if isinstance(source, (list, tuple)) else [source]  # type: ignore[list-item]
    items = [*first, *more]
    for item in items:
        if not isinstance(item, (str, os.PathLike, Mapping)):
            raise TypeError(
                f"hp.config takes paths (str or pathlib.Path) and mappings, not {type(item).__name__} {_short(item)}."
            )
    return items


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _normalize(value: Any, path: KeyPath, label: Optional[str]) -> Any:
    """Copy ``value``, checking keys and turning dotted keys into nested mappings."""
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            parts = _check_key(path, key, label).split(".")
            nested = _normalize(item, (*path, *parts), label)
            for part in reversed(parts[1:]):
                nested = {part: nested}
            _merge(result, {parts[0]: nested})
        return result
    if isinstance(value, list):
        return [_normalize(item, (*path, index), label) for index, item in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(_normalize(item, (*path, index), label) for index, item in enumerate(value))
    return value


def _check_key(path: KeyPath, key: Any, label: Optional[str]) -> str:
    """Return ``key`` if it is valid where it is; the error names its full key path."""
    try:
        if not isinstance(key, str):
            under = f" (under {format_path(path)!r})" if path else ""
            raise InvalidKeyTypeError(key, f"it is a {type(key).__name__}, not a string{under}")
        inside_list = any(isinstance(part, int) for part in path)
        check_key(key if inside_list or not path else format_path((*path, key)))
    except InvalidKeyError as error:
        if label is None:
            raise
        raise ConfigError(f"Cannot load config {label!r}: {error}") from None
    return key


def _merge(into: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Deep-merge ``update`` into ``into``: mappings merge, anything else replaces."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _record_origins(
    origins: dict[KeyPath, Optional[str]], path: KeyPath, tree: Any, label: Optional[str]
) -> None:
    """Remember which source set each key path, so messages can name the file."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            child = (*path, key)
            origins[child] = label
            _record_origins(origins, child, value, label)


def save_config(values: Union[Mapping[str, Any], Scope, ScopeRoot], path: PathLike) -> None:
    """Write ``values`` to a ``.toml``, ``.json`` or ``.yaml`` file that loads back to them.

    ``values`` is a mapping with dotted or nested keys, a scope (the values it
    sees), or ``hp.scope`` itself (the values in force). Dotted keys are written
    nested. Tuples are written as lists, an ``Enum`` member as its name and a
    path as text: what a read with a default of that type converts back. A
    literal ``${`` is escaped so that loading does not interpolate it.

    >>> import hyperparameter as hp, pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder, hp.scope(**{"train.lr": 0.1, "name": "a"}):
    ...     hp.save_config(hp.scope, pathlib.Path(folder) / "run.toml")
    ...     print((pathlib.Path(folder) / "run.toml").read_text(), end="")
    ...     hp.config(pathlib.Path(folder) / "run.toml")
    name = "a"
    <BLANKLINE>
    [train]
    lr = 0.1
    {'name': 'a', 'train': {'lr': 0.1}}

    Raises:
        ConfigError: a key is both a value and a table, a value has no form in
            a config file, or the format cannot hold it (TOML has no null).
    """
    label = os.fspath(path)
    if isinstance(values, (Scope, ScopeRoot)):
        values = values.storage()
    if not isinstance(values, Mapping):
        raise TypeError(
            f"hp.save_config takes a mapping or a scope, not {type(values).__name__} {_short(values)}."
        )
    tree: dict[str, Any] = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise ConfigError(
                f"Cannot save config {label!r}: key {key!r} is a {type(key).__name__}, not a string."
            )
        _place(tree, key, _plain(value, (key,), label), label)
    _config_formats.write(tree, pathlib.Path(label), label)


def _place(tree: dict[str, Any], key: str, value: Any, label: str) -> None:
    """Put ``value`` at dotted ``key``, merging with what other keys put there."""
    *parents, last = key.split(".")
    node = tree
    for depth, parent in enumerate(parents):
        child = node.setdefault(parent, {})
        if not isinstance(child, dict):
            _clash(".".join(parents[: depth + 1]), child, key, label)
        node = child
    if isinstance(value, dict) and isinstance(node.get(last), dict):
        _merge(node[last], value)
    elif last in node and (isinstance(value, dict) or isinstance(node[last], dict)):
        _clash(key, value if isinstance(node[last], dict) else node[last], key, label)
    else:
        node[last] = value


def _clash(key: str, value: Any, inner: str, label: str) -> None:
    raise ConfigError(
        f"Cannot save config {label!r}: key {key!r} holds {_short(value)}, so it cannot also hold "
        f"keys such as {inner!r}; a key is either a value or a table."
    )


def _plain(value: Any, path: KeyPath, label: str) -> Any:
    """``value`` as the types a config file holds, with ``${`` escaped."""
    if isinstance(value, str):
        return _interpolation.escape(str(value))
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, pathlib.PurePath):
        return _interpolation.escape(str(value))
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise ConfigError(
                    f"Cannot save config {label!r}: key {format_path((*path, key))!r} is not a string."
                )
        return {key: _plain(item, (*path, key), label) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, (*path, index), label) for index, item in enumerate(value)]
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    raise ConfigError(
        f"Cannot save config {label!r}: key {format_path(path)!r} is {_short(value)}, a {type(value).__name__}, "
        f"which a config file cannot hold; expected str, int, float, bool, None, a list or a mapping."
    )
