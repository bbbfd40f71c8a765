"""The value grammar: lists, quoted items and index assignment in ``key=value`` text.

The grammar is TensorFlow's ``parse_values`` syntax, plus quoting so that list
items can hold commas and spaces:

* a list is ``[item, item, ...]``; items are separated by commas or spaces;
* an item is bare (``relu``, ``1e-3``) or quoted with ``"`` or ``'``, where a
  backslash escapes the quote character or a backslash (any other is kept);
* ``name[i]=value`` assigns one item of a list.

>>> split_list('[1, 2 3]')
['1', '2', '3']
>>> split_list('["a, b", \\'c d\\', e]')
['a, b', 'c d', 'e']
>>> format_value(["a, b", 1.5, True])
'["a, b",1.5,true]'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

_SEPARATORS = " ,"
_QUOTES = "\"'"
# Characters that make a string item need quotes when formatted.
_NEEDS_QUOTES = re.compile(r"""[\s,\[\]"'\\]""")
_INDEXED = re.compile(r"^(?P<name>[^\[\]]+)\[\s*(?P<index>\d+)\s*\]$")
# No list has an index longer than this; a longer one is refused before int() reads it.
_INDEX_DIGITS = 18


class GrammarError(ValueError):
    """Text that does not follow the value grammar; the message says where."""


def is_list_text(text: str) -> bool:
    """Tell whether ``text`` is written as a list (``[...]``)."""
    stripped = text.strip()
    return stripped.startswith("[") and stripped.endswith("]")


def split_list(text: str, quotes: bool = True) -> list[str]:
    """Split ``[a, b c]`` into its item texts; with ``quotes``, quoted items keep separators."""
    stripped = text.strip()
    if not is_list_text(stripped):
        raise GrammarError(f"expected a list such as [1, 2, 3], got {text!r}")
    body = stripped[1:-1]
    if not quotes:
        return [item for item in re.split("[ ,]", body) if item]
    items: list[str] = []
    position = 0
    while position < len(body):
        char = body[position]
        if char in _SEPARATORS:
            position += 1
        elif char in _QUOTES:
            item, position = _read_quoted(body, position)
            items.append(item)
        else:
            end = position
            while end < len(body) and body[end] not in _SEPARATORS:
                if body[end] in _QUOTES or body[end] in "[]":
                    raise GrammarError(
                        f"unexpected {body[end]!r} inside the item starting at {body[position:]!r}"
                    )
                end += 1
            items.append(body[position:end])
            position = end
    return items


def _read_quoted(body: str, start: int) -> tuple[str, int]:
    """Read the quoted item starting at ``start``; return it and the position after it."""
    quote, chars, position = body[start], [], start + 1
    while position < len(body):
        char = body[position]
        if char == "\\" and position + 1 < len(body) and body[position + 1] in (quote, "\\"):
            # Only the quote and a backslash are escaped: any other backslash (a regex's
            # ``\d``, a Windows path) is kept, as in POSIX double quotes.
            chars.append(body[position + 1])
            position += 2
        elif char == quote:
            after = position + 1
            if after < len(body) and body[after] not in _SEPARATORS:
                raise GrammarError(f"expected ',' or ' ' after the quoted item {body[start:after]!r}")
            return "".join(chars), after
        else:
            chars.append(char)
            position += 1
    raise GrammarError(f"unterminated quote in {body[start:]!r}")


def format_item(value: Any) -> str:
    """Write one scalar so that the grammar reads it back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if value and not _NEEDS_QUOTES.search(value):
            return value
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return str(value)


def format_value(value: Any) -> str:
    """Write a scalar or a list in the grammar; strings at top level are written as is."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ",".join(format_item(item) for item in value) + "]"
    if isinstance(value, str):
        return value
    return format_item(value)


