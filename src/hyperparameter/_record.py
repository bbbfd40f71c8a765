"""``hp.record()``: what a block read, with values, sources and read sites.

A :class:`Record` opened with ``with hp.record() as rec:`` makes the calling
context's levels *recording* ones (see :mod:`._levels`): the first read of a
key at a level reports to the record; later reads of it there cost what they
cost without a record. The record keeps, per key, the first read: the value
as read, the value as stored, the reader's default, where the value came from
and the line that read it. Asyncio tasks created in the block and work handed
to threads with ``hp.bind_scope`` share the block's levels, so their reads are
recorded too; another thread's or task's own record sees only its own reads.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Optional

from . import _accessor, _inject, _kinds
from ._accessor import REQUIRED
from ._config import loaded_from
from ._convert import convert, merge_mapping
from ._engine import begin_recording, end_recording
from ._levels import ABSENT, UNKNOWN, Level
from ._mappings import Part, tree_of
from ._numbers import jsonable
from ._origins import sources_of
from ._read_keys import take_in_other_processes
from ._record_sources import (
    describe_site,
    find_tagged_source,
    is_library_file,
    is_package_frame,
    locate_definition,
    locate_site,
)
from ._text import short_repr
from .exceptions import ConfigError, ScopeError

if TYPE_CHECKING:  # _record_processes builds on this module: imported where used
    from ._record_processes import Inbox, Reporter


class _Missing:
    """The type of ``MISSING``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


#: In a :class:`Read`: no value (``stored``: the key was not set; ``default``: the read had none).
MISSING: Any = _Missing()

Converter = Callable[[str, Any, Any], Any]
# The library's functions that read a level, and how to find, in their frame, the
# default of the read and the conversion it applies: a read reaching a recording
# level through the Python code does not hand its default to the level.
_READERS: dict[Any, Callable[[dict[str, Any]], tuple[Any, Converter]]] = {
    _accessor.read_current.__code__: lambda names: (names["default"], convert),
    _accessor.read.__code__: lambda names: (names["default"], convert),
    _inject._Binder.remember.__code__: lambda names: (names["default"], convert),
    _inject._Binder._fill_positional.__code__: lambda names: (names["parameter"].default, convert),
    _kinds.Parameter._from_level.__code__: lambda names: (
        names["self"].default,
        lambda key, value, default, declared=names["self"]: declared.from_scope(value),
    ),
}

# The frames of an @hp.param call's reads: ``self`` is the function's _Binder.
_INJECTORS = frozenset({_inject._Binder.remember.__code__, _inject._Binder._fill_positional.__code__})


@dataclass
class Read:
    """One key a record saw read: its first read, and whether later ones differed.

    >>> import hyperparameter as hp
    >>> with hp.scope(**{"train.lr": "0.1"}), hp.record() as rec:
    ...     lr = hp.scope.train.lr | 0.001
    >>> read = rec.reads["train.lr"]
    >>> read.value, read.stored, read.default, read.source
    (0.1, '0.1', 0.001, 'hp.scope')
    """

    #: The key, dotted.
    key: str
    #: The value the code got (converted to the default's type), or MISSING if the read raised.
    value: Any
    #: The value as the scope held it, or MISSING if the key was not set.
    stored: Any
    #: The default of the first read, or MISSING for a read without one.
    default: Any
    #: Where the value came from: ``default``, ``-D``, ``-C run.toml``, ``hp.scope train.py:12``, ...
    source: str
    #: Where the key was first read, as ``file:line``.
    site: str
    #: Whether a later read (at another scope level) got a different value.
    varied: bool = False
    #: The value the latest read got.
    last: Any = MISSING

    def as_dict(self) -> dict[str, Any]:
        """Return the read as a JSON-ready dict (values that JSON has no type for become their repr)."""
        data = {"key": self.key, "value": jsonable(self.value)}
        if self.stored is not MISSING:
            data["stored"] = jsonable(self.stored)
        if self.default is not MISSING:
            data["default"] = jsonable(self.default)
        data.update(source=self.source, site=self.site)
        if self.varied:
            data["last"] = jsonable(self.last)
        return data


