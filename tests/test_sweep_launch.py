"""--sweep for launched programs: swept -D values, checks before the first trial, folders, exit status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import hyperparameter as hp
from hyperparameter._sweep_launch import split_options
from programs import run_python
from sweep_trials import freeze_and_read_in_thread, read_lr_in_new_thread

CALLS: list[dict[str, object]] = []


def helper() -> float:
    """Read a key the launched function never names."""
    return hp.scope.model.scale | 1.0


@hp.param("swp")
def main(
    data: str,
    lr: float = 0.1,
    layers: int = 2,
    epochs: int = 1,
    dims: list[int] = [8],  # noqa: B006  (a list option with a default, as programs write it)
) -> dict[str, float]:
    """Train on DATA."""
    CALLS.append(
        {
            "data": data,
            "lr": lr,
            "layers": layers,
            "epochs": epochs,
            "dims": dims,
            "scale": helper(),
            "cwd": os.getcwd(),
        }
    )
    if layers == 3 and lr < 0.05:
        raise RuntimeError("diverged")
    return {"loss": round(lr * layers * epochs * helper(), 6)}


@pytest.fixture(autouse=True)
def _fresh_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    CALLS.clear()
    monkeypatch.chdir(tmp_path)  # the default runs/ folder lands in the test's own folder


def sweep(*argv: str) -> hp.SweepResult:
    return hp.launch(main, argv=["in.csv", "--sweep", *argv])  # type: ignore[no-any-return]


def test_grid_of_swept_defines(capsys: pytest.CaptureFixture[str]) -> None:
    """Comma lists and range(...) are swept as a product; options, -C and plain -D apply to every trial."""
    Path("base.json").write_text(json.dumps({"model": {"scale": 2.0}}))
    result = sweep("-D", "swp.lr=0.1,0.2", "-D", "swp.layers=range(1, 3)", "-C", "base.json", "--epochs", "3")
    assert [trial.values for trial in result] == [  # as the launcher converted them
        {"swp.lr": 0.1, "swp.layers": 1},
        {"swp.lr": 0.1, "swp.layers": 2},
        {"swp.lr": 0.2, "swp.layers": 1},
        {"swp.lr": 0.2, "swp.layers": 2},
    ]
    assert sorted((call["lr"], call["layers"]) for call in CALLS) == [(0.1, 1), (0.1, 2), (0.2, 1), (0.2, 2)]
    assert {(call["epochs"], call["scale"], call["data"]) for call in CALLS} == {(3, 2.0, "in.csv")}
    assert [trial.result["loss"] for trial in result] == [0.6, 1.2, 1.2, 2.4]
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["trial", "swp.lr", "swp.layers", "status", "seconds", "loss"]


def test_references_in_a_config_file_see_each_trials_values() -> None:
    """A -C file's ${...} reference to a swept key gives each trial its own value (a run name per trial)."""
    Path("i.json").write_text(json.dumps({"model": {"scale": "${swp.layers}"}}))
    result = sweep("-D", "swp.layers=1,3", "-C", "i.json", "--lr", "1")
    assert [trial.result["loss"] for trial in result] == [1.0, 9.0]  # lr * layers * scale


def test_brackets_stay_one_value() -> None:
    """A bracketed value is one value; a comma list of bracketed values sweeps lists."""
    sweep("-D", "swp.dims=[1,2]", "-D", "swp.lr=0.1,0.2")
    assert [call["dims"] for call in CALLS] == [[1, 2], [1, 2]]
    CALLS.clear()
    result = sweep("-D", "swp.dims=[1,2],[3]")
    assert sorted(map(tuple, (call["dims"] for call in CALLS))) == [(1, 2), (3,)]  # type: ignore[arg-type]
    assert [trial.values["swp.dims"] for trial in result] == [[1, 2], [3]]


def test_every_define_form() -> None:
    """-D KEY=V, -DKEY=V, --define KEY=V and --define=KEY=V all sweep."""
    result = sweep("-Dswp.lr=0.1,0.2", "--define=swp.layers=1,2", "--define", "swp.epochs=1,2")
    assert len(result) == 8
    assert set(result.keys) == {"swp.lr", "swp.layers", "swp.epochs"}


