"""Random and Optuna searches through hp.sweep: spaces, seeds, objectives, resumption, asynchrony."""

from __future__ import annotations

import csv
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp
from hyperparameter._search import OptunaSource, RandomSource, build_sweep_source
from hyperparameter._search_space import Categorical, IntRange, Uniform
from hyperparameter._sweep_trial import Objective


def bowl() -> float:
    """Compute a known function to minimize: 0 at x=2, y=-1."""
    x, y = hp.scope.x | 0.0, hp.scope.y | 0.0
    return (x - 2) ** 2 + (y + 1) ** 2


BOWL = {"x": "uniform(-10, 10)", "y": "uniform(-10, 10)"}


# -- random search ---------------------------------------------------------------


def test_random_search_draws_the_asked_trials_within_the_space():
    """search='random' runs `trials` trials whose values lie in their spaces, swept keys first in rows."""
    space = {"x": "uniform(-1, 1)", "n": "int(1, 3)", "act": ["relu", "gelu"], "lr": "loguniform(1e-4, 1)"}
    result = hp.sweep(bowl, space, search="random", trials=30, seed=1, progress=False)
    assert len(result) == 30
    assert result.ok
    for trial in result:
        values = trial.values
        assert -1 <= values["x"] <= 1
        assert values["n"] in (1, 2, 3)
        assert values["act"] in ("relu", "gelu")
        assert 1e-4 <= values["lr"] <= 1
    assert {trial.values["n"] for trial in result} == {1, 2, 3}
    assert list(result.rows()[0])[:5] == ["trial", "x", "n", "act", "lr"]


def test_same_seed_same_trials_other_seed_others():
    """A seed repeats a random search exactly; another seed draws other values."""

    def values(seed: int) -> list[dict[str, Any]]:
        result = hp.sweep(bowl, BOWL, search="random", trials=6, seed=seed, jobs=3, progress=False)
        return [trial.values for trial in result]

    assert values(5) == values(5)
    assert values(5) != values(6)


def test_a_longer_search_starts_with_the_shorter_one():
    """With the same seed, the first trials of 10 are the trials of 4."""
    short = hp.sweep(bowl, BOWL, search="random", trials=4, seed=2, progress=False)
    long = hp.sweep(bowl, BOWL, search="random", trials=10, seed=2, progress=False)
    assert [t.values for t in long][:4] == [t.values for t in short]


def test_a_list_or_range_is_a_choice_of_exactly_the_grid_values():
    """In a search a list or range(a, b) offers the grid's values: range's stop is never drawn."""
    result = hp.sweep(bowl, {"x": range(1, 4)}, search="random", trials=60, seed=0, progress=False)
    assert {trial.values["x"] for trial in result} == {1, 2, 3}


def test_trials_run_in_their_scope_and_best_values_enter_a_scope():
    """Each trial reads its drawn values; result.best().values re-enters the best trial's scope."""
    result = hp.sweep(bowl, BOWL, search="random", trials=15, seed=4, minimize=True, progress=False)
    best = result.best()
    assert best is not None
    assert best.result == min(trial.result for trial in result)
    with hp.scope(**best.values):
        assert bowl() == best.result


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"search": "bayes", "trials": 3}, hp.SweepError, "Unknown search 'bayes'"),
        ({"search": "random"}, hp.SweepError, "needs the number of trials"),
        ({"search": "random", "trials": 0}, hp.SweepError, "positive number of trials, not 0"),
        ({"search": "random", "trials": True}, hp.SweepError, "positive number of trials, not True"),
        ({"trials": 3}, hp.SweepError, "trials= and seed= are for search="),
        ({"seed": 3}, hp.SweepError, "trials= and seed= are for search="),
    ],
)
def test_bad_search_arguments(kwargs, error, message):
    """Wrong search arguments fail before any trial runs, saying what is expected."""
    ran = []
    with pytest.raises(error, match=message):
        hp.sweep(lambda: ran.append(1), {"x": [1, 2]}, progress=False, **kwargs)
    assert ran == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.5", "expected uniform\\(a,b\\)"),
        ("uniform(1, 0)", "x=uniform\\(1, 0\\): uniform\\(a, b\\) needs a < b"),
        (0.5, "is float 0.5; expected a space text"),
        ([], "is an empty list"),
    ],
)
def test_bad_search_spaces_are_search_space_errors(value, message):
    """A space that is not one names the key and value, as a SearchSpaceError (a SweepError)."""
    with pytest.raises(hp.SearchSpaceError, match=message):
        hp.sweep(bowl, {"x": value}, search="random", trials=2, progress=False)


