"""Benchmark the core hot paths against baselines measured in the same process.

Run: ``python benchmarks/bench_core.py`` (after ``pip install .``); with
``HYPERPARAMETER_PURE_PYTHON=1`` it measures the pure-Python code instead of
the compiled fast paths.

Each figure is a ratio: the best time of the hyperparameter operation over the
best time of its baseline, the two measured in alternating rounds so that noise
from the machine affects both alike. The targets come from issue 2 (the call
form's, the converted string's and the method's are ours, the same as for
``|`` and for functions; the ``@hp.param`` calls' 6x, whichever default the
scope supplies, from issue 21) and hold for CPython 3.11 with the compiled
fast paths; the pure-Python code misses the read and ``with`` ones.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Callable

import hyperparameter as hp
from hyperparameter import _acceleration

# Many short rounds: the best of them is reached even on a machine with long noisy spells.
ROUNDS = 60
NUMBER = 5000


def best_ratio(subject: Callable[[], object], baseline: Callable[[], object]) -> float:
    """Best-of-ROUNDS time of ``subject`` over that of ``baseline``, measured alternately."""
    subject_timer, baseline_timer = timeit.Timer(subject), timeit.Timer(baseline)
    best_subject = best_baseline = float("inf")
    for _ in range(ROUNDS):
        best_baseline = min(best_baseline, baseline_timer.timeit(NUMBER))
        best_subject = min(best_subject, subject_timer.timeit(NUMBER))
    return best_subject / best_baseline


class Train(hp.Params, namespace="train"):
    lr = hp.Float(1e-3, bounds=(0, 1))


def train_step(lr: float = 0.1, batch_size: int = 32, epochs: int = 10) -> float:
    return lr


class Model:
    def forward(self, x: float, scale: float = 1.0, shift: float = 0.0) -> float:
        return x * scale + shift


class InjectedModel(Model):
    """The same model with its method decorated: the same body, so only the injection differs."""

    forward = hp.param("model")(Model.forward)


def baselines() -> dict[str, Callable[[], object]]:
    plain = {"a.b.c": 1}
    var: ContextVar[int] = ContextVar("bench")

    def set_reset() -> None:
        token = var.set(1)
        var.reset(token)

    model = Model()

    return {
        "dict.get": lambda: plain.get("a.b.c", 1),
        "contextvar": set_reset,
        "undecorated": train_step,
        "undecorated method": lambda: model.forward(2.0),
        "scope read": lambda: hp.scope.train.lr | 1e-3,
    }


def subjects() -> dict[str, tuple[str, Callable[[], object], float]]:
    """name -> (baseline name, operation, target ratio)."""

    train = hp.param("train")(train_step)
    # The same function with the scope supplying another of its defaults (see SCOPE_VALUES).
    middle = hp.param("middle")(train_step)
    last = hp.param("last")(train_step)
    model = InjectedModel()

    def read_set() -> object:
        return hp.scope.a.b.c | 1

    def read_missing() -> object:
        return hp.scope.a.b.missing | 1

    def read_called() -> object:
        return hp.scope.a.b.c(1)

    def read_converted() -> object:
        return hp.scope.cli.lr | 0.001

    config = Train()

    def declared_read() -> object:
        return config.lr

    def enter_exit() -> None:
        with hp.scope(**{"a.b": 1}):
            pass

    return {
        "read, key set": ("dict.get", read_set, 5.0),
        "read, key missing": ("dict.get", read_missing, 5.0),
        "read, as a call a.b.c(1)": ("dict.get", read_called, 5.0),
        "read of a -D string as a float": ("dict.get", read_converted, 5.0),
        "@hp.param call, 1st of 3 set": ("undecorated", train, 6.0),
        "@hp.param call, 2nd of 3 set": ("undecorated", middle, 6.0),
        "@hp.param call, 3rd of 3 set": ("undecorated", last, 6.0),
        "@hp.param method(x), 1 of 2 set": ("undecorated method", lambda: model.forward(2.0), 10.0),
        "with hp.scope(**{'a.b': 1})": ("contextvar", enter_exit, 5.0),
        "declared Train().lr (issue 7)": ("scope read", declared_read, 2.0),
    }


class _NoOp:
    """The least a scope can be: built by a keyword call, entered and left doing nothing."""

    __slots__ = ("values",)

    def __init__(self, **values: object) -> None:
        self.values = values

    def __enter__(self) -> _NoOp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None


def floor_of_with() -> float:
    """Measure what ``with _NoOp(**{'a.b': 1}): pass`` costs, as a ratio to a ContextVar set + reset."""

    def no_op() -> None:
        with _NoOp(**{"a.b": 1}):
            pass

    return best_ratio(no_op, baselines()["contextvar"])


def measure() -> dict[str, float]:
    """Every ratio, with one key in one scope around the measurement."""
    base = baselines()
    return {
        name: best_ratio(operation, base[baseline]) for name, (baseline, operation, _) in subjects().items()
    }


def nested(keys: int, depth: int) -> hp.Scope:
    """Enter ``depth`` scopes holding ``keys`` keys in all, plus the benchmark's own."""
    per_level = max(1, keys // depth)
    scopes = []
    for level in range(depth):
        values = {f"outer{level}.k{i}": i for i in range(per_level)}
        scopes.append(hp.scope(**values))
    for each in scopes:
        each.__enter__()
    inner = hp.scope(**SCOPE_VALUES)
    inner.__enter__()
    return inner


# The values in force while measuring.
SCOPE_VALUES = {
    "a.b.c": 1,
    "train.lr": 0.5,
    "middle.batch_size": 64,
    "last.epochs": 3,
    "model.shift": 1.0,
    "cli.lr": "0.01",
}


def _paused_in_a_block() -> Iterator[None]:
    with hp.scope(**{"gen.v": 1}):
        yield


def generator_costs() -> dict[str, float]:
    """Each operation while a generator is paused in its own block, over the same with none.

    A generator's blocks follow it wherever it is resumed (see docs/scopes.md):
    while one is open, the operations take the general path that finds them.
    """
    operations = {name: operation for name, (_, operation, _) in subjects().items()}
    paused = _paused_in_a_block()
    costs = {}
    for name, operation in operations.items():
        timer = timeit.Timer(operation)
        best_without = best_with = float("inf")
        for _ in range(ROUNDS // 3):
            best_without = min(best_without, timer.timeit(NUMBER))
            next(paused)
            best_with = min(best_with, timer.timeit(NUMBER))
            paused.close()
            paused = _paused_in_a_block()
        costs[name] = best_with / best_without
    return costs


def main() -> int:
    paths = "compiled fast paths" if _acceleration.ACTIVE else "pure Python"
    print(f"Python {sys.version.split()[0]}, {paths}; ratios to same-process baselines (target in brackets)")
    targets = {name: target for name, (_, _, target) in subjects().items()}
    with hp.scope(**SCOPE_VALUES):
        small = measure()
    inner = nested(keys=1000, depth=10)
    large = measure()
    inner.__exit__(None, None, None)
    failures = 0
    for name, ratio in small.items():
        growth = large[name] / ratio
        ok = ratio <= targets[name] and growth <= 1.3
        failures += not ok
        print(
            f"{'ok  ' if ok else 'SLOW'} {name:32s} {ratio:5.2f}x [{targets[name]:.0f}x]   "
            f"1000 keys / 10 scopes: {large[name]:5.2f}x (growth {growth:4.2f} [1.3])"
        )
    print(
        f"     (floor: a with block on a do-nothing object built by a keyword call is "
        f"{floor_of_with():.2f}x the ContextVar pair)"
    )
    with hp.scope(**SCOPE_VALUES):
        costs = generator_costs()
    print(
        "     while a generator is paused in its own block (the cost of generators' blocks following them):"
    )
    for name, cost in costs.items():
        print(f"     {name:32s} {cost:5.2f}x the same with none")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
