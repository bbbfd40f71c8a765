"""--search random|optuna on a launched program: spaces from -D and from declared bounds, checks, resume,
--plot."""

from __future__ import annotations

import csv
import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from programs import run_python

PROGRAM = textwrap.dedent(
    """
    import os
    import hyperparameter as hp

    class Train(hp.Params, namespace="train"):
        lr = hp.Float(1e-3, bounds=(1e-5, 1e-1))
        layers = hp.Int(2, bounds=(1, 4))
        act = hp.Choice("relu", ["relu", "gelu"])
        name = hp.Str("run")

    @hp.param("train")
    def main(epochs: int = 1):
        config = Train()
        flaky = os.environ.get("FLAKY")
        if flaky and os.path.exists(flaky) and config.layers >= 2:
            raise RuntimeError("more than one layer is broken today")
        return {"loss": round(config.lr * 100 + config.layers + (config.act == "relu"), 6)}

    if __name__ == "__main__":
        hp.launch(main)
    """
)


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text(PROGRAM)
    return path


def run(program: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_python(str(program), *args, cwd=program.parent, env=env)


def rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "results.csv", newline="") as file:
        return list(csv.DictReader(file))


def test_declared_bounds_are_the_space_and_trials_rerun_alone(program: Path, tmp_path: Path):
    """--search random searches the declared kinds with a space; each trial's command re-runs it."""
    runs = tmp_path / "runs"
    done = run(program, "--sweep", "--search", "random", "--trials", "5", "--seed", "3", "--runs", str(runs))
    assert done.returncode == 0, done.stderr
    table = rows(runs)
    assert len(table) == 5
    assert list(table[0])[:5] == ["trial", "train.lr", "train.layers", "train.act", "status"]
    for row in table:
        assert 1e-5 <= float(row["train.lr"]) <= 1e-1
        assert row["train.layers"] in {"1", "2", "3", "4"}
        assert row["train.act"] in {"relu", "gelu"}
    command = json.loads((runs / "0002" / "trial.json").read_text())["argv"]
    alone = run(program, *command[2:])
    assert alone.returncode == 0, alone.stderr
    again = run(
        program, "--sweep", "--search", "random", "--trials", "5", "--seed", "3", "--runs", str(runs / "b")
    )
    assert again.returncode == 0, again.stderr
    assert [row["train.lr"] for row in rows(runs / "b")] == [row["train.lr"] for row in table]