def test_bad_value_of_a_later_trial_fails_before_any_trial(capsys: pytest.CaptureFixture[str]) -> None:
    """A value that does not convert stops the sweep with exit 2 before any trial runs or folder is made."""
    with pytest.raises(SystemExit) as info:
        sweep("-D", "swp.lr=0.1,0.2,fast", "--runs", "out")
    assert info.value.code == 2
    assert CALLS == []
    assert not Path("out").exists()
    err = capsys.readouterr().err
    assert "swp.lr" in err
    assert "'fast'" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-D", "swp.lr=1,,2"], "empty item"),
        (["-D", "swp.layers=range(1, 1)"], "empty range"),
        (["-D", "swp.lr=0.1,0.2", "-D", "swp.lr=1,2"], "swept twice"),
        (["-j", "0"], "positive number"),
        (["--jobs"], "needs a value"),
        (["--backend", "gpu"], "Unknown sweep backend 'gpu'"),
        (
            ["-D", "swp.lr=0.1,0.2", "--lr", "0.5"],
            "'swp.lr' is swept by -D swp.lr=0.1,0.2 and also set by --lr",
        ),
        (
            ["-D", "swp.lr=0.1,0.2", "-D", "swp.lr=0.3"],
            "swept by -D swp.lr=0.1,0.2 and also set by -D swp.lr=0.3",
        ),
        (
            ["-Dswp.lr=0.3", "-D", "swp.lr=0.1,0.2"],
            "swept by -D swp.lr=0.1,0.2 and also set by -D swp.lr=0.3",
        ),
        (
            ["--search", "random", "--trials", "2", "-D", "swp.lr=uniform(0.1, 0.2)", "--lr", "0.5"],
            "'swp.lr' is swept by the search space -D swp.lr=uniform(0.1, 0.2) and also set by --lr",
        ),
        (
            ["--search", "random", "--trials", "2", "-D", "swp.lr=uniform(0.1, 0.2)", "-D", "swp.lr=0.3"],
            "swept by -D swp.lr=uniform(0.1, 0.2) and also set by -D swp.lr=0.3",
        ),
        (["-D", "swp.lr=0.1,0.2", "--record", "run.json"], "--record run.json records one run, but --sweep"),
        (
            ["-D", "swp.lr=choice(0.1, 0.2)"],
            "is a search space: add --search random --trials N to search it, "
            "or write -D swp.lr=0.1,0.2 for a grid",
        ),
        (["-D", "swp.layers=int(1, 4)"], "or write -D swp.layers='range(1, 5)' for a grid"),
        (["-D", "swp.lr=loguniform(1e-4, 1e-2)"], "or write the values to try, -D swp.lr=A,B,C, for a grid"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed sweep input is a usage error: exit 2 and one line, nothing run."""
    with pytest.raises(SystemExit) as info:
        sweep(*argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err
    assert CALLS == []


@hp.param("q")
def tagged(tag: str = "x") -> dict[str, int]:
    """Return the length of the tag, a text the sweep sets."""
    return {"length": len(tag)}


@pytest.mark.parametrize(
    ("argv", "tags"),
    [
        (["-D", 'q.tag="a,b"'], ["a,b"]),
        (["-D", 'q.tag="a,b",\'"v1"\',c'], ["a,b", '"v1"', "c"]),
        (
            ["--search", "random", "--trials", "6", "--seed", "0", "-D", 'q.tag=choice("a,b", \'"v1"\')'],
            ["a,b", '"v1"'],
        ),
    ],
)
def test_quotes_mean_what_they_mean_in_a_plain_run(argv: list[str], tags: list[str]) -> None:
    """A swept -D text follows the quote rule of any -D, once, and each trial's command gives it again."""
    result = hp.launch(tagged, argv=["--sweep", *argv, "--runs", "out"])
    assert {trial.result["length"] for trial in result} == {len(tag) for tag in tags}
    if result.keys:
        assert {trial.values["q.tag"] for trial in result} == set(tags)
    for trial in result:
        assert trial.argv is not None
        own = trial.argv[trial.argv.index("-D") :]  # the program's arguments, after python and the script
        assert hp.launch(tagged, argv=own) == trial.result


@hp.param("ini")
def initialised(lr: float = 0.1, init: str = "zeros") -> dict[str, object]:
    """Return the initializer spec, a text that may look like a search space."""
    return {"init": init, "lr": lr}


@pytest.mark.parametrize(
    ("argv", "inits"),
    [
        (["-D", "ini.lr=0.1,0.2", "-D", "ini.init=uniform(-0.1, 0.1)"], ["uniform(-0.1, 0.1)"] * 2),
        (["-D", "ini.init=uniform(0,1),normal(0,1)"], ["uniform(0,1)", "normal(0,1)"]),
        (["-D", "ini.init=choice(a, b)"], ["choice(a, b)"]),
    ],
)
def test_a_text_key_takes_a_space_form_as_its_value(argv: list[str], inits: list[str]) -> None:
    """A grid sets a text key to a value written like a search space as a plain run does, swept or not."""
    result = hp.launch(initialised, argv=["--sweep", *argv, "--runs", "out"])
    assert [trial.result["init"] for trial in result] == inits


def test_failure_exits_non_zero_and_others_go_on(capsys: pytest.CaptureFixture[str]) -> None:
    """A failing trial makes the exit status 1 after every other trial ran; the table shows the error."""
    with pytest.raises(SystemExit) as info:
        sweep("-D", "swp.lr=0.1,0.01", "-D", "swp.layers=2,3", "--runs", "out")
    assert info.value.code == 1
    assert len(CALLS) == 4
    captured = capsys.readouterr()
    assert "RuntimeError: diverged" in captured.out
    assert f"--resume {Path.cwd() / 'out'}" in captured.err
    assert json.loads(Path("out/0003/trial.json").read_text())["status"] == "failed"


def test_trial_folder_holds_the_command_that_reruns_it() -> None:
    """Each trial's folder names the command line of that trial alone."""
    sweep("-D", "swp.lr=0.1,0.2", "--epochs", "2", "--runs", "out", "-j", "2")
    record = json.loads(Path("out/0001/trial.json").read_text())
    assert record["argv"][-5:] == ["in.csv", "-D", "swp.lr=0.2", "--epochs", "2"]
    assert record["command"].endswith("in.csv -D swp.lr=0.2 --epochs 2")
    assert record["values"] == {"swp.lr": 0.2}


def test_trial_record_names_the_command_line_as_the_source() -> None:
    """A launched trial's record.json says its swept value came from -D and its option from --epochs."""
    sweep("-D", "swp.lr=0.1,0.2", "--epochs", "2", "--runs", "out")
    reads = {read["key"]: read for read in json.loads(Path("out/0001/record.json").read_text())["reads"]}
    assert (reads["swp.lr"]["value"], reads["swp.lr"]["source"]) == (0.2, "-D")
    assert (reads["swp.epochs"]["value"], reads["swp.epochs"]["source"]) == (2, "--epochs")


def test_default_folder_is_timestamped_under_runs() -> None:
    """Without --runs the sweep gets a new folder under runs/ named by the time it started."""
    result = sweep("-D", "swp.lr=0.1,0.2")
    assert result.folder is not None
    assert result.folder.parent == Path.cwd() / "runs"  # absolute, fixed when the sweep starts
    assert (result.folder / "results.csv").exists()


def test_resume(capsys: pytest.CaptureFixture[str]) -> None:
    """--resume DIR runs only the trials without a successful result, with the sweep's own command line."""
    with pytest.raises(SystemExit):
        sweep("-D", "swp.lr=0.1,0.01", "-D", "swp.layers=2,3", "--runs", "out", "--minimize", "loss")
    CALLS.clear()
    with pytest.raises(SystemExit) as info:
        hp.launch(main, argv=["--resume", "out"])
    assert info.value.code == 1  # the failing trial still fails
    assert [(call["lr"], call["layers"]) for call in CALLS] == [(0.01, 3)]
    assert "best loss=" in capsys.readouterr().err  # the objective is the sweep's


def test_resume_takes_no_program_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """Program arguments next to --resume are a usage error: the sweep re-runs its own command line."""
    sweep("-D", "swp.lr=0.1,0.2", "--runs", "out")
    with pytest.raises(SystemExit) as info:
        hp.launch(main, argv=["--resume", "out", "--epochs", "4"])
    assert info.value.code == 2
    assert "give no program arguments" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--search", "random", "--trials", "4"],
            "--search random cannot change a resumed sweep: it is a grid",
        ),
        (["--seed", "3"], "--trials and --seed are for --search random"),
        (["--runs", "other"], "--runs names the folder of a new sweep"),
    ],
)
def test_resume_refuses_options_that_make_another_sweep(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    """--resume with --search, --seed or --runs for a grid is a usage error naming the option."""
    sweep("-D", "swp.lr=0.1,0.2", "--runs", "out")
    CALLS.clear()
    with pytest.raises(SystemExit) as info:
        hp.launch(main, argv=["--resume", "out", *options])
    assert info.value.code == 2
    assert message in capsys.readouterr().err
    assert CALLS == []
    assert not Path("other").exists()


def test_resume_ranks_by_a_new_objective(capsys: pytest.CaptureFixture[str]) -> None:
    """--resume DIR --maximize METRIC ranks the resumed grid by it and saves it in sweep.json."""
    with pytest.raises(SystemExit):
        sweep("-D", "swp.lr=0.1,0.01", "-D", "swp.layers=2,3", "--runs", "out", "--minimize", "loss")
    capsys.readouterr()
    with pytest.raises(SystemExit):
        hp.launch(main, argv=["--resume", "out", "--maximize", "loss"])
    assert "best loss=0.3 (trial 1)" in capsys.readouterr().err
    assert json.loads(Path("out/sweep.json").read_text())["objective"] == ["loss", False]


@pytest.mark.parametrize(("runs", "reason"), [("notes.txt", "it is a file"), ("notes.txt/x", "a part of")])
def test_runs_that_cannot_be_a_folder(capsys: pytest.CaptureFixture[str], runs: str, reason: str) -> None:
    """--runs naming a file is a usage error naming --runs, before any trial runs."""
    Path("notes.txt").write_text("mine")
    with pytest.raises(SystemExit) as info:
        sweep("-D", "swp.lr=0.1,0.2", "--runs", runs)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"cannot be made: {reason}" in err
    assert "choose another folder with --runs DIR" in err
    assert CALLS == []


@hp.param("cwd")
def moving(lr: float = 0.1) -> float:
    """Move into a run folder, as many training scripts do."""
    os.makedirs("moved", exist_ok=True)
    os.chdir("moved")
    return lr


def test_a_program_that_changes_directory_keeps_its_sweep(tmp_path: Path) -> None:
    """A relative --runs is fixed when the sweep starts: a trial's os.chdir does not break or move it."""
    result = hp.launch(moving, argv=["--sweep", "-D", "cwd.lr=0.1,0.2", "--runs", "out"])
    assert result.ok
    assert (tmp_path / "out" / "results.csv").read_text().count(",ok,") == 2


@hp.param("dir")
def in_folder(lr: float = 0.1) -> str:
    """Save a checkpoint where the trial's folder is."""
    folder = hp.trial_dir()
    if folder is None:
        return "alone"
    (folder / "model.txt").write_text(str(lr))
    hp.save_config(hp.scope, folder / "run.json")  # to run the trial's values again
    return str(folder)


def test_each_trial_of_a_launched_sweep_finds_its_folder(tmp_path: Path) -> None:
    """hp.trial_dir() in a launched sweep's trial is its folder; in a plain run of the program, None."""
    result = hp.launch(in_folder, argv=["--sweep", "-D", "dir.lr=0.1,0.2", "--runs", "out"])
    assert [trial.result for trial in result] == [
        str(tmp_path / "out" / "0000"),
        str(tmp_path / "out" / "0001"),
    ]
    assert (tmp_path / "out" / "0001" / "model.txt").read_text() == "0.2"
    assert hp.launch(in_folder, argv=["-D", "dir.lr=0.2"]) == "alone"


def test_a_trials_saved_config_run_alone_is_no_trial(tmp_path: Path) -> None:
    """A trial's values saved with hp.save_config and run again with -C: hp.trial_dir() is None there."""
    hp.launch(in_folder, argv=["--sweep", "-D", "dir.lr=0.1,0.2", "--runs", "out"])
    saved = tmp_path / "out" / "0001" / "run.json"
    assert json.loads(saved.read_text())["sweep"]["trial_dir"] == str(tmp_path / "out" / "0001")
    assert hp.launch(in_folder, argv=["-C", str(saved)]) == "alone"  # not writing into the trial's folder
    assert (tmp_path / "out" / "0001" / "model.txt").read_text() == "0.2"


def test_listing_describes_the_first_trial(capsys: pytest.CaptureFixture[str]) -> None:
    """-lps with --sweep lists the values of the first trial and runs nothing."""
    with pytest.raises(SystemExit) as info:
        sweep("-D", "swp.lr=0.3,0.4", "-lps")
    assert info.value.code == 0
    assert CALLS == []
    listed = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("swp.lr")]
    assert listed[0][2] == "0.3"  # KEY DEFAULT IN-FORCE ...