def test_resume_reruns_failed_random_trials_with_their_values(tmp_path: Path):
    """Resuming a random search (no seed given) reruns the failed trials with the values they had."""
    broken = {1, 3}
    seen: list[tuple[int, float]] = []

    def work() -> float:
        x = hp.scope.x()
        number = len(seen)
        seen.append((number, x))
        if number in broken:
            raise RuntimeError("not yet")
        return x

    first = hp.sweep(work, {"x": "uniform(0, 1)"}, search="random", trials=5, runs=tmp_path, progress=False)
    failed = {trial.number: trial.values for trial in first if trial.status == "failed"}
    assert sorted(failed) == [1, 3]
    broken.clear()
    seen.clear()
    second = hp.sweep(
        work, {"x": "uniform(0, 1)"}, search="random", trials=5, runs=tmp_path, resume=True, progress=False
    )
    assert second.ok
    assert sorted(x for _, x in seen) == sorted(values["x"] for values in failed.values())
    assert [t.values for t in second] == [t.values for t in first]


def test_results_csv_has_the_searched_keys_as_columns(tmp_path: Path):
    """results.csv has one column per searched key, as a grid sweep does."""
    hp.sweep(bowl, BOWL, search="random", trials=3, seed=0, runs=tmp_path, progress=False)
    with open(tmp_path / "results.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0])[:5] == ["trial", "x", "y", "status", "seconds"]
    assert len(rows) == 3
    saved = json.loads((tmp_path / "sweep.json").read_text())
    assert saved["source"]["search"] == "random"
    assert saved["source"]["space"] == {"x": ["uniform", -10.0, 10.0], "y": ["uniform", -10.0, 10.0]}


def test_random_source_is_told_nothing_and_hands_out_like_a_grid():
    """A random source numbers its trials 0..N-1 and skips the ok ones of a resumed sweep."""
    source = RandomSource({"x": Uniform(0, 1)}, trials=4, seed=9)
    source.open(None)
    from hyperparameter._sweep_trial import Trial

    source.resume([Trial(0, {}, "ok"), Trial(2, {}, "ok"), Trial(3, {}, "failed")])
    assert [trial.number for trial in iter(source.ask, None)] == [1, 3]


# -- Optuna ----------------------------------------------------------------------


@pytest.fixture
def optuna() -> Any:
    return pytest.importorskip("optuna")


@pytest.mark.optuna
def test_optuna_beats_the_random_median_on_a_known_function(optuna):
    """With the same budget and seed, Optuna's best is lower than the median best of random searches."""
    budget = 40
    tuned = hp.sweep(bowl, BOWL, search="optuna", trials=budget, seed=0, minimize=True, progress=False)
    randoms = [
        hp.sweep(bowl, BOWL, search="random", trials=budget, seed=seed, progress=False) for seed in range(5)
    ]
    random_median = statistics.median(min(trial.result for trial in each) for each in randoms)
    assert tuned.ok
    assert len(tuned) == budget
    assert tuned.best().result < random_median


@pytest.mark.optuna
def test_optuna_maximizes_a_named_metric(optuna):
    """maximize='score' reads that key of the returned mapping and climbs it."""

    def work() -> dict[str, float]:
        x = hp.scope.x()
        return {"score": -((x - 3) ** 2), "other": x}

    result = hp.sweep(
        work, {"x": "uniform(0, 10)"}, search="optuna", trials=25, seed=1, maximize="score", progress=False
    )
    assert abs(result.best().values["x"] - 3) < 0.5


@pytest.mark.optuna
def test_optuna_needs_an_objective(optuna):
    """An Optuna search without minimize= or maximize= fails before any trial."""
    with pytest.raises(hp.SearchSpaceError, match="needs the number to optimize"):
        hp.sweep(bowl, BOWL, search="optuna", trials=3, progress=False)


@pytest.mark.optuna
def test_optuna_free_worker_never_waits_for_a_slow_trial(optuna):
    """With two workers, the other trials all run while the first, slow one is still running."""
    release = threading.Event()
    ended: dict[int, float] = {}

    def work() -> float:
        x = hp.scope.x()
        if x == 0:  # the enqueued first trial: slow until the others are done
            release.wait(10)
        ended[x] = time.monotonic()
        if len(ended) == 5:
            release.set()
        return float(x)

    source = OptunaSource({"x": IntRange(0, 1000)}, trials=6, objective=Objective(), seed=0)
    from hyperparameter._sweep import plan_for, run_sweep

    source.open(None)
    source._open().study.enqueue_trial({"x": 0})
    result = run_sweep(plan_for(work), source, ["x"], jobs=2, progress=False)
    assert result.ok
    assert release.is_set()
    assert ended[0] == max(ended.values())


@pytest.mark.optuna
def test_optuna_resume_continues_the_study(tmp_path: Path, optuna):
    """Resuming an Optuna search reruns its failed trial with the same values and keeps one study."""
    broken = [True]

    def work() -> float:
        x = hp.scope.x()
        if broken[0] and len(calls) == 2:
            calls.append(x)
            raise RuntimeError("not yet")
        calls.append(x)
        return (x - 1) ** 2

    calls: list[float] = []
    args: dict[str, Any] = {"search": "optuna", "trials": 5, "minimize": True, "runs": tmp_path}
    first = hp.sweep(work, {"x": "uniform(-3, 3)"}, progress=False, **args)
    assert [t.status for t in first] == ["ok", "ok", "failed", "ok", "ok"]
    assert (tmp_path / "optuna.journal").exists()
    broken[0] = False
    calls.clear()
    second = hp.sweep(work, {"x": "uniform(-3, 3)"}, progress=False, resume=True, **args)
    assert second.ok
    assert calls == [first[2].values["x"]]
    study = optuna.load_study(
        study_name="sweep",
        storage=optuna.storages.JournalStorage(
            optuna.storages.journal.JournalFileBackend(str(tmp_path / "optuna.journal"))
        ),
    )
    states = [trial.state.name for trial in study.trials]
    assert states.count("COMPLETE") == 5
    assert states.count("FAIL") == 1


@pytest.mark.optuna
def test_optuna_resume_with_more_trials_continues_the_study(tmp_path: Path, optuna):
    """Resuming a finished Optuna search with more trials asks the study for the new ones only."""
    args: dict[str, Any] = {
        "search": "optuna",
        "minimize": True,
        "runs": tmp_path,
        "seed": 0,
        "progress": False,
    }
    first = hp.sweep(bowl, {"x": "uniform(-3, 3)"}, trials=3, **args)
    more = hp.sweep(bowl, {"x": "uniform(-3, 3)"}, trials=5, resume=True, **args)
    assert [t.number for t in more] == [0, 1, 2, 3, 4]
    assert [t.values for t in more][:3] == [t.values for t in first]
    with pytest.raises(hp.SweepError, match="its minimize is True, not False"):
        hp.sweep(
            bowl,
            {"x": "uniform(-3, 3)"},
            trials=5,
            resume=True,
            **{**args, "minimize": None, "maximize": True},
        )


@pytest.mark.optuna
def test_optuna_handles_choices_of_any_object(optuna):
    """Choices Optuna cannot store (functions) are searched by position and handed back as given."""
    result = hp.sweep(
        lambda: hp.scope.f()([3, 1, 2]),
        {"f": Categorical([max, min, len])},
        search="optuna",
        trials=6,
        seed=0,
        minimize=True,
        progress=False,
    )
    assert {trial.values["f"] for trial in result} <= {max, min, len}
    assert result.best().result == 1


def test_missing_optuna_names_the_extra(monkeypatch):
    """Without Optuna, an Optuna search fails at once, naming the extra to install."""
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(hp.MissingDependencyError, match=r"pip install 'hyperparameter\[optuna\]'"):
        hp.sweep(bowl, BOWL, search="optuna", trials=3, minimize=True, progress=False)


def test_source_for_takes_the_saved_seed_when_resuming():
    """A resumed search given no seed draws with the seed its folder saved."""
    saved = {"search": "random", "seed": 1234}
    source, keys = build_sweep_source("random", BOWL, trials=2, saved=saved)
    assert source.seed == 1234
    assert keys == ["x", "y"]


class Train(hp.Params, namespace="train"):
    lr = hp.Float(1e-3, bounds=(1e-5, 1e-1))
    layers = hp.Int(2, bounds=(1, 8))
    act = hp.Choice("relu", ["relu", "gelu"])
    name = hp.Str("run")


def test_a_params_class_searches_its_declared_spaces_and_entries_replace_them():
    """A Params class under its namespace searches its bounded kinds; a later entry replaces one."""

    def read() -> tuple[float, int, str]:
        config = Train()
        return config.lr, config.layers, config.act

    result = hp.sweep(
        read, {"train": Train, "train.layers": [3, 5]}, search="random", trials=40, seed=0, progress=False
    )
    assert result.keys == ["train.lr", "train.layers", "train.act"]
    lrs = [trial.result[0] for trial in result]
    assert all(1e-5 <= lr <= 1e-1 for lr in lrs)
    assert sum(lr < 1e-3 for lr in lrs) > 10  # log scale: half the draws below the middle decade
    assert {trial.result[1] for trial in result} == {3, 5}
    assert {trial.result[2] for trial in result} == {"relu", "gelu"}


class Regularize(hp.Params, namespace="reg"):
    drop = hp.Float(0.1, bounds=(0, 0.5), inclusive_bounds=(False, True))


@pytest.mark.parametrize("search", ["random", pytest.param("optuna", marks=pytest.mark.optuna)])
def test_a_float_declared_above_zero_is_searched_evenly(search):
    """A rate declared over (0, 0.5] is drawn evenly over it by every search, never 0 and never about 0."""
    if search == "optuna":
        pytest.importorskip("optuna")

    def loss() -> float:
        return Regularize().drop

    result = hp.sweep(
        loss, {"reg": Regularize}, search=search, trials=8, seed=2, minimize=True, progress=False
    )
    drops = [trial.values["reg.drop"] for trial in result]
    assert result.ok
    assert all(1e-3 < drop <= 0.5 for drop in drops)
    assert max(drops) > 0.1


def test_a_params_class_under_another_key_is_refused():
    """A Params class must sit under its own namespace."""
    with pytest.raises(hp.SearchSpaceError, match="whose namespace is 'train'"):
        hp.sweep(bowl, {"model": Train}, search="random", trials=2, progress=False)


def test_a_search_runs_on_the_processes_backend_with_the_same_trials():
    """A seeded random search on a process pool runs the same trials, with the same results, as on threads."""
    on_threads = hp.sweep(bowl, BOWL, search="random", trials=4, seed=8, progress=False)
    on_processes = hp.sweep(
        bowl, BOWL, search="random", trials=4, seed=8, jobs=2, backend="processes", progress=False
    )
    assert [(t.values, t.result) for t in on_processes] == [(t.values, t.result) for t in on_threads]


@pytest.mark.optuna
def test_optuna_search_runs_on_the_processes_backend(optuna):
    """An Optuna search asks and tells from the driver while a process pool runs the trials."""
    result = hp.sweep(
        bowl,
        BOWL,
        search="optuna",
        trials=6,
        seed=0,
        minimize=True,
        jobs=2,
        backend="processes",
        progress=False,
    )
    assert result.ok
    assert [trial.result for trial in result] == [
        (trial.values["x"] - 2) ** 2 + (trial.values["y"] + 1) ** 2 for trial in result
    ]


def test_choice_and_range_texts_in_python_give_numbers() -> None:
    """In a Python search space, choice(...) items and range(...) are numbers, as a list of them would be."""
    seen: list[tuple[object, object]] = []

    def work() -> None:
        seen.append((hp.scope.train.lr(), hp.scope.train.layers()))

    hp.sweep(
        work,
        {"train.lr": "choice(0.1, 0.01)", "train.layers": "range(1, 4)"},
        search="random",
        trials=6,
        seed=0,
        progress=False,
    )
    assert {type(lr) for lr, _ in seen} == {float}
    assert {layers for _, layers in seen} <= {1, 2, 3}
    assert {type(layers) for _, layers in seen} == {int}
