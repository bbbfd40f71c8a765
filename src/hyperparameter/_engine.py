"""The scope engine: entering and leaving blocks, and writing values, per context.

Entering pushes a level (see :mod:`._levels`) with the block's values and
remembers what to restore; leaving restores it. Writing makes a new version of
the level written to, re-links the levels entered inside it, and publishes the
result in the calling context only: levels are never changed in place, so no
other thread or task can see the write.

Levels form two chains. ``parent`` links give what a level *sees*: an
``empty()`` block has no parent. ``restore_to`` links give the order blocks
were *entered* in, so they reach every active block of the context.
"""

from __future__ import annotations

import sys
from typing import Any, Optional, TypeVar

from ._generators import GENERATOR_FLAGS, GeneratorLevel, block_generator, block_level_class, visible
from ._levels import (
    UNPINNED,
    Level,
    ScopeOwner,
    baseline,
    chain_values,
    current,
    forget,
    new_level,
    publish_baseline,
    recording,
)
from ._origins import publish_sources, sources_of
from ._processes import carry_baseline
from .exceptions import ScopeError

OwnerT = TypeVar("OwnerT", bound=ScopeOwner)

_get_current = current.get
_set_current = current.set
_getframe = sys._getframe
_contextlib_globals = sys.modules["contextlib"].__dict__


def innermost() -> Level:
    """The level the calling code sees now."""
    return visible(_get_current())


def enter(owner: OwnerT) -> OwnerT:
    """Make ``owner``'s values current; use it as ``owner.__enter__``.

    ``owner`` provides ``_values`` (its own values) and ``_inherit`` (whether
    the level sees the values around it).
    """
    raw = _get_current()
    frame = _getframe(1)
    if (
        raw.__class__ is Level
        and raw is not UNPINNED
        and not frame.f_code.co_flags & GENERATOR_FLAGS
        and frame.f_globals is not _contextlib_globals
    ):
        own = owner._values
        level = Level(own)
        level.parent = raw if owner._inherit else None
        level.own = own
        level.owner = owner
        level.restore_to = raw
        level.frame = None
        level.rememberers = None
        _set_current(level)
        return owner
    seen = visible(raw)
    if raw is UNPINNED:
        raw = seen
    level_class, generator = block_level_class(raw, seen, frame)
    records = recording(seen)
    for record in records:
        record.entered(owner)
    parent = seen if owner._inherit else None
    _set_current(new_level(level_class, owner._values, parent, owner, raw, generator, records))
    return owner


def leave(owner: ScopeOwner, exc_type: Any, exc: Any, traceback: Any) -> None:
    """Restore what was current before ``owner`` was entered; use it as ``owner.__exit__``.

    Raises:
        ScopeError: an inner block of ordinary code is still open (out-of-order exit).
    """
    level = _get_current()
    if level.owner is owner:
        _set_current(level.restore_to)  # type: ignore[arg-type]
        if level.rememberers is not None:
            forget(level)
        return
    _leave_under(owner, level, _getframe(1))


def _leave_under(owner: ScopeOwner, raw: Level, frame: Any) -> None:
    """Leave a block that is not the current level: allowed only across generators.

    A generator's block may end while its caller's later block is open, and a
    caller's block may end while a generator it advanced is suspended in its
    own block. The level leaves the chain; the levels above it are re-linked.
    A generator's block entered in another context (the generator was resumed
    in another thread or context since) has nothing to restore here: it just ends.
    """
    generator = block_generator(frame)
    levels = _entered_levels(owner, raw, generator)
    if levels is None and generator is not None:
        return
    if levels is None or not (
        levels[-1].__class__ is GeneratorLevel
        or all(each.__class__ is GeneratorLevel for each in levels[:-1])
    ):
        raise ScopeError(
            f"Scope {owner!r} exited out of order: the innermost active scope is "
            f"{innermost().owner!r}; exit inner scopes first (with-blocks keep the order)."
        )
    leaving = levels.pop()
    _set_current(_relink(levels, {id(leaving): leaving.restore_to}))  # type: ignore[arg-type]
    _forget_all([leaving, *levels])


def _entered_levels(
    owner: Optional[ScopeOwner], raw: Optional[Level] = None, generator: Any = None
) -> Optional[list[Level]]:
    """The context's active levels from the current one out to ``owner``'s, or None.

    The walk follows ``restore_to``, the order blocks were entered in, so it
    reaches levels hidden by an ``empty()`` block or by suspended generators.
    With ``generator`` (a frame), only a level that generator's block pushed counts.
    """
    levels = []
    level: Optional[Level] = _get_current() if raw is None else raw
    if level is UNPINNED:
        level = visible(level)
    while level is not None:
        levels.append(level)
        if level.owner is owner and (generator is None or level.frame is generator):
            return levels
        level = level.restore_to
    return None


