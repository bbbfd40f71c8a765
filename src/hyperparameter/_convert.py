"""Value conversion: a stored value read with a default takes the default's type.

Values set from the command line or from ``"key=value"`` strings are strings; a
read with a default converts them, so ``hp.scope.train.epochs | 10`` gives an
``int`` whether the value came from code or from ``-D train.epochs=20``.

>>> convert("flag", "yes", False)
True
>>> convert("count", "42", 0)
42
>>> convert("value", "3.14", 0)
3.14
>>> convert("name", 42, "0")
'42'
>>> convert("dims", "[128, 256]", [64])
[128, 256]
"""

from __future__ import annotations

import enum
import json
import numbers
import pathlib
import re
from typing import Any, Callable

from ._grammar import GrammarError, IndexAssignment, split_list
from .exceptions import ConversionError

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "on"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "off"})
_INTEGER_TEXT = re.compile(r"^\s*[+-]?\d[\d_]*\s*$")
_BOOL_EXPECTED = "one of true/false, t/f, yes/no, y/n, on/off, 1/0 (any case)"


def convert(key: str, value: Any, default: Any) -> Any:
    """Return ``value`` as the type of ``default``, or raise ConversionError.

    ``None`` on either side means "no type to convert to": the value is returned
    as stored. A value already of the default's type is returned unchanged.
    """
    if default is None or value is None or type(value) is type(default):
        return value
    if isinstance(value, str):
        return _from_string(key, value, default)
    if isinstance(value, IndexAssignment):
        return _assign_items(key, value, default)
    return _from_object(key, value, default)


def parse_bool(text: str) -> bool:
    """The truth value a word names, in any case; ValueError for any other text.

    >>> parse_bool(" Yes "), parse_bool("off")
    (True, False)
    """
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a truth value")


def _parse_number(text: str) -> int | float:
    """An int when the text is one, else a float, so no precision is lost."""
    try:
        return int(text)
    except ValueError:
        if _INTEGER_TEXT.match(text):
            raise  # an integer int() refuses (too many digits) must not become inf
        return float(text)


def _parse_enum(text: str, target: type[enum.Enum]) -> enum.Enum:
    name = text.strip()
    if name in target.__members__:
        return target[name]
    for member in target:
        if str(member.value) == name:
            return member
    raise ValueError(text)


_STRING_PARSERS: list[tuple[type, Callable[[str], Any], str]] = [
    (bool, parse_bool, _BOOL_EXPECTED),
    (int, _parse_number, "an integer or a float such as '42' or '3.5'"),
    (float, float, "a float such as '0.001' or '1e-3'"),
    (complex, complex, "a complex number such as '1+2j'"),
    (pathlib.PurePath, lambda text: text, "a path"),
]


def _from_string(key: str, value: str, default: Any) -> Any:
    if isinstance(default, str):
        return value
    if isinstance(default, enum.Enum):
        target = type(default)
        try:
            return _parse_enum(value, target)
        except ValueError:
            names = ", ".join(target.__members__)
            raise ConversionError(
                key, value, default, f"a member name of {target.__name__} ({names})"
            ) from None
    for kind, parse, expected in _STRING_PARSERS:
        if isinstance(default, kind):
            try:
                parsed = parse(value)
            except ValueError:
                raise ConversionError(key, value, default, expected) from None
            return type(default)(parsed) if kind is pathlib.PurePath else parsed  # type: ignore[call-arg]
    if isinstance(default, (list, tuple, set, frozenset)):
        return _parse_collection(key, value, default)
    if isinstance(default, dict):
        return _parse_mapping(key, value, default)
    # No rule for this type: the string is what the user set, so it is kept.
    return value


def _from_object(key: str, value: Any, default: Any) -> Any:
    if isinstance(default, str):
        return str(value)
    if isinstance(default, bool):
        if isinstance(value, numbers.Real) and value in (0, 1):
            return bool(value)
        raise ConversionError(key, value, default, "a bool, or the number 0 or 1")
    if isinstance(default, float) and not isinstance(value, bool) and isinstance(value, numbers.Real):
        return float(value)
    if isinstance(default, enum.Enum):
        try:
            return type(default)(value)
        except ValueError:
            raise ConversionError(key, value, default, f"a value of {type(default).__name__}") from None
    return value


def _item_default(items: list[Any], index: int) -> Any:
    """The default an item is converted by: the default's item at that place, else its last."""
    if not items:
        return None  # nothing to learn a type from: items stay strings
    return items[min(index, len(items) - 1)]


def _rebuild(default: Any, items: list[Any]) -> Any:
    """A collection of the default's type holding ``items``."""
    if isinstance(default, tuple) and hasattr(default, "_fields"):
        return type(default)(*items)  # a named tuple
    return type(default)(items)


def _parse_collection(key: str, text: str, default: Any) -> Any:
    try:
        texts = split_list(text)
    except GrammarError as error:
        raise ConversionError(key, text, default, f"a list such as [1, 2, 3] ({error})") from None
    defaults = list(default)
    items = []
    for index, item in enumerate(texts):
        try:
            items.append(convert(key, item, _item_default(defaults, index)))
        except ConversionError as error:
            raise ConversionError(
                key, text, default, f"a list whose items are {error.expected} (item {index} is {item!r})"
            ) from None
    return _rebuild(default, items)


def _parse_mapping(key: str, text: str, default: dict[Any, Any]) -> dict[Any, Any]:
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ConversionError(key, text, default, 'a JSON object such as {"a": 1}')
    return parsed


def _assign_items(key: str, assignment: IndexAssignment, default: Any) -> Any:
    """Apply ``name[i]=value`` to the list it assigns into (its base, else the default)."""
    if not isinstance(default, (list, tuple)):
        raise ConversionError(key, str(assignment), default, "a list default for an index assignment")
    items = list(default if assignment.base is None else convert(key, assignment.base, default))
    defaults = list(default)
    for index, text in sorted(assignment.items.items()):
        if index >= len(items):
            raise ConversionError(
                key, str(assignment), default, f"indexes below {len(items)}, the length of the list"
            )
        items[index] = convert(f"{key}[{index}]", text, _item_default(defaults, index))
    return _rebuild(default, items)
