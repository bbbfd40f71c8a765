"""Dict-valued hyperparameters: a read of ``train.opt`` with a dict default gathers ``train.opt.*``.

Scopes hold nested mappings as dotted keys (``{"train": {"opt": {"m": 2}}}``
is the key ``train.opt.m``), so a dict given for a key is never stored whole:
a read of that key finds no value. A read with a dict default (or of a
parameter declared as a dict) then gathers the keys under it instead, and gets
the default with them merged in (see :func:`~._convert.merge_mapping`), the
way OmegaConf merges a config into a structured default:

>>> import hyperparameter as hp
>>> with hp.scope(**{"train.opt": {"m": 2}}):
...     hp.scope.train.opt | {"m": 1, "beta": 0.9}
{'m': 2, 'beta': 0.9}

Only a miss pays for it: a read that finds its key set never gathers. What a
level gathers for a key is remembered by the level (levels never change once
published), so a read in a hot loop does not scan the scope again.
"""

from __future__ import annotations

from typing import Any, Optional

from ._convert import merge_mapping
from ._levels import UNPINNED, Level, baseline, find_records, is_lasting

# The dict a level keeps its gathered parts in, by key (not a str: never a key of its own).
_GATHERED: Any = type("Gathered", (), {"__repr__": lambda self: "<gathered>"})()
_GATHERED_LIMIT = 1024
_dict_get = dict.get

#: One key set under a dict-valued key: (the full key, the value as stored, the level that set it).
Part = tuple[str, Any, Level]


def gathered(level: Level, key: str, default: Any) -> Any:
    """Return ``key``'s value at the visible ``level``, where it is unset.

    That is ``default`` merged with the keys under ``key``.

    ``default`` itself when nothing under ``key`` is set; a ``None`` default
    counts as ``{}`` when something is. Open records of the level are told
    which keys were gathered (see ``Record.note_parts``).

    >>> import hyperparameter as hp
    >>> from hyperparameter._engine import innermost
    >>> with hp.scope(**{"opt.lr": "0.5", "opt.betas.b2": 0.9}):
    ...     gathered(innermost(), "opt", {"lr": 0.1, "betas": {"b1": 0.8, "b2": 0.99}})
    {'lr': 0.5, 'betas': {'b1': 0.8, 'b2': 0.9}}
    """
    if level is UNPINNED:  # the context's first read: it read the baseline
        level = baseline()
    parts = parts_under(level, key)
    value = merge_mapping(key, default, tree_of(key, parts)) if parts else default
    records = find_records(level)
    for record in records:
        record.note_parts(key, value, default, parts)
    return value


def parts_under(level: Level, key: str) -> tuple[Part, ...]:
    """Collect the keys under ``key`` visible at ``level``, outermost first (so a later one wins)."""
    prefix = key + "."
    chain: list[Level] = []
    found: tuple[Part, ...] = ()
    each: Optional[Level] = level
    while each is not None:
        cache = _dict_get(each, _GATHERED)
        known = cache.get(key) if cache is not None else None
        if known is not None:
            found = known
            break
        chain.append(each)
        each = each.parent
    for each in reversed(chain):
        own = [(name, value, each) for name, value in each.own.items() if name.startswith(prefix)]
        if own:
            found += tuple(own)
        if is_lasting(each):
            cache = _dict_get(each, _GATHERED)
            if cache is None:
                cache = each[_GATHERED] = {}
            if len(cache) < _GATHERED_LIMIT:
                cache[key] = found
    return found


def tree_of(key: str, parts: tuple[Part, ...]) -> dict[str, Any]:
    """Return the parts as a nested mapping below ``key``; a later part replaces what it overlaps."""
    tree: dict[str, Any] = {}
    made = {id(tree)}
    start = len(key) + 1
    for name, value, _ in parts:
        *path, last = name[start:].split(".")
        node = tree
        for segment in path:
            inner: Any = node.get(segment)
            if id(inner) not in made:  # a value set there (never changed in place) or nothing yet
                inner = node[segment] = {}
                made.add(id(inner))
            node = inner
        node[last] = value
    return tree
