"""``hp``: list and explain the hyperparameters of a package, a directory or a file.

``hp ls`` lists the installed distributions that use hyperparameter;
``hp ls PKG|PATH`` lists the hyperparameters of one (the current directory by
default); ``hp desc NAME [PKG|PATH]`` explains one. Nothing is imported or
run: the sources are read by the static scanner. ``python -m hyperparameter``
is the same program.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from ._description import Definitions, definitions_of
from ._details import render_details
from ._report import ScannedPackage, function_count, render_listing, render_packages
from ._scanner_files import scan_paths
from ._suggest import MOST, find_close_matches, format_suggestion

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_PROJECT_NAME = re.compile(r"^\[project\][^\[]*?^name\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE | re.DOTALL)
_PROGRAM = "hp"


@dataclass
class Target:
    """What ``PKG|PATH`` names: what to scan, and the distribution behind it if known."""

    name: str
    version: str
    paths: list[str]
    root: Optional[str]
    distribution: Optional[metadata.Distribution] = None


# -- distributions --------------------------------------------------------------
def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_dist_name(dist: metadata.Distribution) -> str:
    return dist.metadata["Name"] or ""


def _list_requirements(dist: metadata.Distribution, extras: bool) -> Iterator[str]:
    """Return the normalised names ``dist`` requires; with ``extras``, optional ones too."""
    for requirement in dist.requires or ():
        match = _REQUIREMENT.match(requirement)
        _, _, marker = requirement.partition(";")
        if match and (extras or "extra" not in marker):
            yield _normalize(match.group(1))


def _uses_hyperparameter(dist: metadata.Distribution) -> bool:
    # The library itself names itself in its own extras ("test" pulls "hyperparameter[toml,yaml]").
    return _normalize(_read_dist_name(dist)) != "hyperparameter" and "hyperparameter" in _list_requirements(
        dist, extras=True
    )


def _find_installed() -> Iterator[metadata.Distribution]:
    """Each installed distribution once, the one import would see first."""
    seen: set[str] = set()
    for dist in metadata.distributions():
        name = _normalize(_read_dist_name(dist))
        if name and name not in seen:
            seen.add(name)
            yield dist


def _find_distribution(name: str) -> Optional[metadata.Distribution]:
    for candidate in dict.fromkeys([name, name.replace("_", "-"), name.replace("-", "_")]):
        try:
            return metadata.distribution(candidate)
        except (metadata.PackageNotFoundError, ValueError):
            continue
    return None


def _find_editable_dir(dist: metadata.Distribution) -> Optional[str]:
    """Return the project directory of an editable install (PEP 610 ``direct_url.json``)."""
    try:
        data = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return None
    url = data.get("url", "") if isinstance(data, dict) else ""
    if not (data.get("dir_info") or {}).get("editable") or not url.startswith("file:"):
        return None
    return unquote(urlparse(url).path)


def _list_import_names(dist: metadata.Distribution) -> list[str]:
    """Return the top-level modules ``dist`` provides, from ``top_level.txt`` or its file list."""
    text = dist.read_text("top_level.txt")
    if text:
        return [line.strip() for line in text.splitlines() if line.strip()]
    names: dict[str, None] = {}
    if _find_editable_dir(dist) is None:
        for file in dist.files or ():
            first = file.parts[0]
            if (
                first == ".."
                or first == "__pycache__"
                or first.endswith((".dist-info", ".data", ".egg-info"))
            ):
                continue
            if len(file.parts) > 1:
                names[first] = None
            elif first.endswith(".py"):
                names[first[:-3]] = None
    return list(names) or [_normalize(_read_dist_name(dist)).replace("-", "_")]


def _find_module_distribution(top: str) -> Optional[metadata.Distribution]:
    dist = _find_distribution(top)
    if dist is not None and top in _list_import_names(dist):
        return dist
    return next((d for d in _find_installed() if top in _list_import_names(d)), None)


def _find_module_paths(top: str) -> list[str]:
    """Locate the source of a top-level module or package without importing it."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)
    return [spec.origin] if spec.origin and spec.origin.endswith(".py") else []


def _find_distribution_paths(dist: metadata.Distribution) -> tuple[list[str], Optional[str]]:
    """Return the Python files of ``dist`` and the directory to show them relative to."""
    if _find_editable_dir(dist) is None and dist.files:
        files = [
            str(dist.locate_file(f))
            for f in dist.files
            if f.suffix == ".py" and f.parts[0] != ".." and not f.parts[0].endswith(".dist-info")
        ]
        if files:
            return files, str(dist.locate_file(""))
    paths = [path for name in _list_import_names(dist) for path in _find_module_paths(name)]
    if paths:
        return paths, os.path.dirname(paths[0].rstrip(os.sep))
    editable = _find_editable_dir(dist)
    return ([editable], editable) if editable else ([], None)


