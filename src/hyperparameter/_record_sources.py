"""Where a recorded value came from and where it was read: call sites and tagged sources."""

from __future__ import annotations

import functools
import inspect
import os
from types import FrameType
from typing import Any, Optional

from ._inject_code import FILE_PREFIX as WRITTEN_PREFIX
from ._levels import Level
from ._origins import source_of

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_EXAMPLES = _PACKAGE + "examples" + os.sep


def is_package_frame(frame: FrameType) -> bool:
    """Tell whether ``frame`` runs the library's own code (or contextlib driving a ``with``)."""
    filename = frame.f_code.co_filename
    if filename.startswith(_PACKAGE):
        return not filename.startswith(_EXAMPLES)
    if filename.startswith(WRITTEN_PREFIX):  # the wrapper @hp.param wrote for a function
        return True
    return frame.f_globals.get("__name__") == "contextlib"


def is_library_file(filename: str) -> bool:
    """Tell whether code in ``filename`` is Python's or an installed library's, not the program's.

    A thread pool, a process pool's worker loop or a ``<frozen ...>`` module
    calling an ``@hp.param`` function is no place a user would look for the call.
    """
    if filename.startswith("<"):
        return True
    return filename.startswith(_find_library_folders()) or any(
        part in filename for part in (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")
    )


@functools.lru_cache(maxsize=1)
def _find_library_folders() -> tuple[str, ...]:
    """Return the folders of the standard library and of installed packages, as given and resolved."""
    import sysconfig

    paths = sysconfig.get_paths()
    folders = {paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib") if name in paths}
    return tuple(
        {os.path.join(path, "") for folder in folders for path in (folder, os.path.realpath(folder))}
    )


def locate_definition(function: Any) -> tuple[str, int]:
    """Locate where ``function`` is defined: its file and first line (its first decorator's)."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    return ("?", 0) if code is None else (code.co_filename, code.co_firstlineno)


def locate_site(frame: Optional[FrameType]) -> tuple[str, int]:
    """Locate ``frame``: its file and line, to describe later (describing costs more)."""
    return ("?", 0) if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def describe_site(site: tuple[str, int]) -> str:
    """Describe a site as ``file:line``, the file relative to the working directory."""
    return "?" if site[1] == 0 else f"{_make_relative(site[0])}:{site[1]}"


@functools.lru_cache(maxsize=256)
def _make_relative(path: str) -> str:
    try:
        shorter = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if shorter.startswith("..") else shorter


def find_tagged_source(origin: Level, key: str) -> Optional[str]:
    """Return the source ``origin`` (the level holding ``key``) knows for it: ``-D``, ``-C run.toml``, ..."""
    return source_of(key, origin)
