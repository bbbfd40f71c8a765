"""hp.launch / hp.run_cli: functions as command-line programs."""

from __future__ import annotations

import enum
import math
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Literal, Optional

import pytest

import hyperparameter as hp
from programs import python_env, run_python

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(argv: list[str], capsys: pytest.CaptureFixture[str], func: Any = None) -> tuple[int, str, str]:
    """Launch ``func`` with ``argv``; the exit status (0 when it returns), stdout and stderr."""
    try:
        hp.launch(func, argv=argv)
        status = 0
    except SystemExit as stop:
        status = int(stop.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@hp.param("app")
def app(
    input_file: str, output_file: str = "out.txt", verbose: bool = False, repeat: int = 1
) -> tuple[Any, ...]:
    """Process an input file.

    Args:
        input_file: Path to the input file.
        output_file: Where the result goes.
        verbose: Say more.
        repeat: How many times.
    """
    return input_file, output_file, verbose, repeat


@pytest.mark.parametrize(
    ("define", "value"),
    [
        ('app.output_file="a,b.txt"', "a,b.txt"),
        ("app.output_file='two words'", "two words"),
        ("app.output_file='\"v1\"'", '"v1"'),
        ('app.output_file="a\\"b"', 'a"b'),
        ('app.output_file="a", "b"', '"a", "b"'),
        ("app.output_file=it's", "it's"),
        ('app.output_file="half', '"half'),
        ('app.output_file="\\d+, \\w+"', "\\d+, \\w+"),
        ('app.output_file="C:\\data\\my run"', "C:\\data\\my run"),
        ('app.output_file="a\\\\b"', "a\\b"),
    ],
)
def test_a_define_wholly_in_quotes_is_the_text_inside(define: str, value: str) -> None:
    """A -D value wholly in quotes is the text inside them; quotes that are part of it go inside others."""
    assert hp.launch(app, argv=["in.txt", "-D", define])[1] == value


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class TestSingleFunction:
    def test_positionals_and_options(self) -> None:
        """Parameters without a default are positionals; those with one are --options."""
        assert hp.launch(app, argv=["in.txt", "--output_file", "r.txt", "--repeat", "3"]) == (
            "in.txt",
            "r.txt",
            False,
            3,
        )

    def test_dashed_option_spelling_is_accepted(self) -> None:
        """--output-file is the same option as --output_file."""
        assert hp.launch(app, argv=["in.txt", "--output-file=r.txt"])[1] == "r.txt"

    @pytest.mark.parametrize(
        ("flags", "expected"),
        [
            ([], False),
            (["--verbose"], True),
            (["--no-verbose"], False),
            (["--verbose=false"], False),
            (["--verbose=yes"], True),
            (["--verbose", "--no-verbose"], False),
        ],
    )
    def test_bool_options_are_flags(self, flags: list[str], expected: bool) -> None:
        """A bool option is a flag, has a --no- form and also takes =true/=false."""
        assert hp.launch(app, argv=["in.txt", *flags])[2] is expected

    @pytest.mark.parametrize(
        ("flags", "expected"),
        [
            (["--no-cuda"], True),
            (["--no_cuda"], True),
            (["--no-cuda=true"], True),
            (["--no-cuda=false"], False),
            (["--no-cuda", "false"], False),
            (["--no-cuda", "--no-no-cuda"], False),
            (["--no-no_cuda"], False),
        ],
    )
    def test_a_bool_named_no_something_answers_to_its_own_name(
        self, flags: list[str], expected: bool
    ) -> None:
        """A bool parameter named no_cuda is set True by --no-cuda, its own name; --no-no-cuda negates it."""

        @hp.param("t")
        def main(no_cuda: bool = False) -> bool:
            return no_cuda

        assert hp.launch(main, argv=flags) is expected

    @pytest.mark.parametrize(
        ("flags", "expected"), [(["--no-cuda"], (False, True)), (["--cuda"], (True, False))]
    )
    def test_a_parameter_own_name_wins_over_another_negation(
        self, flags: list[str], expected: tuple[bool, bool]
    ) -> None:
        """Beside a cuda flag, --no-cuda is the no_cuda parameter's own option, not cuda's negation."""

        @hp.param("t")
        def main(cuda: bool = False, no_cuda: bool = False) -> tuple[bool, bool]:
            return cuda, no_cuda

        assert hp.launch(main, argv=flags) == expected

    def test_a_flag_never_takes_the_following_positional(self) -> None:
        """--verbose before the positional leaves the positional alone."""
        assert hp.launch(app, argv=["--verbose", "in.txt"])[:3] == ("in.txt", "out.txt", True)

    def test_define_sets_the_functions_own_parameters(self) -> None:
        """-D app.verbose=true reaches the launched function (seed 001)."""
        assert hp.launch(app, argv=["in.txt", "-D", "app.verbose=true", "-D", "app.repeat=4"])[2:] == (
            True,
            4,
        )

    def test_explicit_options_beat_define_which_beats_defaults(self) -> None:
        """Precedence: explicit option > -D > default."""
        assert hp.launch(app, argv=["in.txt", "-D", "app.repeat=4", "--repeat", "5"])[3] == 5
        assert hp.launch(app, argv=["in.txt", "-D", "app.repeat=4"])[3] == 4
        assert hp.launch(app, argv=["in.txt"])[3] == 1

    def test_define_never_swallows_a_positional(self) -> None:
        """-D takes exactly one KEY=VALUE, so a positional after it stays a positional."""
        assert hp.launch(app, argv=["-D", "app.repeat=2", "in.txt"])[::3] == ("in.txt", 2)
        assert hp.launch(app, argv=["-Dapp.repeat=3", "in.txt"])[3] == 3

    def test_define_sets_any_hyperparameter_of_the_program(self) -> None:
        """-D also sets keys the launched function does not declare."""

        @hp.param("job")
        def job() -> object:
            return hp.scope.model.width | 16

        assert hp.launch(job, argv=["-D", "model.width=32"]) == 32

    def test_a_dotted_long_option_sets_that_key_as_d_does(self) -> None:
        """--dotted.lr=0.5 and --dotted.epochs 3 set those keys, checked like -D, as hp desc shows."""

        @hp.param("dotted")
        def train(lr: float = 0.1, epochs: int = 1) -> tuple[float, int, object]:
            return lr, epochs, hp.scope.dotted_model.depth | 0

        assert hp.launch(train, argv=["--dotted.lr=0.5", "--dotted_model.depth", "-2"]) == (0.5, 1, -2)
        assert hp.launch(train, argv=["--dotted.epochs", "3"]) == (0.1, 3, 0)
        with pytest.raises(SystemExit) as exit_:
            hp.launch(train, argv=["--dotted.lr=fast"])
        assert exit_.value.code == 2

    def test_the_function_name_may_be_given_first(self) -> None:
        """A one-function program also accepts its name as the first word."""
        assert hp.launch(app, argv=["app", "in.txt"])[0] == "in.txt"

    def test_returns_the_functions_value_and_propagates_its_exceptions(self) -> None:
        """launch returns what the function returns and lets its exceptions through."""

        @hp.param
        def fails() -> None:
            raise KeyError("inside")

        with pytest.raises(KeyError, match="inside"):
            hp.launch(fails, argv=[])

    def test_values_are_published_for_new_threads(self) -> None:
        """Threads started by the program see -D values (frozen baseline)."""

        @hp.param("threads")
        def spawn() -> object:
            seen: list[object] = []
            worker = threading.Thread(target=lambda: seen.append(hp.scope.threads.n | 0))
            worker.start()
            worker.join()
            return seen[0]

        assert hp.launch(spawn, argv=["-D", "threads.n=7"]) == 7

    def test_an_undecorated_function_can_be_launched(self) -> None:
        """A plain function is launched under its own name as namespace."""

        def plain(x: int = 1) -> int:
            return x

        assert hp.launch(plain, argv=["-D", "plain.x=5"]) == 5
        assert hp.run_cli(plain, argv=["--x", "6"]) == 6


class TestTypes:
    def test_annotations_drive_conversion(self) -> None:
        """Annotations, string annotations, Optional, lists, Literal and Enum all convert."""

        @hp.param("typed")
        def typed(
            n: int = 0,
            ratio: Optional[float] = None,
            dims: list[int] = [1],  # noqa: B006
            act: Literal["relu", "gelu"] = "relu",
            color: Color = Color.RED,
            pair: tuple[float, ...] = (0.0,),
        ) -> tuple[Any, ...]:
            return n, ratio, dims, act, color, pair

        argv = [
            "--n",
            "3",
            "--ratio",
            "0.5",
            "--dims",
            "4",
            "5",
            "--act",
            "gelu",
            "--color",
            "BLUE",
            "--pair",
            "[1, 2]",
        ]
        assert hp.launch(typed, argv=argv) == (3, 0.5, [4, 5], "gelu", Color.BLUE, (1.0, 2.0))

    def test_types_come_from_defaults_without_annotations(self) -> None:
        """Without annotations the default's type converts the text."""

        @hp.param("untyped")
        def untyped(n=0, lr=0.1, dims=(64, 64), name="x"):  # type: ignore[no-untyped-def]
            return n, lr, dims, name

        assert hp.launch(untyped, argv=["--n", "2", "--lr", "1e-3", "--dims", "8", "9"]) == (
            2,
            0.001,
            (8, 9),
            "x",
        )

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["in.txt", "--repeat", "many"], "argument --repeat: invalid int value: 'many'"),
            (["in.txt", "--verbose=perhaps"], "argument --verbose: invalid bool value: 'perhaps'"),
            (["in.txt", "--unknown"], "unrecognized arguments: --unknown"),
            ([], "the following arguments are required: input_file"),
            (["in.txt", "-D", "bad key=1"], "argument -D/--define: Invalid hyperparameter key 'bad key'"),
        ],
    )
    def test_usage_errors_exit_2_with_one_clear_line(
        self, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Bad command lines exit with status 2 and an argparse-style error line."""
        status, _, err = run(argv, capsys, app)
        assert status == 2
        assert message in err.splitlines()[-1]

    def test_choices_are_enforced(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A Literal option rejects values outside its choices."""

        @hp.param("choice")
        def choose(act: Literal["relu", "gelu"] = "relu") -> str:
            return act

        status, _, err = run(["--act", "tanh"], capsys, choose)
        assert status == 2
        assert "invalid choice: 'tanh'" in err


class TestHelpAndListing:
    def test_help_shows_docstring_texts_and_defaults(self, capsys: pytest.CaptureFixture[str]) -> None:
        """-h prints the description, each parameter's text and its default, without positionals."""
        status, out, _ = run(["-h"], capsys, app)
        assert status == 0
        assert "Process an input file." in out
        assert "Where the result goes. (default: 'out.txt')" in out
        assert "--verbose, --no-verbose" in out

    @pytest.mark.parametrize(("flag"), ["-lps", "--list-params", "--list-param-scope"])
    def test_list_params_without_positionals(self, flag: str, capsys: pytest.CaptureFixture[str]) -> None:
        """-lps lists keys, defaults, the value in force and its source, positionals or not."""
        status, out, _ = run([flag, "-D", "app.repeat=9"], capsys, app)
        assert status == 0
        rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
        assert rows["app.repeat"][1:4] == ["1", "9", "-D"]
        assert rows["app.verbose"][1:4] == ["False", "False", "default"]

    def test_list_params_includes_scope_reads_of_the_module(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Reads like hp.scope.model.width | 16 in the program's files are listed too."""

        @hp.param("reader")
        def reader() -> object:
            return hp.scope.model.width | 16

        status, out, _ = run(["-lps"], capsys, reader)
        assert status == 0
        assert any(line.startswith("model.width") for line in out.splitlines())

    def test_explain_param(self, capsys: pytest.CaptureFixture[str]) -> None:
        """-ep KEY shows hp desc's block, the value in force with its source added, and the key's reads."""
        status, out, _ = run(["-ep", "app.output_file", "-D", "app.output_file=x.txt"], capsys, app)
        assert status == 0
        lines = out.splitlines()
        location = next(line for line in lines if line.startswith("Location: "))
        assert location == f"Location: tests/test_launch.py:{app.__wrapped__.__code__.co_firstlineno + 1}"
        reads = [line for line in lines if line.startswith("Also read at: ")]
        assert reads[0].startswith("Also read at: tests/test_launch.py:")
        assert reads[0].endswith('default "none")')
        assert [line for line in lines if line != location and line not in reads] == [
            "=" * 60,
            "Hyperparameter: app.output_file",
            "=" * 60,
            "Default: 'out.txt'",
            "Type: str",
            "In force: 'x.txt' (from -D)",
            "Namespace: app",
            "Function: app (@hp.param)",
            "Description: Where the result goes.",
            "Usage:",
            "  # Access via scope",
            "  value = hp.scope.app.output_file | 'out.txt'",
            "  # Set via command line (programs started with hp.launch)",
            "  --app.output_file=<value>",
        ]

    def test_explain_unknown_key_suggests_close_ones(self, capsys: pytest.CaptureFixture[str]) -> None:
        """-ep with an unknown key exits 1 and names the closest known keys."""
        status, _, err = run(["-ep", "app.output_fil"], capsys, app)
        assert status == 1
        assert "Did you mean 'app.output_file'" in err

    def test_unknown_define_key_warns_with_closest_key(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A -D key the program never reads gets a warning naming the closest known key."""
        status, _, err = run(["in.txt", "-D", "app.repat=2"], capsys, app)
        assert status == 0
        assert "warning" in err
        assert "'app.repat'" in err
        assert "Did you mean 'app.repeat'" in err


class TestConfigFiles:
    """-C/--config FILE: values from files, under -D and explicit options."""

    @pytest.fixture
    def files(self, tmp_path: Path) -> dict[str, str]:
        (tmp_path / "base.toml").write_text('[app]\nrepeat = 2\noutput_file = "base.txt"\n')
        (tmp_path / "more.json").write_text('{"app": {"repeat": 3}}')
        (tmp_path / "bad.toml").write_text("[app\nrepeat = 2\n")
        (tmp_path / "typo.toml").write_text("[app]\nrepat = 2\n")
        (tmp_path / "wrong.toml").write_text('[app]\nrepeat = "many"\n')
        return {path.stem: str(path) for path in tmp_path.iterdir()}

    def test_a_config_file_sets_the_functions_parameters(self, files: dict[str, str]) -> None:
        """Values in a -C file reach the launched function, converted by its annotations."""
        assert hp.launch(app, argv=["in.txt", "-C", files["base"]]) == ("in.txt", "base.txt", False, 2)
        assert hp.launch(app, argv=["in.txt", "--config", files["base"]])[3] == 2

    def test_later_files_win_and_keep_what_they_do_not_set(self, files: dict[str, str]) -> None:
        """-C a -C b: b's values override a's key by key."""
        result = hp.launch(app, argv=["in.txt", "-C", files["base"], "-C", files["more"]])
        assert result[1:] == ("base.txt", False, 3)
        assert hp.launch(app, argv=["in.txt", "-C", files["more"], "-C", files["base"]])[3] == 2

    def test_precedence_options_then_define_then_files_then_defaults(self, files: dict[str, str]) -> None:
        """Explicit option > -D > config file > default, whatever the order on the line."""
        config = ["-C", files["base"]]
        assert hp.launch(app, argv=["in.txt", "--repeat", "9", "-D", "app.repeat=5", *config])[3] == 9
        assert hp.launch(app, argv=["in.txt", "-D", "app.repeat=5", *config])[3] == 5
        assert hp.launch(app, argv=["in.txt", *config, "-D", "app.repeat=5"])[3] == 5
        assert hp.launch(app, argv=["in.txt", *config])[3] == 2
        assert hp.launch(app, argv=["in.txt"])[3] == 1

    def test_file_values_are_in_scope_for_the_whole_run(self, files: dict[str, str]) -> None:
        """Any code the program runs reads the file's values, and they end with the run."""

        @hp.param("job")
        def job() -> tuple[Any, ...]:
            return hp.scope.app.output_file | "none", hp.scope.app.repeat | 0

        assert hp.launch(job, argv=["-C", files["base"]]) == ("base.txt", 2)
        assert hp.scope.app.repeat | 0 == 0

    def test_list_params_names_the_file_as_the_source(
        self, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-lps shows a file's value in force and '-C FILE' as its source; -D still wins."""
        status, out, _ = run(["-C", files["base"], "-D", "app.verbose=true", "-lps"], capsys, app)
        assert status == 0
        rows = {line.split()[0]: line for line in out.splitlines()[2:]}
        assert f"-C {files['base']}" in rows["app.repeat"]
        assert rows["app.repeat"].split()[2] == "2"
        assert "-D" in rows["app.verbose"].split()

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("bad", "argument -C/--config: Cannot parse config"),
            ("missing", "argument -C/--config: [Errno 2] No such file"),
            ("wrong", "wrong.toml sets 'app.repeat' to 'many', but app at "),
        ],
    )
    def test_a_file_that_cannot_be_used_is_a_usage_error(
        self, files: dict[str, str], name: str, expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unparsable, missing or ill-typed file ends the program with status 2, naming the file."""
        path = files.get(name, str(Path(files["base"]).with_name("missing.toml")))
        status, out, err = run(["in.txt", "-C", path], capsys, app)
        assert status == 2
        assert out == ""
        assert expected in err
        assert Path(path).name in err

    def test_an_unknown_key_in_a_file_warns_with_the_closest_key(
        self, files: dict[str, str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file key the program never reads is a warning on stderr, not silence."""
        status, _, err = run(["in.txt", "-C", files["typo"]], capsys, app)
        assert status == 0
        assert (
            f"warning: -C {files['typo']} sets a hyperparameter the program never reads: 'app.repat'" in err
        )
        assert "Did you mean 'app.repeat'" in err

    def test_a_params_class_takes_config_files_checked_by_its_kinds(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Declared parameters read a -C file like -D: converted, checked against bounds, -D wins."""

        class Opt(hp.Params, namespace="opt"):
            lr = hp.Float(1e-3, bounds=(0, 1))
            layers = hp.Int(3)

        good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
        good.write_text("opt:\n  lr: 0.5\n  layers: 7\n")
        bad.write_text("opt:\n  lr: 2.0\n")
        configured = hp.launch(Opt, argv=["-C", str(good)])
        assert (configured.lr, configured.layers) == (0.5, 7)
        assert hp.launch(Opt, argv=["-C", str(good), "-D", "opt.layers=9"]).layers == 9
        status, _, err = run(["-C", str(bad)], capsys, Opt)
        assert status == 2
        assert "opt.lr" in err
        assert "bad.yaml" in err

    def test_subcommands_take_config_files_before_or_after_the_command(self, files: dict[str, str]) -> None:
        """-C works before and after the subcommand name."""
        namespace: dict[str, Any] = {"__name__": "config_app", "hp": hp}
        exec(
            "@hp.param('app')\ndef run(repeat=1):\n    return ('run', repeat)\n"
            "@hp.param('other')\ndef other(x=1):\n    return ('other', x)\n"
            "def go(argv):\n    return hp.launch(argv=argv)\n",
            namespace,
        )
        go = namespace["go"]
        assert go(["-C", files["base"], "app"]) == ("run", 2)
        assert go(["run", "-C", files["more"]]) == ("run", 3)


class TestDiscovery:
    def test_launch_without_function_collects_the_calling_modules_functions(self) -> None:
        """launch() in a module with several @hp.param functions makes subcommands."""
        namespace: dict[str, Any] = {"__name__": "fake_app", "hp": hp}
        exec(
            "@hp.param('train')\ndef train(epochs=10):\n    return ('train', epochs)\n"
            "@hp.param('eval')\ndef evaluate(checkpoint='model.pt'):\n    return ('eval', checkpoint)\n"
            "@hp.param('helper')\ndef _private(x=1):\n    return x\n"
            "def go(argv):\n    return hp.launch(argv=argv)\n",
            namespace,
        )
        go = namespace["go"]
        assert go(["train", "--epochs", "3"]) == ("train", 3)
        assert go(["eval", "--checkpoint", "best.pt"]) == ("eval", "best.pt")
        assert go(["evaluate", "--checkpoint", "best.pt"]) == ("eval", "best.pt")
        assert go(["-D", "train.epochs=4", "train"]) == ("train", 4)
        assert go(["train", "-D", "train.epochs=5"]) == ("train", 5)
        with pytest.raises(SystemExit):
            go(["helper"])

    def test_launch_without_any_function_is_an_error(self) -> None:
        """launch() in a module with no @hp.param function raises LaunchError."""
        namespace: dict[str, Any] = {"__name__": "empty_app", "hp": hp}
        exec("def go():\n    return hp.launch(argv=[])\n", namespace)
        with pytest.raises(hp.LaunchError, match=r"no public @hp\.param function"):
            namespace["go"]()


class TestPrograms:
    """Real runs of the example programs, as a user types them."""

    @staticmethod
    def python(*args: str) -> subprocess.CompletedProcess[str]:
        return run_python(*args)

    def test_single_function_program(self) -> None:
        """Seed 001's single-function program takes options and -D."""
        first = self.python(
            str(EXAMPLES / "app_single.py"), "input.txt", "--output_file", "result.txt", "--verbose"
        )
        second = self.python(str(EXAMPLES / "app_single.py"), "input.txt", "-D", "app.verbose=true")
        assert first.stdout == "input_file=input.txt output_file=result.txt verbose=True\n"
        assert second.stdout == "input_file=input.txt output_file=out.txt verbose=True\n"

    def test_subcommand_program(self) -> None:
        """Seed 001's train/eval program answers to namespaces and function names."""
        train = self.python(
            str(EXAMPLES / "app_commands.py"), "train", "--epochs", "20", "-D", "train.warmup=5"
        )
        evaluate = self.python(str(EXAMPLES / "app_commands.py"), "evaluate", "--checkpoint", "best.pt")
        assert train.stdout == "train: epochs=20 lr=0.001 warmup=5\n", train.stderr
        assert evaluate.stdout == "evaluate: checkpoint=best.pt\n", evaluate.stderr

    def test_subcommand_program_lists_reads_of_its_module(self) -> None:
        """-lps of the subcommand program includes the train.warmup read."""
        listing = self.python(str(EXAMPLES / "app_commands.py"), "-lps")
        keys = [line.split()[0] for line in listing.stdout.splitlines()[2:]]
        assert keys == ["eval.checkpoint", "train.epochs", "train.lr", "train.warmup"], listing.stderr

    def test_usage_error_exits_2(self) -> None:
        """A bad option value ends the program with status 2 and one error line."""
        result = self.python(str(EXAMPLES / "app_commands.py"), "train", "--epochs", "ten")
        assert result.returncode == 2
        assert result.stderr.splitlines()[-1].endswith(
            "argument --epochs: invalid int value: 'ten' (expected an integer such as '42')"
        )

    def test_quickstart_demo(self) -> None:
        """The demo runs with --define and options, and lists and explains its parameters."""
        demo = self.python(
            "-m", "hyperparameter.examples.quickstart", "--define", "greet.name=Alice", "--enthusiasm=3"
        )
        listing = self.python("-m", "hyperparameter.examples.quickstart", "-lps")
        explained = self.python("-m", "hyperparameter.examples.quickstart", "-ep", "greet.name")
        assert "Hello, Alice!!!" in demo.stdout, demo.stderr
        assert "greet.name in a new thread" in demo.stdout
        assert "greet.enthusiasm" in listing.stdout
        assert "Description: Who to greet." in explained.stdout


@pytest.mark.parametrize("columns", ["30", "80", "200", "", "wide"])
def test_help_is_laid_out_as_argparse_lays_it_out(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    """The launcher's help formatter wraps help exactly as argparse's own does, at any terminal width."""
    import argparse

    from hyperparameter._arguments import HelpFormatter

    monkeypatch.setenv("COLUMNS", columns)

    def help_text(formatter: type[argparse.HelpFormatter]) -> str:
        parser = argparse.ArgumentParser(
            prog="app", description="Train.\n\n  kept as written", formatter_class=formatter
        )
        parser.add_argument("--learning-rate", type=float, help="the step size " * 8)
        parser.add_argument("-D", metavar="KEY=VALUE", action="append", help="set any hyperparameter")
        return parser.format_help()

    assert help_text(HelpFormatter) == help_text(argparse.RawDescriptionHelpFormatter)


@hp.param("bound")
def fit(data: str, lr: float = 0.1, epochs: int = 2, *, tag: str = "t") -> tuple[Any, ...]:
    """Fit a model to data."""
    return data, lr, epochs, tag, hp.scope.bound.lr | None


class TestPartials:
    def test_a_partial_runs_with_its_bound_arguments(self) -> None:
        """hp.launch(functools.partial(f, data)) runs f with data; the remaining parameters are options."""
        import functools

        bound = functools.partial(fit, "dataset")
        assert hp.launch(bound, argv=[]) == ("dataset", 0.1, 2, "t", None)
        assert hp.launch(bound, argv=["--lr", "0.5", "-D", "bound.epochs=4"]) == ("dataset", 0.5, 4, "t", 0.5)

    def test_a_bound_keyword_is_the_default_options_and_defines_win_over(self) -> None:
        """A keyword a partial binds is its parameter's default for the program: --x and -D x=... win."""
        import functools

        bound = functools.partial(fit, "dataset", epochs=5, tag="b")
        assert hp.launch(bound, argv=[]) == ("dataset", 0.1, 5, "b", None)
        assert hp.launch(bound, argv=["--epochs", "6", "--tag", "c"])[2:4] == (6, "c")
        assert hp.launch(bound, argv=["-D", "bound.epochs=7"])[2] == 7

    def test_a_bound_keyword_is_the_value_of_its_key_for_the_run(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every reader of bound.epochs sees the partial's 5, -lps and -ep show it; a -C file wins over it."""
        import functools

        @hp.param("bound")
        def read(epochs: int = 2) -> tuple[int, int]:
            return epochs, hp.scope.bound.epochs | 2

        bound = functools.partial(read, epochs=5)
        assert hp.launch(bound, argv=[]) == (5, 5)
        config = tmp_path / "e.json"
        config.write_text('{"bound": {"epochs": 11}}')
        assert hp.launch(bound, argv=["-C", str(config)]) == (11, 11)
        status, out, _ = run(["-lps"], capsys, bound)
        assert status == 0
        assert [line.split()[:4] for line in out.splitlines() if line.startswith("bound.epochs")] == [
            ["bound.epochs", "5", "5", "functools.partial"]  # the default --help shows: the partial's
        ]
        status, out, _ = run(["-ep", "bound.epochs"], capsys, bound)
        assert "Default: 5" in out.splitlines()

    def test_a_partial_of_a_plain_function_is_launched(self) -> None:
        """A partial of an undecorated function launches like the function does."""
        import functools

        def scale(x: float, factor: float = 2.0) -> float:
            return x * factor

        assert hp.launch(functools.partial(scale, 3.0), argv=["--factor", "3"]) == 9.0


class TestCommandLineSpellings:
    @pytest.mark.parametrize(
        "spelling",
        [["--config={a}", "{b}"], ["-C{a}", "{b}"], ["-C={a}", "{b}"], ["-C", "{a}", "{b}"]],
    )
    def test_config_takes_several_files_however_the_first_is_attached(
        self, spelling: list[str], tmp_path: Path
    ) -> None:
        """-C a.json b.toml, --config=a.json b.toml and -Ca.json b.toml all load both files."""
        first, second = tmp_path / "a.json", tmp_path / "b.toml"
        first.write_text('{"app": {"repeat": 2, "output_file": "a.txt"}}')
        second.write_text("[app]\nrepeat = 3\n")
        argv = [word.format(a=first, b=second) for word in spelling]
        assert hp.launch(app, argv=["in.txt", *argv]) == ("in.txt", "a.txt", False, 3)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("-1e-3", -0.001),
            ("-2E+2", -200.0),
            ("-.5", -0.5),
            ("-inf", -math.inf),
            ("-Infinity", -math.inf),
            ("-INF", -math.inf),
            ("-\u0663", -3.0),  # any decimal digit float() reads, not only ASCII ones
            ("-\uff11e-3", -0.001),
        ],
    )
    def test_a_negative_number_with_an_exponent_is_a_value(self, text: str, expected: float) -> None:
        """--lr -1e-3 and --lr -inf give the option the number, as --lr -0.5 does (review L4)."""

        @hp.param("neg")
        def main(lr: float = 0.1, dims: list[float] = [1.0]) -> tuple[float, list[float]]:  # noqa: B006
            return lr, dims

        assert hp.launch(main, argv=["--lr", text, "--dims", text, "-1"]) == (expected, [expected, -1.0])

    def test_minus_nan_is_a_value(self) -> None:
        """--lr -nan gives the option a NaN, as -D lr=-nan does (review L4)."""

        @hp.param("neg")
        def main(lr: float = 0.1) -> float:
            return lr

        assert math.isnan(hp.launch(main, argv=["--lr", "-nan"]))
        assert math.isnan(hp.launch(main, argv=["-D", "neg.lr=-nan"]))

    @pytest.mark.parametrize(
        "describe", [["-lps"], ["-ep", "app.repeat"], ["-ep", "app.repeat", "app.verbose"]]
    )
    def test_listing_into_a_closed_pipe_ends_quietly(self, describe: list[str], tmp_path: Path) -> None:
        """`prog -lps | head -1` and `prog -ep KEY | head` end without a traceback, as `hp ls | head` does."""
        program = tmp_path / "prog.py"
        program.write_text(
            "import hyperparameter as hp\n"
            "@hp.param('app')\n"
            "def main(repeat: int = 1, verbose: bool = False):\n"
            "    '''Run.\n\n    Args:\n        repeat: how often\n    '''\n"
            "hp.launch(main)\n"
        )
        with subprocess.Popen(
            [sys.executable, str(program), *describe],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=python_env(),
        ) as reader:
            assert reader.stdout is not None
            assert reader.stderr is not None
            reader.stdout.close()  # the reader leaves before the program writes
            error = reader.stderr.read().decode()
            assert reader.wait(timeout=120) == 1
        assert "Traceback" not in error, error
