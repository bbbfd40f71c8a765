"""Benchmark re-reads inside ``hp.record()`` against the same reads without a record.

Run: ``python benchmarks/bench_record.py`` (after ``pip install .``); with
``HYPERPARAMETER_PURE_PYTHON=1`` it measures the pure-Python code instead of
the compiled fast paths.

A record costs on the first read of a key at a scope level only; a re-read is
the same dict hit as without a record. Each figure is a ratio: the best time
of a read in a context with a record open over the best time of the same read
in a context without one, timed in alternating rounds in the same process.
The target (issue 13) is at most 1.5x.
"""

from __future__ import annotations

import contextvars
import sys
import timeit
from typing import Callable

import hyperparameter as hp
from hyperparameter import _acceleration

ROUNDS = 60
NUMBER = 5000
TARGET = 1.5


class Train(hp.Params, namespace="train"):
    lr = hp.Float(1e-3, bounds=(0, 1))


def train_step(lr: float = 0.1, batch_size: int = 32, epochs: int = 10) -> float:
    return lr


def subjects() -> dict[str, Callable[[], object]]:
    """Return the reads measured: each one is also read once before timing, so timing sees re-reads."""
    train = hp.param("train")(train_step)
    config = Train()
    return {
        "read, key set": lambda: hp.scope.a.b.c | 1,
        "read, key missing": lambda: hp.scope.a.b.missing | 1,
        "read, as a call a.b.c(1)": lambda: hp.scope.a.b.c(1),
        "read of a -D string as a float": lambda: hp.scope.cli.lr | 0.001,
        "@hp.param call, 1 of 3 set": train,
        "declared Train().lr": lambda: config.lr,
    }


def in_context(setup: Callable[[], None]) -> contextvars.Context:
    """Return a fresh context with the benchmark's scope entered (and whatever ``setup`` opens)."""
    context = contextvars.Context()

    def enter() -> None:
        hp.scope(**{"a.b.c": 1, "train.lr": 0.5, "cli.lr": "0.01"}).__enter__()
        setup()

    context.run(enter)
    return context


def best_ratio(
    read: Callable[[], object], recorded: contextvars.Context, plain: contextvars.Context
) -> float:
    """Best-of-ROUNDS time of ``read`` in ``recorded`` over that in ``plain``, measured alternately."""
    timer = timeit.Timer(read)
    recorded.run(read)
    plain.run(read)
    best_recorded = best_plain = float("inf")
    for _ in range(ROUNDS):
        best_plain = min(best_plain, plain.run(timer.timeit, NUMBER))
        best_recorded = min(best_recorded, recorded.run(timer.timeit, NUMBER))
    return best_recorded / best_plain


def main() -> int:
    paths = "compiled fast paths" if _acceleration.ACTIVE else "pure Python"
    print(
        f"Python {sys.version.split()[0]}, {paths}; re-read with a record open / without [target {TARGET}x]"
    )
    record = hp.record()
    recorded = in_context(lambda: record.__enter__() and None)
    plain = in_context(lambda: None)
    failures = 0
    for name, read in subjects().items():
        ratio = best_ratio(read, recorded, plain)
        ok = ratio <= TARGET
        failures += not ok
        print(f"{'ok  ' if ok else 'SLOW'} {name:32s} {ratio:5.2f}x")
    print(f"     ({len(record.reads)} keys recorded)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
