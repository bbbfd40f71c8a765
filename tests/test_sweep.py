"""hp.sweep: grids, trial scopes, results, folders, failures, resumption, Ctrl-C, progress."""

from __future__ import annotations

import _thread
import contextlib
import csv
import functools
import io
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._sweep_grid import list_combinations, split_swept_text, split_top
from hyperparameter._sweep_progress import Progress
from hyperparameter._sweep_trial import Objective, Trial
from programs import run_python
from sweep_trials import PATIENCE, freeze_and_read_in_thread, read_lr_in_new_thread, wait_until


@hp.param("train")
def train(lr: float = 0.1, layers: int = 2) -> dict[str, float]:
    """Stand in for training: the loss depends on both swept values and on model.scale."""
    return {"loss": round(lr * layers * (hp.scope.model.scale | 1), 6)}


# -- grid rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1,0.01", ["0.1", "0.01"]),
        ("a, b ,c", ["a", "b", "c"]),
        ("range(3)", ["0", "1", "2"]),
        ("range(1, 4)", ["1", "2", "3"]),
        ("range(10, 0, -4)", ["10", "6", "2"]),
        ("[1,2]", None),
        ("[1,2],[3]", ["[1,2]", "[3]"]),
        ("'a,b'", None),
        ('"a,b",c', ["a,b", "c"]),
        ("'x y', z", ["x y", "z"]),
        ("relu", None),
        ("f(1,2)", None),
        ("f(1,2),g(3)", ["f(1,2)", "g(3)"]),
    ],
)
def test_swept_texts(text: str, expected: list[str] | None) -> None:
    """A comma list and range(...) sweep; brackets, quotes and calls keep their commas."""
    assert split_swept_text("k", text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1,,2", "empty item"),
        ("1,", "empty item"),
        ("range(0.5, 2)", "not a range of integers"),
        ("range(1, 2, 0)", "not a range of integers"),
        ("range(3, 1)", "empty range"),
        ("[1,2", "Unbalanced bracket"),
        ("'a,b", "Unbalanced quote"),
    ],
)
def test_swept_texts_refuses(text: str, problem: str) -> None:
    """A malformed swept value is a SweepError (a ValueError) naming the problem."""
    with pytest.raises(hp.SweepError, match=problem) as info:
        split_swept_text("train.lr", text)
    assert isinstance(info.value, ValueError)


_item = st.text(st.characters(blacklist_characters=",[](){}\"'\\", blacklist_categories=("Cs",)), min_size=1)


@given(st.lists(_item.map(str.strip).filter(bool), min_size=2, max_size=6))
def test_split_top_round_trip(items: list[str]) -> None:
    """Items without separators joined by commas split back into the same items."""
    assert split_top(",".join(items)) == items


@given(st.lists(st.integers(-100, 100), min_size=1, max_size=3))
def test_range_matches_python(args: list[int]) -> None:
    """range(...) in a swept value means exactly what Python's range means."""
    text = f"range({', '.join(map(str, args))})"
    try:
        expected = [str(each) for each in range(*args)]
    except ValueError:
        expected = []
    if not expected:
        with pytest.raises(hp.SweepError):
            split_swept_text("k", text)
    else:
        assert split_swept_text("k", text) == expected


def test_grid_order() -> None:
    """The grid is the cartesian product, the last key varying fastest."""
    points = list_combinations({"a": [1, 2], "b": ["x", "y", "z"]})
    assert len(points) == 6
    assert points[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]


@pytest.mark.parametrize("values", [0.1, "0.1,0.2", {"a": 1}, []])
def test_space_must_hold_lists(values: object) -> None:
    """A key's values must be a non-empty collection; a scalar or a string is refused."""
    with pytest.raises(hp.SweepError, match=r"train\.lr"):
        hp.sweep(train, {"train.lr": values}, progress=False)


@pytest.mark.parametrize(
    ("space", "message"),
    [
        (
            {"train": "the class"},
            "'train' are the hp.Params class Declared, a search space: pass search='random'",
        ),
        ({"train.lr": "loguniform(1e-3, 1)"}, "'train.lr' are the search space 'loguniform(1e-3, 1)': pass"),
        ({"train.lr": "choice(0.1, 0.2)"}, "'train.lr' are the search space 'choice(0.1, 0.2)': pass"),
    ],
)
def test_a_search_space_in_a_grid_says_to_search_it(space: dict[str, object], message: str) -> None:
    """A search space in a grid sweep (a space text, an hp.Params class) says to pass search= and trials=."""

    class Declared(hp.Params, namespace="train"):
        lr = hp.Float(0.1, bounds=(0.01, 1.0))

    space = {key: Declared if value == "the class" else value for key, value in space.items()}
    with pytest.raises(hp.SweepError, match=re.escape(message)) as info:
        hp.sweep(train, space, progress=False)
    assert "trials=N" in str(info.value)


