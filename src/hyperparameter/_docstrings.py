"""Docstrings: the description and each parameter's text, in Google, NumPy or reST style.

>>> doc = parse_docstring('''Train the model.
...
... Args:
...     lr (float): Learning rate.
...         Decays over time.
...     epochs: How many passes.
... ''')
>>> doc.description
'Train the model.'
>>> doc.params
{'lr': 'Learning rate. Decays over time.', 'epochs': 'How many passes.'}
"""

from __future__ import annotations

import inspect
import re
from typing import Optional

from ._struct import Struct

# Section headers are told by plain string tests, and the entry patterns are compiled by
# ``re`` the first time a docstring needs them: a launch that parses one Google-style
# docstring compiles one pattern, not five (each costs about a tenth of a millisecond).
_GOOGLE_HEADERS = frozenset(
    f"{name}:"
    for name in (
        "Args",
        "Arguments",
        "Parameters",
        "Params",
        "Keyword Args",
        "Keyword Arguments",
        "Other Parameters",
    )
)
_GOOGLE_ENTRY = r"^\*{0,2}(?P<name>\w+)\s*(\([^)]*\))?\s*:\s*(?P<text>.*)$"
_NUMPY_SECTIONS = ("Parameters", "Other Parameters", "Keyword Arguments")
_NUMPY_ENTRY = r"^\*{0,2}(?P<names>\w+(\s*,\s*\w+)*)\s*(:.*)?$"
_REST_PARAM = r"^:(?:param|parameter|arg|argument|key|keyword)\s+(?:[^:]*\s)?(?P<name>\w+):\s*(?P<text>.*)$"
_HEADER_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ")


class Docstring(Struct):
    """What a docstring says: its description and each parameter's text."""

    __slots__ = ("description", "params")

    def __init__(self, description: str, params: dict[str, str]) -> None:
        self.description = description
        self.params = params


def parse_docstring(doc: Optional[str]) -> Docstring:
    """Read the description and the parameter texts of ``doc`` (any of the three styles)."""
    if not doc:
        return Docstring("", {})
    lines = inspect.cleandoc(doc).splitlines()
    params: dict[str, str] = {}
    first_section = len(lines)
    for finder in (_parse_google, _parse_numpy, _parse_rest):
        start, found = finder(lines)
        first_section = min(first_section, start)
        for name, text in found.items():
            params.setdefault(name, text)
    first_section = min(first_section, _find_description_end(lines))
    paragraphs = "\n".join(lines[:first_section]).split("\n\n")
    description = "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return Docstring(description, params)


def _join(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def _parse_google(lines: list[str]) -> tuple[int, dict[str, str]]:
    found: dict[str, str] = {}
    first = len(lines)
    index = 0
    while index < len(lines):
        if lines[index].strip() not in _GOOGLE_HEADERS or lines[index].startswith(" "):
            index += 1
            continue
        first = min(first, index)
        index += 1
        name, parts, entry_indent = None, [], None
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith((" ", "\t"))):
            line = lines[index]
            indent = len(line) - len(line.lstrip())
            entry = re.match(_GOOGLE_ENTRY, line.strip())
            if line.strip() and entry and (entry_indent is None or indent <= entry_indent):
                if name:
                    found[name] = _join(parts)
                name, parts, entry_indent = entry["name"], [entry["text"]], indent
            elif name and line.strip():
                parts.append(line.strip())
            index += 1
        if name:
            found[name] = _join(parts)
    return first, found


def _parse_numpy(lines: list[str]) -> tuple[int, dict[str, str]]:
    found: dict[str, str] = {}
    first = len(lines)
    index = 0
    while index + 1 < len(lines):
        underlined = set(lines[index + 1].strip()) == {"-"}
        if lines[index].strip() in _NUMPY_SECTIONS and underlined:
            first = min(first, index)
            index += 2
            names: list[str] = []
            parts: list[str] = []
            while index < len(lines):
                line = lines[index]
                if index + 1 < len(lines) and set(lines[index + 1].strip()) == {"-"} and line.strip():
                    break  # the next section
                entry = re.match(_NUMPY_ENTRY, line)
                if line.strip() and not line.startswith((" ", "\t")) and entry:
                    for each in names:
                        found[each] = _join(parts)
                    names, parts = [n.strip() for n in entry["names"].split(",")], []
                elif line.strip():
                    parts.append(line.strip())
                index += 1
            for each in names:
                found[each] = _join(parts)
        elif underlined and lines[index].strip():
            first = min(first, index)
            index += 1
        else:
            index += 1
    return first, found


def _parse_rest(lines: list[str]) -> tuple[int, dict[str, str]]:
    found: dict[str, str] = {}
    first = len(lines)
    name: Optional[str] = None
    parts: list[str] = []
    for index, line in enumerate(lines):
        entry = re.match(_REST_PARAM, line.strip()) if line.lstrip().startswith(":") else None
        if entry:
            first = min(first, index)
            if name:
                found[name] = _join(parts)
            name, parts = entry["name"], [entry["text"]]
        elif line.strip().startswith(":"):
            first = min(first, index)
            if name:
                found[name] = _join(parts)
            name, parts = None, []
        elif name and line.startswith((" ", "\t")) and line.strip():
            parts.append(line.strip())
        elif name and not line.strip():
            found[name] = _join(parts)
            name, parts = None, []
    if name:
        found[name] = _join(parts)
    return first, found


def _find_description_end(lines: list[str]) -> int:
    """Find where the description ends: a section header (``Returns:``...) or a doctest."""
    for index, line in enumerate(lines):
        if is_section_header(line) or line.lstrip().startswith(">>>"):
            return index
    return len(lines)


def is_section_header(line: str) -> bool:
    """Tell whether ``line`` opens a section: a capitalised name of ASCII letters and spaces, then ``:``.

    >>> [is_section_header(line) for line in ("Returns:", "Keyword Args:  ", "  Args:", "Note: x")]
    [True, True, False, False]
    """
    text = line.rstrip()
    return (
        len(text) >= 2
        and text[-1] == ":"
        and "A" <= text[0] <= "Z"
        and _HEADER_LETTERS.issuperset(text[1:-1])
    )