def unquote(text: str) -> str:
    """Return the text inside ``text`` when it is wholly one quoted item, else ``text`` as it is.

    The rule for a ``-D`` value, swept or not: quotes keep commas and spaces
    together (``-D 'tag="a,b"'`` is ``a,b``); a backslash escapes the quote or
    a backslash and is kept before anything else, as in a quoted list item;
    quotes that are part of the value go inside other quotes.

    >>> unquote('"a,b"'), unquote("'say \\"hi\\"'"), unquote("'\\"v1\\"'")
    ('a,b', 'say "hi"', '"v1"')
    >>> print(unquote(r'"\\d+, C:\\data"'), unquote(r'"a\\\\b"'))
    \\d+, C:\\data a\\b
    >>> unquote('"a", "b"'), unquote("it's"), unquote("[1, 2]")
    ('"a", "b"', "it's", '[1, 2]')
    """
    if len(text) < 2 or text[0] not in _QUOTES or text[-1] != text[0]:
        return text
    try:
        inside, end = _read_quoted(text, 0)
    except GrammarError:
        return text
    return inside if end == len(text) else text


def unquote_defined(value: Any) -> Any:
    """Apply :func:`unquote` to a ``-D`` value: a text, or the items of an index assignment.

    >>> unquote_defined('"a b"'), unquote_defined(IndexAssignment({0: '"x,y"'}))
    ('a b', IndexAssignment(items={0: 'x,y'}, base=None))
    """
    if isinstance(value, str):
        return unquote(value)
    if isinstance(value, IndexAssignment):
        items = {index: unquote(text) for index, text in value.items.items()}
        return IndexAssignment(items, unquote(value.base) if isinstance(value.base, str) else value.base)
    return value


def format_define(value: Any) -> str:
    """Write ``value`` as the text of ``-D key=TEXT`` that reads back as it (see :func:`unquote`).

    >>> format_define(0.1), format_define("a,b"), format_define('"v1"')
    ('0.1', 'a,b', '"\\\\"v1\\\\""')
    """
    text = format_value(value)
    return format_item(text) if isinstance(value, str) and unquote(text) != text else text


def split_indexed(key: str) -> tuple[str, Optional[int]]:
    """Split ``'name[3]'`` into ``('name', 3)``; other keys give ``(key, None)``.

    >>> split_indexed("train.dims[1]")
    ('train.dims', 1)
    """
    match = _INDEXED.match(key)
    if match is None:
        return key, None
    digits = match["index"]
    if len(digits) > _INDEX_DIGITS:
        raise GrammarError(f"its index has {len(digits)} digits, more than any list can have")
    return match["name"].strip(), int(digits)


@dataclass(frozen=True)
class IndexAssignment:
    """``name[i]=value`` from the command line: replaces items of the list it is read with.

    ``base`` is the whole list the items apply to: a list text assigned to the
    same key in the same place (``-D dims=[1,2] -D dims[0]=5``), or the list a
    lower layer gave (``-C run.yaml -D dims[0]=5`` applies to the file's list);
    without one, the items replace those of the default the value is read with.

    >>> import hyperparameter as hp
    >>> with hp.scope("train.dims[1]=256"):
    ...     hp.scope.train.dims | [64, 64, 64]
    [64, 256, 64]
    """

    items: dict[int, str] = field(default_factory=dict)
    base: Any = None

    def with_item(self, index: int, text: str) -> IndexAssignment:
        """Return a copy that also assigns ``text`` at ``index``."""
        return IndexAssignment({**self.items, index: text}, self.base)

    def __str__(self) -> str:
        assigned = ", ".join(f"[{index}]={text}" for index, text in sorted(self.items.items()))
        return f"{'' if self.base is None else self.base}{'' if self.base is None else ' with '}{assigned}"

    def describe(self, key: str) -> str:
        """Say what this sets, as a message names it: ``'dims[5]' to '5'``.

        >>> IndexAssignment({0: "5", 2: "7"}, "[1, 2, 3]").describe("dims")
        "'dims' to '[1, 2, 3]' with 'dims[0]' to '5' and 'dims[2]' to '7'"
        >>> IndexAssignment({5: "5"}, [1, 2, 3]).describe("dims")
        "'dims[5]' to '5' (in the list [1, 2, 3])"
        """
        items = " and ".join(
            f"{f'{key}[{index}]'!r} to {text!r}" for index, text in sorted(self.items.items())
        )
        if self.base is None:
            return items
        if isinstance(self.base, str):  # the same -D gave the list
            return f"{key!r} to {self.base!r} with {items}"
        return f"{items} (in the list {self.base!r})"  # a lower layer (a -C file) gave the list
