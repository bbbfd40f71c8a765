"""Interpolation in config values: ``${a.b}``, ``${env:NAME}``, ``${env:NAME,default}``.

A string that is one reference and nothing else takes the referenced value,
type included; a reference embedded in text is formatted into it. A backslash
escapes a literal ``${`` (``\\${``), as in OmegaConf; ``\\\\${`` is a literal
backslash followed by a reference. Backslashes anywhere else are kept as written.

>>> interpolate({"a": {"n": 3}, "b": "${a.n}", "c": "n=${a.n}", "d": "\\\\${a.n}"}, lambda path: None)
{'a': {'n': 3}, 'b': 3, 'c': 'n=3', 'd': '${a.n}'}
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ._config_limits import DEFAULT_LIMITS, Budget, ConfigLimits, measure
from ._grammar import format_value
from ._key_paths import KeyPath, format_path, locate
from ._suggest import did_you_mean
from .exceptions import ConfigError, MissingReferenceError

OPEN = "${"
_RESOLVER = re.compile(r"^([A-Za-z_][\w.]*):(.*)$", re.DOTALL)
_SEGMENT = r"[^\s.\[\]=,${}]+(?:\[\d+\])*"
_PATH = re.compile(rf"^{_SEGMENT}(?:\.{_SEGMENT})*$")
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass(frozen=True)
class Reference:
    """``${a.b[0]}``: the value at a key path of the same config."""

    text: str
    path: KeyPath


@dataclass(frozen=True)
class EnvLookup:
    """``${env:NAME}`` or ``${env:NAME,default}``: an environment variable's text."""

    text: str
    name: str
    default: Optional[tuple[Part, ...]]


Part = Union[str, Reference, EnvLookup]


class TemplateError(ValueError):
    """A string whose ``${...}`` cannot be read; the caller adds where it is."""


def escape(text: str) -> str:
    """Write ``text`` so that interpolation reads it back unchanged.

    >>> escape("cost: ${5}")
    'cost: \\\\${5}'
    """
    if OPEN not in text:
        return text
    return re.sub(r"(\\*)\$\{", lambda match: "\\" * (2 * len(match[1]) + 1) + OPEN, text)