@hp.param("swt")
def threaded(lr: float = 0.1, epochs: int = 1) -> dict[str, object]:
    """Start a thread, as a data loader does, and report what it sees."""
    seen: dict[str, object] = {}

    def look() -> None:
        seen.update(epochs=hp.scope.swt.epochs | 0, scale=hp.scope.model.scale | 0.0)

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return seen


def test_threads_a_trial_starts_see_the_shared_values() -> None:
    """On the threads backend, a thread a trial starts sees options and unswept -D values, as in one run."""
    result = hp.launch(
        threaded, argv=["--sweep", "-D", "swt.lr=0.1,0.2", "-D", "model.scale=3", "--epochs", "4"]
    )
    assert [trial.result for trial in result] == [{"epochs": 4, "scale": 3.0}] * 2
    after: list[object] = []
    thread = threading.Thread(target=lambda: after.append(hp.scope.model.scale | None))
    thread.start()
    thread.join()
    assert after == [None]  # nothing stays published after the sweep


def test_nothing_swept_is_one_trial() -> None:
    """--sweep without a swept value runs the one trial its command line describes."""
    result = sweep("-D", "swp.lr=0.3")
    assert len(result) == 1
    assert CALLS[0]["lr"] == 0.3


def test_program_keeps_its_own_long_options() -> None:
    """A program's own --jobs stays its option; -j is always the sweep's."""
    options = split_options(["--sweep", "--jobs", "8", "-j", "2"], frozenset({"--jobs"}))
    assert options.jobs == 2
    assert options.program == ["--jobs", "8"]


