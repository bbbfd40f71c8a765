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

import collections
import datetime
import enum
import os
import pathlib
import sys
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, Callable, Optional, Protocol, TypeVar, Union, overload, runtime_checkable

from . import _config_formats, _interpolation, _schema
from ._config_limits import DEFAULT_LIMITS, MAX_DEPTH, ConfigLimits, checked_limits, measure, too_deep
from ._key_paths import KeyPath, format_path
from ._keys import are_plain_segments, check_key
from ._numbers import plain_number
from ._scope import Scope, ScopeRoot
from ._text import short_repr
from .exceptions import ConfigError, InvalidKeyError, InvalidKeyTypeError

T = TypeVar("T")
# Containers a parsed file is made of, and how deep _adopt goes before handing over to _normalize.
_CONTAINERS = frozenset({dict, list, tuple})
_ADOPT_DEPTH = 100
PathLike = Union[str, "os.PathLike[str]"]
Source = Union[PathLike, Mapping[str, Any]]


@overload
def config(
    source: Union[Source, Sequence[Source]],
    *more: Source,
    schema: None = None,
    limits: Optional[ConfigLimits] = None,
) -> dict[str, Any]: ...


@overload
def config(
    source: Union[Source, Sequence[Source]],
    *more: Source,
    schema: type[T],
    limits: Optional[ConfigLimits] = None,
) -> T: ...


def config(
    source: Union[Source, Sequence[Source]],
    *more: Source,
    schema: Optional[type[T]] = None,
    limits: Optional[ConfigLimits] = None,
) -> Any:
    """Load config files and mappings into one nested dict, or a ``schema`` instance.

    Args:
        source: a path (``str`` or ``pathlib.Path``) to a ``.json``, ``.toml``,
            ``.yaml`` or ``.yml`` file, a mapping, or a list of them.
        more: further paths or mappings, as if ``source`` were a list.
        schema: a dataclass (or any annotated type) to build from the values.
        limits: how deep the values may nest and how many values and
            characters they may expand to (:class:`ConfigLimits`; the defaults
            sit far above real configs).

    Sources are deep-merged in order: later sources win, mappings merge key by
    key, and anything else (lists included) is replaced whole. A dotted key
    (``"train.lr"``) is the same as nested keys. ``${...}`` interpolations are
    resolved after merging, so a later file can change what a reference sees.

    Raises:
        ConfigError: a file cannot be parsed, a key is invalid or set twice in
            one source, an interpolation cannot be resolved, or the values go
            past ``limits``; the message names the file and key.
        MissingReferenceError: an interpolation refers to something not set (a KeyError).
        SchemaError: the values do not fit ``schema``; it lists every problem.
        MissingDependencyError: a ``.yaml`` file without PyYAML installed.
        OSError: a file cannot be read, e.g. FileNotFoundError.

    >>> import dataclasses, hyperparameter as hp
    >>> hp.config({"train": {"lr": 0.1, "epochs": 3}}, {"train.epochs": 5})
    {'train': {'lr': 0.1, 'epochs': 5}}
    >>> @dataclasses.dataclass
    ... class Train:
    ...     lr: float = 0.001
    ...     epochs: int = 10
    >>> hp.config({"lr": 1, "epochs": 5}, schema=Train)
    Train(lr=1.0, epochs=5)
    """
    values, where, labels = _load(source, more, checked_limits(limits), count_files=limits is not None)
    if labels:
        _recent_loads.appendleft((values, where))
    if schema is None:
        return values
    return _schema.build(schema, values, where, labels)


