"""Read a program's source files for the scanner: which to read, how to decode them, caches.

:func:`scan_paths` scans files and folders (a bad file costs one error line);
each file is read once per process while it is unchanged, only a file that
imports hyperparameter is parsed (see :mod:`hyperparameter._scanner`), and one
parsed in an earlier process and unchanged since is not parsed again (see
:mod:`hyperparameter._scanner_cache`).

>>> import pathlib, tempfile
>>> source = "import hyperparameter as hp\\nlr = hp.scope.lr | 0.1\\n"
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (pathlib.Path(folder) / "app.py").write_text(source)
...     [found.key for found in scan_paths([folder]).found]
['lr']
"""

from __future__ import annotations

import io
import os
import stat
import tokenize
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Optional, Union

from ._description import Description
from ._scanner import MODULE, scan_source_with_imports
from ._scanner_cache import cache_folder, load, store

_SKIPPED_DIRS = frozenset({"__pycache__", "site-packages", "dist-packages", "node_modules"})


# Plain classes, not dataclasses: creating a dataclass costs about a millisecond at import,
# and the launcher imports this module whenever a run is given -D or -C values.
class ScanResult:
    """What a scan of many files found, and one line per file it could not read."""

    def __init__(self) -> None:
        self.found: list[Description] = []
        self.errors: list[str] = []
        self.imported: set[str] = set()  # the top-level modules the files import, also inside functions


#: Largest source file the scanner reads; hand-written modules are far smaller.
MAX_FILE_BYTES = 2_000_000


class SkippedFile(OSError):
    """A path the scanner does not read: not a regular file, or larger than MAX_FILE_BYTES."""


def scan_file(path: Union[str, Path]) -> list[Description]:
    """Scan one file; a file that never imports hyperparameter is not even parsed.

    Raises OSError if it cannot be read (SkippedFile for a FIFO, a device or a
    file over MAX_FILE_BYTES, which are never read), SyntaxError if it does not
    parse and UnicodeDecodeError if it is not text in its declared encoding.
    """
    return _scan_file_and_imports(path)[0]


def _scan_file_and_imports(path: Union[str, Path]) -> tuple[list[Description], frozenset[str]]:
    """``scan_file``, and the top-level modules the file imports (none for a file not parsed)."""
    data = _read_source(path)
    if not _imports_library(data):
        return [], frozenset()
    return scan_source_with_imports(_decode(data), str(path))


def _read_source(path: Union[str, Path]) -> bytes:
    """Read a source file's bytes, refusing what is not a regular file of a source file's size."""
    # Opened without blocking: opening a FIFO for reading would wait for a writer.
    with open(
        path, "rb", opener=lambda name, flags: os.open(name, flags | getattr(os, "O_NONBLOCK", 0))
    ) as file:
        _check_readable(os.fstat(file.fileno()))
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # grew since the check
        raise SkippedFile(f"over {MAX_FILE_BYTES} bytes")
    return data


_NAME = MODULE.encode()


def _imports_library(data: bytes) -> bool:
    """Tell whether a file imports hyperparameter: the walk finds nothing in a file that does not.

    A plain text test, so that a file naming the library only in prose is not
    parsed: the word on a line (with the lines a backslash continues) that holds
    ``import`` or ends in ``from`` before it, and that is not a comment line. It
    may say yes for a file that does not import it, never no for one that does.

    >>> [_imports_library(text) for text in (b'SEP = "#"; import hyperparameter', b"# import hyperparameter")]
    [True, False]
    >>> _imports_library(b'help = "set any hyperparameter"')
    False
    """
    start = data.find(_NAME)
    while start >= 0:
        end = start + len(_NAME)
        after = data[end : end + 1]
        if not (after.isalnum() or after == b"_"):
            line_start = data.rfind(b"\n", 0, start) + 1
            while line_start > 0 and data[max(line_start - 3, 0) : line_start - 1].rstrip(b"\r").endswith(
                b"\\"
            ):
                line_start = data.rfind(b"\n", 0, line_start - 1) + 1  # the line above ends in a backslash
            line = data[line_start:start]
            if not line.lstrip().startswith(b"#") and (
                b"import" in line or line.rstrip(b" \t\\\r\n").endswith(b"from")
            ):
                return True
        start = data.find(_NAME, end)
    return False