def test_minimize_takes_an_optional_metric() -> None:
    """--minimize alone ranks by the result; --maximize=acc or --maximize acc by a key."""
    assert split_options(["--minimize", "-j", "2"]).objective == hp_objective(None, True)
    assert split_options(["--maximize=acc"]).objective == hp_objective("acc", False)
    assert split_options(["--maximize", "acc"]).objective == hp_objective("acc", False)


def hp_objective(metric: str | None, minimize: bool) -> object:
    from hyperparameter._sweep_trial import Objective

    return Objective(metric, minimize)


# -- real programs ------------------------------------------------------------

PROGRAM = textwrap.dedent(
    """
    import os, sys, time
    import hyperparameter as hp

    @hp.param("swp")
    def main(lr: float = 0.1, wait: float = 0.0):
        if wait and os.path.exists("stop-waiting") is False:
            open(os.path.join(hp.trial_dir() or ".", "started"), "w").close()  # for a test to see
            time.sleep(wait)
        return {"loss": lr * 2, "pid": os.getpid(), "scale": hp.scope.model.scale | 1.0}

    if __name__ == "__main__":
        result = hp.launch(main)
        if isinstance(result, dict):  # a single run, not a sweep
            print("loss", result["loss"])
    """
)


def run_program(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "prog.py").write_text(PROGRAM)
    return run_python("prog.py", *args, cwd=tmp_path)


