"""The hyperparameters a program can read, for ``--list-params`` and ``--explain-param``.

A catalog joins what the running program declares (its ``@hp.param``
functions and ``hp.Params`` classes, with their real defaults) with what a
static scan of its project files finds (the declarations of other modules and
``hp.scope.x.y | default`` reads), and tells for each key the value in force
and where it came from. A declaration the program knows is taken from the
program, never also from the scan, so no key is listed twice or under a name
the scan could not compute.
"""

from __future__ import annotations

import ast
import difflib
import functools
import inspect
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ._convert import convert
from ._docstrings import parse_docstring
from ._engine import innermost
from ._inject import ParamInfo
from ._levels import ABSENT
from ._scanner import Found, scan_paths


@dataclass(frozen=True)
class Entry:
    """One hyperparameter: its key, default, type, text and where it is defined."""

    key: str
    default: str
    type_name: str
    description: str
    location: str
    function: str
    read: Callable[[Any], Any] = lambda value: value  # turns a scope's value into the value in force


def _runtime_entries(info: ParamInfo) -> list[Entry]:
    func = inspect.unwrap(info.function)
    doc = parse_docstring(func.__doc__)
    code = getattr(func, "__code__", None)
    location = f"{_short(code.co_filename)}:{code.co_firstlineno}" if code else "?"
    return [
        Entry(
            p.key,
            repr(p.default),
            type(p.default).__name__ if p.default is not None else "",
            doc.params.get(p.name, ""),
            location,
            getattr(func, "__qualname__", info.namespace),
            functools.partial(convert, p.key, default=p.default),
        )
        for p in info.parameters
    ]


def _declared_entries(cls: type) -> list[Entry]:
    """The parameters an ``hp.Params`` class declares, with their kinds and bounds."""
    try:
        location = f"{_short(inspect.getsourcefile(cls) or '?')}:{inspect.getsourcelines(cls)[1]}"
    except (OSError, TypeError):
        location = "?"
    return [
        Entry(
            declared.key,
            repr(declared.default),
            declared.describe(),
            declared.doc,
            location,
            cls.__qualname__,
            declared.from_scope,
        )
        for declared in cls.params().values()  # type: ignore[attr-defined]
    ]


def _scanned_entry(found: Found) -> Entry:
    try:
        default = ast.literal_eval(found.default) if found.default else None
    except (ValueError, SyntaxError):  # a default that is not a literal: no type to convert by
        default = None
    return Entry(
        found.key,
        found.default or "",
        found.type_name,
        found.description,
        f"{_short(found.path)}:{found.line}",
        found.function,
        functools.partial(convert, found.key, default=default),
    )


def _owners(infos: list[ParamInfo], declared: Sequence[type]) -> set[tuple[str, str]]:
    """(source file, qualified name) of each function and class the running program declares."""
    owners = set()
    for owner in [inspect.unwrap(info.function) for info in infos] + list(declared):
        try:
            path = inspect.getsourcefile(owner)
        except (OSError, TypeError):  # built in, or its module is not loaded: the scan cannot have met it
            continue
        if path is None:
            continue
        name = getattr(owner, "__qualname__", "")
        if name.endswith(".__init__"):  # @hp.param on a class records its __init__; the scan names the class
            name = name[: -len(".__init__")]
        owners.add((os.path.realpath(path), name))
    return owners


def _short(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return path
    return path if relative.startswith("..") else relative


def project_files(module_globals: dict[str, Any]) -> list[Path]:
    """The source files of the calling module and of the loaded modules of its project."""
    main_file = module_globals.get("__file__")
    if not main_file:
        return []
    main = Path(main_file).resolve()
    package = module_globals.get("__package__") or ""
    root = main.parent
    for _ in package.split(".") if package else ():
        root = root.parent
    own = Path(__file__).resolve().parent
    files = {main}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not path.endswith(".py"):
            continue
        resolved = Path(path).resolve()
        if root in resolved.parents and own not in resolved.parents and "site-packages" not in resolved.parts:
            files.add(resolved)
    return sorted(files)


class Catalog:
    """Every known hyperparameter of a program, by key."""

    def __init__(self, infos: list[ParamInfo], files: list[Path], declared: Sequence[type] = ()) -> None:
        self.entries: dict[str, Entry] = {}
        self.errors: list[str] = []
        scanned = scan_paths(files) if files else None
        if scanned is not None:
            self.errors = list(scanned.errors)
            known = _owners(infos, declared)
            for found in scanned.found:
                if found.kind == "read" or (os.path.realpath(found.path), found.function) not in known:
                    self.entries.setdefault(found.key, _scanned_entry(found))
        for info in infos:  # what the program declares wins over what a scan guessed
            for entry in _runtime_entries(info):
                self.entries[entry.key] = entry
        classes: dict[str, Entry] = {}
        for cls in declared:  # a base's default, like the scan's first definition, before a subclass's
            for entry in _declared_entries(cls):
                classes.setdefault(entry.key, entry)
        self.entries.update(classes)

    def closest(self, key: str, count: int = 3) -> list[str]:
        """The known keys most like ``key``."""
        return difflib.get_close_matches(key, list(self.entries), n=count, cutoff=0.6)

    def in_force(self, key: str, sources: dict[str, str]) -> tuple[str, str]:
        """The value of ``key`` in force now, as text, and where it came from."""
        value = innermost()[key]
        entry = self.entries.get(key)
        if value is ABSENT:
            return (entry.default if entry else ""), "default"
        shown = repr(value)
        if entry is not None:
            try:
                shown = repr(entry.read(value))
            except (TypeError, ValueError) as error:
                shown = f"{value!r} (invalid: {error})"
        return shown, sources.get(key, "scope")

    def listing(self, title: str, sources: dict[str, str]) -> str:
        """The ``--list-params`` table."""
        rows = [("KEY", "DEFAULT", "IN FORCE", "SOURCE", "DEFINED AT")]
        for key in sorted(self.entries):
            entry = self.entries[key]
            value, source = self.in_force(key, sources)
            rows.append((key, entry.default, value, source, entry.location))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines = [f"{len(self.entries)} hyperparameters of {title}:"]
        for row in rows:
            lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
        return "\n".join(line.rstrip() for line in lines)

    def explain(self, key: str, sources: dict[str, str]) -> Optional[str]:
        """The ``--explain-param`` block for ``key``, or None if it is unknown."""
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, source = self.in_force(key, sources)
        return "\n".join(
            [
                key,
                f"  default:   {entry.default}",
                f"  type:      {entry.type_name or 'unknown'}",
                f"  in force:  {value} (from {source})",
                f"  about:     {entry.description or '(no description)'}",
                f"  defined:   {entry.location} ({entry.function})",
                f"  set it:    -D {key}=<value>",
            ]
        )

    def unknown_message(self, key: str, what: str) -> str:
        """A one-line message for an unknown key, with the closest known keys."""
        near = self.closest(key)
        hint = f"; did you mean {', '.join(map(repr, near))}?" if near else ""
        return f"{what} {key!r}{hint}"


def infos_of(functions: list[Callable[..., Any]]) -> list[ParamInfo]:
    """The ParamInfo of every decorated function or class given."""
    return [
        info
        for info in (getattr(f, "__hyperparameter__", None) for f in functions)
        if isinstance(info, ParamInfo)
    ]
