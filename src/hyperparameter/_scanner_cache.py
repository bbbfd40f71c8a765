"""Keep what the scanner found in each file on disk, so that the next launch need not parse it again.

A launch given ``-D``/``-C`` (and ``-lps``, ``-ep``, ``hp ls``) scans every
module of the program; parsing and walking them is most of what those options
cost. Each scanned file that imports hyperparameter gets one small JSON entry
under the user's cache folder, named after its real path and overwritten when
it changes. An entry is used only when all of these match what it was written
from: the file's real path, modification time (ns), size and CRC-32 of its
bytes (read anyway), the Python, and the modification time and size of every
module of this library, so that editing the library, as in an editable
install, never reads a stale entry.

The folder is ``$HYPERPARAMETER_CACHE_DIR`` when set (empty or ``off``
switches the cache off), else ``$XDG_CACHE_HOME/hyperparameter`` or
``~/.cache/hyperparameter`` (no cache when no home can be found); entries live
in ``scan/<python>/`` inside it.
Deleting the folder clears the cache. Entries not rewritten for 30 days are
removed, at most once a day. Any failure (a read-only home, a truncated or
corrupt entry, another process writing the same entry) means a scan, never an
error: entries are written to a temporary file and renamed into place.

>>> import tempfile
>>> from hyperparameter._description import Description
>>> found = [Description("lr", "0.1", "float", "", "<module>", "app.py", 2, "", "read")]
>>> with tempfile.TemporaryDirectory() as folder:
...     store(folder, "/src/app.py", (1, 40), b"data", found, frozenset({"hyperparameter"}))
...     again = load(folder, "/src/app.py", (1, 40), b"data", "app.py")
...     edited = load(folder, "/src/app.py", (1, 40), b"edit", "app.py")
>>> again == (found, frozenset({"hyperparameter"})), edited
(True, None)
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import stat
import sys
import time
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, Optional

from ._description import Description

#: The environment variable naming the cache folder; empty or ``off`` switches the cache off.
CACHE_DIR_VARIABLE = "HYPERPARAMETER_CACHE_DIR"
_OFF = frozenset({"", "off", "0", "false", "no"})
# Bumped whenever an entry's layout changes.
FORMAT = 1
# The fields of a Description an entry keeps, in order; its path is the path a scan is given.
_FIELDS = (
    "key",
    "default",
    "type_name",
    "namespace",
    "function",
    "line",
    "description",
    "role",
    "dynamic",
    "spec",
)
_ENTRY_LIMIT = 16_000_000  # bytes: far above what a 2 MB source file's findings take
_PRUNE_AFTER = 30 * 86400  # seconds an entry may go unwritten
_PRUNE_EVERY = 86400
_MAX_ENTRIES = 10_000  # per Python: the least recently written go first beyond it
_names = itertools.count()
_library_stamp: Optional[str] = None
_pruned = False


def cache_folder(environ: Mapping[str, str] = os.environ) -> Optional[str]:
    """Return the folder of this Python's scan entries, or None when the cache is off.

    >>> cache_folder({CACHE_DIR_VARIABLE: "off"}) is None
    True
    >>> folder = cache_folder({CACHE_DIR_VARIABLE: "/data/cache"})
    >>> folder == os.path.join("/data/cache", "scan", sys.implementation.cache_tag)
    True
    """
    given = environ.get(CACHE_DIR_VARIABLE)
    tag: Optional[str] = sys.implementation.cache_tag  # None where bytecode is never cached
    if tag is None:
        return None
    if given is not None:
        if given.strip().lower() in _OFF:
            return None
        root = os.path.expanduser(given)
    else:
        base = environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):  # the XDG specification: a relative value is to be ignored
            base = os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "hyperparameter")
    if root.startswith("~"):  # no home to be found (no HOME, a user unknown to the system): not ./~
        return None
    return os.path.join(root, "scan", tag)


def _stamp_library() -> Optional[str]:
    """Say which library wrote an entry: the place, modification time and size of each of its modules.

    All of them, not only the scanner's: what a finding says also comes from the
    modules it consults (a kind describes its own type), and stating the few
    dozen files costs a fraction of a millisecond, once per process. Files, not
    the code loaded: a process that loaded a module before it was edited (an
    editable install changed under a running notebook) writes its entries under
    the edited files' stamp; restart such a process after editing the library.
    """
    global _library_stamp
    if _library_stamp is None:
        package = os.path.dirname(os.path.abspath(__file__))
        try:
            with os.scandir(package) as listing:
                parts = sorted(
                    f"{item.name}:{item.stat().st_mtime_ns}:{item.stat().st_size}"
                    for item in listing
                    if item.name.endswith(".py")
                )
        except OSError:
            return None  # the library is not in files (a frozen program): no cache
        text = "|".join([str(FORMAT), sys.version, package, *parts]).encode(errors="surrogateescape")
        _library_stamp = f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(text):x}"
    return _library_stamp


def _entry_path(folder: str, real: str) -> str:
    """Name a source file's one entry after its real path (two checksums: a clash only costs a scan)."""
    data = os.fsencode(real)
    return os.path.join(folder, f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}.json")