# -- running trials -----------------------------------------------------------


def test_each_trial_sees_its_values_and_the_outer_scope() -> None:
    """Every trial reads its own values, and the values of hp.scope around the sweep."""
    with hp.scope(**{"model.scale": 10}):
        result = hp.sweep(train, {"train.lr": [0.1, 0.2], "train.layers": [1, 3]}, jobs=2, progress=False)
    assert [trial.values for trial in result] == [
        {"train.lr": 0.1, "train.layers": 1},
        {"train.lr": 0.1, "train.layers": 3},
        {"train.lr": 0.2, "train.layers": 1},
        {"train.lr": 0.2, "train.layers": 3},
    ]
    assert [trial.result["loss"] for trial in result] == [1.0, 3.0, 2.0, 6.0]
    assert all(trial.status == "ok" and trial.seconds >= 0 for trial in result)


def test_nested_sweeps() -> None:
    """A loop of sweeps inside hp.scope blocks gives each inner sweep its outer values."""
    losses = {}
    for scale in (1, 100):
        with hp.scope(**{"model.scale": scale}):
            losses[scale] = [t.result["loss"] for t in hp.sweep(train, {"train.lr": [0.5]}, progress=False)]
    assert losses == {1: [1.0], 100: [100.0]}


def test_trials_do_not_leak() -> None:
    """What a trial writes stays in that trial: neither later trials nor the caller see it."""

    def writer() -> object:
        seen = hp.scope.leak | None
        hp.scope.leak = hp.scope.n()
        return seen

    result = hp.sweep(writer, {"n": [1, 2, 3, 4]}, jobs=1, progress=False)
    assert [trial.result for trial in result] == [None] * 4
    assert hp.scope.leak | None is None


def test_jobs_run_trials_at_once() -> None:
    """With jobs=3 three trials run at the same time."""
    barrier = threading.Barrier(3, timeout=10)
    result = hp.sweep(lambda: barrier.wait() >= 0, {"i": [0, 1, 2]}, jobs=3, progress=False)
    assert [trial.result for trial in result] == [True] * 3


def test_failures_are_recorded_and_others_go_on() -> None:
    """A failing trial gets status failed, an error line and the traceback; the others finish."""

    def flaky() -> float:
        if hp.scope.x() == 2:
            raise ValueError("diverged\nat step 3")
        return hp.scope.x() * 1.5

    result = hp.sweep(flaky, {"x": [1, 2, 3]}, jobs=2, progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "ok"]
    failed = result[1]
    assert failed.error == "ValueError: diverged"
    assert failed.traceback is not None
    assert 'raise ValueError("diverged\\nat step 3")' in failed.traceback
    assert "_sweep_worker" not in failed.traceback
    assert not result.ok
    assert result.failed == [failed]


def test_sys_exit_fails_one_trial() -> None:
    """A trial calling sys.exit with an error code fails that trial only; exit code 0 is success."""

    def quits() -> None:
        raise SystemExit(hp.scope.code())

    result = hp.sweep(quits, {"code": [0, 3, "bad input"]}, progress=False)
    assert [trial.status for trial in result] == ["ok", "failed", "failed"]
    assert [trial.error for trial in result] == [None, "SystemExit: 3", "SystemExit: bad input"]


def test_result_table_and_rows() -> None:
    """The result prints as a table and converts to rows: swept keys, status, seconds, result keys."""
    result = hp.sweep(train, {"train.lr": [0.1, 0.01], "train.layers": [1, 4]}, progress=False)
    lines = str(result).splitlines()
    assert lines[0].split() == ["trial", "train.lr", "train.layers", "status", "seconds", "loss"]
    assert lines[3].split()[:4] == ["2", "0.01", "1", "ok"]
    rows = result.rows()
    assert rows[1]["train.layers"] == 4
    assert rows[1]["loss"] == 0.4
    assert rows[1]["status"] == "ok"
    assert set(rows[0]) == {"trial", "train.lr", "train.layers", "status", "seconds", "loss"}


@pytest.mark.parametrize(
    ("returned", "columns"),
    [
        (0.5, {"result": 0.5}),
        ({"a": {"b": 1}, "c": 2}, {"a.b": 1, "c": 2}),
        (None, {}),
        ("x", {"result": "x"}),
    ],
)
def test_result_columns(returned: object, columns: dict[str, object]) -> None:
    """A number is the result column; a (nested) mapping gives a column per (dotted) key."""
    assert Trial(0, {}, "ok", returned).metrics() == columns