class Record:
    """The reads of one ``with hp.record()`` block; see :func:`record`."""

    def __init__(self) -> None:
        #: Every key read in the block, in the order first read.
        self.reads: dict[str, Read] = {}
        self._set: set[str] = set()
        self._written: dict[str, tuple[Any, tuple[str, int]]] = {}
        self._entered: dict[int, tuple[Any, tuple[str, int]]] = {}
        # Per key, the first value read that the block did not set itself (what replay must give).
        self._operative: dict[str, Any] = {}
        #: The keys read as parts of a dict-valued key (``train.opt.m`` of ``train.opt``).
        self.gathered: set[str] = set()
        # Keys whose only read so far is a level's "absent": a dict-valued read may still gather them.
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._state = "new"
        self._inbox: Optional[Inbox] = None

    # -- the block ------------------------------------------------------------
    def __enter__(self) -> Record:
        if self._state != "new":
            raise ScopeError(f"{self!r} was already used; open a new hp.record() for each block.")
        self._state = "open"
        begin_recording(self)
        self._set.update(sources_of())  # what the launcher (or another known source) set
        return self

    def __exit__(self, *exc_info: object) -> None:
        end_recording(self)
        take_in_other_processes(self, self._inbox)
        self._state = "closed"

    # -- other processes (see _record_processes) --------------------------------
    def child_reporter(self) -> Optional[Reporter]:
        """Return what lets a process started now report its reads here (None once closed)."""
        if self._state != "open":
            return None
        from ._record_processes import Inbox, Reporter

        with self._lock:
            if self._inbox is None:
                self._inbox = Inbox()
        return Reporter(str(self._inbox.folder), full=True)

    def take_in(self, line: dict[str, Any]) -> None:
        """Add a read another process reported (a line of :mod:`._record_processes`)."""
        key = line["key"]
        value = line.get("value", MISSING)
        with self._lock:
            gathered = line.get("gathered")
            if gathered:  # the process's first read of a dict-valued key, now with its parts
                self.gathered.update(gathered)
                missed = self.reads.get(key)
                if missed is not None and missed.stored is MISSING:  # its "not set" line, sent first
                    del self.reads[key]
                    self._operative.pop(key, None)
            if "operative" in line and key not in self._operative:
                self._operative[key] = line["operative"]
            earlier = self.reads.get(key)
            if earlier is not None:
                earlier.varied = earlier.varied or not _is_same(earlier.value, value)
                return
            default, stored = line.get("default", MISSING), line.get("stored", MISSING)
            self.reads[key] = Read(key, value, stored, default, line["source"], line["site"], last=value)

    # -- what the scope engine reports (see _levels.first_read, _engine) ------
    def note(self, key: str, stored: Any, origin: Optional[Level], default: Any) -> None:
        """Record the first read of ``key`` at a level; ``origin`` is the level that set it."""
        if self._state != "open":
            return
        converter: Converter = convert
        injected = None  # the @hp.param function whose call reads the key, if any
        frame: Optional[FrameType] = sys._getframe(1)
        while frame is not None and is_package_frame(frame):
            if frame.f_code in _INJECTORS:
                injected = frame.f_locals["self"].func
            reader = _READERS.get(frame.f_code) if default is UNKNOWN else None
            if reader is not None:
                default, converter = reader(frame.f_locals)
            frame = frame.f_back
        site = locate_site(frame)
        if injected is not None and is_library_file(site[0]):  # a pool or a sweep called it
            site = locate_definition(injected)
        value = _read_as(key, stored, default, converter)
        if default is REQUIRED or default is UNKNOWN:
            default = MISSING
        with self._lock:
            if key not in self._operative and not self._set_inside(key, stored, origin):
                self._operative[key] = value
            earlier = self.reads.get(key)
            if earlier is None:
                if stored is ABSENT:
                    self._pending.add(key)
                source = self._source(key, stored, origin)
                stored = MISSING if stored is ABSENT else stored
                self.reads[key] = Read(key, value, stored, default, source, describe_site(site), last=value)
            else:
                self._pending.discard(key)
                earlier.varied = earlier.varied or not _is_same(earlier.value, value)
                earlier.last = value

    def note_parts(self, key: str, value: Any, default: Any, parts: tuple[Part, ...]) -> None:
        """Record a read of dict-valued ``key`` that gathered the keys under it (see ``_mappings``).

        The level noted the read a moment before as a key not set; with ``parts``
        that first read becomes the gathered value, sourced from the parts.
        """
        if self._state != "open":
            return
        with self._lock:
            pending = key in self._pending
            self._pending.discard(key)
            if not parts:
                return  # the read got its default, as the level noted
            self.gathered.update(part[0] for part in parts)
            earlier = self.reads.get(key)
            if earlier is not None and not pending:
                earlier.varied = earlier.varied or not _is_same(earlier.value, value)
                earlier.last = value
                return
            outside = tuple(part for part in parts if not self._set_inside(*part))
            if len(outside) == len(parts):
                self._operative[key] = value
            else:  # replaying the block sets its own parts again: only the others are operative
                self._operative[key] = (
                    merge_mapping(key, default, tree_of(key, outside)) if outside else default
                )
            source = ", ".join(dict.fromkeys(self._source(*part) for part in parts))
            site = earlier.site if earlier is not None else describe_site(locate_site(_find_caller()))
            self.reads[key] = Read(
                key,
                value,
                tree_of(key, parts),
                MISSING if default is None else default,
                source,
                site,
                last=value,
            )

    def entered(self, owner: Any) -> None:
        """Note a scope entered in the block, and where."""
        if self._state == "open":
            site = locate_site(_find_caller())
            with self._lock:
                self._entered[id(owner)] = (owner, site)
                self._set.update(owner._values)

    def wrote(self, updates: dict[str, Any]) -> None:
        """Note values written in the block, and where."""
        if self._state == "open":
            site = locate_site(_find_caller())
            with self._lock:
                for key, value in updates.items():
                    self._written[key] = (value, site)
                    self._set.add(key)

    def _set_inside(self, key: str, stored: Any, origin: Optional[Level]) -> bool:
        """Tell whether the block itself set the value read: a scope entered or a write made in it.

        Replaying the block sets such a value again, so the operative configuration leaves it out.
        """
        if origin is None:
            return False
        written = self._written.get(key)
        if written is not None and written[0] is stored:
            return True
        entered = self._entered.get(id(origin.owner))
        return entered is not None and entered[0] is origin.owner

    def _source(self, key: str, stored: Any, origin: Optional[Level]) -> str:
        if origin is None:
            return "default"
        written = self._written.get(key)
        if written is not None and written[0] is stored:
            return "write " + describe_site(written[1])
        tagged = find_tagged_source(origin, key)
        if tagged is not None:
            return tagged
        loaded = loaded_from(key, stored)
        if loaded is not None:
            return "hp.config " + loaded
        entered = self._entered.get(id(origin.owner))
        if entered is not None and entered[0] is origin.owner:
            return "hp.scope " + describe_site(entered[1])
        return "hp.scope"

    # -- what a user asks -----------------------------------------------------
    @property
    def unread(self) -> list[str]:
        """The keys set in the block (or by the launcher) that nothing read, sorted.

        >>> import hyperparameter as hp
        >>> with hp.record() as rec, hp.scope(**{"train.lr": 0.1, "train.lrr": 0.2}):
        ...     lr = hp.scope.train.lr | 0.001
        >>> rec.unread
        ['train.lrr']
        """
        with self._lock:
            return sorted(key for key in self._set if key not in self.reads and key not in self.gathered)

    def operative(self) -> dict[str, Any]:
        """Return every key read, with the value the code got, as the nested mapping config files hold.

        ``hp.save_config(rec, path)`` writes it; loading the file with
        ``hp.config`` or ``-C`` gives a later run the same values, even where
        a default in the code has changed since. A value the block set itself
        (a scope it entered, a write it made) is left out, since replaying the
        block sets it again; a key also read outside such a scope keeps the
        value read there.

        >>> import hyperparameter as hp
        >>> with hp.scope(**{"train.lr": "0.1"}), hp.record() as rec:
        ...     lr, epochs = hp.scope.train.lr | 0.001, hp.scope.train.epochs | 10
        >>> rec.operative()
        {'train': {'lr': 0.1, 'epochs': 10}}
        """
        tree: dict[str, Any] = {}
        tables: set[tuple[str, ...]] = set()
        with self._lock:
            values = [(key, self._operative[key]) for key in self.reads if key in self._operative]
            gathered = set(self.gathered)
        for key, value in values:
            if value is not MISSING and key not in gathered:  # a gathered key is inside its dict
                _place(tree, tables, key, value)
        return tree

    def sources(self) -> dict[str, str]:
        """Where each key read came from, by key (what ``--record`` writes beside the values)."""
        with self._lock:
            return {read.key: f"{read.source}; read at {read.site}" for read in self.reads.values()}

    def to_json(self, indent: Optional[int] = 2) -> str:
        """Return the reads and the unread keys as JSON, for experiment trackers.

        >>> import hyperparameter as hp, json
        >>> with hp.record() as rec:
        ...     epochs = hp.scope.train.epochs | 10
        >>> data = json.loads(rec.to_json())
        >>> data["reads"][0]["key"], data["reads"][0]["value"], data["reads"][0]["source"]
        ('train.epochs', 10, 'default')
        """
        with self._lock:
            reads = [read.as_dict() for read in self.reads.values()]
        return json.dumps({"reads": reads, "unread": self.unread}, indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        with self._lock:
            reads = list(self.reads.values())
        rows = [("KEY", "VALUE", "DEFAULT", "SOURCE", "READ AT")]
        for read in sorted(reads, key=lambda each: each.key):
            value = short_repr(read.value, 40) + (
                f" (later {short_repr(read.last, 40)})" if read.varied else ""
            )
            default = "" if read.default is MISSING else short_repr(read.default, 40)
            rows.append((read.key, value, default, read.source, read.site))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines = [f"{len(reads)} hyperparameters read:"]
        lines += [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4] for row in rows
        ]
        unread = self.unread
        if unread:
            lines.append(f"set but never read: {', '.join(unread)}")
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return f"<hp.record {self._state}: {len(self.reads)} keys read>"