def load_with_origins(
    files: Sequence[PathLike], late: Optional[Mapping[str, Any]] = None
) -> tuple[dict[str, Any], Callable[[str], str]]:
    """``config(files)`` and, for a dotted key, the one file that set it (as given).

    ``late`` holds values set after the files (the launcher's ``-D`` values and
    options, dotted keys): the files' ``${...}`` references see them, as they see
    a later file's values. Only the files' keys are returned.

    >>> values, origin = load_with_origins([{"a": {"b": 1}}, {"a.c": 2}])
    >>> values, origin("a.c")
    ({'a': {'b': 1, 'c': 2}}, '')
    >>> load_with_origins([{"lr": 0.1, "tag": "lr-${lr}"}], {"lr": "0.5", "x": 1})[0]
    {'lr': '0.5', 'tag': 'lr-0.5'}
    """
    values, where, labels = _load(list(files), (), DEFAULT_LIMITS, late=late)
    if len(labels) == 1:  # the common case: asked for every key, so answered without a search
        return values, lambda key: labels[0]
    return values, lambda key: where(tuple(key.split("."))) or ""


def _load(
    source: Union[Source, Sequence[Source]],
    more: tuple[Source, ...],
    limits: ConfigLimits,
    count_files: bool = False,
    late: Optional[Mapping[str, Any]] = None,
) -> tuple[dict[str, Any], Callable[[KeyPath], Optional[str]], list[str]]:
    """Load, merge and resolve: return the values, which source set each key path, and the files read.

    A file's own values are counted against ``limits`` only when ``count_files``
    (limits the caller gave): otherwise only what expands (aliases, references)
    is, so a big plain file costs no extra walk. ``late``: values (dotted keys)
    that references see over the sources' own (see :func:`load_with_origins`).
    """
    merged: dict[str, Any] = {}
    trees: list[tuple[Optional[str], dict[str, Any]]] = []
    labels: list[str] = []
    interpolates = False  # whether any source may hold a ${...}, else resolving is skipped
    for item in _sources(source, more):
        if isinstance(item, Mapping):
            measure(item, None, limits=limits)
            label, tree = None, _normalize(item, (), None, depth=limits.depth)
            interpolates = True
        else:
            label = os.fspath(item)
            labels.append(label)
            data, dollar, shares, normal = _config_formats.read(pathlib.Path(label), label, limits.depth)
            if not isinstance(data, Mapping):
                raise ConfigError(
                    f"Config {label!r} holds {type(data).__name__} {short_repr(data)} at the top level; "
                    f"expected a mapping of keys to values."
                )
            if shares or count_files:  # YAML aliases: one container at many places may expand exponentially
                measure(data, label, limits=limits)
            tree = data if normal else _adopt(data, (), label, set() if shares else None, limits.depth)
            interpolates = interpolates or dollar
        trees.append((label, tree))
        _merge(merged, tree)

    def where(path: KeyPath) -> Optional[str]:
        return _origin(trees, path)

    if not interpolates:
        return merged, where, labels
    if not late:
        return _interpolation.interpolate(merged, where, limits), where, labels
    added = [
        path for path, value in zip(map(_late_path, late), late.values()) if _put_late(merged, path, value)
    ]
    values = _interpolation.interpolate(merged, where, limits)
    for path in added:  # a late key no source holds was there for the references only
        _drop_new(values, path, trees)
    return values, where, labels


def _late_path(key: str) -> tuple[str, ...]:
    return tuple(key.split("."))


def _put_late(into: dict[str, Any], path: tuple[str, ...], value: Any) -> bool:
    """Set ``value`` at ``path`` over the sources' value, if it fits there; whether it did.

    A late text holding ``${`` stays text (as the launcher keeps a ``-D`` value).
    """
    node = into
    for part in path[:-1]:
        inner = node.get(part, {})
        if not isinstance(inner, dict):
            return False  # a source holds a value where the late key needs a table
        node[part] = node = dict(inner)  # a copy: the merged tables share the sources' own
    if isinstance(node.get(path[-1]), dict) and not isinstance(value, dict):
        return False
    node[path[-1]] = _interpolation.escape(value) if isinstance(value, str) else value
    return True


def _drop_new(
    values: dict[str, Any], path: tuple[str, ...], trees: list[tuple[Optional[str], dict[str, Any]]]
) -> None:
    """Remove from ``values`` the part of ``path`` that no source holds."""
    for end in range(1, len(path) + 1):
        if not any(_holds(tree, path[:end]) for _, tree in trees):
            node = values
            for part in path[: end - 1]:
                node = node[part]
            node.pop(path[end - 1], None)
            return


