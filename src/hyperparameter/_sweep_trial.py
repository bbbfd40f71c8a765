"""Trials and their results: one record per trial, the objective, and the sweep's table.

A :class:`Trial` is what a sweep knows about one run of the function: its
values, and once it ran, its status, result, time and error. A
:class:`SweepResult` holds them all, prints as a table and gives rows for
pandas (``pandas.DataFrame(result.rows())``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Protocol, Union, overload

from ._grammar import format_value
from ._numbers import as_real_number, plain_number
from ._suggest import did_you_mean
from ._table import align_rows
from ._text import clip, short_repr

#: Statuses a trial goes through: pending -> running -> ok | failed | interrupted.
STATUSES = ("pending", "running", "ok", "failed", "interrupted")

#: The columns of a row that are not swept keys; a result key never takes one.
FIXED_COLUMNS = ("trial", "status", "seconds", "error")


@dataclass
class Trial:
    """One trial of a sweep: its number and values, and what running it gave.

    >>> trial = Trial(3, {"train.lr": 0.1}, status="ok", result={"loss": 0.2, "acc": 0.9})
    >>> trial.metrics()
    {'loss': 0.2, 'acc': 0.9}
    """

    number: int
    values: dict[str, Any]
    status: str = "pending"
    result: Any = None
    seconds: float = 0.0
    error: Optional[str] = None
    traceback: Optional[str] = None
    folder: Optional[Path] = None
    argv: Optional[list[str]] = field(default=None, repr=False)

    def metrics(self) -> dict[str, Any]:
        """Return the result as columns: ``result`` for a scalar, one per key of a (nested) mapping.

        Numbers of other libraries (``np.float32``, a 0-d tensor) are plain ``int``/``float``.
        """
        if self.status != "ok":
            return {}
        if isinstance(self.result, Mapping):
            return _flatten_metrics(self.result, "")
        if self.result is None:
            return {}
        return {"result": plain_number(self.result)}


def _flatten_metrics(mapping: Mapping[Any, Any], prefix: str) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            columns.update(_flatten_metrics(value, name + "."))
        else:
            columns[name] = plain_number(value)
    return columns


class TrialSource(Protocol):
    """Where a sweep's trials come from: a grid, a random or a Bayesian search.

    The driver asks for a trial whenever a worker is free and tells the source
    each result as it arrives, so no trial waits for a batch.
    """

    #: How many trials to expect, for the progress line; None when unknown.
    total: Optional[int]

    def open(self, folder: Optional[Path]) -> None:
        """Learn the sweep's folder (None: none), before anything else; a study may live there."""

    def resume(self, earlier: Sequence[Trial]) -> None:
        """Learn the trials a resumed sweep folder holds (any status), before the first ask."""

    def ask(self) -> Optional[Trial]:
        """Return the next trial to run (its number names its folder), or None when there is none."""

    def tell(self, trial: Trial) -> None:
        """Learn the outcome of a finished trial."""

    def describe(self) -> dict[str, Any]:
        """Describe the source in JSON-able form, saved with the sweep, enough to rebuild the source."""


@dataclass(frozen=True)
class Objective:
    """Which number of a trial's result to rank trials by, and in which direction.

    ``metric`` names a key of a returned mapping (dotted for nested ones); None
    ranks by the result itself.

    >>> Objective("loss").read_value(Trial(0, {}, status="ok", result={"loss": 0.5}))
    0.5
    >>> Objective(minimize=False).is_better(2.0, 1.0)
    True
    """

    metric: Optional[str] = None
    minimize: bool = True

    @property
    def label(self) -> str:
        """The column the objective reads."""
        return self.metric or "result"

    def read_value(self, trial: Trial) -> Optional[float]:
        """Return the trial's number for this objective, or None (failed, missing, not a number)."""
        found = as_real_number(trial.metrics().get(self.label))
        if found is None or math.isnan(found):
            return None
        return float(found)

    def explain_problem(self, trial: Trial) -> Optional[str]:
        """Why the successful ``trial`` has no number for this objective, or None when it has one.

        >>> Objective("los").explain_problem(Trial(0, {}, status="ok", result={"loss": 0.5, "acc": 0.9}))
        "The objective 'los' is not among the returned keys 'acc', 'loss'. Did you mean 'loss'?"
        >>> Objective("loss").explain_problem(Trial(0, {}, status="ok", result={"loss": "low"}))
        "The objective 'loss' must be a number, not 'low'."
        """
        columns = trial.metrics()
        what = f"The objective {self.label!r}" if self.metric else "The objective (the result itself)"
        if self.label in columns:
            found = columns[self.label]
            if as_real_number(found) is None:
                return f"{what} must be a number, not {short_repr(found)}."
            return None  # NaN included: a number, just never the best
        if isinstance(trial.result, Mapping) and columns:
            keys = ", ".join(repr(key) for key in sorted(columns))
            if self.metric is None:
                return (
                    f"{what} must be a number, but the trial returned a mapping with keys {keys}; "
                    "name one of them as the objective."
                )
            hint = did_you_mean(self.label, columns)
            return f"{what} is not among the returned keys {keys}." + (f" {hint}" if hint else "")
        if self.metric is None:
            return f"{what} must be a number, not {short_repr(trial.result)}."
        return (
            f"{what} must be a key of a returned mapping, but the trial returned {short_repr(trial.result)}."
        )

    def is_better(self, candidate: float, incumbent: float) -> bool:
        """Whether ``candidate`` beats ``incumbent``."""
        return candidate < incumbent if self.minimize else candidate > incumbent

    def find_best(self, trials: Sequence[Trial]) -> Optional[Trial]:
        """Return the best trial with a value, the earliest on ties; None if none has one."""
        best: Optional[Trial] = None
        best_value = 0.0
        for trial in trials:
            value = self.read_value(trial)
            if value is not None and (best is None or self.is_better(value, best_value)):
                best, best_value = trial, value
        return best