def test_processes_backend_from_the_command_line(tmp_path: Path) -> None:
    """--backend processes runs a script's trials in worker processes with every value."""
    done = run_program(
        tmp_path,
        "--sweep",
        "-D",
        "swp.lr=1,2,3",
        "-D",
        "model.scale=5",
        "--backend",
        "processes",
        "-j",
        "2",
        "--runs",
        "out",
    )
    assert done.returncode == 0, done.stderr
    results = [
        json.loads((tmp_path / "out" / f"000{n}" / "trial.json").read_text())["result"] for n in range(3)
    ]
    assert [each["loss"] for each in results] == [2.0, 4.0, 6.0]
    assert {each["scale"] for each in results} == {5.0}
    assert os.getpid() not in {each["pid"] for each in results}


def test_trial_command_reruns_the_trial(tmp_path: Path) -> None:
    """Running a trial's saved command from any folder gives that trial's result."""
    assert run_program(tmp_path, "--sweep", "-D", "swp.lr=1,2", "--runs", "out").returncode == 0
    record = json.loads((tmp_path / "out" / "0001" / "trial.json").read_text())
    assert record["argv"][:2] == [sys.executable, str(tmp_path / "prog.py")]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    alone = run_python(*record["argv"][1:], cwd=elsewhere)  # run_python: sys.executable, in the test's env
    assert alone.stdout.split() == ["loss", str(record["result"]["loss"])]


