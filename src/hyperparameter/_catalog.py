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
import enum
import functools
import inspect
import json
import os
import pathlib
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Callable, Optional

from ._annotations import evaluate_annotations
from ._catalog_files import (
    find_library_files,
    find_library_modules,
    find_project_files,
    find_unloaded_libraries,
)
from ._convert import convert, merge_mapping, to_type
from ._description import Check, Definitions, Description, describe_key, locate, show_default, shown_first
from ._engine import innermost
from ._grammar import IndexAssignment
from ._inject import EMPTY, ParamInfo
from ._levels import ABSENT
from ._mappings import parts_under, tree_of
from ._origins import describe_source, source_of
from ._scanner_files import ScanResult, scan_paths
from ._suggest import find_close_matches, format_suggestion
from ._syntax import build_static_kind, resolve_static_type

_SCALARS = (bool, int, float, complex, str, enum.Enum, pathlib.PurePath)


def build_parameter_check(key: str, annotation: Any, default: Any, where: str) -> Optional[Check]:
    """Return the rule of a function parameter: its annotation, else its default's type, else none."""
    annotation = EMPTY if annotation in (EMPTY, Any, None) else annotation
    if annotation is not EMPTY:

        def typed(value: Any) -> Any:
            if isinstance(value, IndexAssignment) and isinstance(default, (list, tuple)):
                value = convert(key, value, default)
            return to_type(key, value, annotation)

        return Check(where, typed, True)
    if default is None:
        return None
    if isinstance(default, _SCALARS):
        return Check(where, functools.partial(to_type, key, target=type(default)), True)
    return Check(where, functools.partial(convert, key, default=default), False)


def _describe_runtime(info: ParamInfo) -> list[Description]:
    """Describe the arguments an ``@hp.param`` function or class takes from scopes, with their rules."""
    annotations = evaluate_annotations(inspect.unwrap(info.function))
    entries = []
    for parameter, found in zip(info.parameters, info.describe()):
        shown = _shorten_path(found)
        annotation = annotations.get(parameter.name, EMPTY)
        check = build_parameter_check(
            parameter.key, annotation, parameter.default, _name_place(shown.function, shown.location)
        )
        entries.append(shown.replace(check=check))
    return entries


def _describe_declared(cls: type) -> list[Description]:
    """Describe the parameters an ``hp.Params`` class declares, with their kinds and bounds."""
    entries = []
    for declared in cls.params().values():  # type: ignore[attr-defined]
        shown = _shorten_path(declared.describe())
        entries.append(
            shown.replace(check=Check(_name_place(shown.function, shown.location), declared.from_scope, True))
        )
    return entries


def _shorten_path(found: Description) -> Description:
    """``found`` with its path as listings show it."""
    return found.replace(path=_shorten(found.path))


def _name_place(function: str, location: str) -> str:
    """Name the declaration or read a rule comes from, for messages: ``main at app.py:6``."""
    return f"{function or 'module'} at {location}"


def _attach_scanned_rule(found: Description, path: str) -> Description:
    """Return what the scan found, with ``path`` (its file as listings show it) and the rule it gives."""
    # One copy per definition, not two (_shorten_path, then the rule): a catalog makes thousands.
    where = _name_place(found.function, locate(path, found.line))
    typed = found.role == "declared" or (
        found.role == "param" and (bool(found.spec) or found.type_name in _TYPED)
    )
    return found.replace(path=path, check=Check(where, _LazyConvert(found, where), typed))


# Literal defaults whose type a parameter is declared with (a list default converts item by item).
_TYPED = frozenset({"bool", "int", "float", "complex", "str"})


class _LazyConvert:
    """A scanned declaration's rule, built from its text the first time a value is checked.

    A catalog holds every declaration of the program's modules; a launch checks
    the few keys it sets, so most rules are never built.
    """

    def __init__(self, found: Description, where: str) -> None:
        self.found, self.where = found, where
        self.built: Optional[Callable[[Any], Any]] = None

    def __call__(self, value: Any) -> Any:
        if self.built is None:
            check = _build_scanned_check(self.found, self.where)
            self.built = check.convert if check is not None else _return_unchanged
        return self.built(value)


def _return_unchanged(value: Any) -> Any:
    return value


def _build_scanned_check(found: Description, where: str) -> Optional[Check]:
    """Build the rule a declaration or read the scan found gives, from its text alone."""
    default = _evaluate_literal(found.default)  # None when not a literal: no type to read by
    if found.role == "declared":
        declared = build_static_kind(found.spec)
        if declared is None:
            return None
        declared.key, declared.name = found.key, found.key.rpartition(".")[2]
        return Check(where, declared.from_scope, True)
    if found.role == "param":
        annotation = resolve_static_type(found.spec) if found.spec else EMPTY
        return build_parameter_check(found.key, EMPTY if annotation is None else annotation, default, where)
    if default is None:
        return None
    return Check(where, functools.partial(convert, found.key, default=default), False)