def _forget_all(levels: list[Level]) -> None:
    """Tell what remembers answers for ``levels`` that they have ended or been replaced here."""
    for each in levels:
        forget(each)


def _relink(
    inner_levels: list[Level], replaced: dict[int, Optional[Level]], seen_through: bool = True
) -> Optional[Level]:
    """Rebuild ``inner_levels`` (innermost first) on top of the replaced levels.

    With ``seen_through`` false the replacements take the place of the old
    levels in the entered order only: the inner levels keep seeing the old ones.
    """
    parents = dict(replaced) if seen_through else {}
    rebuilt = None
    for inner in reversed(inner_levels):
        parent = parents.get(id(inner.parent), inner.parent)
        restore_to = replaced.get(id(inner.restore_to), inner.restore_to)
        rebuilt = replaced[id(inner)] = parents[id(inner)] = inner.copy_with(inner.own, parent, restore_to)
    return rebuilt if inner_levels else next(reversed(replaced.values()))


def find_level(owner: Optional[ScopeOwner]) -> Optional[Level]:
    """The innermost level ``owner`` pushed that is active in this context, if any."""
    levels = _entered_levels(owner)
    return levels[-1] if levels else None


def amend(owner: Optional[ScopeOwner], updates: dict[str, Any], clear: bool = False) -> bool:
    """Apply ``updates`` to ``owner``'s level in this context; False if it is not entered here.

    With ``clear`` the level drops its values and stops inheriting first. The
    levels entered inside it are re-linked to the new version, and the result
    is published in the calling context only.
    """
    levels = _entered_levels(owner)
    if levels is None:
        return False
    for record in recording(visible(levels[0])):
        record.wrote(updates)
    target = levels.pop()
    own = {} if clear else dict(target.own)
    own.update(updates)
    version = target.copy_with(own, None if clear else target.parent, target.restore_to)
    _set_current(_relink(levels, {id(target): version}))  # type: ignore[arg-type]
    _forget_all([target, *levels])
    _forget_all([target, *levels])
    return True


def write(key: str, value: Any) -> None:
    """Set ``key`` in the level the calling code sees."""
    amend(innermost().owner, {key: value})


def detached(own: dict[str, Any], inherit: bool, owner: Optional[ScopeOwner]) -> Level:
    """A level for reading a scope object that is not entered in this context."""
    seen = innermost()
    return new_level(Level, own, seen if inherit else None, owner, None, None, recording(seen))


def freeze() -> None:
    """Publish the values visible here as the baseline of every new thread."""
    level = innermost()
    sources = sources_of(level)  # before publishing: a context's base is compared with the old baseline
    publish_baseline(chain_values(level), recording(level))  # threads started inside a record join it
    publish_sources(sources)
    carry_baseline()


def start(values: dict[str, Any]) -> None:
    """Restart the calling context from the baseline plus ``values``."""
    level = innermost()
    if level.owner is not None:
        raise ScopeError(
            f"Cannot re-initialise inside the active scope {level.owner!r}; "
            "call init() before entering any scope."
        )
    own = dict(baseline().own)
    own.update(values)
    _set_current(new_level(Level, own, None, None, None, None, recording(level)))
    forget(level)


def begin_recording(record: Any) -> None:
    """Make the calling context's levels report their first reads to ``record`` too.

    The visible level is replaced by a recording version of itself (same
    values, owner and links), so the block stays transparent: writes land
    where they would without it. Levels of suspended generators entered
    above it keep seeing the old version and stay unrecorded.
    """
    raw = _get_current()
    seen = visible(raw)
    if raw is UNPINNED:
        raw = seen
    version = new_level(
        type(seen), seen.own, seen.parent, seen.owner, seen.restore_to, seen.frame, (*recording(seen), record)
    )
    above = []
    entered: Optional[Level] = raw
    while entered is not seen and entered is not None:
        above.append(entered)
        entered = entered.restore_to
    _set_current(_relink(above, {id(seen): version}, seen_through=False))  # type: ignore[arg-type]
    _forget_all([seen, *above])


def end_recording(record: Any) -> None:
    """Stop the calling context's levels reporting to ``record`` (the reverse of begin_recording)."""
    levels = []
    outermost = None
    level: Optional[Level] = _get_current()
    while level is not None:
        levels.append(level)
        if record in recording(level):
            outermost = len(levels)
        level = level.restore_to
    if outermost is None:
        return
    del levels[outermost:]
    target = levels.pop()
    records = tuple(each for each in recording(target) if each is not record)
    version = new_level(
        type(target), target.own, target.parent, target.owner, target.restore_to, target.frame, records
    )
    _set_current(_relink(levels, {id(target): version}))  # type: ignore[arg-type]
    _forget_all([target, *levels])
