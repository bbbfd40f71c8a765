"""JSON config files: parsed at close to ``json.loads`` speed, a key set twice refused.

``json`` keeps the last of a key set twice in one object, silently. Checking
each object's key/value pairs in Python costs almost half a parse again, so the
parse keeps the objects json builds and counts instead: outside strings, every
``:`` in JSON text separates a key from its value, so when the text has no
more colons than the objects have keys (less those that strings explain) no
key can have been dropped. Only a file the count cannot clear (a repeated key,
or colons in strings the count cannot account for) is parsed again, pair by
pair, to name the repeated key.

>>> read_json('{"train": {"lr": 0.1}, "url": "http://a:80"}', "run.json", 200)
({'train': {'lr': 0.1}, 'url': 'http://a:80'}, True)
>>> read_json('{"train": {"lr": 0.1, "lr": 0.2}}', "run.json", 200)
Traceback (most recent call last):
...
hyperparameter.exceptions.ConfigError: Cannot parse config 'run.json' as JSON: the key 'train.lr' appears twice in one object; keep one.
"""  # noqa: E501

from __future__ import annotations

import json
from itertools import chain, compress, repeat
from operator import is_
from typing import Any, Callable, Optional

from ._acceleration import compiled
from ._key_paths import KeyPath, format_path
from ._keys import are_plain_segments
from .exceptions import ConfigError


def read_json(text: str, label: str, max_depth: int) -> tuple[Any, bool]:
    """Parse JSON text; return it and whether every key is a plain segment within ``max_depth`` levels."""
    objects: list[dict[str, Any]] = []

    def keep(values: dict[str, Any]) -> dict[str, Any]:
        objects.append(values)
        return values

    data = _parse(text, label, keep, None)
    if not _keys_all_kept(text, data, objects):
        objects.clear()
        data = _parse(text, label, None, _pairs_hook(objects))
        _refuse_repeated_keys(data, label)
    # Only a file with more objects and lists than the depth limit can be nested too deep; such
    # a file is not normal, so that normalizing it says where (most files: one count, no walk).
    deep = len(objects) + text.count("[") > max_depth and _measure_deeper_than(data, max_depth)
    return data, are_plain_segments(*objects) and not deep


def _parse(
    text: str,
    label: str,
    object_hook: Optional[Callable[[dict[str, Any]], Any]],
    object_pairs_hook: Optional[Callable[[list[tuple[str, Any]]], Any]],
) -> Any:
    try:
        return json.loads(text, object_hook=object_hook, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"Cannot parse config {label!r} as JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None


def _keys_all_kept(text: str, data: Any, objects: list[dict[str, Any]]) -> bool:
    """Whether no object lost a key to a later one of the same name, judged by counting colons.

    Pairs in the text = colons in the text less colons inside strings, and the
    objects hold one key per pair unless a key repeated. A colon inside a string
    is one in the parsed string too, or was written ``\\u003a``.
    """
    keys = sum(map(len, objects))
    colons = text.count(":")
    if colons == keys:  # the common case: no colon inside any string
        return True
    escaped = text.count("\\u003a") + text.count("\\u003A")
    return colons - _colons_in_strings(data, objects) + escaped <= keys


def _colons_in_strings(data: Any, objects: list[dict[str, Any]]) -> int:
    """Colons in every key and string of the parsed file, counted a nesting level at a time."""
    colons = "".join(chain.from_iterable(objects)).count(":")
    values = [data, *chain.from_iterable(map(dict.values, objects))]  # objects' values, wherever they are
    while values:
        types = list(map(type, values))
        colons += "".join(compress(values, map(is_, types, repeat(str)))).count(":")
        values = list(chain.from_iterable(compress(values, map(is_, types, repeat(list)))))
    return colons


class _Repeated(dict[str, Any]):
    """A JSON object holding ``key`` twice, kept until parsing ends to find its key path."""

    def __init__(self, values: dict[str, Any], key: str) -> None:
        super().__init__(values)
        self.key = key


def _pairs_hook(objects: list[dict[str, Any]]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """Make an ``object_pairs_hook`` that marks each object holding a key twice, and keeps every object."""

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        values = dict(pairs)
        if len(values) != len(pairs):
            seen = set()
            for key, _ in pairs:
                if key in seen:
                    break
                seen.add(key)
            values = _Repeated(values, key)
        objects.append(values)
        return values

    return unique_keys


def _refuse_repeated_keys(data: Any, label: str) -> None:
    repeated = _repeated((), data)
    if repeated is not None:
        raise ConfigError(
            f"Cannot parse config {label!r} as JSON: the key {format_path(repeated)!r} appears twice "
            f"in one object; keep one."
        )


def _repeated(path: KeyPath, value: Any) -> Optional[KeyPath]:
    """Return the key path of the first key that appears twice in one object, in document order."""
    if isinstance(value, _Repeated):
        return (*path, value.key)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _repeated((*path, key), item)
        if found is not None:
            return found
    return None


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels in ``data``, walked a level at a time.

    Each level's values are gathered and sorted out in C (``map``, ``compress``),
    so a wide file costs a few passes over its values, not a Python step for each.
    """
    level = [data] if type(data) is dict or type(data) is list else []
    for _ in range(limit + 1):
        if not level:
            return False
        items: list[Any] = []
        for container in level:
            items += container.values() if type(container) is dict else container
        types = list(map(type, items))
        level = [] if _NESTING.isdisjoint(types) else list(compress(items, map(_NESTING.__contains__, types)))
    return bool(level)


_NESTING = frozenset({dict, list})
# Compiled, the walk visits each value once and builds no lists: about a tenth of the cost.
_measure_deeper_than = compiled("deeper_than") or _deeper_than
