"""The picture of a sweep: the metric against each swept key, and over the trials.

Drawn with matplotlib's object API (no pyplot, no global backend switch), so
it is safe in a notebook, a thread or a headless run; matplotlib is imported
only here, and its absence is an error naming the extra to install.
"""

from __future__ import annotations

import contextlib
import csv
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

from ._search_space import LOG_RATIO
from ._suggest import did_you_mean
from ._sweep_folder import PathLike, SweepFolder
from ._sweep_trial import Objective, SweepResult
from .exceptions import MissingDependencyError, SweepError

PICTURE = "sweep.png"
INSTALL = "pip install 'hyperparameter[plot]'"
_BEST = {"marker": "*", "s": 220, "color": "#d62728", "edgecolors": "black", "zorder": 3}


def plot_sweep(
    sweep: Union[SweepResult, PathLike],
    path: Optional[PathLike] = None,
    *,
    metric: Optional[str] = None,
    maximize: Optional[bool] = None,
) -> Path:
    """Draw a sweep's results to ``DIR/sweep.png`` (or ``path``) and return where.

    ``sweep`` is what ``hp.sweep`` returned, or the folder a sweep wrote. The
    picture has the metric against each swept key (on a log axis for a
    ``loguniform`` key or values spanning 100 times or more) and the metric over
    the trials with the best so far; the best trial is a star. The metric is
    ``metric``, else the sweep's ``minimize=``/``maximize=``, else its only
    result column with numbers. The best is the lowest or the highest as
    ``maximize`` says, else as the sweep's objective says; with neither, no
    trial is starred, and the title says so.

    >>> import hyperparameter as hp, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "lr"
    >>> result = hp.sweep(lambda: (hp.scope.lr | 0.1) ** 2, {"lr": [0.5, 0.1, 0.3]},
    ...                   runs=folder, progress=False)
    >>> hp.plot_sweep(result) == folder / "sweep.png"
    True

    Raises:
        MissingDependencyError: matplotlib is not installed (``hyperparameter[plot]``).
        SweepError: no trial has a number in the metric (the message names the
            columns that have numbers), several columns have numbers and none is
            named, or no ``path`` for a sweep without a folder.
    """
    Figure = import_figure()
    if isinstance(sweep, SweepResult):
        rows, keys, folder = sweep.rows(), sweep.keys, sweep.folder
        description = _read_description(folder) if folder is not None else {}
        saved = sweep.objective
    else:
        folder = Path(sweep)
        description = SweepFolder.open(folder).description
        rows, keys = _read_rows(folder / "results.csv"), list(description.get("keys", []))
        saved = _read_saved_objective(description)
    if path is None and folder is None:
        raise SweepError("This sweep has no folder; pass path= for the picture (e.g. 'sweep.png').")
    column, minimize = choose_metric(rows, keys, metric, maximize, saved)
    target = Path(path) if path is not None else Path(folder or ".") / PICTURE
    with _silence_warnings():
        figure = figure_of(Figure, rows, keys, column, minimize=minimize, log_keys=_log_keys(description))
        figure.savefig(target, dpi=100)
    return target


def choose_metric(
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    metric: Optional[str],
    maximize: Optional[bool],
    saved: Optional[Objective],
) -> tuple[str, Optional[bool]]:
    """Return the column to plot and whether its best is the lowest (None: no direction is known).

    >>> rows = [{"trial": 0, "x": 1, "status": "ok", "loss": 0.5, "acc": 0.9}]
    >>> choose_metric(rows, ["x"], None, None, Objective("loss"))
    ('loss', True)
    >>> choose_metric(rows, ["x"], "acc", None, Objective("loss"))
    ('acc', None)
    >>> choose_metric(rows, ["x"], "acc", True, None)
    ('acc', False)

    Raises:
        SweepError: ``metric`` has no number in any trial, or none is named
            and several columns have numbers.
    """
    numbers = _number_columns(rows, keys)
    if metric is None and saved is not None:
        metric = saved.label
    if metric is None:
        metric = _only_number_column(rows, numbers)
    column = _find_result_column(metric, rows)
    if column not in numbers:
        raise SweepError(_no_number_message(metric, rows, numbers))
    if maximize is not None:
        return column, not maximize
    if saved is not None and saved.label == metric:
        return column, saved.minimize
    return column, None


