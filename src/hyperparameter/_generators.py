"""Generators and scopes: a suspended generator's block stays invisible to its caller.

A generator shares its caller's context, so a ``with hp.scope(...)`` block
that is open when the generator yields stays current for the caller. Such a
block gets a :class:`GeneratorLevel`, which remembers the generator's frame and,
whenever that generator is not running, looks through to what was current
before it. A block the caller enters meanwhile gets a :class:`ShadowLevel`, so
that the generator, resumed inside it, still sees its own values.

Generators that *are* context managers (``contextlib.contextmanager``, pytest
yield fixtures) are the exception by design: their block is meant to be seen
by the body they wrap.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Optional

from ._levels import UNPINNED, Level, lookup, pin

_getframe = sys._getframe
GENERATOR_FLAGS = 0x20 | 0x200  # CO_GENERATOR | CO_ASYNC_GENERATOR
# Modules whose frames drive context managers: frames of theirs are skipped,
# and a generator they drive is a context manager.
_DRIVERS = ("contextlib", "_pytest.", "pytest_asyncio")


class GeneratorLevel(Level):
    """A level whose block is open in a generator (``frame``) that may be suspended."""

    __slots__ = ()

    def __getitem__(self, key: str) -> object:
        return lookup(visible(self), key)


class ShadowLevel(Level):
    """A level entered while a suspended generator's level was current.

    Its reads check whether that generator runs again, and if so show it its own level.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> object:
        return lookup(visible(self), key)


def running(level: Level) -> bool:
    """Whether the generator of a GeneratorLevel is executing now, in the calling thread.

    A suspended generator's frame has no caller (``f_back``), so most answers
    cost one attribute read. A frame with a caller may still not be running
    here: a generator resumed in another thread has one, and from Python 3.12
    on a finished generator's frame keeps its last caller. So it counts as
    running only when it is on the calling thread's stack.
    """
    frame = level.frame
    if frame.f_back is None:
        return False
    here: Optional[FrameType] = _getframe(1)
    while here is not None:
        if here is frame:
            return True
        here = here.f_back
    return False


def _running_generator_below(level: Level) -> Optional[Level]:
    """The running generator's level among those ``level`` was entered on top of."""
    below = level.restore_to
    while below is not None and below.__class__ is not Level:
        if below.__class__ is GeneratorLevel and running(below):
            return below
        below = below.restore_to
    return None


def visible(level: Level) -> Level:
    """The level whose values the running code sees, given the context's current one."""
    while True:
        level_class = level.__class__
        if level_class is GeneratorLevel:
            if running(level):
                return level
            level = level.restore_to  # type: ignore[assignment]
        elif level_class is ShadowLevel:
            return _running_generator_below(level) or level
        elif level is UNPINNED:
            return pin()
        else:
            return level


def block_level_class(raw: Level, seen: Level, frame: FrameType) -> tuple[type[Level], Optional[FrameType]]:
    """The class of level a block entered from ``frame`` gets, and its generator frame.

    ``raw`` is the context's current level and ``seen`` the one visible to the code.
    """
    generator = block_generator(frame)
    if generator is not None:
        return GeneratorLevel, generator
    if seen.__class__ is GeneratorLevel:
        return Level, None  # entered inside the running generator: closed before it yields
    if raw.__class__ is GeneratorLevel or raw.__class__ is ShadowLevel:
        return ShadowLevel, None
    return Level, None


def _is_driver(frame: FrameType) -> bool:
    module = frame.f_globals.get("__name__")
    return isinstance(module, str) and module.startswith(_DRIVERS)


def block_generator(frame: Optional[FrameType]) -> Optional[FrameType]:
    """The generator frame that can suspend while a block entered from ``frame`` is open.

    Context-manager machinery is skipped: a block entered by ``ExitStack`` or by
    a ``@contextmanager`` generator belongs to the code using that context
    manager. None means the block belongs to ordinary code.
    """
    while frame is not None:
        if _is_driver(frame):
            frame = frame.f_back
            continue
        if not frame.f_code.co_flags & GENERATOR_FLAGS:
            return None
        driver = frame.f_back  # through generators delegating with `yield from`
        while driver is not None and driver.f_code.co_flags & GENERATOR_FLAGS and not _is_driver(driver):
            driver = driver.f_back
        if driver is None or not _is_driver(driver):
            return frame
        frame = driver
    return None
