"""Where a recorded value came from and where it was read: call sites and tagged sources."""

from __future__ import annotations

import functools
import os
from types import FrameType
from typing import Optional

from ._levels import Level
from ._origins import source_of

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_EXAMPLES = _PACKAGE + "examples" + os.sep


def is_package_frame(frame: FrameType) -> bool:
    """Tell whether ``frame`` runs the library's own code (or contextlib driving a ``with``)."""
    filename = frame.f_code.co_filename
    if filename.startswith(_PACKAGE):
        return not filename.startswith(_EXAMPLES)
    return frame.f_globals.get("__name__") == "contextlib"


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
