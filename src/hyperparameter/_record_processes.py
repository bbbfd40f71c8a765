"""Reads made in other processes, reported back to the record that was open when they started.

A record lives in its process, but the values it watches travel: a pool
worker starts from the frozen baseline, and ``hp.bind_scope`` carries a
snapshot to a process pool. When what travels is recording, it carries a
:class:`Reporter` too: in the other process the values record into a
:class:`ChildRecord` (or :class:`ChildReadKeys`), which appends each first
read as one JSON line to a file of an *inbox* folder the parent made. Lines
are written as the reads happen, since a pool may stop its workers without
letting them exit. When the record closes it reads the inbox once and takes
in every read it has not seen itself.

A value a worker read shows as from the ``parent process`` in the record, with
the source the value had here: ``parent process (-D)``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from ._mappings import Part
from ._numbers import jsonable
from ._read_keys import ReadKeys
from ._record import MISSING, Read, Record


class Inbox:
    """A folder where processes started inside a record append the reads they make."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hyperparameter-reads-"))

    def collect(self) -> list[dict[str, Any]]:
        """Read every line the other processes wrote, then remove the folder."""
        lines = []
        for path in sorted(self.folder.glob("*.jsonl")):
            with open(path, encoding="utf-8") as file:
                lines += [json.loads(line) for line in file if line.endswith("\n")]
        shutil.rmtree(self.folder, ignore_errors=True)
        return lines


class Reporter:
    """What crosses to another process with a recording level: where to report, and how much.

    Unpickled in the other process, :meth:`open` gives the record its levels
    report to there.
    """

    def __init__(self, folder: str, full: bool) -> None:
        self.folder = folder
        self.full = full

    def __reduce__(self) -> tuple[Any, ...]:
        return Reporter, (self.folder, self.full)

    def open(self) -> Any:
        """Return the record that sends this process's reads to the parent's inbox."""
        writer = _Writer(self.folder)
        return ChildRecord(writer) if self.full else ChildReadKeys(writer)


class _Writer:
    """Appends lines to this process's file of an inbox, one write per line."""

    def __init__(self, folder: str) -> None:
        self._folder = folder
        self._lock = threading.Lock()

    def write(self, data: dict[str, Any]) -> None:
        line = json.dumps(data, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                with open(os.path.join(self._folder, f"{os.getpid()}.jsonl"), "a", encoding="utf-8") as file:
                    file.write(line)
            except OSError:
                pass  # the record has closed (its inbox is gone): nothing to report to


class ChildRecord(Record):
    """A record in another process: each first read goes to the parent's inbox as it happens."""

    def __init__(self, writer: _Writer) -> None:
        super().__init__()
        self._writer = writer
        self._state = "open"

    def note(self, key: str, stored: Any, origin: Any, default: Any) -> None:
        """Record the read, and send it on if it is the first of ``key`` here."""
        first = key not in self.reads
        super().note(key, stored, origin, default)
        if first and key in self.reads:
            self._writer.write(_build_line(self.reads[key], self._operative.get(key, MISSING)))

    def note_parts(self, key: str, value: Any, default: Any, parts: tuple[Part, ...]) -> None:
        """Record a gathered dict read; if it became the first read of ``key``, send it on again."""
        first = self.reads.get(key)
        super().note_parts(key, value, default, parts)
        read = self.reads.get(key)
        if parts and read is not first and read is not None:
            line = _build_line(read, self._operative.get(key, MISSING))
            self._writer.write({**line, "gathered": [part[0] for part in parts]})


class ChildReadKeys(ReadKeys):
    """A keys-only record in another process: each key read goes to the parent's inbox once."""

    def __init__(self, writer: _Writer) -> None:
        super().__init__()
        self._writer = writer
        self._open = True

    def note(self, key: str, stored: Any, origin: Any, default: Any) -> None:
        """Send ``key`` on the first time it is read here."""
        if key not in self.reads:
            self.reads.add(key)
            self._writer.write({"key": key})

    def note_parts(self, key: str, value: Any, default: Any, parts: tuple[Part, ...]) -> None:
        """Send the keys gathered into dict-valued ``key`` on, as read."""
        for name, _, _ in parts:
            self.note(name, None, None, None)


def _build_line(read: Read, operative: Any) -> dict[str, Any]:
    """Describe ``read`` as a JSON line; ``operative`` is its value for replay, or MISSING."""
    line: dict[str, Any] = {"key": read.key, "source": read.source, "site": read.site}
    for name, value in (("value", read.value), ("stored", read.stored), ("default", read.default)):
        if value is not MISSING:  # JSON has no MISSING: the name is left out
            line[name] = jsonable(value)
    # Replay needs the value itself: one JSON gives back only when JSON holds it as it is.
    written = jsonable(operative)
    if operative is not MISSING and type(written) is type(operative) and written == operative:
        line["operative"] = written
    return line
