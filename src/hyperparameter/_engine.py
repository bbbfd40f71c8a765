"""The scope engine: entering and leaving blocks, and writing values, per context.

Entering pushes a level (see :mod:`._levels`) with the block's values and
remembers what to restore; leaving restores it. Writing makes a new version of
the level written to, re-links the levels entered inside it, and publishes the
result in the calling context only: levels are never changed in place, so no
other thread or task can see the write.

Levels form two chains. ``parent`` links give what a level *sees*: an
``empty()`` block has no parent. ``restore_to`` links give the order blocks
were *entered* in, so they reach every active block of the context. The
blocks a generator enters itself form a chain of their own, which follows
the generator wherever it is resumed (see :mod:`._generators`).
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from types import FrameType
from typing import Any, Callable, Optional, TypeVar

from ._generators import (
    GENERATOR_FLAGS,
    close_block,
    find_block_generator,
    find_innermost_block,
    find_running_generator,
    find_visible_at,
    follow_reader,
    list_open_generators,
    open_block,
    switched,
)
from ._keys import assignment
from ._levels import (
    UNPINNED,
    Level,
    ScopeOwner,
    baseline,
    chain_values,
    current,
    find_records,
    forget,
    make_level,
    pin,
    publish_baseline,
)
from ._origins import publish_sources, sources_of
from ._processes import carry_baseline
from .exceptions import ScopeError

OwnerT = TypeVar("OwnerT", bound=ScopeOwner)

_context_level = current.get
_set_current = current.set
_getframe = sys._getframe
_contextlib_globals = sys.modules["contextlib"].__dict__
# What the fast paths of enter and leave read: SWITCHED while a generator has a
# block open, which sends them to the general paths.
_get_current: Callable[[], Any] = follow_reader(globals(), reader=switched)


def innermost() -> Level:
    """Return the level the calling code sees now."""
    level = find_visible_at(_getframe(1))[0]
    return pin() if level is UNPINNED else level


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
    _enter_block(owner, frame)
    return owner


def _enter_block(owner: ScopeOwner, frame: FrameType) -> None:
    """Enter ``owner``'s block from ``frame``: in its generator's own blocks, or in the context.

    A block of the context entered while a generator runs is marked with that
    generator (see :mod:`._generators`).
    """
    seen, running = find_visible_at(frame)
    if seen is UNPINNED:
        seen = pin()
    records = find_records(seen)
    for record in records:
        record.entered(owner)
    parent = seen if owner._inherit else None
    generator = find_block_generator(frame)
    if generator is not None:
        outer = find_innermost_block(generator)
        open_block(generator, make_level(Level, owner._values, parent, owner, outer, generator, records))
        return
    raw = _context_level()
    if raw is UNPINNED:
        raw = pin()
    _set_current(make_level(Level, owner._values, parent, owner, raw, running, records))


def leave(owner: ScopeOwner, exc_type: Any, exc: Any, traceback: Any) -> None:
    """Restore what was current before ``owner`` was entered; use it as ``owner.__exit__``.

    Raises:
        ScopeError: an inner block of ordinary code is still open (out-of-order exit).
    """
    level = _get_current()
    if level.owner is owner:
        _set_current(level.restore_to)
        if level.rememberers is not None:
            forget(level)
        return
    _leave_block(owner, _getframe(1))


def _leave_block(owner: ScopeOwner, frame: FrameType) -> None:
    """Leave ``owner``'s block from ``frame``: the innermost block there, a generator's or the context's.

    A generator's block may also be closed from outside the generator (by an
    ``ExitStack`` it handed out): the generator whose innermost block it is
    loses it. A generator's block that is nowhere just ends.
    """
    seen, running = find_visible_at(frame)
    raw = _context_level()
    if (
        running is not None
        and seen is not raw
        and seen.owner is owner
        and _close_generator_block(running, owner)
    ):
        return
    if raw.owner is owner:
        _set_current(raw.restore_to)  # type: ignore[arg-type]
        forget(raw)
        return
    if _collect_entered_levels(owner) is None:
        if any(_close_generator_block(each, owner) for each in list_open_generators()):
            return
        if find_block_generator(frame) is not None:
            return
    raise ScopeError(
        f"Scope {owner!r} exited out of order: the innermost active scope is "
        f"{seen.owner!r}; exit inner scopes first (with-blocks keep the order)."
    )


def _close_generator_block(generator: FrameType, owner: ScopeOwner) -> bool:
    """End ``generator``'s innermost block if it is ``owner``'s; whether it was."""
    level = find_innermost_block(generator)
    if level is None or level.owner is not owner:
        return False
    close_block(generator, level)
    forget(level)
    return True


class _Active:
    """The levels active for the calling code, innermost first, out to a target level.

    ``own`` are levels of ``generator``'s blocks (the generator running at the
    calling code, if it has blocks open), ``context`` the context's levels:
    those entered on top of the generator's during its run come before its
    blocks, the rest of the context after them.
    """

    __slots__ = ("context", "generator", "own", "target")

    def __init__(self, generator: Optional[FrameType], levels: list[tuple[Level, bool]]) -> None:
        self.generator = generator
        self.context = [level for level, own in levels if not own]
        self.own = [level for level, own in levels if own]
        self.target = levels[-1][0]

    def replace(self, version: Level) -> None:
        """Publish ``version`` of the target level, with the levels above it re-linked to it.

        Every level above it is rebuilt (see :func:`_relink`); what remembered
        answers for the old ones is told to let go.
        """
        target = self.target
        replaced: dict[int, Optional[Level]] = {id(target): version}
        in_own = bool(self.own) and target is self.own[-1]
        if self.own:
            above = self.own[:-1] if in_own else self.own
            open_block(self.generator, _relink(above, replaced) if above else version)  # type: ignore[arg-type]
        if not in_own or self.context:
            above = self.context if in_own else self.context[:-1]
            _set_current(_relink(above, replaced) if above else version)  # type: ignore[arg-type]
        _forget_all([*self.own, *self.context])


def _collect_entered_levels(owner: Optional[ScopeOwner]) -> Optional[_Active]:
    """Return the levels active for the calling code out to ``owner``'s innermost one, or None."""
    return _walk(lambda level: level.owner is owner, first=True)