def parse(text: str) -> tuple[Part, ...]:
    """Split ``text`` into literal strings and interpolations, applying escapes.

    >>> parse("lr_${train.lr}")
    ('lr_', Reference(text='${train.lr}', path=('train', 'lr')))
    """
    parts: list[Part] = []
    literal: list[str] = []
    position = 0
    while True:
        start = text.find(OPEN, position)
        if start < 0:
            literal.append(text[position:])
            break
        slashes = _count_backslashes_before(text, start, position)
        literal.append(text[position : start - slashes] + "\\" * (slashes // 2))
        if slashes % 2:
            literal.append(OPEN)
            position = start + len(OPEN)
            continue
        end = _find_closing_brace(text, start)
        if "".join(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(_interpolation(text[start : end + 1]))
        position = end + 1
    if "".join(literal) or not parts:
        parts.append("".join(literal))
    return tuple(parts)


def _count_backslashes_before(text: str, index: int, lower: int) -> int:
    start = index
    while start > lower and text[start - 1] == "\\":
        start -= 1
    return index - start


def _find_closing_brace(text: str, start: int) -> int:
    """Return the index of the ``}`` that closes the ``${`` at ``start`` (defaults may nest)."""
    depth, index = 0, start
    while index < len(text):
        if text.startswith(OPEN, index) and _count_backslashes_before(text, index, start + 2) % 2 == 0:
            depth += 1
            index += len(OPEN)
            continue
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise TemplateError(f"unterminated {OPEN!r} in {text!r}; write '\\${{' for a literal {OPEN!r}")


def _interpolation(whole: str) -> Part:
    body = whole[len(OPEN) : -1].strip()
    resolver = _RESOLVER.match(body)
    if resolver is not None:
        name, argument = resolver.groups()
        if name != "env":
            raise TemplateError(
                f"unknown resolver {name!r} in {whole!r}; "
                f"expected '${{env:NAME}}' or a key such as '${{train.lr}}'"
            )
        variable, comma, default = argument.partition(",")
        variable = variable.strip()
        if not variable or OPEN in variable or "}" in variable:
            raise TemplateError(f"{whole!r} names no environment variable; expected '${{env:NAME}}'")
        return EnvLookup(whole, variable, parse(default.strip()) if comma else None)
    if not _PATH.match(body):
        raise TemplateError(
            f"{whole!r} is not a reference; expected a key such as '${{train.lr}}' or '${{env:NAME}}'"
        )
    path = tuple(int(index) if index else key for index, key in _PATH_PART.findall(body))
    return Reference(whole, path)


def interpolate(
    root: dict[str, Any], where: Callable[[KeyPath], Optional[str]], limits: ConfigLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """Return a copy of ``root`` with every interpolation replaced by its value.

    ``where`` names the file a key path comes from, for messages.
    """
    resolved = _Resolver(root, where, limits).resolve_node((), root)
    assert isinstance(resolved, dict)
    return resolved


class _Resolver:
    """Resolves strings on demand, remembering results and the chain being resolved."""

    def __init__(
        self, root: dict[str, Any], where: Callable[[KeyPath], Optional[str]], limits: ConfigLimits
    ) -> None:
        self._root = root
        self._where = where
        self._done: dict[KeyPath, Any] = {}
        self._chain: list[KeyPath] = []
        self._resolving: set[KeyPath] = set()
        # What references add to the config: the copies they make and the text they build.
        self._budget = Budget(None, limits)

    def _copy_unshared(self, path: KeyPath, value: Any) -> Any:
        """Copy ``value`` so that no other place of the result shares it, so changing one place changes one.

        Strings and numbers are shared (nothing can change them); containers are
        counted against the limits first, so a reference that repeats a subtree
        exponentially stops at the limit instead of filling memory.
        """
        if not isinstance(value, (dict, list, tuple)):
            return value
        self._budget.label = self._where(path)
        measure(value, self._budget.label, self._budget, path)
        return copy.deepcopy(value)

    def resolve_node(self, path: KeyPath, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.resolve_node((*path, key), item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            items = [self.resolve_node((*path, index), item) for index, item in enumerate(value)]
            return items if isinstance(value, list) else tuple(items)
        if isinstance(value, str) and OPEN in value:
            return self._resolve_string(path, value)
        return value

    def _resolve_string(self, path: KeyPath, text: str) -> Any:
        if path in self._done:
            return self._copy_unshared(path, self._done[path])
        if path in self._resolving:
            steps = self._chain[self._chain.index(path) :]
            cycle = " -> ".join(format_path(step) for step in [*steps, path])
            # A cycle can run through several files: name each once, in order.
            sources = dict.fromkeys(source for source in map(self._where, steps) if source is not None)
            where = f" in {', '.join(map(repr, sources))}" if sources else ""
            raise ConfigError(f"Interpolation cycle{where}: {cycle}; a value cannot refer to itself.")
        try:
            parts = parse(text)
        except TemplateError as error:
            raise ConfigError(f"Cannot interpolate {locate(path, self._where(path))}: {error}.") from None
        self._chain.append(path)
        self._resolving.add(path)
        try:
            value = self._fill_template(path, parts)
        finally:
            self._chain.pop()
            self._resolving.discard(path)
        self._done[path] = value
        return self._copy_unshared(path, value)

    def _fill_template(self, path: KeyPath, parts: tuple[Part, ...]) -> Any:
        if len(parts) == 1 and not isinstance(parts[0], str):
            return self._evaluate(path, parts[0])
        pieces = [part if isinstance(part, str) else self._embed(path, part) for part in parts]
        self._budget.spend(0, sum(map(len, pieces)), path, self._where(path))
        return "".join(pieces)

    def _embed(self, path: KeyPath, part: Union[Reference, EnvLookup]) -> str:
        value = self._evaluate(path, part)
        if isinstance(value, Mapping):
            raise ConfigError(
                f"Cannot interpolate {locate(path, self._where(path))}: {part.text!r} is a mapping, "
                f"which cannot be embedded in text; make the reference the whole value."
            )
        return format_value(value)

    def _evaluate(self, path: KeyPath, part: Union[Reference, EnvLookup]) -> Any:
        if isinstance(part, EnvLookup):
            text = os.environ.get(part.name)
            if text is not None:
                return text
            if part.default is not None:
                return self._fill_template(path, part.default)
            raise MissingReferenceError(
                f"The {locate(path, self._where(path))} refers to {part.text!r}, but the environment "
                f"variable {part.name!r} is not set; "
                f"set it or give a default as '${{env:{part.name},default}}'.",
                format_path(path),
                part.text,
            )
        return self._lookup(path, part)

    def _lookup(self, path: KeyPath, reference: Reference) -> Any:
        node: Any = self._root
        walked: KeyPath = ()
        for part in reference.path:
            child = self._find_child(path, reference, node, walked, part)
            node, walked = child, (*walked, _to_index(node, part))
            if isinstance(node, str) and OPEN in node:
                node = self._resolve_string(walked, node)
        if isinstance(node, (dict, list, tuple)):
            # A subtree: its own references resolve first, in the chain for cycle messages.
            self._chain.append(walked)
            try:
                node = self.resolve_node(walked, node)
            finally:
                self._chain.pop()
        return node

    def _find_child(
        self, path: KeyPath, reference: Reference, node: Any, walked: KeyPath, part: Union[str, int]
    ) -> Any:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            return node[part]
        if isinstance(node, (list, tuple)):
            index = _to_index(node, part)
            if isinstance(index, int) and index < len(node):
                return node[index]
            why = f"{format_path(walked)!r} has {len(node)} items."
        elif isinstance(node, dict):
            missing = format_path((*walked, part))
            peers = [path for path in _list_key_paths(self._root) if path.count(".") == missing.count(".")]
            why = f"{missing!r} is not set. {did_you_mean(missing, peers)}".rstrip()
        else:
            why = f"{format_path(walked)!r} is {node!r}, which has no keys."
        raise MissingReferenceError(
            f"The {locate(path, self._where(path))} refers to {reference.text!r}, but {why}",
            format_path(path),
            reference.text,
        )


def _to_index(node: Any, part: Union[str, int]) -> Union[str, int]:
    """Return the index a list item is named by: ``[0]`` or ``.0`` both index a list."""
    if isinstance(node, (list, tuple)) and isinstance(part, str) and part.isdigit():
        return int(part)
    return part


def _list_key_paths(tree: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every key path of the mappings in ``tree``, for "did you mean" hints."""
    paths = []
    for key, value in tree.items():
        paths.append(prefix + key)
        if isinstance(value, Mapping):
            paths.extend(_list_key_paths(value, f"{prefix}{key}."))
    return paths