def test_a_package_module_sweep_saves_commands_that_run(tmp_path: Path) -> None:
    """For python -m pkg.module, trial commands and the resume hint use -m and this interpreter."""
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text("def factor():\n    return 3\n")
    (package / "train.py").write_text(
        "from .helper import factor\n" + PROGRAM.replace('lr * 2, "pid"', 'lr * factor(), "pid"')
    )
    done = run_python(
        "-m", "mypkg.train", "--sweep", "-D", "swp.lr=1,2", "-D", "x=0,1", "--runs", "out", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out" / "0003" / "trial.json").read_text())
    assert record["argv"][:3] == [sys.executable, "-m", "mypkg.train"]
    alone = run_python(*record["argv"][1:], cwd=tmp_path)
    assert alone.stdout.split() == ["loss", "6.0"]  # lr=2 times the helper's 3
    other = run_program(tmp_path, "--resume", "out")
    assert other.returncode == 2
    assert (
        f"resume it with that program: {sys.executable} -m mypkg.train --resume {tmp_path / 'out'}"
        in other.stderr
    )


FILES_PROGRAM = textwrap.dedent(
    """
    import os
    import hyperparameter as hp

    @hp.param("swp")
    def main(data: str, lr: float = 0.1):
        if os.path.exists("broken") and lr == 2:
            raise RuntimeError("out of memory")
        with open(data) as file:  # a path of the program's own arguments, relative
            return {"loss": lr * float(file.read()) * (hp.scope.model.scale | 1.0)}

    if __name__ == "__main__":
        hp.launch(main)
    """
)


def test_resume_from_another_folder_reads_paths_where_the_sweep_ran(tmp_path: Path) -> None:
    """--resume from any folder reads the sweep's relative -C file and arguments where the sweep ran."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "prog.py").write_text(FILES_PROGRAM)
    (project / "run.json").write_text(json.dumps({"model": {"scale": 10}}))
    (project / "data.txt").write_text("3")
    (project / "broken").write_text("")
    first = run_python("prog.py", "data.txt", "--sweep", "-D", "swp.lr=1,2", "-C", "run.json", cwd=project)
    assert first.returncode == 1, first.stderr
    folder = next((project / "runs").iterdir())
    assert json.loads((folder / "sweep.json").read_text())["cwd"] == str(project)
    assert json.loads((folder / "0001" / "trial.json").read_text())["cwd"] == str(project)
    (project / "broken").unlink()
    done = run_python(str(project / "prog.py"), "--resume", os.path.relpath(folder, elsewhere), cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert f"resuming in {project}, the folder the sweep ran in" in done.stderr
    results = [json.loads((folder / f"000{n}" / "trial.json").read_text()) for n in range(2)]
    assert [(each["status"], each["result"]) for each in results] == [
        ("ok", {"loss": 30.0}),
        ("ok", {"loss": 60.0}),
    ]
    assert not (elsewhere / "runs").exists()


def test_resume_from_a_subfolder_saves_commands_naming_the_script(tmp_path: Path) -> None:
    """A sweep resumed as ``python ../prog.py --resume`` saves trial commands that name prog.py itself."""
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "prog.py").write_text(FILES_PROGRAM)
    (project / "data.txt").write_text("3")
    (project / "broken").write_text("")
    first = run_python("prog.py", "data.txt", "--sweep", "-D", "swp.lr=1,2", cwd=project)
    assert first.returncode == 1, first.stderr
    folder = next((project / "runs").iterdir())
    (project / "broken").unlink()
    done = run_python("../prog.py", "--resume", os.path.relpath(folder, project / "sub"), cwd=project / "sub")
    assert done.returncode == 0, done.stderr
    resumed = json.loads((folder / "0001" / "trial.json").read_text())
    assert resumed["status"] == "ok"
    assert resumed["argv"][1] == str(project / "prog.py")


def test_resume_goes_back_to_the_folder_it_started_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A resumed sweep runs its trials in the folder it ran in, then comes back; a gone folder is said."""
    (tmp_path / "first").mkdir()
    os.chdir(tmp_path / "first")
    with pytest.raises(SystemExit):
        sweep("-D", "swp.lr=0.1,0.01", "-D", "swp.layers=2,3", "--runs", str(tmp_path / "out"))
    (tmp_path / "second").mkdir()
    os.chdir(tmp_path / "second")
    CALLS.clear()
    with pytest.raises(SystemExit):
        hp.launch(main, argv=["--resume", "../out"])
    assert [call["cwd"] for call in CALLS] == [str(tmp_path / "first")]  # the one failed trial
    assert Path.cwd() == tmp_path / "second"
    (tmp_path / "first").rmdir()
    CALLS.clear()
    with pytest.raises(SystemExit):
        hp.launch(main, argv=["--resume", "../out"])
    assert "cannot be entered (no such file or directory)" in capsys.readouterr().err
    assert [call["cwd"] for call in CALLS] == [str(tmp_path / "second")]
    rerun = [json.loads(path.read_text()) for path in (tmp_path / "out").glob("*/*/trial.json")]
    rerun += [json.loads(path.read_text()) for path in (tmp_path / "out").glob("*/trial.json")]
    ran_here = [trial for trial in rerun if trial.get("cwd") == str(tmp_path / "second")]
    assert ran_here, rerun  # the trial that ran again says where it ran, not the gone folder


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
@pytest.mark.parametrize("backend", ["threads", "processes"])
def test_ctrl_c_then_resume(tmp_path: Path, backend: str) -> None:
    """Ctrl-C exits 130 at once leaving interrupted trials; --resume then completes the sweep."""
    (tmp_path / "prog.py").write_text(PROGRAM)
    child = subprocess.Popen(
        [
            sys.executable,
            "prog.py",
            "--sweep",
            "-D",
            "swp.lr=1,2,3",
            "--wait",
            "600",
            "--runs",
            "out",
            "--backend",
            backend,
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = tmp_path / "out" / "0000" / "started"  # the trial runs, in its worker
    deadline = time.monotonic() + 300
    while not started.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), child.communicate(timeout=60)[1]
    interrupted = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=300)
    assert time.monotonic() - interrupted < 300  # at once, not after the 600 s trial
    assert child.returncode == 130, err
    assert json.loads((tmp_path / "out" / "0000" / "trial.json").read_text())["status"] == "interrupted"
    assert f"--resume {tmp_path / 'out'}" in err
    (tmp_path / "stop-waiting").write_text("")
    done = run_program(tmp_path, "--resume", "out")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "results.csv").read_text().count(",ok,") == 3