def _decode(data: bytes) -> str:
    """Decode source bytes as Python does: by their BOM or coding line, with universal newlines.

    ``importlib.util.decode_source`` does the same, but importing ``importlib.util``
    costs a launch about as much as scanning a small file.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return io.IncrementalNewlineDecoder(None, translate=True).decode(data.decode(encoding))


def _check_readable(status: os.stat_result) -> None:
    """Refuse, without reading, what is not a regular file or is too large to be a source file."""
    if not stat.S_ISREG(status.st_mode):
        what = "a FIFO" if stat.S_ISFIFO(status.st_mode) else "a device or special file"
        raise SkippedFile(f"not a regular file ({what})")
    if status.st_size > MAX_FILE_BYTES:
        raise SkippedFile(f"{status.st_size} bytes, over the {MAX_FILE_BYTES}-byte limit for a source file")


def find_python_files(root: Union[str, Path], errors: Optional[list[str]] = None) -> Iterator[str]:
    """List the ``*.py`` files under ``root``, sorted, skipping hidden dirs, caches and environments.

    A directory that cannot be listed adds one line to ``errors``, when given.
    """

    def unreadable(error: OSError) -> None:
        if errors is not None:
            errors.append(f"{error.filename}: cannot read directory: {error.strerror or error}")

    for directory, subdirs, files in os.walk(root, onerror=unreadable):
        subdirs[:] = sorted(
            d
            for d in subdirs
            if not d.startswith(".")
            and d not in _SKIPPED_DIRS
            and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(directory, name)


# What each file held when it was last scanned in this process, by its real path:
# a program that launches several times (tests, sweeps) reads each file once.
_scanned: dict[str, tuple[tuple[int, int], tuple[list[Description], frozenset[str]]]] = {}
_SCANNED_LIMIT = 4096


def _scan_file_once(file: str, real: str, cache: Optional[str]) -> tuple[list[Description], frozenset[str]]:
    """``_scan_file_and_imports(file)``, reusing this process's last scan, or an earlier process's,
    while the file is unchanged (``cache``: the folder of the disk cache, None when it is off)."""
    status = os.stat(real)
    _check_readable(status)
    stamp = (status.st_mtime_ns, status.st_size)
    cached = _scanned.get(real)
    if cached is not None and cached[0] == stamp:
        return _at_path(cached[1], file)
    data = _read_source(file)
    if not _imports_library(data):
        scanned: tuple[list[Description], frozenset[str]] = ([], frozenset())
    else:
        # The disk cache checks the bytes too: a file rewritten within the same tick is scanned.
        kept = None if cache is None else load(cache, real, stamp, data, file)
        if kept is None:
            scanned = scan_source_with_imports(_decode(data), file)
            if cache is not None:
                store(cache, real, stamp, data, *scanned)
        else:
            scanned = kept
    if len(_scanned) >= _SCANNED_LIMIT:
        _scanned.clear()
    _scanned[real] = (stamp, scanned)
    return scanned


def _at_path(
    scanned: tuple[list[Description], frozenset[str]], file: str
) -> tuple[list[Description], frozenset[str]]:
    """Return a file's findings carrying ``file``, the path this scan was given."""
    found, imported = scanned
    if found and found[0].path != file:
        found = [each.replace(path=file) for each in found]
    return found, imported


def scan_paths(paths: Iterable[Union[str, Path]]) -> ScanResult:
    """Scan files and directories (recursively); a bad file costs one error line, not the scan."""
    result = ScanResult()
    visited: set[str] = set()
    cache = cache_folder()
    for given in paths:
        files: Iterable[str] = (
            find_python_files(given, result.errors) if os.path.isdir(given) else [str(given)]
        )
        for file in files:
            real = os.path.realpath(file)
            if real in visited:
                continue
            visited.add(real)
            try:
                found, imported = _scan_file_once(file, real, cache)
                result.found.extend(found)
                result.imported.update(imported)
            except SyntaxError as error:
                result.errors.append(f"{file}:{error.lineno or 0}: syntax error: {error.msg}")
            except SkippedFile as error:
                result.errors.append(f"{file}: skipped: {error}")
            except OSError as error:
                result.errors.append(f"{file}: cannot read: {error.strerror or error}")
            except (UnicodeDecodeError, ValueError, RecursionError, MemoryError) as error:
                result.errors.append(f"{file}: cannot parse: {error}")
    return result
