"""The scope engine: which values are visible, per thread, task and block.

The visible values form a chain of immutable *levels*, innermost first. Each
level is a :class:`Level`: a dict holding the values it sets plus a cache of
values it resolved from outer levels, and a link to its parent. One
:class:`~contextvars.ContextVar` holds the innermost level, so every thread and
every asyncio task has its own chain, and a task inherits its creator's chain
without being able to change it.

* Reading is one dict lookup on the innermost level; a miss walks the chain
  once and caches the answer (also "absent") in that level. Levels never change
  after they are published, so a cached answer never goes stale.
* Entering a block with ``k`` values allocates one level of ``k`` entries.
* Writing makes a new version of the level written to and publishes it in the
  calling context only.

A generator that yields inside a ``with`` block leaves its level in the context
it shares with its caller. Its level is a :class:`GeneratorLevel`, which looks
through to the caller's level whenever the generator is not running, so the
caller never sees the generator's values.

``level[key]`` is the whole read protocol: it gives the value or ``ABSENT``.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar
from types import FrameType
from typing import Any, Optional

# dict.get on a level, bypassing the generator-aware overrides below.
_dict_get = dict.get

_UNRESOLVED: Any = type("Unresolved", (), {"__repr__": lambda self: "<unresolved>"})()
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "<absent>"})()

# A level caches at most this many resolved keys beyond its own values, so a
# program reading unboundedly many dynamic keys does not grow without limit.
_CACHE_LIMIT = 4096
_GENERATOR_FLAGS = 0x20 | 0x200  # CO_GENERATOR | CO_ASYNC_GENERATOR
# Generators driven by these modules are context managers: their ``with`` block
# is meant to be visible to the code that runs while they are suspended.
_CONTEXT_MANAGER_DRIVERS = ("contextlib", "_pytest.", "pytest_asyncio")


class Level(dict):  # type: ignore[type-arg]
    """One level of visible values: own values, cached resolutions, parent link.

    ``owner`` is the scope object whose ``with`` block pushed the level (None for
    a thread's base) and ``restore_to`` the level to make current again when that
    block exits.
    """

    __slots__ = ("extra", "own", "owner", "parent", "restore_to")

    parent: Optional[Level]
    own: dict[str, Any]
    owner: Any
    restore_to: Optional[Level]
    extra: Any

    def __missing__(self, key: str) -> Any:
        """``level[key]`` for a key not resolved yet: resolve and cache it."""
        return resolve(self, key)


class GeneratorLevel(Level):
    """A level pushed inside a generator; ``extra`` is the generator's frame.

    While the generator is suspended, reads look through to the level that was
    current before it entered its block.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        return lookup(visible(self), key)


class ShadowLevel(Level):
    """A caller's level that hides a suspended generator's level (``extra``).

    If that generator resumes while this level is current, its own reads see
    its own level again.
    """

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        return lookup(visible(self), key)


def _new_level(cls: type[Level], own: dict[str, Any], parent: Optional[Level], owner: Any,
               restore_to: Optional[Level], extra: Any = None) -> Level:
    level = cls(own)
    level.parent = parent
    level.own = own
    level.owner = owner
    level.restore_to = restore_to
    level.extra = extra
    return level


# The value every new thread's context starts with: "not yet pinned to a base".
UNPINNED = _new_level(Level, {}, None, None, None)
_baseline: Level = _new_level(Level, {}, None, None, None)
current: ContextVar[Level] = ContextVar("hyperparameter.scope", default=UNPINNED)
_get_current = current.get
_set_current = current.set


def _pin() -> Level:
    """Start the calling context from the published baseline."""
    _set_current(_baseline)
    return _baseline


def _running(level: Level) -> bool:
    """Whether the generator whose block pushed ``level`` is executing now."""
    frame = level.extra
    return frame is not None and frame.f_back is not None


def visible(level: Level) -> Level:
    """Return the level whose values the running code sees, given the raw current one."""
    while True:
        cls = level.__class__
        if cls is GeneratorLevel:
            if _running(level):
                return level
            level = level.restore_to  # type: ignore[assignment]
        elif cls is ShadowLevel:
            if not _shadowing(level):
                return level
            level = level.extra
        elif level is UNPINNED:
            return _pin()
        else:
            return level


def _shadowing(level: Level) -> bool:
    hidden = level.extra
    if hidden.__class__ is ShadowLevel:
        return _shadowing(hidden)
    return _running(hidden)


def resolve(level: Level, key: str) -> Any:
    """Find ``key`` in the levels above ``level`` and cache the answer in ``level``."""
    if level is UNPINNED:
        return lookup(_pin(), key)
    parent = level.parent
    value = ABSENT
    while parent is not None:
        value = _dict_get(parent, key, _UNRESOLVED)
        if value is not _UNRESOLVED:
            break
        parent = parent.parent
    else:
        value = ABSENT
    if len(level) < _CACHE_LIMIT + len(level.own):
        level[key] = value
    return value


def lookup(level: Level, key: str) -> Any:
    """Return the value of ``key`` seen at ``level``, or ``ABSENT``."""
    value = _dict_get(level, key, _UNRESOLVED)
    return resolve(level, key) if value is _UNRESOLVED else value


def innermost() -> Level:
    """The level the calling code sees now."""
    return visible(_get_current())


def chain_values(level: Optional[Level]) -> dict[str, Any]:
    """Every value visible at ``level`` as a plain dict, outermost first."""
    levels = []
    while level is not None:
        levels.append(level)
        level = level.parent
    values: dict[str, Any] = {}
    for each in reversed(levels):
        values.update(each.own)
    return values


def detached(own: dict[str, Any], inherit: bool, owner: Any) -> Level:
    """A level for reading a scope object that is not entered in this context."""
    return _new_level(Level, own, innermost() if inherit else None, owner, None)


def _is_generator_block(frame: FrameType) -> bool:
    if not frame.f_code.co_flags & _GENERATOR_FLAGS:
        return False
    driver = frame.f_back
    if driver is None:
        return True
    module = driver.f_globals.get("__name__", "")
    return not (isinstance(module, str) and module.startswith(_CONTEXT_MANAGER_DRIVERS))


def enter(owner: Any) -> Any:
    """Make ``owner``'s values current; use it as ``owner.__enter__``.

    ``owner`` provides ``_values`` (its own values) and ``_inherit`` (whether
    the level sees the values around it).
    """
    raw = _get_current()
    frame = sys._getframe(1)
    if raw.__class__ is Level and raw is not UNPINNED and not frame.f_code.co_flags & _GENERATOR_FLAGS:
        own = owner._values
        level = Level(own)
        level.parent = raw if owner._inherit else None
        level.own = own
        level.owner = owner
        level.restore_to = raw
        level.extra = None
        _set_current(level)
        return owner
    _enter_special(owner, raw, frame)
    return owner


def _enter_special(owner: Any, raw: Level, frame: FrameType) -> None:
    """Enter from a generator, or while a generator's level or no level is current."""
    seen = visible(raw)
    if raw is UNPINNED:
        raw = seen
    own = owner._values
    parent = seen if owner._inherit else None
    if _is_generator_block(frame):
        level = _new_level(GeneratorLevel, own, parent, owner, raw, frame)
    else:
        hidden = _hidden_generator(raw, seen)
        cls = Level if hidden is None else ShadowLevel
        level = _new_level(cls, own, parent, owner, raw, hidden)
    _set_current(level)


def _hidden_generator(raw: Level, seen: Level) -> Optional[Level]:
    """The suspended generator level a new level must keep hiding, if any."""
    if raw.__class__ is GeneratorLevel and seen is not raw:
        return raw
    if seen.__class__ is ShadowLevel:
        return seen.extra  # type: ignore[no-any-return]
    return None


def leave(owner: Any, exc_type: Any, exc: Any, traceback: Any) -> None:
    """Restore what was current before ``owner`` was entered; use it as ``owner.__exit__``.

    Raises:
        ScopeError: ``owner``'s level is not the innermost one (out-of-order exit).
    """
    level = _get_current()
    if level.owner is owner:
        _set_current(level.restore_to)  # type: ignore[arg-type]
        return
    frame = sys._getframe(1)
    if level.__class__ is not Level or frame.f_code.co_flags & _GENERATOR_FLAGS:
        if _close_generator_level(level, owner, frame):
            return
        if frame.f_code.co_flags & _GENERATOR_FLAGS:
            return  # Interleaved with its caller's blocks: its level is already unreachable.
    from .exceptions import ScopeError

    innermost_owner = visible(level).owner
    raise ScopeError(
        f"Scope {owner!r} exited out of order: the innermost active scope is "
        f"{innermost_owner!r}; exit inner scopes first (use 'with' blocks to keep the order)."
    )


def _close_generator_level(level: Level, owner: Any, frame: FrameType) -> bool:
    """Retire a generator's level that its caller's newer levels hide."""
    todo: list[Optional[Level]] = [level]
    seen = set()
    while todo:
        each = todo.pop()
        if each is None or id(each) in seen:
            continue
        seen.add(id(each))
        if each.__class__ is GeneratorLevel and each.owner is owner and each.extra is frame:
            each.extra = None
            return True
        todo.extend((each.parent, each.restore_to))
        if each.__class__ is ShadowLevel:
            todo.append(each.extra)
    return False


def _copy_level(level: Level, own: dict[str, Any], parent: Optional[Level],
                restore_to: Optional[Level]) -> Level:
    return _new_level(level.__class__, own, parent, level.owner, restore_to, level.extra)


def _entered_levels(owner: Any) -> Optional[list[Level]]:
    """This context's active levels from the innermost out to ``owner``'s, or None.

    The walk follows ``restore_to``, the order blocks were entered in, so a
    level hidden by an inner ``empty()`` scope is still found.
    """
    levels = []
    level: Optional[Level] = innermost()
    while level is not None:
        levels.append(level)
        if level.owner is owner:
            return levels
        level = level.restore_to
    return None


def find_level(owner: Any) -> Optional[Level]:
    """The innermost level ``owner`` pushed that is active in this context, if any."""
    levels = _entered_levels(owner)
    return levels[-1] if levels else None


def amend(owner: Any, updates: dict[str, Any], clear: bool = False) -> bool:
    """Apply ``updates`` to ``owner``'s level in this context; False if it is not entered here.

    With ``clear`` the level drops its values and stops inheriting first. The
    levels entered inside it are re-linked to the new version, and the result
    is published in the calling context only.
    """
    levels = _entered_levels(owner)
    if levels is None:
        return False
    target = levels.pop()
    own = {} if clear else dict(target.own)
    own.update(updates)
    rebuilt = _copy_level(target, own, None if clear else target.parent, target.restore_to)
    replaced = {id(target): rebuilt}
    for inner in reversed(levels):
        parent = replaced.get(id(inner.parent), inner.parent)
        restore_to = replaced.get(id(inner.restore_to), inner.restore_to)
        rebuilt = replaced[id(inner)] = _copy_level(inner, inner.own, parent, restore_to)
    raw = _get_current()
    _publish(raw, visible(raw), rebuilt)
    return True


def write(key: str, value: Any) -> None:
    """Set ``key`` in the innermost level of the calling context."""
    amend(visible(_get_current()).owner, {key: value})


def _publish(raw: Level, top: Level, rebuilt: Level) -> None:
    if raw is not top and rebuilt.__class__ is Level:
        # A suspended generator's level is current: keep hiding it.
        rebuilt = _new_level(ShadowLevel, rebuilt.own, rebuilt.parent, rebuilt.owner,
                             rebuilt.restore_to, raw)
    _set_current(rebuilt)


def freeze() -> None:
    """Publish the values visible here as the baseline of every new thread."""
    global _baseline
    _baseline = _new_level(Level, chain_values(innermost()), None, None, None)


def start(values: dict[str, Any]) -> None:
    """Restart the calling context from the baseline plus ``values``."""
    level = innermost()
    if level.owner is not None:
        from .exceptions import ScopeError

        raise ScopeError(
            f"Cannot re-initialise inside the active scope {level.owner!r}; "
            "call init() before entering any scope."
        )
    own = dict(_baseline.own)
    own.update(values)
    _set_current(_new_level(Level, own, None, None, None))