# The latest file loads (values, and which file set a key path), for naming
# "hp.config <file>" as a source; looked into only when a record asks.
_recent_loads: collections.deque[tuple[dict[str, Any], Callable[[KeyPath], Optional[str]]]] = (
    collections.deque(maxlen=16)
)


def loaded_from(key: str, value: Any) -> Optional[str]:
    """Return the file a recent ``hp.config`` load read ``value`` (this very object) for ``key`` from.

    >>> import hyperparameter as hp, pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "run.json"
    ...     _ = path.write_text('{"train": {"lr": 0.5}}')
    ...     values = hp.config(path)
    >>> loaded_from("train.lr", values["train"]["lr"]) == str(path)
    True
    >>> loaded_from("train.lr", 0.5) is None
    True
    """
    path = tuple(key.split("."))
    for values, where in _recent_loads:
        found: Any = values
        for part in path:
            found = found.get(part, _recent_loads) if isinstance(found, dict) else _recent_loads
        if found is value:
            return where(path)
    return None


def _sources(source: Union[Source, Sequence[Source]], more: tuple[Source, ...]) -> list[Source]:
    first: list[Source] = list(source) if isinstance(source, (list, tuple)) else [source]  # type: ignore[list-item]
    items = [*first, *more]
    for item in items:
        if not isinstance(item, (str, os.PathLike, Mapping)):
            raise TypeError(
                "hp.config takes paths (str or pathlib.Path) and mappings, "
                f"not {type(item).__name__} {short_repr(item)}."
            )
    return items


def _normalize(
    value: Any, path: KeyPath, label: Optional[str], action: str = "load", depth: int = MAX_DEPTH
) -> Any:
    """Copy ``value``, checking keys and turning dotted keys into nested mappings at most ``depth`` deep."""
    if len(path) > depth and isinstance(value, (Mapping, list, tuple)):
        raise too_deep(path, label, depth)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            parts = _check_key(path, key, label, action).split(".")
            nested = _normalize(item, (*path, *parts), label, action, depth)
            for part in reversed(parts[1:]):
                nested = {part: nested}
            _put(result, parts[0], nested, path, label, action)
        return result
    if isinstance(value, list):
        return [_normalize(item, (*path, index), label, action, depth) for index, item in enumerate(value)]
    if isinstance(value, tuple):
        return tuple(
            _normalize(item, (*path, index), label, action, depth) for index, item in enumerate(value)
        )
    return value


def _adopt(value: Any, path: KeyPath, label: str, seen: Optional[set[int]], depth: int) -> Any:
    """Normalize a freshly parsed file as ``_normalize(..., depth=depth)`` does, reusing what is normal.

    A parsed file is ours to keep, so a mapping whose keys are all plain
    segments is kept as it is, checked with one look at its joined keys; only
    containers holding containers are visited, never leaves one by one.
    Anything else (a dotted or invalid key, a tuple, a deep tree, a container
    met twice as YAML aliases make when ``seen`` tracks them) goes through
    ``_normalize``, which copies, explains and limits.
    """
    container = type(value)
    if seen is not None:
        if id(value) in seen:
            return _normalize(value, path, label, depth=depth)
        seen.add(id(value))
    if (container is not dict and container is not list) or len(path) >= min(_ADOPT_DEPTH, depth):
        return _normalize(value, path, label, depth=depth)
    if container is dict and not are_plain_segments(value):
        return _normalize(value, path, label, depth=depth)
    items = value.values() if container is dict else value
    types = set(map(type, items))
    if types.isdisjoint(_CONTAINERS):
        return value
    if dict not in types and tuple not in types:
        # Lists of plain values, the common case, are normal as they are: checked all at once.
        lists = [item for item in items if type(item) is list]
        if _CONTAINERS.isdisjoint(map(type, chain.from_iterable(lists))) and (
            seen is None or (seen.isdisjoint(map(id, lists)) and len(set(map(id, lists))) == len(lists))
        ):
            if seen is not None:
                seen.update(map(id, lists))
            return value
    for key in value.keys() if container is dict else range(len(value)):
        item = value[key]
        if type(item) in _CONTAINERS:
            value[key] = _adopt(item, (*path, key), label, seen, depth)
    return value


