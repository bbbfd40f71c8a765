"""Levels: the immutable layers of values that scopes push, and how a key is found in them.

The visible values form a chain of *levels*, innermost first. A :class:`Level`
is a dict holding the values it sets plus a cache of values it resolved from
outer levels, with a link to its parent. One :class:`~contextvars.ContextVar`
holds the innermost level, so every thread and every asyncio task has its own
chain, and a task inherits its creator's chain without being able to change it.

``level[key]`` is the whole read protocol: the value, or ``ABSENT``. A hit is
one dict lookup; a miss walks the chain once and caches the answer (also
"absent") in the level. Levels never change once published, so a cached answer
never goes stale. For the same reason a level also keeps the conversions of its
string values to scalar defaults (:func:`convert_once`), in dicts stored under
the default's type: every other key of a level is a string.

Other modules remember answers for one level too (what it supplies to an
``@hp.param`` function, a declared parameter's value). They hold the level
strongly, because an identity check is the cheapest test a hot path can make,
and register with :func:`remember_at`; when the level's block ends (or the
level is replaced by a write), :func:`forget` tells them to let go, so nothing
keeps the values of an ended block alive.

Inside ``hp.record()`` a context's levels are *recording* levels: they hold the
open records under the key ``RECORDS`` and start without their own values, so
the first read of each key at such a level misses and is recorded
(:func:`first_read`); every later read of it there is the usual dict hit.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Optional, Protocol

from ._convert import convert

# dict.get on a level, bypassing __missing__ (and RecordLevel's).
_dict_get = dict.get

_UNRESOLVED: Any = type("Unresolved", (), {"__repr__": lambda self: "<unresolved>"})()
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "<absent>"})()
#: Where a recording level keeps the records open in its context (not a str: never a key).
RECORDS: Any = type("Records", (), {"__repr__": lambda self: "<records>"})()
#: The default of a read that the level does not know (the reader passed none to it).
UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "<unknown default>"})()

# A level caches at most this many resolved keys beyond its own values, so a
# program reading unboundedly many dynamic keys does not grow without limit.
_CACHE_LIMIT = 4096


class ScopeOwner(Protocol):
    """What the engine needs of an object whose ``with`` block pushes a level (a scope).

    ``_values`` are the object's own values; ``_inherit`` says whether its level
    sees the levels around it (``hp.scope.empty()`` does not).
    """

    _values: dict[str, Any]
    _inherit: bool


class Level(dict):  # type: ignore[type-arg]
    """One level of visible values: own values, cached resolutions, parent link.

    ``owner`` is the scope object whose ``with`` block pushed the level (None
    for a context's base), ``restore_to`` the level to make current again when
    that block exits (for a generator's block: the generator's previous
    block), and ``frame`` the generator whose block it is, or on top of whose
    level it was entered, if any (see :mod:`~hyperparameter._generators`).
    ``rememberers`` is None, or the set of objects that remember an answer
    for the level (see :func:`remember_at`).
    """

    __slots__ = ("frame", "own", "owner", "parent", "rememberers", "restore_to")

    frame: Any
    own: dict[str, Any]
    owner: Optional[ScopeOwner]
    parent: Optional[Level]
    rememberers: Optional[set[Any]]
    restore_to: Optional[Level]

    def __missing__(self, key: str) -> Any:
        """``level[key]`` for a key not resolved yet: resolve and cache it."""
        return resolve(self, key)

    def copy_with(self, own: dict[str, Any], parent: Optional[Level], restore_to: Optional[Level]) -> Level:
        """Make a new version of this level (same class, owner, frame and records) with other links."""
        return make_level(type(self), own, parent, self.owner, restore_to, self.frame, find_records(self))


class RecordLevel(Level):
    """An ordinary level of a context inside ``hp.record()``: see :func:`first_read`.

    Being a class of its own sends the compiled and Python fast paths that
    build plain levels to the Python code, which keeps new levels recording.
    """

    __slots__ = ()

    def __missing__(self, key: str) -> Any:
        return first_read(self, key, UNKNOWN)


def make_level(
    cls: type[Level],
    own: dict[str, Any],
    parent: Optional[Level],
    owner: Optional[ScopeOwner],
    restore_to: Optional[Level],
    frame: Any = None,
    records: tuple[Any, ...] = (),
) -> Level:
    """Build a level of class ``cls``, recording for ``records`` when there are any."""
    if records:
        level = (RecordLevel if cls is Level else cls)()
        level[RECORDS] = records
    else:
        level = (Level if cls is RecordLevel else cls)(own)
    level.parent = parent
    level.own = own
    level.owner = owner
    level.restore_to = restore_to
    level.frame = frame
    level.rememberers = None
    return level


# The value every new thread's context starts with: "not pinned to a base yet".
UNPINNED = make_level(Level, {}, None, None, None)
_baseline: Level = make_level(Level, {}, None, None, None)
current: ContextVar[Level] = ContextVar("hyperparameter.scope", default=UNPINNED)
_set_current = current.set


def pin() -> Level:
    """Start the calling context from the published baseline."""
    _set_current(_baseline)
    return _baseline


def baseline() -> Level:
    """Return the level new threads start from."""
    return _baseline


def publish_baseline(values: dict[str, Any], records: tuple[Any, ...] = ()) -> None:
    """Make ``values`` the level new threads start from (recording for ``records``, if any)."""
    global _baseline
    _baseline = make_level(Level, values, None, None, None, None, records)


def restore_baseline_level(level: Level) -> None:
    """Make ``level``, a baseline saved from :func:`baseline`, the one new threads start from again."""
    global _baseline
    _baseline = level


def resolve(level: Level, key: str) -> Any:
    """Find ``key`` in the levels above ``level`` and cache the answer in ``level``."""
    if level is UNPINNED:
        return lookup(pin(), key)
    parent = level.parent
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


def find_records(level: Level) -> tuple[Any, ...]:
    """Return the records a level reports its first reads to (empty for a level outside ``hp.record()``)."""
    return _dict_get(level, RECORDS, ())


def first_read(level: Level, key: str, default: Any) -> Any:
    """Resolve ``key`` at a recording level, cache the answer there and report the read.

    A recording level holds no values of its own in its dict (only what was
    read), so the walk asks each level's ``own`` values: it finds the level
    that set the key (the records work out its source from it). ``default``
    is the reader's default when the reader passed it, else ``UNKNOWN``.
    """
    origin: Optional[Level] = level
    while origin is not None:
        value = _dict_get(origin.own, key, _UNRESOLVED)
        if value is not _UNRESOLVED:
            break
        origin = origin.parent
    else:
        value = ABSENT
    records = find_records(level)
    if len(level) <= _CACHE_LIMIT + len(level.own):
        level[key] = value
    for record in records:
        record.note(key, value, origin, default)
    return value


def is_lasting(level: Level) -> bool:
    """Whether an answer worked out at ``level`` may be remembered for it.

    A level never changes, so it may (a recording one too: it only caches),
    except UNPINNED, which stands for whatever baseline ``frozen()`` publishes next.
    """
    return level is not UNPINNED


def remember_at(level: Level, rememberer: Any) -> None:
    """Register ``rememberer``, which keeps an answer for ``level``: ``forget`` will tell it.

    ``rememberer._hp_forget(level)`` is then called when the level ends, and must
    drop what it keeps for that level (if it still keeps anything).
    """
    rememberers = level.rememberers
    if rememberers is None:
        level.rememberers = {rememberer}
    else:
        rememberers.add(rememberer)


def forget(level: Level) -> None:
    """Tell everything that remembers an answer for ``level`` to drop it: the level has ended.

    Called when a block's level ends in a context or is replaced by a newer
    version. Should the level still be current elsewhere (a copied context),
    the answers are simply worked out again there.
    """
    rememberers = level.rememberers
    if rememberers is not None:
        level.rememberers = None
        for each in list(rememberers):  # a copy: another thread may be adding to the set
            each._hp_forget(level)


def lookup(level: Level, key: str) -> Any:
    """Return the value of ``key`` seen at ``level`` itself, or ``ABSENT``."""
    value = _dict_get(level, key, _UNRESOLVED)
    if value is not _UNRESOLVED:
        return value
    if _dict_get(level, RECORDS) is not None:
        return first_read(level, key, UNKNOWN)
    return resolve(level, key)


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


# Default types whose conversion of a string depends on the type alone and gives
# an immutable value: a level remembers such conversions (see convert_once).
_REMEMBERED_TYPES = frozenset({bool, int, float, complex})
_REMEMBERED_LIMIT = 4096


def convert_once(level: Level, key: str, value: Any, default: Any) -> Any:
    """``convert(key, value, default)``, remembered by ``level`` when it can be.

    Values from the command line are strings, so reading one in a hot loop
    would parse it on every read. A level never changes once published, so
    the string it holds for ``key`` always converts the same way for a default
    of the same scalar type: the level keeps the result, in a dict of its own
    stored under that type (its other keys are all strings).
    """
    default_type = type(default)
    if default_type not in _REMEMBERED_TYPES or type(value) is not str or not is_lasting(level):
        return convert(key, value, default)
    conversions = _dict_get(level, default_type)
    if conversions is None:
        conversions = level[default_type] = {}
    result = _dict_get(conversions, key, ABSENT)
    if result is ABSENT:
        result = convert(key, value, default)
        if len(conversions) < _REMEMBERED_LIMIT:
            conversions[key] = result
    return result