def _make_distribution_target(dist: metadata.Distribution) -> Target:
    paths, root = _find_distribution_paths(dist)
    return Target(_read_dist_name(dist), dist.version or "", paths, root, dist)


# -- resolving PKG|PATH -------------------------------------------------------------
def _looks_like_path(text: str) -> bool:
    separators = [os.sep] + ([os.altsep] if os.altsep else [])
    return any(s in text for s in separators) or text.startswith((".", "~")) or text.endswith(".py")


def _find_submodule_paths(locations: list[str], parts: list[str]) -> list[str]:
    """``a.b.c`` below a package's directories, found on disk rather than by importing ``a``."""
    for location in locations:
        path = os.path.join(location, *parts)
        if os.path.isdir(path):
            return [path]
        if os.path.isfile(path + ".py"):
            return [path + ".py"]
    return []


def _find_project_distribution(path: str) -> Optional[metadata.Distribution]:
    """Find the installed distribution of the project ``path`` is in, named by its pyproject.toml."""
    directory = Path(path).resolve()
    for candidate in [directory, *directory.parents]:
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                match = _PROJECT_NAME.search(pyproject.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                return None
            return _find_distribution(match.group(1)) if match else None
    return None


def find_target(text: str) -> Target:
    """Resolve ``PKG|PATH``: a module or package name, an installed distribution, or a path.

    Raises LookupError, with a one-line message, when it is none of them.
    """
    is_name = not _looks_like_path(text) and all(part.isidentifier() for part in text.split("."))
    if is_name:
        top, _, rest = text.partition(".")
        paths = _find_module_paths(top)
        root = os.path.dirname(paths[0].rstrip(os.sep)) if paths else None
        if paths and rest:
            paths = _find_submodule_paths(paths, rest.split("."))
        if paths:
            dist = _find_module_distribution(top)
            return Target(text, dist.version if dist else "", paths, root, dist)
    if not _looks_like_path(text):
        dist = _find_distribution(text)
        if dist is not None:
            return _make_distribution_target(dist)
    if os.path.exists(os.path.expanduser(text)):
        path = os.path.expanduser(text)
        name = text if os.path.normpath(text) not in (".", "..") else os.path.basename(os.path.abspath(text))
        return Target(name or text, "", [path], None, _find_project_distribution(path))
    raise LookupError(f"{text!r} is neither an importable module, an installed distribution nor a path.")


# -- scanning -----------------------------------------------------------------------
def _scan(target: Target, relation: str = "self") -> ScannedPackage:
    result = scan_paths(target.paths)
    return ScannedPackage(target.name, target.version, target.root, result.found, relation, result.errors)


def _find_dependencies(dist: metadata.Distribution) -> list[metadata.Distribution]:
    """Find the installed distributions ``dist`` depends on, directly or not, that use hyperparameter."""
    seen = {_normalize(_read_dist_name(dist)), "hyperparameter"}
    queue = list(_list_requirements(dist, extras=False))
    found = []
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        dependency = _find_distribution(name)
        if dependency is None:
            continue
        if _uses_hyperparameter(dependency):
            found.append(dependency)
        queue.extend(_list_requirements(dependency, extras=False))
    return found


def _warn(message: str) -> None:
    print(f"{_PROGRAM}: {message}", file=sys.stderr)


def _emit(text: str, output: Optional[str]) -> bool:
    """Print ``text`` or write it to ``output``; False (after saying why) if that fails."""
    if output is None:
        print(text)
        return True
    try:
        Path(output).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        _warn(f"cannot write {output!r}: {error.strerror or error}")
        return False
    return True


def _list_installed(args: argparse.Namespace) -> int:
    rows = []
    for dist in sorted(_find_installed(), key=lambda d: _normalize(_read_dist_name(d))):
        if not _uses_hyperparameter(dist):
            continue
        source = _scan(_make_distribution_target(dist))
        for problem in source.errors:
            _warn(problem)
        if source.found:  # declared and confirmed by the scan: no false positives
            rows.append(
                (source.name, source.version, len(definitions_of(source.found)), function_count(source.found))
            )
    if not rows and args.format != "json":
        _warn("no installed package uses hyperparameter.")
        return 1
    return 0 if _emit(render_packages(rows, args.format), args.output) and rows else 1


def _list(args: argparse.Namespace) -> int:
    if args.target is None:
        if not args.tree and args.scope is None:
            return _list_installed(args)
        args.target = "."  # options about one package's listing: the current directory's
    try:
        target = find_target(args.target)
    except LookupError as error:
        _warn(str(error))
        return 1
    sources = [_scan(target)] if args.scope in (None, "self", "all") else []
    if args.scope in ("all", "deps"):
        if target.distribution is None:
            _warn(f"no installed distribution found for {args.target!r}, so no dependencies to list.")
        else:
            sources += [
                _scan(_make_distribution_target(d), "dependency")
                for d in _find_dependencies(target.distribution)
            ]
    for source in sources:
        for problem in source.errors:
            _warn(problem)
    if not sources and args.format != "json":
        _warn(f"no dependency of {args.target!r} uses hyperparameter.")
        return 1
    written = _emit(render_listing(sources, args.format, tree=args.tree), args.output)
    return 0 if written and any(s.found for s in sources) else 1


def matches(name: str, entries: list[Definitions]) -> tuple[list[Definitions], list[str]]:
    """Return the entries ``name`` picks (its exact key, else every key holding it), else the nearest keys."""
    exact = [e for e in entries if e.key == name]
    if exact:
        return exact, []
    containing = [e for e in entries if name.lower() in e.key.lower()]
    if containing:
        return containing, []
    keys = [e.key for e in entries]
    near = find_close_matches(name, keys)
    by_last: dict[str, list[str]] = {}
    for key in keys:
        by_last.setdefault(key.rpartition(".")[2], []).append(key)
    for segment in find_close_matches(name.rpartition(".")[2], by_last):
        near += [key for key in by_last[segment] if key not in near]
    return [], near[:MOST]


def _describe(args: argparse.Namespace) -> int:
    try:
        target = find_target(args.target)
    except LookupError as error:
        _warn(str(error))
        return 1
    source = _scan(target)
    for problem in source.errors:
        _warn(problem)
    chosen, near = matches(args.name, definitions_of(source.found))
    if not chosen:
        _warn(f"no hyperparameter {args.name!r} in {source.title}. {format_suggestion(near)}".rstrip())
        return 1
    blocks = [render_details(e, location=source.location, source=source.title) for e in chosen]
    return 0 if _emit("\n\n".join(blocks), args.output) else 1


def _parse_key_text(text: str) -> str:
    """Accept a NAME for ``hp desc``: a key or part of one, never empty (it would match every key)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "NAME is empty; give a key or part of one, such as 'train.lr' or 'lr'"
        )
    return text.strip()


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=_PROGRAM, description="List and explain the hyperparameters of Python packages, statically."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser(
        "ls",
        aliases=["list"],
        help="list hyperparameters",
        description="Without PKG|PATH: the installed packages that use hyperparameter. With one: its "
        "hyperparameters; --tree, --self, --all and --deps alone mean the current directory.",
    )
    listing.add_argument(
        "target",
        nargs="?",
        metavar="PKG|PATH",
        help="module, package, installed distribution, directory or file",
    )
    listing.add_argument("-t", "--tree", action="store_true", help="nest the keys by namespace")
    listing.add_argument("-f", "--format", choices=("text", "markdown", "json"), default="text")
    listing.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    scope = listing.add_mutually_exclusive_group()
    scope.add_argument(
        "--self", dest="scope", action="store_const", const="self", help="only PKG itself (the default)"
    )
    scope.add_argument(
        "--all",
        dest="scope",
        action="store_const",
        const="all",
        help="PKG and its installed dependencies that use hyperparameter",
    )
    scope.add_argument(
        "--deps",
        dest="scope",
        action="store_const",
        const="deps",
        help="only PKG's installed dependencies that use hyperparameter",
    )
    listing.set_defaults(handler=_list, scope=None)

    describe = commands.add_parser(
        "desc",
        aliases=["describe"],
        help="explain one hyperparameter",
        description="Show the hyperparameter NAME: its exact key, else every key containing NAME.",
    )
    describe.add_argument("name", metavar="NAME", type=_parse_key_text)
    describe.add_argument(
        "target",
        nargs="?",
        default=".",
        metavar="PKG|PATH",
        help="where to look (default: the current directory)",
    )
    describe.add_argument("-o", "--output", metavar="FILE", help="write the details to FILE")
    describe.set_defaults(handler=_describe)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    """Run ``hp`` with ``argv`` (default: the command line); return the exit status.

    0: something was found; 1: nothing was, or NAME or PKG is unknown; 2: a usage error.
    """
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as stop:  # argparse: --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else 2
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # hp ls | head: the reader left; say nothing more
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 1
