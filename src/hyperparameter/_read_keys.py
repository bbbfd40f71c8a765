"""Which keys a block read, and nothing more: the cheapest form of ``hp.record()``.

The launcher watches every run given ``-D`` or ``-C`` values with one, to warn
about values nothing read; ``--record FILE`` takes a full record instead. It
lives apart from :mod:`._record` so that a launch loads none of the record's
machinery (values as read, sources, read sites) when it only needs the keys.

>>> import hyperparameter as hp
>>> with hp.scope(**{"train.lr": 0.1}), ReadKeys() as watched:
...     lr = hp.scope.train.lr | 0.001
>>> watched.reads
{'train.lr'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ._engine import begin_recording, end_recording
from ._levels import Level

if TYPE_CHECKING:
    from ._mappings import Part
    from ._record_processes import Inbox, Reporter


class ReadKeys:
    """Which keys a block read, and nothing more: a record's cheapest form.

    The launcher watches every run with one, to warn about ``-D``/``-C`` values
    that nothing read; ``--record FILE`` takes a full :class:`Record` instead.
    """

    def __init__(self) -> None:
        #: The keys read in the block.
        self.reads: set[str] = set()
        #: The keys read as parts of a dict-valued key (``train.opt.m`` of ``train.opt``).
        self.gathered: set[str] = set()
        self._open = False
        self._inbox: Optional[Inbox] = None

    def __enter__(self) -> ReadKeys:
        self._open = True
        begin_recording(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        end_recording(self)
        take_in_other_processes(self, self._inbox)
        self._open = False

    def child_reporter(self) -> Optional[Reporter]:
        """Return what lets a process started now report the keys it reads here (None once closed)."""
        if not self._open:
            return None
        from ._record_processes import Inbox, Reporter

        if self._inbox is None:
            self._inbox = Inbox()
        return Reporter(str(self._inbox.folder), full=False)

    def take_in(self, line: dict[str, Any]) -> None:
        """Add a key another process reported reading."""
        self.reads.add(line["key"])

    def note(self, key: str, stored: Any, origin: Optional[Level], default: Any) -> None:
        """Note that ``key`` was read."""
        if self._open:
            self.reads.add(key)

    def note_parts(self, key: str, value: Any, default: Any, parts: tuple[Part, ...]) -> None:
        """Note that the keys under dict-valued ``key`` were read with it (see ``_mappings``)."""
        if self._open:
            self.gathered.update(part[0] for part in parts)

    def entered(self, owner: Any) -> None:
        """Note nothing: only reads count."""

    def wrote(self, updates: dict[str, Any]) -> None:
        """Note nothing: only reads count."""


def take_in_other_processes(record: Any, inbox: Optional[Inbox]) -> None:
    """Add to ``record`` the reads processes started inside it reported to ``inbox``."""
    if inbox is not None:
        for line in inbox.collect():
            record.take_in(line)