def _find_owners(infos: list[ParamInfo], declared: Sequence[type]) -> set[tuple[str, str]]:
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


def _shorten(path: str) -> str:
    return _relative_under(path, os.getcwd())


@functools.lru_cache(maxsize=1024)  # a program's definitions share a few files: each worked out once
def _relative_under(path: str, folder: str) -> str:
    """``path`` relative to ``folder`` when it lies under it, else as it is."""
    try:
        relative = os.path.relpath(path, folder)
    except ValueError:  # another drive, on Windows
        return path
    return path if relative.startswith("..") else relative


def _write_pattern(key: str) -> Optional[str]:
    """Build a regular expression for the keys a computed name such as ``task.<name>.lr`` stands for.

    A name with no written part (``<key>``) stands for no key in particular: it
    would make every key known and hide every typo.
    """
    parts = re.split(r"<[^>]*>", key)  # compiled when a program has such names, not at every launch
    if not "".join(parts).strip("."):
        return None
    return ".+".join(re.escape(part) for part in parts)


class Catalog:
    """Every known hyperparameter of a program, by key, with the rules its values must follow."""

    def __init__(
        self,
        infos: list[ParamInfo],
        files: list[Path],
        declared: Sequence[type] = (),
        related: Sequence[Path] = (),
        scanned: Optional[ScanResult] = None,  # what a scan of ``files`` found, when already made
    ) -> None:
        self.entries: dict[str, Description] = {}  # the definition shown first, by key
        self._found: list[Description] = []  # every definition and read, for a key's details
        self.errors: list[str] = []
        self.checks: dict[str, list[Check]] = {}
        self._related: set[str] = set()  # keys that the other scripts of the folder read or declare
        patterns: list[tuple[str, Optional[Check]]] = []
        for found in scan_paths(related).found if related else ():
            pattern = _write_pattern(found.key) if found.dynamic else None
            if pattern is not None:
                patterns.append((pattern, None))
            elif not found.dynamic:
                self._related.add(found.key)
        if scanned is None and files:
            scanned = scan_paths(files)
        if scanned is not None:
            self.errors = list(scanned.errors)
            known = _find_owners(infos, declared)
            real_paths: dict[str, str] = {}  # a file's definitions share its path: resolved once
            shown_paths: dict[str, str] = {}  # and shortened once
            for found in scanned.found:
                if found.role != "read":
                    real = real_paths.get(found.path)
                    if real is None:
                        real = real_paths[found.path] = os.path.realpath(found.path)
                    if (real, found.function) in known:
                        continue
                shown = shown_paths.get(found.path)
                if shown is None:
                    shown = shown_paths[found.path] = _shorten(found.path)
                entry = _attach_scanned_rule(found, shown)
                self.entries.setdefault(found.key, entry)
                self._found.append(entry)
                if found.dynamic:
                    pattern = _write_pattern(found.key)
                    if pattern is not None:
                        patterns.append((pattern, entry.check))
                elif entry.check is not None and (found.role != "read" or found.default):
                    self.checks.setdefault(found.key, []).append(entry.check)  # a bare read has no rule
        for info in infos:  # what the program declares wins over what a scan guessed
            for entry in _describe_runtime(info):
                self._declare(entry)
        classes: dict[str, Description] = {}
        for cls in declared:  # a base's default, like the scan's first definition, before a subclass's
            for entry in _describe_declared(cls):
                classes.setdefault(entry.key, entry)
                self._found.append(entry)
                if entry.check is not None:
                    self.checks.setdefault(entry.key, []).insert(0, entry.check)
        self.entries.update(classes)
        # Dict-valued keys: the keys under one (train.opt.m of train.opt) are its entries.
        self._dict_keys = {found.key for found in self._found if _holds_dict(found)}
        self._patterns = patterns
        self._any_pattern = re.compile("|".join(f"(?:{p})" for p, _ in patterns)) if patterns else None

    def _declare(self, entry: Description) -> None:
        self.entries[entry.key] = entry
        self._found.append(entry)
        if entry.check is not None:
            checks = self.checks.setdefault(entry.key, [])
            if entry.check.where not in {each.where for each in checks}:
                checks.insert(0, entry.check)

    def bind_defaults(self, values: Mapping[str, Any]) -> None:
        """Make ``values`` the defaults shown for their keys: a launched ``functools.partial``'s keywords.

        The partial's keyword is the parameter's default for the program (``--help``
        shows it), so ``-lps`` and ``-ep`` show it too; the checks stay the function's.
        """
        for key, value in values.items():
            entry = self.entries.get(key)
            if entry is not None:
                bound = entry.replace(default=repr(value))
                self.entries[key] = bound
                self._found = [bound if each is entry else each for each in self._found]

    def knows(self, key: str) -> bool:
        """Whether some part of the program reads or declares ``key`` (computed names included)."""
        if key in self.entries or key in self._related or self._inside_dict(key):
            return True
        return self._any_pattern is not None and self._any_pattern.fullmatch(key) is not None

    def _inside_dict(self, key: str) -> bool:
        """Whether ``key`` names an entry of a dict-valued key (``train.opt.m`` of ``train.opt``)."""
        return self._dict_holding(key) is not None

    def _dict_holding(self, key: str) -> Optional[str]:
        """Return the dict-valued key ``key`` names an entry of, if any (the innermost)."""
        dict_keys = self._dict_keys
        while dict_keys:
            key = key.rpartition(".")[0]
            if not key:
                return None
            if key in dict_keys:
                return key
        return None

    def _entry_check(self, key: str) -> Optional[Check]:
        """Return the rule of an entry of a dict-valued key: its default's entry there, read leniently."""
        holder = self._dict_holding(key)
        entry = self.entries.get(holder) if holder is not None else None
        if entry is None or holder is None:
            return None
        default = _evaluate_literal(entry.default)
        for name in key[len(holder) + 1 :].split("."):
            default = default.get(name) if isinstance(default, dict) else None
        if default is None or isinstance(default, dict):
            return None
        return Check(
            _name_place(entry.function, entry.location),
            functools.partial(convert, key, default=default),
            False,
        )

    def checked_keys(self, keys: Iterable[str]) -> Iterable[str]:
        """Those of ``keys`` some rule applies to."""
        checks = self.checks
        if self._dict_keys:  # entries of dict-valued keys, checked by their default's entries
            inside = tuple(key + "." for key in self._dict_keys)
            entries = [key for key in keys if key not in checks and key.startswith(inside)]
            return [*self._checked_keys(keys), *(key for key in entries if self._entry_check(key))]
        return self._checked_keys(keys)

    def _checked_keys(self, keys: Iterable[str]) -> list[str]:
        checks = self.checks
        if self._any_pattern is None:
            if isinstance(keys, Mapping) and len(checks) < len(keys):
                return [key for key in checks if key in keys]  # the few declared keys, in their order
            return [key for key in keys if key in checks]
        return [key for key in keys if key in checks or self._any_pattern.fullmatch(key)]

    def unknown(self, keys: Iterable[str]) -> list[str]:
        """Those of ``keys`` no part of the program reads or declares."""
        keys = list(keys)
        # Set operations and filter() run in C: ten thousand keys from a file cost little.
        missing = set(keys)  # updated in place: set.difference would copy ten thousand keys one by one
        missing.difference_update(self.entries, self._related)
        if self._any_pattern is not None:
            missing = {key for key in missing if self._any_pattern.fullmatch(key) is None}
        if self._dict_keys:
            missing = {key for key in missing if not self._inside_dict(key)}
        return keys if len(missing) == len(keys) else list(filter(missing.__contains__, keys))

    def checks_for(self, key: str) -> list[Check]:
        """Every rule the program's declarations and reads give for the values of ``key``."""
        found = list(self.checks.get(key, ()))
        if self._any_pattern is not None and self._any_pattern.fullmatch(key):
            found += [check for pattern, check in self._patterns if check and re.fullmatch(pattern, key)]
        if not found and self._dict_keys:
            entry_check = self._entry_check(key)
            if entry_check is not None:
                found.append(entry_check)
        return found

    def closest(self, key: str) -> list[str]:
        """Return the known keys most like ``key``."""
        return find_close_matches(key, self.entries)

    def in_force(self, key: str) -> tuple[str, str]:
        """Return the value of ``key`` in force now, as text, and where it came from."""
        level = innermost()
        value = level[key]
        entry = self.entries.get(key)
        if value is ABSENT and key in self._dict_keys:
            parts = parts_under(level, key)
            if parts:
                default = _evaluate_literal(entry.default if entry is not None else None)
                given = tree_of(key, parts)
                shown = repr(merge_mapping(key, default, given) if isinstance(default, dict) else given)
                return shown, ", ".join(dict.fromkeys(describe_source(source_of(part[0])) for part in parts))
        if value is ABSENT:
            return ("" if entry is None or entry.default is None else entry.default), "default"
        shown = repr(value)
        if entry is not None and entry.check is not None:
            try:
                shown = repr(entry.check.convert(value))
            except (TypeError, ValueError) as error:
                shown = f"{value!r} (invalid: {error})"
        return shown, describe_source(source_of(key))

    def rows(self) -> list[dict[str, Any]]:
        """One row per key, as every JSON listing gives it, with the value in force, its source and place."""
        rows = []
        for key in sorted(self.entries):
            entry = self.entries[key]
            value, source = self.in_force(key)
            row = describe_key(Definitions(key, entry))
            rows.append({**row, "value": value, "source": source, "defined_at": entry.location})
        return rows

    def listing(self, title: str) -> str:
        """Render the ``--list-params`` table."""
        from ._table import align_rows  # listings only: a launch that checks values needs none

        table = [("KEY", "DEFAULT", "IN FORCE", "SOURCE", "DEFINED AT")]
        for row in self.rows():
            shown = show_default(self.entries[row["key"]])
            table.append((row["key"], shown, row["value"], row["source"], row["defined_at"]))
        return "\n".join([f"{len(self.entries)} hyperparameters of {title}:", *align_rows(table)])

    def listing_json(self, title: str) -> str:
        """Render the ``--list-params -f json`` document."""
        return json.dumps({"program": title, "hyperparameters": self.rows()}, indent=2)

    def definitions(self, key: str) -> Optional[Definitions]:
        """``key``'s definition shown first (the program's own, else the scan's) and every other one."""
        primary = self.entries.get(key)
        if primary is None:
            return None
        others = sorted(
            (each for each in self._found if each.key == key and each is not primary), key=shown_first
        )
        return Definitions(key, primary, tuple(others))

    def explain(self, key: str) -> Optional[str]:
        """Render the ``--explain-param`` block for ``key`` (as ``hp desc`` draws it), or None if unknown."""
        from ._details import render_details  # -ep only: a launch that checks values needs none

        entry = self.definitions(key)
        if entry is None:
            return None
        return render_details(entry, in_force=self.in_force(key))

    def unknown_message(self, key: str, what: str) -> str:
        """Write a one-line message for an unknown key, with the closest known keys."""
        return f"{what} {key!r}. {format_suggestion(self.closest(key))}".rstrip()


