"""A program's own parameters and commands never clash with the launcher's options (review item 17)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp
from hyperparameter._launch import _Program
from hyperparameter._launch_commands import make_command
from programs import launch


def run(argv: list[str], capsys: pytest.CaptureFixture[str], func: Any = None) -> tuple[int, Any, str, str]:
    """Launch ``func`` with ``argv``: the exit status, what it returned, stdout and stderr."""
    return launch(func, argv, capsys)


@hp.param("cfgapp")
def configured(config: str = "configs/base.yaml", lr: float = 0.1) -> tuple[str, Any, Any]:
    """Train from a config file of the program's own."""
    return config, lr, hp.scope.clash.k | -1


@hp.param("clashjob")
def everything(
    record: str = "",
    strict: bool = False,
    define: str = "",
    help: str = "",
    list_params: int = 0,
    format: str = "",
    command: str = "",
) -> dict[str, Any]:
    """Take every name the launcher uses for itself."""
    return {
        "record": record,
        "strict": strict,
        "define": define,
        "help": help,
        "list_params": list_params,
        "format": format,
        "command": command,
        "k": hp.scope.clash.k | -1,
    }


class TestParametersNamedLikeLauncherOptions:
    def test_a_config_parameter_is_the_programs_and_minus_c_still_loads(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A parameter named config keeps --config; -C still loads a config file."""
        values = tmp_path / "v.json"
        values.write_text(json.dumps({"cfgapp": {"lr": 0.5}, "clash": {"k": 7}}))
        assert hp.launch(configured, argv=[]) == ("configs/base.yaml", 0.1, -1)
        assert hp.launch(configured, argv=["--config", "other.yaml", "-C", str(values)]) == (
            "other.yaml",
            0.5,
            7,
        )

    def test_every_launcher_name_can_be_a_parameter(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Parameters named record, strict, define, help, list_params,
        format and command get their options."""
        argv = [
            "--record=r",
            "--strict",
            "--define",
            "d",
            "--help",
            "h",
            "--list-params",
            "3",
            "--format",
            "f",
            "--command",
            "c",
            "-D",
            "clash.k=4",
        ]
        status, result, _, err = run(argv, capsys, everything)
        assert status == 0, err
        assert result == {
            "record": "r",
            "strict": True,
            "define": "d",
            "help": "h",
            "list_params": 3,
            "format": "f",
            "command": "c",
            "k": 4,
        }

    def test_the_launchers_options_keep_a_spelling(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-h, -lps and -ep stay; --record and --strict answer to --hp-record and --hp-strict."""
        status, _, out, _ = run(["-h"], capsys, everything)
        assert status == 0
        assert "--hp-record FILE" in out
        assert "--hp-strict" in out
        assert "--help HELP" in out
        status, _, out, _ = run(["-lps"], capsys, everything)
        assert status == 0
        assert "clashjob.list_params" in out
        record = tmp_path / "run.json"
        status, _, _, err = run(["--record", "mine", "--hp-record", str(record)], capsys, everything)
        assert status == 0, err
        assert json.loads(record.read_text())["clashjob"]["record"] == "mine"
        status, _, _, err = run(["--hp-strict", "-D", "clash.kk=1"], capsys, everything)
        assert status == 2
        assert "--strict" in err

    def test_only_the_clashing_options_change(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A program declaring only --config keeps --record and --strict as they are, and -C for files."""
        status, _, out, _ = run(["-h"], capsys, configured)
        assert status == 0
        assert "--record FILE" in out
        assert "--strict" in out
        assert "--hp-" not in out
        assert "-C FILE" in out
        assert "--config CONFIG" in out


@hp.param("tune")
def fit(epochs: int = 3) -> str:
    """Fit from scratch."""
    return f"fit {epochs} {hp.scope.tune.lr | 0.1}"


@hp.param("tune")
def finetune(epochs: int = 1, config: str = "") -> str:
    """Fine-tune a fitted model."""
    return f"finetune {epochs} {config}"


class TestMessagesNameTheOptionAsSpelled:
    @pytest.mark.parametrize(
        ("func", "argv", "expected"),
        [
            (everything, ["--hp-record", "run.txt"], "argument --hp-record: "),
            (everything, ["--hp-record", "/proc/none/run.toml"], "argument --hp-record: "),
            (everything, ["-D", "clashjob..x=1"], "argument -D: "),
            (configured, ["-C", "missing.json"], "argument -C: "),
            (everything, ["--hp-strict", "-D", "clashjob.recod=1"], "error: --hp-strict: "),
        ],
    )
    def test_an_error_names_the_option_the_program_has(
        self, func: Any, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A launcher option the program took is named in errors as the user spells it (--hp-record)."""
        status, _, _, err = run(argv, capsys, func)
        assert status == 2
        assert expected in err
        assert not any(wrong in err for wrong in ("--record:", "-C/--config", "-D/--define"))


class TestCommands:
    def test_functions_sharing_a_namespace_answer_to_their_names(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Two commands of one namespace answer to their function names;
        the shared namespace picks neither."""
        program = _Program([make_command(fit), make_command(finetune)], {}, "prog")
        assert program.run(["fit", "--epochs", "5", "-D", "tune.lr=0.5"]) == "fit 5 0.5"
        assert program.run(["finetune", "--config", "c.yaml"]) == "finetune 1 c.yaml"
        with pytest.raises(SystemExit) as stop:
            program.run(["tune"])
        assert stop.value.code == 2
        assert "invalid choice: 'tune'" in capsys.readouterr().err

    def test_a_name_given_to_two_commands_is_refused_by_name(self) -> None:
        """Two commands nothing tells apart are a LaunchError naming the word, before anything runs."""

        @hp.param("tune")
        def fit() -> None:
            """Another fit."""

        with pytest.raises(hp.LaunchError, match="'fit'"):
            _Program([make_command(fit), make_command(globals()["fit"])], {}, "prog")

    def test_a_commands_own_option_may_share_a_launcher_name(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A command's --config is its own, in a program of several commands, and -C loads files."""
        program = _Program([make_command(fit), make_command(finetune)], {}, "prog")
        assert program.run(["finetune", "--config", "x.yaml", "-D", "tune.epochs=2"]) == "finetune 2 x.yaml"


@hp.param("s19")
def resumable(resume: str = "", seed: int = 0, x: float = 0.5) -> dict[str, Any]:
    """Train, resuming from a checkpoint of the program's own."""
    return {"resume": resume, "seed": seed, "loss": x}


class TestSweepOptionsOfTheProgram:
    def test_a_declared_resume_is_the_programs(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--resume that the program declares runs the program once, not a sweep."""
        status, result, _, err = run(["--resume", "ckpt.pt"], capsys, resumable)
        assert status == 0, err
        assert result == {"resume": "ckpt.pt", "seed": 0, "loss": 0.5}
        assert "sweep" not in err

    def test_a_program_with_its_own_seed_seeds_its_search_with_sweep_seed(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """--sweep-seed seeds the search while the program's --seed goes to every trial, with a note."""
        monkeypatch.chdir(tmp_path)
        argv = ["--sweep", "--search", "random", "--trials", "3", "--sweep-seed", "7", "--seed", "3"]
        argv += ["-D", "s19.x=uniform(0, 1)"]
        first = hp.launch(resumable, argv=argv)
        assert "note: --seed is the program's own option" in capsys.readouterr().err
        second = hp.launch(resumable, argv=argv)
        assert [trial.values for trial in first] == [trial.values for trial in second]
        assert {trial.result["seed"] for trial in first} == {3}

    def test_sweep_resume_resumes_a_sweep_of_a_program_with_its_own_resume(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--sweep-resume DIR continues the sweep in DIR when --resume is the program's."""
        folder = str(tmp_path / "sw")
        status, result, _, err = run(["--sweep", "-D", "s19.x=1,2", "--runs", folder], capsys, resumable)
        assert status == 0, err
        status, resumed, _, err = run(["--sweep-resume", folder], capsys, resumable)
        assert status == 0, err
        assert [trial.values for trial in resumed] == [trial.values for trial in result]

    def test_an_unknown_sweep_spelling_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A misspelt --sweep-NAME exits 2 with the closest sweep option."""
        status, _, _, err = run(["--sweep-sed", "7"], capsys, resumable)
        assert status == 2
        assert "Did you mean '--sweep-seed'" in err
