"""A TOML writer for the values configs hold, since the standard library only reads TOML.

Tables are written as ``[headers]`` after the plain keys of their parent;
mappings inside lists, and empty ones, are inline tables.

>>> print(dumps({"name": 'say "hi"', "train": {"lr": 0.001, "dims": [64, 128]}, "t": {}}), end="")
name = "say \\"hi\\""
t = {}
<BLANKLINE>
[train]
lr = 0.001
dims = [64, 128]
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from typing import Any, Optional

from ._key_paths import KeyPath, format_path
from .exceptions import ConfigError

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_MUST_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_INT64 = range(-(2**63), 2**63)


def dumps(values: Mapping[str, Any], comments: Optional[Mapping[str, str]] = None) -> str:
    """Return ``values`` as a TOML document, with ``comments`` (by dotted key) beside their keys.

    Raises:
        ConfigError: a value TOML cannot hold; the message is a clause naming its key.
    """
    lines: list[str] = []
    _table(lines, (), values, comments or {})
    return "\n".join(lines) + "\n"


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value)


def _table(lines: list[str], path: KeyPath, table: Mapping[str, Any], comments: Mapping[str, str]) -> None:
    plain = [(key, value) for key, value in table.items() if not _is_table(value)]
    if path and plain:
        if lines:
            lines.append("")
        lines.append("[" + ".".join(_key(str(part)) for part in path) + "]")
    for key, value in plain:
        comment = comments.get(".".join(map(str, (*path, key))))
        note = "" if comment is None else "  # " + " ".join(comment.splitlines())
        lines.append(f"{_key(key)} = {_value((*path, key), value)}{note}")
    for key, value in table.items():
        if _is_table(value):
            _table(lines, (*path, key), value, comments)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    escaped = _MUST_ESCAPE.sub(lambda match: _ESCAPES.get(match[0], f"\\u{ord(match[0]):04x}"), text)
    return f'"{escaped}"'


def _value(path: KeyPath, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value not in _INT64:
            raise ConfigError(
                f"key {format_path(path)!r} is {value!r}, but TOML integers are 64-bit; "
                f"save as .json or .yaml, or store the number as a string."
            )
        return str(int(value))
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value((*path, index), item) for index, item in enumerate(value)) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{_key(key)} = {_value((*path, key), item)}" for key, item in value.items())
        return "{" + items + "}" if items else "{}"
    if isinstance(value, (datetime.date, datetime.time)):
        if isinstance(value, datetime.time) and value.tzinfo is not None:
            raise ConfigError(
                f"key {format_path(path)!r} is {value!r}, but a TOML time of day has no UTC offset."
            )
        return value.isoformat()
    if value is None:
        raise ConfigError(
            f"key {format_path(path)!r} is None, and TOML has no null; "
            "remove the key or save as .json or .yaml."
        )
    raise ConfigError(f"key {format_path(path)!r} is {value!r}, and TOML has no {type(value).__name__}.")


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(float(value))