class SweepResult(Sequence[Trial]):
    """The trials of a sweep, in trial order; prints as a table.

    >>> result = SweepResult(
    ...     [Trial(0, {"lr": 0.1}, "ok", 0.25, 1.5), Trial(1, {"lr": 0.01}, "failed", None, 0.5,
    ...      "ValueError: diverged")], ["lr"])
    >>> print(result)
    trial  lr    status  seconds  result  error
    0      0.1   ok      1.50     0.25
    1      0.01  failed  0.50             ValueError: diverged
    >>> result.rows()[0]
    {'trial': 0, 'lr': 0.1, 'status': 'ok', 'seconds': 1.5, 'result': 0.25}
    >>> result.ok, [trial.number for trial in result.failed]
    (False, [1])
    """

    def __init__(
        self,
        trials: Sequence[Trial],
        keys: Sequence[str],
        folder: Optional[Path] = None,
        objective: Optional[Objective] = None,
    ) -> None:
        self.trials = sorted(trials, key=lambda trial: trial.number)
        self.keys = list(keys)
        self.folder = folder
        self.objective = objective

    @overload
    def __getitem__(self, index: int) -> Trial: ...
    @overload
    def __getitem__(self, index: slice) -> list[Trial]: ...
    def __getitem__(self, index: Union[int, slice]) -> Union[Trial, list[Trial]]:
        return self.trials[index]

    def __len__(self) -> int:
        return len(self.trials)

    def __iter__(self) -> Iterator[Trial]:
        return iter(self.trials)

    @property
    def failed(self) -> list[Trial]:
        """The trials that did not succeed (failed or interrupted)."""
        return [trial for trial in self.trials if trial.status != "ok"]

    @property
    def ok(self) -> bool:
        """Whether every trial succeeded."""
        return not self.failed

    def best(self, metric: Optional[str] = None, *, maximize: Optional[bool] = None) -> Optional[Trial]:
        """Return the best successful trial: smallest ``metric`` (a result key; None: the result itself).

        With neither argument, the sweep's own objective (``minimize=`` /
        ``maximize=``) decides, else the smallest result. None if no trial has a number.
        """
        if metric is None and maximize is None and self.objective is not None:
            return self.objective.find_best(self.trials)
        return Objective(metric, not maximize).find_best(self.trials)

    def columns(self) -> list[str]:
        """Return the columns of :meth:`rows` and ``results.csv``, in order."""
        metrics: dict[str, None] = {}
        for trial in self.trials:
            metrics.update(dict.fromkeys(self._collect_result_columns(trial)))
        error = ["error"] if any(trial.error for trial in self.trials) else []
        return ["trial", *self.keys, "status", "seconds", *metrics, *error]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per trial: number, swept values, status, seconds, result columns, error.

        A result key that is also a swept key or a fixed column is ``result.<key>``:

        >>> SweepResult([Trial(0, {"lr": 0.1}, "ok", {"lr": 0.2, "status": "done"})], ["lr"]).rows()
        [{'trial': 0, 'lr': 0.1, 'status': 'ok', 'seconds': 0.0, 'result.lr': 0.2, 'result.status': 'done'}]
        """
        rows = []
        for trial in self.trials:
            row: dict[str, Any] = {"trial": trial.number}
            row.update((key, plain_number(trial.values.get(key))) for key in self.keys)
            row.update(status=trial.status, seconds=round(trial.seconds, 6))
            row.update(self._collect_result_columns(trial))
            if trial.error:
                row["error"] = trial.error
            rows.append(row)
        return rows

    def _collect_result_columns(self, trial: Trial) -> dict[str, Any]:
        """Return the trial's result columns, a name the row already has moved to ``result.<name>``."""
        taken = {*FIXED_COLUMNS, *self.keys}
        metrics = trial.metrics()
        columns: dict[str, Any] = {}
        for name, value in metrics.items():
            shown = name
            while shown in taken or shown in columns or (shown != name and shown in metrics):
                shown = f"result.{shown}"
            columns[shown] = value
        return columns

    def table(self, width: int = 60) -> str:
        """Format the rows as aligned text columns; long cells are cut to ``width`` characters."""
        columns = self.columns()
        cells = [columns] + [
            [_format_result_cell(column, row.get(column, ""), width) for column in columns]
            for row in self.rows()
        ]
        return "\n".join(align_rows(cells))

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        failed = len(self.failed)
        where = f", folder={str(self.folder)!r}" if self.folder else ""
        return f"<SweepResult {len(self)} trials: {len(self) - failed} ok, {failed} not ok{where}>"


def _format_result_cell(column: str, value: Any, width: int) -> str:
    """One table cell: seconds with two decimals, floats in short form, the rest as written."""
    if column == "seconds" and isinstance(value, float):
        text = f"{value:.2f}"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    else:
        text = format_value(value)
    return clip(text, width)