def test_best() -> None:
    """best() ranks by the sweep's objective, or by a named metric in either direction."""
    result = hp.sweep(train, {"train.lr": [0.3, 0.1, 0.2]}, minimize="loss", progress=False)
    assert result.best() is result[1]
    assert result.best("loss", maximize=True) is result[0]
    assert hp.sweep(train, {"train.lr": [0.3, 0.1]}, maximize="loss", progress=False).best() is not None
    with pytest.raises(hp.SweepError, match="not both"):
        hp.sweep(train, {"train.lr": [0.1]}, minimize="loss", maximize="loss")


def test_objective_ignores_what_is_not_a_number() -> None:
    """A failed trial, a missing key, a bool or NaN is never the best."""
    trials = [
        Trial(0, {}, "failed"),
        Trial(1, {}, "ok", {"loss": float("nan")}),
        Trial(2, {}, "ok", {"loss": True}),
        Trial(3, {}, "ok", {"acc": 1}),
    ]
    assert Objective("loss").find_best(trials) is None
    assert Objective("loss").find_best([*trials, Trial(4, {}, "ok", {"loss": 2})]) is not None


def test_unknown_backend_and_bad_jobs() -> None:
    """An unknown backend or a jobs count below one is refused before any trial runs."""
    with pytest.raises(hp.SweepError, match="Unknown sweep backend 'gpu'"):
        hp.sweep(train, {"train.lr": [0.1]}, backend="gpu", progress=False)
    with pytest.raises(hp.SweepError, match="jobs must be a positive integer"):
        hp.sweep(train, {"train.lr": [0.1]}, jobs=0, progress=False)


# -- the run folder -----------------------------------------------------------


