"""Sources: where the value of a key in force came from (``--epochs``, ``-D``, ``-C fast.toml``).

A value is found in the level of the scope that set it (see :mod:`._levels`).
A scope that knows where its values came from offers them as ``_sources``, a
``{key: source}`` dict (the launcher's scope does; see
:class:`~hyperparameter._scope.SourcedScope`), so asking for a key's source is
the same walk as reading it: find the innermost level whose own values hold
the key, and ask its owner. Nothing is recorded on the read path, so reads
cost what they did.

The baseline that ``hp.scope.frozen()`` publishes for new threads keeps the
sources of the values it copies, so a thread the launched program starts
still knows that ``train.lr`` came from ``-D``.

>>> import hyperparameter as hp
>>> from hyperparameter._scope import SourcedScope
>>> with SourcedScope({"train.lr": "0.1"}, {"train.lr": "-D"}):
...     with hp.scope(**{"train.epochs": 3}):
...         source_of("train.lr"), source_of("train.epochs"), source_of("unset")
('-D', None, None)
"""

from __future__ import annotations

from typing import Optional

from ._generators import find_visible
from ._levels import UNPINNED, Level, baseline, pin, restore_baseline_level

# The sources of the values of the published baseline, paired with that baseline
# level so that a baseline published without sources never shows stale ones.
_baseline_sources: tuple[Optional[Level], dict[str, str]] = (None, {})


def _walk_outward(level: Optional[Level]) -> list[Level]:
    levels = []
    while level is not None:
        levels.append(level)
        level = level.parent
    return levels


def _start() -> Level:
    """Return the level the calling code sees (the baseline for a context that has not read yet)."""
    level = find_visible()  # a running generator's own blocks, if it has any open
    return pin() if level is UNPINNED else level


def _find_source_in(level: Level, key: str) -> Optional[str]:
    """Return the source ``level`` (which holds ``key``) knows for it."""
    sources = getattr(level.owner, "_sources", None)
    if sources is not None:
        return sources.get(key)  # type: ignore[no-any-return]
    if level.owner is None:
        published, known = _baseline_sources
        base = baseline()
        # A context's base starts as the baseline's values: a value that is
        # still the one the baseline holds came from where the baseline's did.
        if published is base and key in known and base.own.get(key, level) is level.own.get(key):
            return known[key]
    return None


def source_of(key: str, level: Optional[Level] = None) -> Optional[str]:
    """Return where the value of ``key`` seen at ``level`` (default: here, now) came from, or None.

    None means the value is not set, or was set by code that did not say
    where it came from (a plain ``hp.scope(...)`` or a write).
    """
    for each in _walk_outward(_start() if level is None else level):
        if key in each.own:
            return _find_source_in(each, key)
    return None


def sources_of(level: Optional[Level] = None) -> dict[str, str]:
    """Return the known source of every value visible at ``level`` (default: here, now)."""
    found: dict[str, str] = {}
    for each in reversed(_walk_outward(_start() if level is None else level)):
        sources = getattr(each.owner, "_sources", None)
        if sources is None and each.owner is not None:
            # A scope that knows no sources hides the outer ones of its keys. (Asked once
            # per level, not per key: a bound call hands off every visible key.)
            if found:
                for key in each.own:
                    found.pop(key, None)
            continue
        if sources is not None and sources.keys() == each.own.keys():
            found.update(sources)  # every value says where it came from
            continue
        for key in each.own:
            source = _find_source_in(each, key)
            if source is None:
                found.pop(key, None)  # set again by code with no source: the outer one is hidden
            else:
                found[key] = source
    return found


def publish_sources(sources: dict[str, str]) -> None:
    """Record ``sources`` (now owned here, never changed) as those of the baseline just published."""
    global _baseline_sources
    _baseline_sources = (baseline(), sources)


def save_baseline() -> tuple[Level, tuple[Optional[Level], dict[str, str]]]:
    """Return the published baseline and its sources, to put back with :func:`restore_baseline`."""
    return baseline(), _baseline_sources


def restore_baseline(saved: tuple[Level, tuple[Optional[Level], dict[str, str]]]) -> None:
    """Put back a baseline (and its sources) saved with :func:`save_baseline`."""
    global _baseline_sources
    restore_baseline_level(saved[0])
    _baseline_sources = saved[1]


def describe_source(source: Optional[str]) -> str:
    """Describe ``source`` as a listing shows it: ``scope`` when code set the value without saying where."""
    return source if source is not None else "scope"
