"""A sweep's folder: what was swept, one folder per trial, and ``results.csv``.

::

    DIR/sweep.json          the sweep: function, swept keys, trial source, command line
                            and the folder it ran in (launcher sweeps)
    DIR/0000/trial.json     trial 0: values, status, result, seconds, error, traceback,
                            and the command line that re-runs it alone and the folder
                            to run it in (launcher sweeps)
    DIR/0000/record.json    what trial 0 read, when the run record is available
    DIR/results.csv         one row per trial

Every file is written whole and then renamed into place, so a sweep stopped
at any moment leaves files that load; ``--resume DIR`` reads them back.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import shlex
from pathlib import Path
from typing import Any, Optional, Union

from ._grammar import format_value
from ._numbers import jsonable
from ._sweep_trial import STATUSES, SweepResult, Trial
from .exceptions import SweepError, SweepFolderError

PathLike = Union[str, "os.PathLike[str]"]
_DESCRIPTION = "sweep.json"
_TRIAL = "trial.json"
_RESULTS = "results.csv"
_RECORD = "record.json"


def make_timestamped_path(root: PathLike = "runs") -> Path:
    """Name a new folder under ``root`` for a sweep started now (``runs/2026-05-01_14-03-22``)."""
    stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    path = Path(root) / stamp
    suffix = 1
    while path.exists():
        suffix += 1
        path = Path(root) / f"{stamp}-{suffix}"
    return path


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole: a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _to_json(value: Any) -> str:
    return json.dumps(value, indent=1, default=repr, ensure_ascii=False)


class SweepFolder:
    """Reads and writes one sweep's folder.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     folder = SweepFolder.create(Path(root) / "s", {"keys": ["a"]})
    ...     trial = Trial(0, {"a": 1}, status="ok", result=0.5, seconds=0.1)
    ...     folder.write_trial(trial)
    ...     [(each.number, each.values, each.status, each.result) for each in folder.read_trials()]
    [(0, {'a': 1}, 'ok', 0.5)]
    """

    def __init__(self, path: Path, description: dict[str, Any]) -> None:
        self.path = path
        self.description = description

    @classmethod
    def create(cls, path: PathLike, description: dict[str, Any], option: str = "runs=DIR") -> SweepFolder:
        """Start a sweep in ``path`` (made if missing), kept as an absolute path.

        The path is made absolute now, so a trial that changes the working
        directory cannot move the folder. ``option`` is how the user names
        the folder, for the error message.

        Raises:
            SweepError: ``path`` already holds a sweep.
            SweepFolderError: ``path`` cannot be made or written (a file is in the way, no permission).
        """
        folder = Path(path).absolute()
        if (folder / _DESCRIPTION).exists():
            raise SweepError(
                f"The folder {str(folder)!r} already holds a sweep; resume it "
                "(--resume DIR, or resume=True) or choose another folder."
            )
        description = {"created": datetime.datetime.now().isoformat(timespec="seconds"), **description}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _write(folder / _DESCRIPTION, _to_json(description))
        except OSError as error:
            raise SweepFolderError(
                f"The sweep folder {str(folder)!r} cannot be made: {_reason(folder, error)}; "
                f"choose another folder with {option}."
            ) from None
        return cls(folder, description)

    @classmethod
    def open(cls, path: PathLike) -> SweepFolder:
        """Open the sweep in ``path`` to resume it (kept as an absolute path).

        Raises:
            SweepError: ``path`` holds no sweep.
        """
        folder = Path(path).absolute()
        try:
            description = json.loads((folder / _DESCRIPTION).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SweepError(
                f"The folder {str(folder)!r} holds no sweep (no {_DESCRIPTION}); expected a folder "
                "a sweep wrote."
            ) from None
        except ValueError as error:
            raise SweepError(f"The sweep file {str(folder / _DESCRIPTION)!r} is damaged: {error}.") from None
        return cls(folder, description)

    def update(self, changes: dict[str, Any]) -> None:
        """Save ``changes`` to the sweep's description: what a resume may change (trials, objective)."""
        if any(self.description.get(name) != value for name, value in changes.items()):
            self.description.update(changes)
            _write(self.path / _DESCRIPTION, _to_json(self.description))

    def find_trial_path(self, number: int) -> Path:
        """Return the folder of trial ``number``."""
        return self.path / f"{number:04d}"

    def write_trial(self, trial: Trial) -> None:
        """Write ``trial``'s state to its folder (made on the first write)."""
        if trial.folder is None:
            trial.folder = self.find_trial_path(trial.number)
            trial.folder.mkdir(exist_ok=True)
        record: dict[str, Any] = {
            "number": trial.number,
            "values": jsonable(trial.values),
            "status": trial.status,
            "seconds": trial.seconds,
        }
        if trial.argv is not None:
            record["argv"] = trial.argv
            record["command"] = shlex.join(trial.argv)
            if "cwd" in self.description:  # where the command runs as it did in the sweep
                record["cwd"] = self.description["cwd"]
        if trial.status == "ok":
            # Numbers of other libraries as plain numbers; a value JSON cannot hold as its repr,
            # the rest of the result kept (resuming reads the metrics back from here).
            record["result"] = jsonable(trial.result)
        if trial.error is not None:
            record.update(error=trial.error, traceback=trial.traceback)
        _write(trial.folder / _TRIAL, _to_json(record))

    def write_record(self, trial: Trial, text: str) -> None:
        """Write what ``trial`` read (``hp.record``'s JSON) to its folder's ``record.json``."""
        if trial.folder is not None:
            _write(trial.folder / _RECORD, text)

    def read_trials(self) -> list[Trial]:
        """Read the trials recorded in the folder, in number order; unreadable ones count as not run."""
        trials = []
        for child in sorted(self.path.iterdir()):
            trial = _read_trial(child / _TRIAL) if child.is_dir() else None
            if trial is not None:
                trial.folder = child
                trials.append(trial)
        return trials

    def write_results(self, result: SweepResult) -> Path:
        """Write ``results.csv``: the rows of ``result``."""
        columns = result.columns()
        lines = _CsvText()
        writer = csv.DictWriter(lines, columns, extrasaction="ignore")
        writer.writeheader()
        for row in result.rows():
            writer.writerow({key: "" if value is None else format_value(value) for key, value in row.items()})
        _write(self.path / _RESULTS, "".join(lines.parts))
        return self.path / _RESULTS


def _reason(folder: Path, error: OSError) -> str:
    """Say why ``folder`` cannot be made, in words."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "it is a file" if folder.is_file() else "a part of its path is a file"
    if isinstance(error, PermissionError):
        return "permission denied"
    return (error.strerror or str(error)).lower()


class _CsvText:
    """A file-like collector of the lines ``csv.writer`` writes."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def _read_trial(path: Path) -> Optional[Trial]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        trial = Trial(int(record["number"]), dict(record["values"]), str(record["status"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if trial.status not in STATUSES:
        return None
    trial.result = record.get("result")
    trial.seconds = float(record.get("seconds", 0.0))
    trial.error = record.get("error")
    trial.traceback = record.get("traceback")
    trial.argv = record.get("argv")
    return trial