def test_run_folder(tmp_path: Path) -> None:
    """runs=DIR leaves sweep.json, one trial.json per trial, and results.csv."""
    runs = tmp_path / "sweep"
    hp.sweep(train, {"train.lr": [0.1, 0.01], "train.layers": [1, 4]}, runs=runs, progress=False)
    assert json.loads((runs / "sweep.json").read_text())["keys"] == ["train.lr", "train.layers"]
    record = json.loads((runs / "0003" / "trial.json").read_text())
    assert record["values"] == {"train.lr": 0.01, "train.layers": 4}
    assert record["status"] == "ok"
    assert record["result"] == {"loss": 0.04}
    with (runs / "results.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["train.lr"] for row in rows] == ["0.1", "0.1", "0.01", "0.01"]
    assert rows[3]["loss"] == "0.04"
    assert rows[3]["status"] == "ok"


def test_run_folder_records_failures(tmp_path: Path) -> None:
    """A failed trial's folder holds its error line and traceback."""
    hp.sweep(lambda: 1 / 0, {"x": [1]}, runs=tmp_path / "s", progress=False)
    record = json.loads((tmp_path / "s" / "0000" / "trial.json").read_text())
    assert record["status"] == "failed"
    assert record["error"] == "ZeroDivisionError: division by zero"
    assert "1 / 0" in record["traceback"]


def test_result_that_json_cannot_hold(tmp_path: Path) -> None:
    """A result JSON cannot hold is kept as its repr in trial.json; a set is written as a list."""
    hp.sweep(lambda: ({2, 1}, Model()), {"x": [1]}, runs=tmp_path / "s", progress=False)
    record = json.loads((tmp_path / "s" / "0000" / "trial.json").read_text())
    assert record["result"] == [[1, 2], "Model()"]


def test_a_numpy_grid_is_saved_as_plain_numbers(tmp_path: Path) -> None:
    """A NumPy grid is saved as plain numbers in sweep.json; the same grid as a list resumes it."""
    np = pytest.importorskip("numpy")
    hp.sweep(lambda: hp.scope.x(), {"x": np.arange(3)}, runs=tmp_path, progress=False)
    saved = json.loads((tmp_path / "sweep.json").read_text())
    assert saved["source"]["space"] == {"x": [0, 1, 2]}
    assert hp.sweep(lambda: hp.scope.x(), {"x": [0, 1, 2]}, runs=tmp_path, progress=False, resume=True).ok


class Model:
    def __repr__(self) -> str:
        return "Model()"


def test_one_value_json_cannot_hold_keeps_the_rest_of_the_result(tmp_path: Path) -> None:
    """Only a value JSON cannot hold is written as its repr; the metrics beside it stay, on resume too."""

    def work() -> dict[str, object]:
        return {"loss": hp.scope.x() / 4, "model": Model(), "sizes": (1, {2, 3})}

    hp.sweep(work, {"x": [1, 2]}, runs=tmp_path, progress=False, minimize="loss")
    record = json.loads((tmp_path / "0000" / "trial.json").read_text())
    assert record["result"] == {"loss": 0.25, "model": "Model()", "sizes": [1, [2, 3]]}
    resumed = hp.sweep(work, {"x": [1, 2]}, runs=tmp_path, progress=False, minimize="loss", resume=True)
    assert resumed.best().values == {"x": 1}
    assert resumed.rows()[1]["loss"] == 0.5


class Scalar:
    """A number of another library: a 0-d tensor converts with float() and int(), nothing else."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __float__(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return f"tensor({self.value})"


def test_an_objective_of_another_library_is_a_number() -> None:
    """A result value with __float__ (a 0-d tensor) ranks trials and appears as a plain float."""
    result = hp.sweep(
        lambda: {"loss": Scalar(hp.scope.x() / 2)}, {"x": [2, 1]}, progress=False, minimize="loss"
    )
    assert result.ok
    assert result.best().values == {"x": 1}
    assert [row["loss"] for row in result.rows()] == [1.0, 0.5]
    assert "tensor" not in str(result)


def test_numpy_numbers_are_objectives_and_plain_numbers_in_every_file(tmp_path: Path) -> None:
    """NumPy scalars rank trials and are plain numbers in trial.json and results.csv, also after resume."""
    np = pytest.importorskip("numpy")

    def work() -> dict[str, object]:
        x = hp.scope.x()
        loss, acc = np.float32(x / 4), np.float64(1 - x / 10)
        return {"loss": loss, "acc": acc, "steps": np.int64(100 * x), "ok": np.bool_(x > 1)}

    space = {"x": list(np.arange(1, 3))}
    result = hp.sweep(work, space, runs=tmp_path, progress=False, minimize="loss")
    assert result.ok
    assert result.best().values == {"x": 1}
    record = json.loads((tmp_path / "0001" / "trial.json").read_text())
    assert record["values"] == {"x": 2}
    assert record["result"] == {"loss": 0.5, "acc": 0.8, "steps": 200, "ok": True}
    expected = "trial,x,status,seconds,loss,acc,steps,ok"
    assert (tmp_path / "results.csv").read_text().splitlines()[0] == expected
    resumed = hp.sweep(work, space, runs=tmp_path, progress=False, minimize="loss", resume=True)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "results.csv").read_text())))
    assert [(row["x"], row["loss"], row["acc"], row["steps"], row["ok"]) for row in rows] == [
        ("1", "0.25", "0.9", "100", "false"),
        ("2", "0.5", "0.8", "200", "true"),
    ]
    assert resumed.best().values == {"x": 1}


def test_folder_holding_a_sweep_is_not_overwritten(tmp_path: Path) -> None:
    """Starting a sweep in a folder that holds one is refused; resume=True continues it."""
    hp.sweep(train, {"train.lr": [0.1]}, runs=tmp_path, progress=False)
    with pytest.raises(hp.SweepError, match="already holds a sweep"):
        hp.sweep(train, {"train.lr": [0.1]}, runs=tmp_path, progress=False)
    with pytest.raises(hp.SweepError, match="holds a different sweep"):
        hp.sweep(train, {"train.lr": [0.2]}, runs=tmp_path, resume=True, progress=False)


def test_resume_needs_a_folder() -> None:
    """resume=True without runs= is refused."""
    with pytest.raises(hp.SweepError, match="needs runs=DIR"):
        hp.sweep(train, {"train.lr": [0.1]}, resume=True)


def test_resume_runs_only_unsuccessful_trials(tmp_path: Path) -> None:
    """Resuming runs the failed trials again, in their folders, and keeps the successful ones."""
    calls: list[int] = []
    broken = {2, 3}

    def work() -> int:
        x = hp.scope.x()
        calls.append(x)
        if x in broken:
            raise RuntimeError("not yet")
        return x * 10

    first = hp.sweep(work, {"x": [1, 2, 3, 4]}, runs=tmp_path, progress=False)
    assert [t.status for t in first] == ["ok", "failed", "failed", "ok"]
    broken.clear()
    calls.clear()
    second = hp.sweep(work, {"x": [1, 2, 3, 4]}, runs=tmp_path, resume=True, jobs=2, progress=False)
    assert sorted(calls) == [2, 3]
    assert [t.result for t in second] == [10, 20, 30, 40]
    assert second.ok
    assert json.loads((tmp_path / "0001" / "trial.json").read_text())["status"] == "ok"
    assert (tmp_path / "results.csv").read_text().count(",ok,") == 4


def test_resume_with_keys_in_another_order_runs_the_failed_combination(tmp_path: Path) -> None:
    """Resuming with the same space in another key order reruns exactly the combination that failed."""
    broken = [True]

    def work() -> int:
        if broken[0] and hp.scope.a() == 1 and hp.scope.b() == "y":
            raise RuntimeError("not yet")
        return hp.scope.a()

    first = hp.sweep(work, {"a": [1, 2], "b": ["x", "y"]}, runs=tmp_path, progress=False)
    assert [t.status for t in first] == ["ok", "failed", "ok", "ok"]
    broken[0] = False
    resumed = hp.sweep(work, {"b": ["x", "y"], "a": [1, 2]}, runs=tmp_path, resume=True, progress=False)
    assert [t.values for t in resumed] == [t.values for t in first]
    assert resumed.ok
    assert json.loads((tmp_path / "0001" / "trial.json").read_text())["values"] == {"a": 1, "b": "y"}


def test_resume_refuses_another_function(tmp_path: Path) -> None:
    """Resuming a folder with another function is refused, naming both functions."""
    hp.sweep(train, {"train.lr": [0.1]}, runs=tmp_path, progress=False)
    with pytest.raises(hp.SweepError, match=r"holds a sweep of 'test_sweep:train', not of '.*<lambda>'"):
        hp.sweep(lambda: 1, {"train.lr": [0.1]}, runs=tmp_path, resume=True, progress=False)


SCRIPT = """
import hyperparameter as hp

def main():
    if hp.scope.x() == 2 and not (hp.scope.ok | False):
        raise RuntimeError("not yet")
    return hp.scope.x()

if __name__ == "__main__":
    hp.sweep(main, {"x": [1, 2, 3]}, runs="runsA", progress=False)
"""

RESUME = """
import hyperparameter as hp, {module}
with hp.scope(ok=True):
    result = hp.sweep({module}.main, {{"x": [1, 2, 3]}}, runs="runsA", resume=True, progress=False)
print([t.status for t in result])
"""


def test_resume_a_script_sweep_with_the_function_imported(tmp_path: Path) -> None:
    """A sweep a script ran resumes with its function imported, but not with another script's function."""
    (tmp_path / "train.py").write_text(SCRIPT)
    (tmp_path / "other.py").write_text(SCRIPT)
    assert run_python("train.py", cwd=tmp_path).returncode == 0
    refused = run_python("-c", RESUME.format(module="other"), cwd=tmp_path)
    assert "holds a sweep of '__main__:main', not of 'other:main'" in refused.stderr
    resumed = run_python("-c", RESUME.format(module="train"), cwd=tmp_path)
    assert resumed.stdout.strip() == "['ok', 'ok', 'ok']", resumed.stderr


def test_resume_a_sweep_of_a_partial(tmp_path: Path) -> None:
    """A sweep of a functools.partial resumes with a new partial of the same function."""

    def work(scale: int) -> int:
        return scale * hp.scope.x()

    hp.sweep(functools.partial(work, 2), {"x": [1, 2]}, runs=tmp_path, progress=False)
    resumed = hp.sweep(functools.partial(work, 2), {"x": [1, 2]}, runs=tmp_path, resume=True, progress=False)
    assert [t.result for t in resumed] == [2, 4]


def test_resume_gives_a_search_more_trials(tmp_path: Path) -> None:
    """A resumed random search given more trials runs only the new ones and saves the new count."""
    calls: list[float] = []

    def work() -> float:
        calls.append(hp.scope.x())
        return hp.scope.x()

    args = {"search": "random", "runs": tmp_path, "seed": 1, "progress": False}
    first = hp.sweep(work, {"x": "uniform(0, 1)"}, trials=3, **args)
    calls.clear()
    more = hp.sweep(work, {"x": "uniform(0, 1)"}, trials=5, resume=True, **args)
    assert [t.values for t in more][:3] == [t.values for t in first]
    assert calls == [t.values["x"] for t in more][3:]
    assert json.loads((tmp_path / "sweep.json").read_text())["source"]["trials"] == 5
    again = hp.sweep(work, {"x": "uniform(0, 1)"}, resume=True, **args)  # trials= as saved
    assert len(again) == 5
    with pytest.raises(hp.SweepError, match="more trials, not fewer"):
        hp.sweep(work, {"x": "uniform(0, 1)"}, trials=4, resume=True, **args)
    with pytest.raises(hp.SweepError, match="its seed is 1, not 2"):
        hp.sweep(work, {"x": "uniform(0, 1)"}, trials=5, resume=True, **{**args, "seed": 2})


def test_a_trial_that_changes_directory_keeps_its_sweep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative runs= is fixed when the sweep starts: a trial's os.chdir does not break or move it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()

    def work() -> int:
        os.chdir(tmp_path / "elsewhere")
        return 1

    result = hp.sweep(work, {"x": [1, 2]}, runs="runs/rel", progress=False)
    assert result.ok
    assert result.folder == tmp_path / "runs" / "rel"
    assert (tmp_path / "runs" / "rel" / "results.csv").exists()


def test_runs_that_cannot_be_a_folder(tmp_path: Path) -> None:
    """runs= naming a file is an OSError (SweepFolderError) saying so, before any trial runs."""
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    for runs, reason in ((taken, "it is a file"), (taken / "sub", "a part of its path is a file")):
        with pytest.raises(hp.SweepFolderError, match=f"cannot be made: {reason}; choose another folder"):
            hp.sweep(train, {"train.lr": [0.1]}, runs=runs, progress=False)
    assert issubclass(hp.SweepFolderError, OSError)
    assert taken.read_text() == "mine"


def test_each_trial_finds_its_own_folder(tmp_path: Path) -> None:
    """hp.trial_dir() is the running trial's own folder on the threads backend; None outside a trial."""

    def work() -> str:
        folder = hp.trial_dir()
        assert folder is not None
        (folder / "model.txt").write_text(str(hp.scope.x()))
        time.sleep(0.05)  # two trials at once: each still sees its own folder
        return str(folder)

    result = hp.sweep(work, {"x": [1, 2, 3]}, jobs=2, runs=tmp_path, progress=False)
    assert [trial.result for trial in result] == [str(tmp_path / f"000{n}") for n in range(3)]
    assert [(tmp_path / f"000{n}" / "model.txt").read_text() for n in range(3)] == ["1", "2", "3"]
    reads = json.loads((tmp_path / "0000" / "record.json").read_text())
    assert "sweep.trial_dir" not in json.dumps(reads)  # where the trial runs, not what it read
    assert hp.trial_dir() is None
    assert hp.sweep(lambda: hp.trial_dir(), {"x": [1]}, progress=False)[0].result is None  # no runs=


def test_ctrl_c_leaves_a_resumable_folder(tmp_path: Path) -> None:
    """Ctrl-C marks running trials interrupted, writes results.csv, re-raises; resuming completes it."""
    interrupt = threading.Event()
    interrupt.set()

    def work() -> int:
        if hp.scope.x() == 2 and interrupt.is_set():
            _thread.interrupt_main()
            wait_until(hp.trial_should_stop)  # running until the sweep has stopped, however slowly
        return hp.scope.x()

    with pytest.raises(KeyboardInterrupt):
        hp.sweep(work, {"x": [1, 2, 3, 4]}, runs=tmp_path, progress=False)
    statuses = {p.name: json.loads((p / "trial.json").read_text())["status"] for p in tmp_path.glob("0*")}
    assert statuses == {"0000": "ok", "0001": "interrupted"}
    assert "interrupted" in (tmp_path / "results.csv").read_text()
    interrupt.clear()
    resumed = hp.sweep(work, {"x": [1, 2, 3, 4]}, runs=tmp_path, resume=True, progress=False)
    assert [t.result for t in resumed] == [1, 2, 3, 4]


@pytest.mark.parametrize("inside", ["the trial's scope", "hp.scope.empty()"])
def test_ctrl_c_tells_running_thread_trials_to_stop(inside: str) -> None:
    """After Ctrl-C a running threads-backend trial sees hp.trial_should_stop() and can return early.

    Also when it polls inside a block that inherits no values (an evaluation loop of its own).
    """
    started, saw_stop = threading.Barrier(2), threading.Event()

    def work() -> None:
        with hp.scope.empty(batch=1) if inside == "hp.scope.empty()" else contextlib.nullcontext():
            started.wait(PATIENCE)
            if wait_until(hp.trial_should_stop):
                saw_stop.set()

    def interrupt() -> None:
        started.wait(PATIENCE)
        _thread.interrupt_main()

    threading.Thread(target=interrupt, daemon=True).start()
    assert not hp.trial_should_stop()
    with pytest.raises(KeyboardInterrupt):
        hp.sweep(work, {"x": [1]}, progress=False)
    assert saw_stop.wait(PATIENCE)
    assert not hp.trial_should_stop()


def watch_for_stop(saw_stop: threading.Event) -> None:
    """Set ``saw_stop`` once the trial's stop flag is seen here."""
    if wait_until(hp.trial_should_stop):
        saw_stop.set()


def hand_to_a_pool(started: threading.Barrier, saw_stop: threading.Event) -> None:
    """Hand the watch to a thread pool with hp.bind_scope, as a data loader's workers are."""
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(hp.bind_scope(watch_for_stop), saw_stop)
        started.wait(PATIENCE)
        future.result()


def test_ctrl_c_reaches_the_threads_a_trial_hands_its_values() -> None:
    """After Ctrl-C a pool a threads-backend trial hands work to with hp.bind_scope sees the stop."""
    started, saw_stop = threading.Barrier(2), threading.Event()

    def interrupt() -> None:
        started.wait(PATIENCE)
        _thread.interrupt_main()

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        hp.sweep(functools.partial(hand_to_a_pool, started, saw_stop), {"x": [1]}, progress=False)
    assert saw_stop.wait(PATIENCE)
    assert not hp.trial_should_stop()


def test_saving_a_trials_values_meets_no_stop_flag(tmp_path: Path) -> None:
    """A trial saves hp.scope to a config file: the stop flag belongs to its scope, not to its values."""

    def save() -> dict[str, object]:
        hp.save_config(hp.scope, tmp_path / "run.json")
        return json.loads((tmp_path / "run.json").read_text())

    assert hp.sweep(save, {"x": [1]}, progress=False)[0].result == {"x": 1}


def test_a_finished_sweep_tells_no_trial_to_stop() -> None:
    """A sweep that ends normally never sets the stop flag its trials see."""
    result = hp.sweep(hp.trial_should_stop, {"x": [1, 2]}, jobs=2, progress=False)
    assert [trial.result for trial in result] == [False, False]


# -- progress -----------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_one_line_per_trial_off_a_terminal() -> None:
    """Off a terminal each finished trial prints one line with counts and the best so far."""
    stream = io.StringIO()
    progress = Progress(3, stream, Objective("loss"))
    progress.report_finished(Trial(0, {"a": 1}, "ok", {"loss": 2.0}), running=2)
    progress.report_finished(Trial(1, {"a": 2}, "failed", error="ValueError: x"), running=1)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("sweep: trial 0 ok (a=1) | 1/3 done, 0 failed, 2 running,")
    assert lines[0].endswith("best loss=2 (trial 0)")
    assert "trial 1 failed: ValueError: x (a=2) | 2/3 done, 1 failed, 1 running" in lines[1]


def test_progress_in_place_on_a_terminal() -> None:
    """On a terminal the line is rewritten in place and ended once at the close."""
    stream = _Terminal()
    progress = Progress(2, stream)
    progress.report_finished(Trial(0, {}, "ok", 1.0), running=1)
    progress.report_finished(Trial(1, {}, "ok", 1.0), running=0)
    progress.close("sweep: done")
    text = stream.getvalue()
    assert text.count("\r\x1b[K") >= 2
    assert text.count("\n") == 2
    assert text.rsplit("\r\x1b[K", 1)[1].startswith("sweep: 2/2 done, 0 failed, 0 running, ")
    assert text.endswith("\nsweep: done\n")


def test_sweep_prints_progress_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """hp.sweep reports each trial on stderr by default, and nothing with progress=False."""
    hp.sweep(train, {"train.lr": [0.1, 0.2]})
    assert capsys.readouterr().err.count("sweep: trial") == 2
    hp.sweep(train, {"train.lr": [0.1, 0.2]}, progress=False)
    assert capsys.readouterr().err == ""


def test_trial_folder_records_what_the_trial_read(tmp_path: Path) -> None:
    """Each trial folder's record.json lists what the trial read, with values and sources, failed or not."""

    def fit() -> float:
        depth = hp.scope.model.depth | 3
        if hp.scope.train.lr() > 0.5:
            raise ValueError("too fast")
        return depth * hp.scope.train.lr()

    hp.sweep(fit, {"train.lr": [0.1, 0.9], "train.unused": [1]}, runs=tmp_path, progress=False)
    reads = {
        read["key"]: read for read in json.loads((tmp_path / "0000" / "record.json").read_text())["reads"]
    }
    assert reads["train.lr"]["value"] == 0.1
    assert reads["train.lr"]["source"] == "hp.sweep"
    assert reads["model.depth"]["value"] == 3
    assert reads["model.depth"]["source"] == "default"
    failed = json.loads((tmp_path / "0001" / "record.json").read_text())
    assert [read["key"] for read in failed["reads"]] == ["model.depth", "train.lr"]
    assert "train.unused" in failed["unread"]


@hp.param("inj")  # injected-trial
def injected_trial(width: int = 3) -> int:
    return width


def test_injected_trials_record_their_reads_at_the_program(tmp_path: Path) -> None:
    """A threads trial's @hp.param reads are sited at the function's definition, not at threading's code."""
    hp.sweep(injected_trial, {"inj.width": [1, 2]}, jobs=2, runs=tmp_path, progress=False)
    lines = Path(__file__).read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.endswith("# injected-trial"))
    for trial in ("0000", "0001"):
        reads = json.loads((tmp_path / trial / "record.json").read_text())["reads"]
        assert [read["site"] for read in reads] == [f"{os.path.relpath(__file__)}:{line}"]