def _origin(trees: list[tuple[Optional[str], dict[str, Any]]], path: KeyPath) -> Optional[str]:
    """Return the label of the last source that set ``path`` or, failing that, its nearest parent.

    Asked only for messages, so nothing is recorded while loading.
    """
    for end in range(len(path), 0, -1):
        for label, tree in trees[::-1]:
            if _holds(tree, path[:end]):
                return label
    return None


def _holds(tree: dict[str, Any], path: KeyPath) -> bool:
    """Whether the nested mappings of ``tree`` hold a key at ``path``."""
    node: Any = tree
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _check_key(path: KeyPath, key: Any, label: Optional[str], action: str) -> str:
    """Return ``key`` if it is valid where it is; the error names its full key path."""
    inside_list = any(isinstance(part, int) for part in path)
    try:
        if not isinstance(key, str):
            under = f" (under {format_path(path)!r})" if path else ""
            raise InvalidKeyTypeError(key, f"it is {_a(type(key).__name__)}, not a string{under}")
        check_key(key if inside_list or not path else format_path((*path, key)))
    except InvalidKeyError as error:
        if label is None:
            raise
        # Inside a list the key is checked alone, so the message adds where it is.
        at = f" at {format_path(path)!r}" if inside_list else ""
        raise ConfigError(f"Cannot {action} config {label!r}{at}: {error}") from None
    return key


def _put(
    into: dict[str, Any], key: str, value: Any, path: KeyPath, label: Optional[str], action: str
) -> None:
    """Set ``into[key]``, merging tables; two values for one place are an error, not a silent overwrite."""
    if key not in into:
        into[key] = value
    elif isinstance(into[key], dict) and isinstance(value, dict):
        for inner, item in value.items():
            _put(into[key], inner, item, (*path, key), label, action)
    else:
        raise ConfigError(_conflict((*path, key), into[key], value, label, action))


def _conflict(path: KeyPath, first: Any, second: Any, label: Optional[str], action: str) -> str:
    subject = (
        f"Cannot {action} config {label!r}" if label is not None else f"Cannot {action} the config mapping"
    )
    key = format_path(path)
    for table, value in ((first, second), (second, first)):
        if isinstance(table, dict) and table:
            inner = f"{key}.{next(iter(table))}"
            return (
                f"{subject}: key {key!r} holds {short_repr(value)}, so it cannot also hold keys such as "
                f"{inner!r}; a key is either a value or a table."
            )
    return (
        f"{subject}: key {key!r} is set twice, to {short_repr(first)} and to {short_repr(second)}; "
        f"a dotted key names the same place as the nested keys it spells, so keep one."
    )


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _merge(into: dict[str, Any], update: Mapping[str, Any]) -> None:
    """Deep-merge ``update`` into ``into``: mappings merge, anything else replaces."""
    if dict not in map(type, update.values()):  # nothing to merge into: replace at C speed
        into.update(update)
        return
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


@runtime_checkable
class Recorded(Protocol):
    """What ``hp.record()`` gives: values as read (``operative()``) and where each came from."""

    def operative(self) -> dict[str, Any]: ...

    def sources(self) -> dict[str, str]: ...


