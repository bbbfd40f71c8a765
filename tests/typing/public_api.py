"""What users' type checkers see of the public API: `mypy tests/typing` must pass (CI runs it).

Each ``assert_type`` pins one inferred type; a change that loosens it to ``Any`` or breaks a
signature fails the check. Nothing here runs: the module only holds functions for mypy.
"""

from __future__ import annotations

import dataclasses
import pathlib
from typing import TYPE_CHECKING, Any, Callable

import hyperparameter as hp

if TYPE_CHECKING:
    from typing_extensions import assert_type


class Train(hp.Params, namespace="train"):
    lr = hp.Float(1e-3, bounds=(0, 1))
    layers = hp.Int(3)
    debug = hp.Bool(False)
    name = hp.Str("run")
    dims = hp.List([64])
    extra = hp.Dict({})
    reduce = hp.Callable(sum)


@dataclasses.dataclass
class Schema:
    lr: float = 0.1


@hp.param("train")
def train(data: str, lr: float = 1e-3, epochs: int = 10) -> list[float]:
    return [lr] * epochs


def declared_reads() -> None:
    config = Train()
    assert_type(config.lr, float)
    assert_type(config.layers, int)
    assert_type(config.debug, bool)
    assert_type(config.name, str)
    assert_type(config.dims, list[Any])
    assert_type(config.extra, dict[str, Any])
    assert_type(config.reduce, Callable[..., Any])
    assert_type(Train.lr, float)


def declared_writes() -> None:
    config = Train()
    config.lr = 0.5
    config.layers = 4
    config.layers = "4"  # type: ignore[assignment]


def injected_function_keeps_its_signature() -> None:
    assert_type(train("data"), list[float])
    train("data", lr=0.1)
    train()  # type: ignore[call-arg]


def config_with_a_schema() -> None:
    assert_type(hp.config({"lr": 0.2}, schema=Schema), Schema)
    assert_type(hp.config({"lr": 0.2}), dict[str, Any])


def scope_reads() -> None:
    with hp.scope(**{"train.lr": 0.01}) as ps:
        assert_type(ps, hp.Scope)


def bound_call_keeps_the_signature() -> None:
    bound = hp.bind_scope(train)
    assert_type(bound("data", lr=0.1), list[float])
    bound(data="x", epochs=2)
    bound(1)  # type: ignore[arg-type]
    bound("data", unknown=1)  # type: ignore[call-arg]


def searches_and_their_picture() -> None:
    result = hp.sweep(
        lambda: 0.5, {"train": Train, "train.lr": "loguniform(1e-4, 1e-1)"}, search="random", trials=4, seed=0
    )
    assert_type(result, hp.SweepResult)
    best = result.best()
    if best is not None:
        assert_type(best.values, dict[str, Any])
    assert_type(hp.plot_sweep(result, "sweep.png"), pathlib.Path)
    assert_type(hp.trial_should_stop(), bool)
    hp.sweep(lambda: 0.5, {"x": [1, 2]}, trials="4")  # type: ignore[arg-type]