# -- result keys that clash, and a misnamed objective -------------------------


def test_result_keys_never_overwrite_the_fixed_and_swept_columns(tmp_path: Path) -> None:
    """A returned key equal to a swept key or a fixed column is shown as result.<key>, once."""

    def work() -> dict[str, object]:
        return {"x": hp.scope.x() * 10, "status": "mine", "trial": -1}

    result = hp.sweep(work, {"x": [1, 2]}, runs=tmp_path / "s", progress=False)
    assert result.columns() == [
        "trial",
        "x",
        "status",
        "seconds",
        "result.x",
        "result.status",
        "result.trial",
    ]
    first = result.rows()[0]
    assert (first["trial"], first["x"], first["status"]) == (0, 1, "ok")
    assert (first["result.x"], first["result.status"], first["result.trial"]) == (10, "mine", -1)
    with (tmp_path / "s" / "results.csv").open() as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == result.columns()
        assert [row["x"] for row in reader] == ["1", "2"]
    assert str(result).splitlines()[1].split()[:3] == ["0", "1", "ok"]


@pytest.mark.parametrize(
    ("objective", "returned", "message"),
    [
        (
            {"minimize": "los"},
            {"loss": 1.0, "acc": 0.5},
            "'los' is not among the returned keys 'acc', 'loss'",
        ),
        ({"maximize": "loss"}, {"loss": "low"}, "'loss' must be a number, not 'low'"),
        ({"minimize": "loss"}, 0.5, "'loss' must be a key of a returned mapping, but the trial returned 0.5"),
        ({"minimize": True}, {"loss": 1.0}, "mapping with keys 'loss'"),
    ],
)
def test_a_result_without_the_objective_fails_the_trial(
    objective: dict[str, object], returned: object, message: str
) -> None:
    """A trial whose result lacks the objective's number fails with a message naming what it returned."""
    result = hp.sweep(lambda: returned, {"x": [1]}, progress=False, **objective)  # type: ignore[arg-type]
    assert not result.ok
    assert result[0].status == "failed"
    assert message in (result[0].error or "")
    assert result[0].result == returned


