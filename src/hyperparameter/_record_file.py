"""``--record FILE``: the folder made before the run, and a record that is never lost after it.

A value the file's format cannot hold (``None`` in TOML, an object with no
text form) is left out of the file with one warning line naming it; the rest
is written, and replaying the file gives those keys their code defaults.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass
from typing import Any, Optional

from ._config import _plain, save_config
from ._config_formats import format_of
from ._keys import join_keys
from .exceptions import ConfigError


def record_path(text: str) -> str:
    """Return the absolute path of ``--record FILE``, its folder made now (the program may change directory).

    Raises:
        ConfigError: the suffix names no format, or the folder cannot be made or written in.
    """
    path = pathlib.Path(text).absolute()
    format_of(path, text, "save")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"Cannot make the folder of {text!r}: {error.strerror or error}.") from None
    if path.is_dir():
        raise ConfigError(f"{text!r} is a folder; name a file in it, such as {str(path / 'run.toml')!r}.")
    return str(path)


@dataclass
class _Kept:
    """The part of a record a file can hold, in the form ``save_config`` writes a record."""

    values: dict[str, Any]
    notes: dict[str, str]

    def operative(self) -> dict[str, Any]:
        return self.values

    def sources(self) -> dict[str, str]:
        return self.notes


def write_record(rec: Any, path: str) -> Optional[str]:
    """Write the record ``rec`` to ``path``; a one-line warning for what it could not write, else None."""
    file_format = format_of(pathlib.Path(path), path, "save")
    values = join_keys(rec.operative())
    left_out = {
        key: reason
        for key, value in values.items()
        if (reason := _explain_unwritable(key, value, file_format))
    }
    kept = _Kept(
        {key: value for key, value in values.items() if key not in left_out},
        {key: note for key, note in rec.sources().items() if key not in left_out},
    )
    try:
        save_config(kept, path)
    except (ConfigError, OSError) as error:
        return f"could not write the record {path!r}: {error}"
    if not left_out:
        return None
    listed = ", ".join(f"{key!r} ({reason})" for key, reason in left_out.items())
    return f"the record {path!r} leaves out {listed}; a replay gives them their defaults"


def _explain_unwritable(key: str, value: Any, file_format: str) -> str:
    """Why a file of ``file_format`` cannot hold ``value``, or '' if it can."""
    if value is None and file_format == "toml":
        return "None: TOML has no null"
    try:
        _plain(value, (key,), key)
    except ConfigError:
        return f"{type(value).__name__} {value!r:.40}, which a config file cannot hold"
    return ""