def _holds_dict(found: Description) -> bool:
    """Whether a definition or read holds a dict, by its type or its default as written."""
    head = found.type_name.removeprefix("Optional[")
    for mark in "[| ":  # the name before the first of them: Dict[str, int], dict | None
        head = head.partition(mark)[0]
    default = (found.default or "").strip()
    return head in _DICT_TYPES or default.startswith("dict(") or (default.startswith("{") and ":" in default)


_DICT_TYPES = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})


def _evaluate_literal(text: Optional[str]) -> Any:
    """Return the value a default written as ``text`` stands for, or None when it is not a literal."""
    try:
        return ast.literal_eval(text) if text else None
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return None


def infos_of(functions: list[Callable[..., Any]]) -> list[ParamInfo]:
    """Return the ParamInfo of every decorated function or class given."""
    return [
        info
        for info in (getattr(f, "__hyperparameter__", None) for f in functions)
        if isinstance(info, ParamInfo)
    ]


def build_program_catalog(functions: list[Callable[..., Any]], module_globals: dict[str, Any]) -> Catalog:
    """Build the catalog of a launched program from its functions, its modules and the libraries it loaded.

    The declarations loaded in memory (``@hp.param`` functions and ``hp.Params``
    classes of the program's module and of its libraries' loaded modules) are
    taken as they run; the rest comes from a scan of the files, including those
    of a library of the user's the program imports but has not loaded yet.
    """
    files, related = find_project_files(module_globals)
    own = set(files) | set(related)
    libraries = find_library_modules(own)
    objects = [*functions, *module_globals.values()]
    for module in libraries:
        objects += vars(module).values()
    unique = list({id(each): each for each in objects}.values())
    files += find_library_files(libraries, own)
    scanned = scan_paths(files)
    later = find_unloaded_libraries(scanned.imported, own | set(files))
    if later:  # a library imported inside a function: scanned now, loaded when the run imports it
        more = scan_paths(later)
        scanned.found += more.found
        scanned.errors += more.errors
    return Catalog(infos_of(unique), files + later, _params_classes(unique), related, scanned)


def _params_classes(objects: list[Any]) -> list[type]:
    """Return the ``hp.Params`` subclasses among ``objects`` (none before ``_params`` is imported)."""
    params = sys.modules.get(f"{__package__}._params")
    if params is None:
        return []
    base = params.Params
    return [
        each for each in objects if isinstance(each, type) and issubclass(each, base) and each is not base
    ]