def _walk(match: Callable[[Level], bool], first: bool) -> Optional[_Active]:
    """Return the levels active for the calling code out to the first (or last) that ``match``, or None.

    The walk follows ``restore_to``, the order blocks were entered in, so it
    reaches levels hidden by an ``empty()`` block.
    """
    raw = _context_level()
    if raw is UNPINNED:
        raw = pin()
    running = find_running_generator(_getframe(2)) if list_open_generators() else None
    levels: list[tuple[Level, bool]] = []
    level: Optional[Level] = raw
    if running is not None:
        while level is not None and level.frame is running:
            levels.append((level, False))
            level = level.restore_to
        own = find_innermost_block(running)
        while own is not None:
            levels.append((own, True))
            own = own.restore_to
    while level is not None:
        levels.append((level, False))
        level = level.restore_to
    found = [index for index, (level, _) in enumerate(levels) if match(level)]
    if not found:
        return None
    return _Active(running, levels[: found[0 if first else -1] + 1])


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
    """Return the innermost level ``owner`` pushed that is active for the calling code, if any."""
    active = _collect_entered_levels(owner)
    return active.target if active is not None else None


def amend(owner: Optional[ScopeOwner], updates: dict[str, Any], clear: bool = False) -> bool:
    """Apply ``updates`` to ``owner``'s active level; False if it is not active here.

    With ``clear`` the level drops its values and stops inheriting first. The
    levels entered inside it are re-linked to the new version, and the result
    is published in the calling context only (or, for a generator's block,
    in that generator's blocks).
    """
    active = _collect_entered_levels(owner)
    if active is None:
        return False
    for record in find_records(innermost()):
        record.wrote(updates)
    target = active.target
    assert target is not None
    own = {} if clear else dict(target.own)
    own.update(updates)
    active.replace(target.copy_with(own, None if clear else target.parent, target.restore_to))
    return True


def write(key: str, value: Any) -> None:
    """Set ``key`` (a mapping: the keys under it) in the level the calling code sees."""
    amend(innermost().owner, assignment(key, value))


def make_detached(own: dict[str, Any], inherit: bool, owner: Optional[ScopeOwner]) -> Level:
    """Make a level for reading a scope object that is not entered in this context."""
    seen = innermost()
    return make_level(Level, own, seen if inherit else None, owner, None, None, find_records(seen))


#: Why ``hp.scope.frozen()`` may not publish here (set by a sweep for a trial that shares
#: its process with other running trials), or None.
freeze_refusal: ContextVar[Optional[str]] = ContextVar("hyperparameter.freeze_refusal", default=None)


def freeze() -> None:
    """Publish the values visible here as the baseline of every new thread."""
    refusal = freeze_refusal.get()
    if refusal is not None:
        raise ScopeError(refusal)
    level = innermost()
    sources = sources_of(level)  # before publishing: a context's base is compared with the old baseline
    publish_baseline(chain_values(level), find_records(level))  # threads started inside a record join it
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
    _set_current(make_level(Level, own, None, None, None, None, find_records(level)))
    forget(level)


def begin_recording(record: Any) -> None:
    """Make the calling code's levels report their first reads to ``record`` too.

    The visible level is replaced by a recording version of itself (same
    values, owner and links), so the block stays transparent: writes land
    where they would without it. The blocks of generators suspended inside
    it keep seeing the old version and stay unrecorded.
    """
    seen, running = find_visible_at(_getframe(1))
    if seen is UNPINNED:
        seen = pin()
    version = make_level(
        type(seen),
        seen.own,
        seen.parent,
        seen.owner,
        seen.restore_to,
        seen.frame,
        (*find_records(seen), record),
    )
    if running is not None and seen is find_innermost_block(running) and seen is not _context_level():
        open_block(running, version)
    else:
        _set_current(version)
    forget(seen)


def end_recording(record: Any) -> None:
    """Stop the calling code's levels reporting to ``record`` (the reverse of begin_recording)."""
    active = _walk(lambda level: record in find_records(level), first=False)
    if active is None:
        return
    target = active.target
    assert target is not None
    records = tuple(each for each in find_records(target) if each is not record)
    active.replace(
        make_level(
            type(target), target.own, target.parent, target.owner, target.restore_to, target.frame, records
        )
    )