def load(
    folder: str, real: str, stamp: tuple[int, int], data: bytes, path: str
) -> Optional[tuple[list[Description], frozenset[str]]]:
    """Return what a scan of the file at ``real`` found, from its entry in ``folder``, or None if none fits.

    ``stamp`` is the file's (modification time in ns, size), ``data`` its bytes
    and ``path`` the path the findings carry (as the scan was given it).
    """
    library = _stamp_library()
    if library is None:
        return None
    try:
        entry = json.loads(_read_entry(_entry_path(folder, real)))
        if (
            entry["library"] != library
            or entry["path"] != real
            or entry["stamp"] != list(stamp)
            or entry["crc32"] != zlib.crc32(data)
        ):
            return None
        found = [_read_row(row, path) for row in entry["found"]]
        imported = entry["imported"]
        if not all(type(name) is str for name in imported):
            return None
        return found, frozenset(imported)
    except (OSError, ValueError, TypeError, KeyError, IndexError, RecursionError, MemoryError):
        return None  # missing, unreadable, truncated or not an entry: scan


def _read_entry(file: str) -> bytes:
    """Read an entry, refusing (without blocking) what is not a regular file of a sensible size."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(file, flags)
    with open(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _ENTRY_LIMIT:
            raise ValueError("not a cache entry")
        return handle.read(_ENTRY_LIMIT + 1)


def _read_row(row: Any, path: str) -> Description:
    """Rebuild one finding from its row, refusing a row whose fields have the wrong types."""
    key, default, type_name, namespace, function, line, description, role, dynamic, spec = row
    "".join((key, type_name, namespace, function, description, role, spec))  # TypeError unless all are text
    if not (type(line) is int and type(dynamic) is bool and (default is None or type(default) is str)):
        raise ValueError("not a finding")
    return Description(
        key, default, type_name, namespace, function, path, line, description, role, dynamic, spec
    )


def store(
    folder: str,
    real: str,
    stamp: tuple[int, int],
    data: bytes,
    found: list[Description],
    imported: Iterable[str],
) -> None:
    """Write the entry of the file at ``real`` into ``folder``: what its scan found, as :func:`load` reads it.

    Never raises: a folder that cannot be written only means the next launch scans again.
    """
    library = _stamp_library()
    if library is None or any(each.check is not None for each in found):
        return
    entry = {
        "library": library,
        "path": real,
        "stamp": list(stamp),
        "crc32": zlib.crc32(data),
        "imported": sorted(imported),
        "found": [[getattr(each, name) for name in _FIELDS] for each in found],
    }
    target = _entry_path(folder, real)
    temporary = f"{target}.{os.getpid()}.{next(_names)}.tmp"  # this process's own: no other writes it
    try:
        text = json.dumps(entry, separators=(",", ":")).encode()
        os.makedirs(folder, mode=0o700, exist_ok=True)  # entries quote the program's code: the user's only
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        with open(os.open(temporary, flags, 0o600), "wb") as handle:
            handle.write(text)
        os.replace(temporary, target)  # readers see the old entry or the new one, never a part
    except (OSError, ValueError, TypeError, RecursionError, MemoryError):
        _remove(temporary)
        return
    _prune_now_and_then(os.path.dirname(folder))


def _remove(file: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(file)


def _prune_now_and_then(scans: str) -> None:
    """Once a day, remove entries (of every Python) not written for 30 days, and leftover temporary files."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    marker = os.path.join(scans, "pruned")
    now = time.time()
    try:
        if now - os.stat(marker).st_mtime < _PRUNE_EVERY:
            return
    except OSError:
        pass
    try:
        with open(marker, "w"):
            pass
        for tag in os.listdir(scans):
            folder = os.path.join(scans, tag)
            if os.path.isdir(folder):
                prune(folder, now)
    except OSError:
        pass


def prune(folder: str, now: float) -> None:
    """Remove a folder's entries not written for 30 days, temporary files over an hour old, and the
    oldest entries beyond the limit."""
    entries = []
    with os.scandir(folder) as listing:
        for item in listing:
            try:
                written = item.stat().st_mtime
            except OSError:
                continue
            if item.name.endswith(".tmp"):
                if now - written > 3600:
                    _remove(item.path)
            elif item.name.endswith(".json"):
                if now - written > _PRUNE_AFTER:
                    _remove(item.path)
                else:
                    entries.append((written, item.path))
    entries.sort()
    for _, path in entries[: max(0, len(entries) - _MAX_ENTRIES)]:
        _remove(path)