def save_config(values: Union[Mapping[str, Any], Scope, ScopeRoot, Recorded], path: PathLike) -> None:
    """Write ``values`` to a ``.toml``, ``.json`` or ``.yaml`` file that loads back to them.

    ``values`` is a mapping with dotted or nested keys, a scope (the values it
    sees), ``hp.scope`` itself (the values in force), or a record
    (``hp.record()``): its operative configuration, every key read with the
    value the code got (``0.2``, not the ``-D`` string ``'0.2'``), and where
    each came from, as a comment per key (TOML), comments at the top (YAML)
    or a ``<name>.sources.json`` file beside it (JSON). Dotted keys are written
    nested. Tuples and sets are written as lists; an ``Enum`` member as its
    name; a complex number, a path, and a function or class (``'math:sqrt'``)
    as text: what a parameter of that type converts back. A literal ``${`` is
    escaped so that loading does not interpolate it.

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
        ConfigError: a key is invalid or both a value and a table, a value has
            no form in a config file, or the format cannot hold it (TOML has no null).
    """
    label = os.fspath(path)
    comments = None
    if isinstance(values, (Scope, ScopeRoot)):  # before Recorded: a scope has every attribute
        values = values.storage()
    elif isinstance(values, Recorded):
        comments = values.sources()
        values = values.operative()
    if not isinstance(values, Mapping):
        raise TypeError(
            f"hp.save_config takes a mapping or a scope, not {type(values).__name__} {short_repr(values)}."
        )
    # The keys are checked and nested as loading does, so the file loads back to these values.
    tree = _plain(_normalize(values, (), label, "save"), (), label)
    _config_formats.write(tree, pathlib.Path(label), label, comments)


def _plain(value: Any, path: KeyPath, label: str) -> Any:
    """``value`` as the types a config file holds, with ``${`` escaped."""
    if isinstance(value, str):
        return _interpolation.escape(str(value))
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    number = plain_number(value)  # any number: int subclasses, Fraction, NumPy scalars (np.bool_ too)
    if type(number) in (bool, int, float):
        return number
    if isinstance(value, pathlib.PurePath):
        return _interpolation.escape(str(value))
    if isinstance(value, dict):  # keys already checked by _normalize
        return {key: _plain(item, (*path, key), label) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, (*path, index), label) for index, item in enumerate(value)]
    if isinstance(value, (set, frozenset)):  # a list, which a read with a set default converts back
        return [_plain(item, (*path, index), label) for index, item in enumerate(_in_order(value))]
    if isinstance(value, complex):
        return str(value)  # '(1+2j)', which a read with a complex default converts back
    if isinstance(value, (datetime.date, datetime.time)):
        return _moment(value, path, label)
    named = _import_path(value)
    if named is not None:
        return named
    raise ConfigError(
        f"Cannot save config {label!r}: key {format_path(path)!r} "
        f"is {short_repr(value)}, {_a(type(value).__name__)}, "
        f"which a config file cannot hold; expected str, int, float, bool, None, a list or a mapping."
    )


def _in_order(items: Union[set[Any], frozenset[Any]]) -> list[Any]:
    """Sort a set's items (by their text when they do not compare), so a file is the same every run."""
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=repr)


def _import_path(value: Any) -> Optional[str]:
    """``'module:qualname'`` of a function or class that importing it gives back, else None.

    ``hp.Callable`` and ``hp.Instance`` read the text back to the same object.
    """
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not (callable(value) and isinstance(module, str) and isinstance(qualname, str)):
        return None
    if "<" in qualname:  # a lambda or a function defined inside another: no import finds it
        return None
    target: Any = sys.modules.get(module)
    for part in qualname.split("."):
        target = getattr(target, part, None)
    return f"{module}:{qualname}" if target is value else None


def _moment(value: Union[datetime.date, datetime.time], path: KeyPath, label: str) -> Any:
    """Return a date or time as it is, after checking its UTC offset is in whole minutes (TOML, YAML)."""
    offset = value.utcoffset() if isinstance(value, (datetime.datetime, datetime.time)) else None
    if offset is not None and offset % datetime.timedelta(minutes=1):
        raise ConfigError(
            f"Cannot save config {label!r}: key {format_path(path)!r} is {value!r}, whose UTC offset "
            f"{offset} is not a whole number of minutes, which config files cannot write; "
            f"round the offset or store the value as a string."
        )
    return value