def test_d_spaces_replace_and_plain_values_pin(program: Path, tmp_path: Path):
    """-D key=space replaces a declared space, a grid form is a choice of its values, a plain -D pins."""
    runs = tmp_path / "runs"
    done = run(
        program,
        "--sweep",
        "--search=random",
        "--trials=20",
        "--runs",
        str(runs),
        "-D",
        "train.lr=uniform(0.01, 0.02)",
        "-D",
        "train.layers=range(1, 3)",
        "-Dtrain.act=gelu",
    )
    assert done.returncode == 0, done.stderr
    table = rows(runs)
    assert list(table[0])[:4] == ["trial", "train.lr", "train.layers", "status"]
    assert all(0.01 <= float(row["train.lr"]) <= 0.02 for row in table)
    assert {row["train.layers"] for row in table} == {"1", "2"}  # range's stop is never drawn
    assert all(float(row["loss"]) < 4 for row in table)  # act pinned to gelu: no +1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-D", "train.lr=uniform(0, 1)"],
            "the search space -D train.lr=uniform(0, 1), at its low end, sets 'train.lr' to '0.0', but",
        ),
        (["-D", "train.lr=uniform(0, 1)"], "expects a float in [1e-05, 0.1]"),
        (["-D", "train.layers=int(0, 3)"], "the search space -D train.layers=int(0, 3), at its low end,"),
        (["-D", "train.layers=int(2, 9)"], "the search space -D train.layers=int(2, 9), at its high end,"),
        (["-D", "train.act=choice(relu, silu)"], "-D train.act=choice(relu, silu), at its choice silu,"),
        (["-D", "train.layers=int(0, 3)"], "expects an int in [1, 4]"),
        (["-D", "train.lr=loguniform(0, 1)"], "loguniform(a, b) needs 0 < a < b"),
        (["--trials", "0"], "--trials takes a positive number of trials, not '0'"),
        (["--search", "bayes"], "Unknown search 'bayes'"),
    ],
)
def test_bad_spaces_exit_2_before_any_trial(program: Path, tmp_path: Path, args: list[str], message: str):
    """A space whose ends the program refuses, or a malformed one, exits 2 before any trial runs."""
    runs = tmp_path / "runs"
    base = ["--sweep", "--search", "random", "--trials", "3", "--runs", str(runs)]
    done = run(program, *base, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert not runs.exists()


def test_resume_reruns_the_failed_trials_of_a_search(program: Path, tmp_path: Path):
    """--resume DIR of a random search reruns only its failed trials, with their values."""
    runs, flag = tmp_path / "runs", tmp_path / "flaky"
    flag.write_text("")
    args = ["--sweep", "--search", "random", "--trials", "8", "--runs", str(runs)]
    first = run(program, *args, env={"FLAKY": str(flag)})
    assert first.returncode == 1
    before = rows(runs)
    failed = [row["trial"] for row in before if row["status"] == "failed"]
    assert failed  # 8 trials without a layers >= 2 among them: a chance of (1/4)**8
    assert all(row["train.layers"] != "1" for row in before if row["status"] == "failed")
    flag.unlink()
    second = run(program, "--resume", str(runs), env={"FLAKY": str(flag)})
    assert second.returncode == 0, second.stderr
    after = rows(runs)
    assert all(row["status"] == "ok" for row in after)
    assert [row["train.lr"] for row in after] == [row["train.lr"] for row in before]


def test_resume_gives_a_search_more_trials(program: Path, tmp_path: Path):
    """--resume DIR --trials N carries a random search on to N trials; another --seed is refused."""
    runs = tmp_path / "runs"
    assert run(program, "--sweep", "--search", "random", "--trials", "3", "--runs", str(runs)).returncode == 0
    before = rows(runs)
    more = run(program, "--resume", str(runs), "--trials", "5")
    assert more.returncode == 0, more.stderr
    after = rows(runs)
    assert [row["trial"] for row in after] == ["0", "1", "2", "3", "4"]
    assert after[:3] == before
    assert json.loads((runs / "sweep.json").read_text())["source"]["trials"] == 5
    for options, message in (
        (["--seed", "12345"], "--seed 12345 cannot change a resumed search"),
        (["--trials", "2"], "--trials 2 cannot shrink a resumed search of 5 trials"),
        (["--search", "optuna"], "--search optuna cannot change a resumed sweep: it is a random search"),
    ):
        refused = run(program, "--resume", str(runs), *options)
        assert refused.returncode == 2
        assert message in refused.stderr


@pytest.mark.optuna
def test_optuna_search_from_the_command_line(program: Path, tmp_path: Path):
    """--search optuna --minimize loss keeps its study in the folder and finds a low loss."""
    pytest.importorskip("optuna")
    runs = tmp_path / "runs"
    done = run(
        program, "--sweep", "--search", "optuna", "--trials", "20", "--seed", "0", "--minimize", "loss",
        "-j", "2", "--runs", str(runs),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (runs / "optuna.journal").exists()
    assert min(float(row["loss"]) for row in rows(runs)) < 2.5
    missing = run(program, "--sweep", "--search", "optuna", "--trials", "2", "--runs", str(tmp_path / "x"))
    assert missing.returncode == 2
    assert "needs the number to optimize" in missing.stderr


@pytest.mark.plot
def test_plot_flag_draws_the_picture(program: Path, tmp_path: Path):
    """--plot writes DIR/sweep.png after the table and says where."""
    pytest.importorskip("matplotlib")
    runs = tmp_path / "runs"
    done = run(
        program, "--sweep", "--search", "random", "--trials", "4", "--minimize", "loss", "--plot",
        "--runs", str(runs),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (runs / "sweep.png").read_bytes().startswith(b"\x89PNG")
    assert f"picture in {runs / 'sweep.png'}" in done.stderr


@pytest.mark.plot
def test_a_launched_sweeps_folder_plots_its_objective(program: Path, tmp_path: Path, monkeypatch):
    """hp.plot_sweep on a launcher sweep's folder plots the metric it maximized, starring the highest."""
    pytest.importorskip("matplotlib")
    import hyperparameter as hp
    from hyperparameter import _sweep_plot

    runs = tmp_path / "runs"
    done = run(program, "--sweep", "-D", "train.layers=1,3", "--maximize", "loss", "--runs", str(runs))
    assert done.returncode == 0, done.stderr
    seen = {}
    drawn = _sweep_plot.figure_of

    def spy(*args, **kwargs):
        seen.update(metric=args[3], minimize=kwargs["minimize"])
        return drawn(*args, **kwargs)

    monkeypatch.setattr(_sweep_plot, "figure_of", spy)
    hp.plot_sweep(runs)
    assert seen == {"metric": "loss", "minimize": False}


def test_an_option_setting_a_declared_key_says_how_to_pin_it(tmp_path: Path):
    """An option that sets a key the search draws from its declared space is refused with how to pin it."""
    program = tmp_path / "pin.py"
    program.write_text(
        textwrap.dedent(
            """
            import hyperparameter as hp

            class Train(hp.Params, namespace="train"):
                lr = hp.Float(1e-3, bounds=(1e-5, 1e-1))
                layers = hp.Int(2, bounds=(1, 4))

            @hp.param("train")
            def main(lr: float = 1e-3):
                return {"loss": lr, "layers": Train().layers}

            if __name__ == "__main__":
                hp.launch(main)
            """
        )
    )
    base = ["--sweep", "--search", "random", "--trials", "2", "--runs", str(tmp_path / "runs")]
    refused = run(program, *base, "--lr", "0.01")
    assert refused.returncode == 2
    assert (
        "'train.lr' is swept by the declared search space of 'train.lr' and also set by --lr"
        in refused.stderr
    )
    assert "to pin it, give -D train.lr=VALUE instead" in refused.stderr
    pinned = run(program, *base, "-D", "train.lr=0.01")
    assert pinned.returncode == 0, pinned.stderr
    assert {row["loss"] for row in rows(tmp_path / "runs")} == {"0.01"}