@hp.param("frz")
def freezing(lr: float = 0.0) -> dict[str, object]:
    """Run a launched program that hands its values to its threads with frozen()."""
    return freeze_and_read_in_thread()


def test_a_program_that_freezes_sweeps_one_trial_at_a_time(capsys: pytest.CaptureFixture[str]) -> None:
    """--sweep -j 1 of a program calling frozen(): trials' threads see their values; nothing stays."""
    result = hp.launch(freezing, argv=["--sweep", "-D", "frz.lr=0.1,0.2", "--runs", "out"])
    assert [trial.result for trial in result] == [{"lr": 0.1, "thread": 0.1}, {"lr": 0.2, "thread": 0.2}]
    assert read_lr_in_new_thread() is None


def test_a_program_that_freezes_fails_beside_other_trials_on_threads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--sweep -j 2 on threads of a program calling frozen(): trials fail, saying to use processes."""
    with pytest.raises(SystemExit) as exit_info:
        hp.launch(freezing, argv=["--sweep", "-D", "frz.lr=0.1,0.2", "-j", "2", "--runs", "out"])
    assert exit_info.value.code == 1
    trial = json.loads(Path("out/0001/trial.json").read_text())
    assert trial["status"] == "failed"
    assert "run the sweep with backend='processes' (--backend processes) or jobs=1" in trial["error"]
    assert read_lr_in_new_thread() is None