def record() -> Record:
    """Record every hyperparameter read in a ``with`` block: values, sources, read sites.

    Reads in the calling thread or task, in asyncio tasks created inside the
    block and in work handed to threads with ``hp.bind_scope`` are recorded;
    a record open in another thread or task sees only its own reads.

    >>> import hyperparameter as hp
    >>> @hp.param("train")
    ... def train(lr=0.001, epochs=10):
    ...     return lr * epochs
    >>> with hp.scope(**{"train.lr": "0.01"}), hp.record() as rec:
    ...     loss = train()
    >>> rec.operative()
    {'train': {'lr': 0.01, 'epochs': 10}}
    >>> [(read.key, read.source) for read in rec.reads.values()]
    [('train.lr', 'hp.scope'), ('train.epochs', 'default')]
    """
    return Record()


def _find_caller() -> Optional[FrameType]:
    """Return the innermost frame outside the library (and outside contextlib)."""
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None and is_package_frame(frame):
        frame = frame.f_back
    return frame


def _read_as(key: str, stored: Any, default: Any, converter: Converter) -> Any:
    """Return the value a read with ``default`` gets from ``stored``, or MISSING if it raises."""
    if stored is ABSENT:
        return MISSING if default is REQUIRED or default is UNKNOWN else default
    if default is REQUIRED or default is UNKNOWN or default is None:
        return stored
    try:
        return converter(key, stored, default)
    except (TypeError, ValueError):
        return MISSING  # the read itself raises the conversion error


def _is_same(first: Any, second: Any) -> bool:
    try:
        return first is second or bool(first == second)
    except Exception:  # an == that refuses to be a truth value (arrays): call them different
        return False


def _place(tree: dict[str, Any], tables: set[tuple[str, ...]], key: str, value: Any) -> None:
    """Put ``value`` at the dotted ``key`` of the nested ``tree``; ``tables`` are the paths made tables."""
    parts = tuple(key.split("."))
    node = tree
    for end in range(1, len(parts)):
        path = parts[:end]
        if path not in tables:
            if parts[end - 1] in node:
                _refuse_conflict(".".join(path), key)
            node[parts[end - 1]] = {}
            tables.add(path)
        node = node[parts[end - 1]]
    if parts in tables:
        _refuse_conflict(key, key + ".*")
    node[parts[-1]] = value


def _refuse_conflict(value_key: str, table_key: str) -> None:
    raise ConfigError(
        f"Cannot write the operative configuration: key {value_key!r} was read as a value and keys "
        f"such as {table_key!r} under it were read too; a config file holds a key as a value or a table."
    )
