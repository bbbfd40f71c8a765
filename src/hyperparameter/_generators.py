"""Generators and scopes: a generator's blocks are its own, wherever it is resumed.

A generator runs in the context of whoever resumes it: its caller, another
asyncio task, another thread, a fresh ``contextvars.Context()``. So the levels
its ``with hp.scope(...)`` blocks push cannot live in a context: they would
stay current for the caller while the generator is suspended, and be missing
where it is resumed next. They live here instead, per generator frame
(:func:`open_block`, :func:`close_block`), and the code running sees a
generator's innermost level while that generator runs on its stack
(:func:`find_visible`), whichever thread or context resumed it. A block that code
*called by* the generator enters goes into the context as usual, marked
with the generator (its ``frame``), so it stays visible until it ends.

Hot paths pay nothing for this while no generator has a block open: they
read the context variable through a reader they bind once
(:func:`follow_reader`), which is ``current.get`` then. The first block a
generator opens switches every such reader to :func:`find_visible` (compiled, when
it is: see :func:`use_compiled`); the last block to end switches back.

Generators that *are* context managers (``contextlib.contextmanager``, pytest
yield fixtures) are the exception by design: their block is meant to be seen
by the body they wrap, so it goes into the context like any other.
"""

from __future__ import annotations

import sys
from _thread import allocate_lock
from types import FrameType
from typing import Any, Callable, Optional

from ._levels import Level, current

_getframe = sys._getframe
_context_level = current.get
GENERATOR_FLAGS = 0x20 | 0x200  # CO_GENERATOR | CO_ASYNC_GENERATOR
# Modules whose frames drive context managers: frames of theirs are skipped,
# and a generator they drive is a context manager.
_DRIVERS = ("contextlib", "_pytest.", "pytest_asyncio")
# With more open generators than this, finding the running one walks the stack
# instead of asking each generator whether it runs.
_SCAN_LIMIT = 16

#: The innermost level of each generator (by frame) that has a block open.
_blocks: dict[FrameType, Level] = {}
# The keys of _blocks, replaced whole on each change: a reader iterates it
# while other threads open and close blocks.
_open: tuple[FrameType, ...] = ()
_lock = allocate_lock()


class _Switched:
    """What a fast path of the engine reads while generators have blocks open: no level.

    Its class is not ``Level`` and it owns no block, so ``enter`` and ``leave``
    take their general paths, which know about generators.
    """

    __slots__ = ()
    owner = None


_SWITCHED = _Switched()


def switched() -> Any:
    """Return the fast paths' reader while generators have blocks open: see :class:`_Switched`."""
    return _SWITCHED


# (namespace, name, reader while generator blocks are open, None for _open_reader) of every bound reader.
_followers: list[tuple[dict[str, Any], str, Optional[Callable[[], Any]]]] = []
# The compiled paths' hooks: told the blocks when the first opens, None when the last ends.
_switch_hooks: list[Callable[[Optional[dict[FrameType, Level]]], object]] = []


def find_running_generator(frame: Optional[FrameType]) -> Optional[FrameType]:
    """Find the innermost generator with an open block that runs on the stack at ``frame``.

    A suspended generator's frame has no caller (``f_back``), so with a few
    open generators one attribute read each usually settles it. A running
    one may run in another thread (and from Python 3.12 on a finished one
    keeps its last caller, but its blocks have ended): it counts only when
    it is on this stack.
    """
    generators = _open
    if len(generators) <= _SCAN_LIMIT:
        for generator in generators:
            if generator.f_back is not None:
                break
        else:
            return None
    blocks = _blocks
    while frame is not None:
        if frame in blocks:
            return frame
        frame = frame.f_back
    return None


def find_visible() -> Level:
    """Find the level the calling code sees: its running generator's innermost one, or its context's.

    A level of the context marked with that generator was entered by code the
    generator called during this run, on top of the generator's level.
    """
    raw = _context_level()
    generator = find_running_generator(_getframe(1))
    if generator is None or raw.frame is generator:
        return raw
    return _blocks.get(generator, raw)


# What the hot paths read while generators have blocks open: find_visible, or its compiled version.
_open_reader: Callable[[], Level] = find_visible


def find_visible_at(frame: FrameType) -> tuple[Level, Optional[FrameType]]:
    """Find what code at ``frame`` sees (see :func:`find_visible`) and the generator it runs in, if any."""
    raw = _context_level()
    generator = find_running_generator(frame) if _blocks else None
    if generator is None or raw.frame is generator:
        return raw, generator
    return _blocks.get(generator, raw), generator


def find_innermost_block(generator: FrameType) -> Optional[Level]:
    """Find the level of ``generator``'s innermost open block, or None."""
    return _blocks.get(generator)


def open_block(generator: FrameType, level: Level) -> None:
    """Make ``level`` the innermost block of ``generator`` (a new block, or a new version of it).

    A new block's ``restore_to`` is the generator's previous innermost level.
    """
    global _open
    with _lock:
        if generator not in _blocks:
            _open = (*_open, generator)
        _blocks[generator] = level
        if len(_open) == 1:
            _switch(True)


def close_block(generator: FrameType, level: Level) -> None:
    """End ``generator``'s innermost block, whose level is ``level``."""
    global _open
    outer = level.restore_to
    with _lock:
        if outer is not None:
            _blocks[generator] = outer
            return
        _blocks.pop(generator, None)
        _open = tuple(each for each in _open if each is not generator)
        if not _open:
            _switch(False)


def list_open_generators() -> tuple[FrameType, ...]:
    """List the frames of the generators that have a block open, outermost-opened first."""
    return _open


def _switch(generators_open: bool) -> None:
    # The compiled paths learn of the blocks before the readers can ask them.
    if generators_open:
        for hook in _switch_hooks:
            hook(_blocks)
    for namespace, name, reader in _followers:
        namespace[name] = (reader or _open_reader) if generators_open else _context_level
    if not generators_open:
        for hook in _switch_hooks:
            hook(None)


def follow_reader(
    namespace: dict[str, Any], name: str = "_get_current", reader: Optional[Callable[[], Any]] = None
) -> Callable[[], Level]:
    """Return the current-level reader for a hot path, and keep ``namespace[name]`` bound to it.

    It is ``current.get`` while no generator has a block open, and
    :func:`find_visible` (compiled, when it is) or ``reader`` while one has. A
    module binds it as a global, so the switch costs its reads nothing:
    ``_get_current = follow_reader(globals())``.
    """
    with _lock:
        _followers.append((namespace, name, reader))
        return (reader or _open_reader) if _open else _context_level


def use_compiled(
    compiled_visible: Callable[[], Level], use_blocks: Callable[[Optional[dict[FrameType, Level]]], object]
) -> None:
    """Read through ``compiled_visible`` while generators have blocks open.

    ``use_blocks(blocks)`` hands it the generators' levels when the first block
    opens, ``use_blocks(None)`` tells it when the last one has ended.
    """
    global _open_reader
    with _lock:
        _open_reader = compiled_visible
        _switch_hooks.append(use_blocks)
        if _open:
            _switch(True)


def _is_driver(frame: FrameType) -> bool:
    module = frame.f_globals.get("__name__")
    return isinstance(module, str) and module.startswith(_DRIVERS)


def find_block_generator(frame: Optional[FrameType]) -> Optional[FrameType]:
    """Return the generator frame that can suspend while a block entered from ``frame`` is open.

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