def _number_columns(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[str]:
    """Return the result columns that hold a number in some trial, in the order they first appear."""
    skipped = {"trial", "status", "seconds", "error", *keys}
    columns = dict.fromkeys(column for row in rows for column in row if column not in skipped)
    return [
        column for column in columns if any(_to_finite_float(row.get(column)) is not None for row in rows)
    ]


def _only_number_column(rows: Sequence[Mapping[str, Any]], numbers: list[str]) -> str:
    """Return the column to plot when neither a metric nor an objective names one."""
    if "result" in numbers or len(numbers) == 1:
        return "result" if "result" in numbers else numbers[0]
    if not numbers:
        raise SweepError(_no_number_message(None, rows, numbers))
    raise SweepError(
        f"This sweep has several result columns with numbers ({_listed(numbers)}) and no objective; "
        "name the one to plot with metric= (--minimize/--maximize METRIC with --plot)."
    )


def _no_number_message(metric: Optional[str], rows: Sequence[Mapping[str, Any]], numbers: list[str]) -> str:
    """Say that no trial returned a number in ``metric`` (None: in any column), and which columns have one."""
    ok = sum(row.get("status") == "ok" for row in rows)
    trials = f"{len(rows)} trial{'s' if len(rows) != 1 else ''}, {ok} of them ok"
    if not numbers:
        what = f" in {metric!r}" if metric is not None else ""
        return f"No trial of this sweep returned a number{what} to plot ({trials})."
    hint = did_you_mean(str(metric), numbers)
    return (
        f"No trial of this sweep returned a number in {metric!r}; "
        f"the columns with numbers are {_listed(numbers)}. {hint}"
    ).rstrip()


def _listed(columns: Sequence[str]) -> str:
    return ", ".join(repr(column) for column in columns)


@contextlib.contextmanager
def _silence_warnings() -> Iterator[None]:
    """Ignore deprecation warnings while matplotlib loads and draws.

    Older matplotlib releases call pyparsing names that newer pyparsing
    releases deprecate (when loading, and when parsing fonts to draw):
    nothing a user of the picture can act on.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _read_description(folder: Path) -> dict[str, Any]:
    try:
        return SweepFolder.open(folder).description
    except SweepError:
        return {}


def _read_saved_objective(description: Mapping[str, Any]) -> Optional[Objective]:
    saved = description.get("objective")
    if isinstance(saved, list) and len(saved) == 2:  # a launcher sweep writes [metric, minimize]
        return Objective(saved[0], bool(saved[1]))
    if not isinstance(saved, Mapping):
        return None
    return Objective(saved.get("metric"), bool(saved.get("minimize", True)))


def _log_keys(description: Mapping[str, Any]) -> list[str]:
    """Return the keys a saved search draws on a log scale."""
    space = description.get("source", {}).get("space", {})
    return [key for key, form in space.items() if isinstance(form, list) and form[:1] == ["loguniform"]]


def _read_rows(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file))
    except FileNotFoundError:
        raise SweepError(f"The sweep folder {str(path.parent)!r} has no results.csv yet.") from None


def _find_result_column(metric: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """Find the column of result ``metric``: ``result.<metric>`` if a swept key took its name."""
    moved = f"result.{metric}"
    return moved if any(moved in row for row in rows) else metric


def import_figure() -> Any:
    """matplotlib's ``Figure`` class, or MissingDependencyError naming the extra."""
    try:
        with _silence_warnings():
            from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError("matplotlib", "Plotting a sweep", INSTALL) from None
    return Figure


def figure_of(
    Figure: Any,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    metric: str,
    *,
    minimize: Optional[bool] = True,
    log_keys: Sequence[str] = (),
) -> Any:
    """Draw the figure of ``rows`` (as ``results.csv`` holds them): a panel per key, and one over trials.

    ``minimize`` None (no direction known) stars no trial and draws no best so far.
    """
    points = [(row, number) for row in rows if (number := _to_finite_float(row.get(metric))) is not None]
    columns = max(1, min(3, len(keys)))
    lines = math.ceil(len(keys) / columns)
    figure = Figure(figsize=(4.4 * max(columns, 2), 3.3 * (lines + 1)), layout="constrained")
    grid = figure.add_gridspec(lines + 1, columns)
    best = _find_best(points, minimize) if minimize is not None else None
    for index, key in enumerate(keys):
        axis = figure.add_subplot(grid[index // columns, index % columns])
        _plot_against(axis, key, points, best, key in log_keys)
        _finish(axis, metric)
    axis = figure.add_subplot(grid[lines, :])
    _plot_over_trials(axis, points, best, minimize)
    _finish(axis, metric)
    if minimize is None:
        marked = "no objective, so no best is starred (pass maximize=True or False)"
    else:
        marked = f"star = {'lowest' if minimize else 'highest'}"
    figure.suptitle(f"{metric}: {len(points)} of {len(rows)} trials with a value; {marked}")
    return figure


def _finish(axis: Any, metric: str) -> None:
    axis.set_ylabel(metric)
    axis.grid(alpha=0.3)


def _to_finite_float(value: Any) -> Optional[float]:
    """``value`` as a finite float (numbers, or their text in a CSV), else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _find_best(points: list[tuple[Mapping[str, Any], float]], minimize: bool) -> Optional[tuple[Any, float]]:
    if not points:
        return None
    return min(points, key=lambda point: point[1] if minimize else -point[1])


def _plot_against(
    axis: Any,
    key: str,
    points: list[tuple[Mapping[str, Any], float]],
    best: Optional[tuple[Any, float]],
    log: bool,
) -> None:
    """Plot the metric against one key: numbers on a (log) axis, other values as categories."""
    values = [row.get(key) for row, _ in points]
    numbers = [_to_finite_float(value) for value in values]
    if all(number is not None for number in numbers):
        xs: list[Any] = numbers
        positive = [number for number in numbers if number is not None and number > 0]
        if len(positive) == len(numbers) and positive and (log or max(positive) / min(positive) >= LOG_RATIO):
            axis.set_xscale("log")
        position = _to_finite_float(best[0].get(key)) if best else None
    else:
        labels = sorted({str(value) for value in values})
        xs = [labels.index(str(value)) for value in values]
        axis.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 4 else 0)
        axis.set_xlim(-0.5, len(labels) - 0.5)
        position = labels.index(str(best[0].get(key))) if best else None
    axis.scatter(xs, [number for _, number in points], alpha=0.7, edgecolors="none")
    if best is not None:
        axis.scatter([position], [best[1]], **_BEST)
    axis.set_xlabel(key)


def _plot_over_trials(
    axis: Any,
    points: list[tuple[Mapping[str, Any], float]],
    best: Optional[tuple[Any, float]],
    minimize: Optional[bool],
) -> None:
    """Plot the metric of each trial in trial order, and with a direction the best so far as a step line."""
    numbers = [int(row.get("trial", index)) for index, (row, _) in enumerate(points)]
    ordered = sorted(zip(numbers, (value for _, value in points)))
    axis.scatter([n for n, _ in ordered], [v for _, v in ordered], alpha=0.7, edgecolors="none")
    if minimize is not None:
        running: list[float] = []
        for _, value in ordered:
            running.append(value if not running else (min if minimize else max)(running[-1], value))
        axis.step([n for n, _ in ordered], running, where="post", color="#d62728", label="best so far")
    if best is not None:
        axis.scatter([int(best[0].get("trial", 0))], [best[1]], **_BEST)
        axis.legend(loc="best", fontsize="small")
    axis.set_xlabel("trial")
