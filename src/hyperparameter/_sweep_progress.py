"""The progress line of a sweep, on stderr.

On a terminal one line is rewritten in place (at most ten times a second);
elsewhere (a log file, CI, a notebook) each finished trial prints one line.

>>> import io
>>> stream = io.StringIO()
>>> progress = Progress(2, stream, Objective("loss"), clock=iter([0.0, 1.5, 3.0]).__next__)
>>> progress.report_finished(Trial(0, {"lr": 0.1}, "ok", {"loss": 0.5}, 1.5), running=1)
>>> progress.report_finished(Trial(1, {"lr": 0.2}, "failed", None, 1.5, "ValueError: x"), running=0)
>>> print(stream.getvalue(), end="")
sweep: trial 0 ok (lr=0.1) | 1/2 done, 0 failed, 1 running, 1.5s elapsed, best loss=0.5 (trial 0)
sweep: trial 1 failed: ValueError: x (lr=0.2) | 2/2 done, 1 failed, 0 running, 3.0s elapsed, best loss=0.5 (trial 0)
"""  # noqa: E501

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

from ._grammar import format_value
from ._sweep_trial import Objective, Trial

_REFRESH = 0.1


class Progress:
    """Counts trials and shows where the sweep is."""

    def __init__(
        self,
        total: Optional[int],
        stream: Optional[TextIO] = None,
        objective: Optional[Objective] = None,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.objective = objective
        self.clock = clock
        self.enabled = enabled
        self.tty = enabled and _is_tty(self.stream)
        self.started = clock()
        self.done = self.failed = self.running = 0
        self.best: Optional[Trial] = None
        self.best_value = 0.0
        self._shown = 0.0

    def count(self, earlier: list[Trial]) -> None:
        """Count the trials a resumed sweep had already finished."""
        for trial in earlier:
            self._record(trial)

    def _record(self, trial: Trial) -> None:
        self.done += 1
        self.failed += trial.status != "ok"
        value = self.objective.read_value(trial) if self.objective else None
        if value is not None and (self.best is None or self.objective.is_better(value, self.best_value)):  # type: ignore[union-attr]
            self.best, self.best_value = trial, value

    def report_finished(self, trial: Trial, running: int) -> None:
        """Report that a trial ended; ``running`` trials are still in flight."""
        self._record(trial)
        self.running = running
        if not self.enabled:
            return
        if self.tty:
            self.tick(force=True)
            return
        outcome = trial.status + (f": {trial.error}" if trial.error else "")
        values = ", ".join(f"{key}={format_value(value)}" for key, value in trial.values.items())
        self.stream.write(f"sweep: trial {trial.number} {outcome} ({values}) | {self.format_line()}\n")
        self.stream.flush()

    def tick(self, running: Optional[int] = None, force: bool = False) -> None:
        """Refresh the line in place on a terminal (rate-limited unless ``force``)."""
        if running is not None:
            self.running = running
        if not self.tty:
            return
        now = self.clock()
        if force or now - self._shown >= _REFRESH:
            self._shown = now
            self.stream.write("\r\x1b[K" + "sweep: " + self.format_line())
            self.stream.flush()

    def format_line(self) -> str:
        """Done/total, failed, running, elapsed, and the best so far when there is an objective."""
        total = "?" if self.total is None else str(self.total)
        text = (
            f"{self.done}/{total} done, {self.failed} failed, {self.running} running, "
            f"{self.clock() - self.started:.1f}s elapsed"
        )
        if self.best is not None and self.objective is not None:
            text += f", best {self.objective.label}={self.best_value:.6g} (trial {self.best.number})"
        return text

    def close(self, message: str = "") -> None:
        """End the line on a terminal, then print ``message`` (if any) on its own line."""
        if not self.enabled:
            return
        if self.tty:
            self.tick(force=True)
            self.stream.write("\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