def test_a_trial_alone_may_freeze_and_the_baseline_comes_back_after_it() -> None:
    """A trial alone may freeze for its threads; the next trial and the caller see the old baseline."""
    with hp.scope(**{"frz.lr": 0.5}):
        hp.scope.frozen()
    result = hp.sweep(freeze_and_read_in_thread, {"frz.lr": [0.1, 0.2]}, progress=False)
    assert [trial.result for trial in result] == [{"lr": 0.1, "thread": 0.1}, {"lr": 0.2, "thread": 0.2}]
    assert read_lr_in_new_thread() == 0.5


def test_a_trial_beside_others_cannot_freeze_and_nothing_leaks() -> None:
    """With jobs > 1 on threads, frozen() fails its trial, naming the fix; no value leaks."""
    result = hp.sweep(freeze_and_read_in_thread, {"frz.lr": [0.1, 0.2]}, jobs=2, progress=False)
    assert [trial.status for trial in result] == ["failed", "failed"]
    assert "ScopeError: hp.scope.frozen() cannot publish a trial's values" in (result[0].error or "")
    assert "backend='processes' (--backend processes) or jobs=1 (-j 1)" in (result[0].error or "")
    assert read_lr_in_new_thread() is None


def test_a_thread_of_a_trial_that_freezes_leaks_nothing_after_the_sweep() -> None:
    """A baseline published by a thread that a trial starts is put back when the sweep ends."""

    def publish() -> None:
        with hp.scope(**{"frz.lr": 9.0}):
            hp.scope.frozen()

    def trial() -> None:
        thread = threading.Thread(target=publish)
        thread.start()
        thread.join()

    hp.sweep(trial, {"x": [1, 2]}, jobs=2, progress=False)
    assert read_lr_in_new_thread() is None
