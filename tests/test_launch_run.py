"""One launched run, one set of values: options reach the scope, every value is checked first (issue 12)."""

from __future__ import annotations

import enum
import json
import subprocess
import threading
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Optional, Union

import pytest

import hyperparameter as hp
from hyperparameter._cli import main as main_cli
from hyperparameter._origins import source_of
from programs import run_python


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], func: Any, **options: Any
) -> tuple[int, str, str]:
    """Launch ``func`` with ``argv``; the exit status (0 when it returns), stdout and stderr."""
    try:
        hp.launch(func, argv=argv, **options)
        status = 0
    except SystemExit as stop:
        status = int(stop.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def helper_epochs() -> Any:
    return hp.scope.fit.epochs | 3


@hp.param("fit")
def train(data: str, epochs: int = 3, lr: float = 0.1, verbose: bool = False) -> dict[str, Any]:
    """Train on data."""
    return {
        "args": (data, epochs, lr, verbose),
        "helper": helper_epochs(),
        "scope": {
            key: hp.scope.storage().get(key) for key in ("fit.data", "fit.epochs", "fit.lr", "fit.verbose")
        },
        "sources": {key: source_of(key) for key in ("fit.data", "fit.epochs", "fit.lr", "fit.verbose")},
    }


class Act(enum.Enum):
    RELU = "relu"
    GELU = "gelu"


class Opt(hp.Params, namespace="optim"):
    lr = hp.Float(0.001, bounds=(0, 1))
    layers = hp.Int(2, bounds=(1, 8))


@hp.param("mdl")
def model(act: Literal["relu", "gelu"] = "relu", kind: Act = Act.RELU, size: int = 4) -> tuple[Any, ...]:
    ran.append("model")
    return act, kind, size, Opt().lr


ran: list[str] = []


class TestOneValuePerKey:
    """Every value handed to the function is the value of its key in the scope for the whole run."""

    def test_options_and_positionals_reach_the_scope_with_their_sources(self) -> None:
        """--epochs 7 is what main, a helper's read and the scope see, with the option as its source."""
        result = hp.launch(train, argv=["d.csv", "--epochs", "7", "-D", "fit.lr=0.5"])
        assert result["args"] == ("d.csv", 7, 0.5, False)
        assert result["helper"] == 7
        assert result["scope"] == {
            "fit.data": "d.csv",
            "fit.epochs": 7,
            "fit.lr": 0.5,
            "fit.verbose": None,
        }
        assert result["sources"] == {
            "fit.data": "argument data",
            "fit.epochs": "--epochs",
            "fit.lr": "-D",
            "fit.verbose": None,
        }

    def test_define_values_are_stored_typed(self) -> None:
        """A -D value for a typed parameter is converted once, so every reader gets the typed value."""
        result = hp.launch(train, argv=["d.csv", "-D", "fit.epochs=9"])
        assert result["scope"]["fit.epochs"] == 9

    def test_save_config_inside_the_run_keeps_explicit_options(self, tmp_path: Path) -> None:
        """hp.save_config(hp.scope, ...) inside main writes the options given, so the run can be repeated."""

        @hp.param("fit")
        def save(epochs: int = 3) -> None:
            hp.save_config(hp.scope, tmp_path / "run.json")

        hp.launch(save, argv=["--epochs", "7"])
        assert json.loads((tmp_path / "run.json").read_text()) == {"fit": {"epochs": 7}}

    def test_threads_the_run_starts_see_the_values(self) -> None:
        """A thread started inside the run sees the run's values and their sources."""

        @hp.param("runapp")
        def main(x: int = 1) -> Any:
            seen: list[Any] = []
            worker = threading.Thread(
                target=lambda: seen.append((hp.scope.runapp.x | 0, source_of("runapp.x")))
            )
            worker.start()
            worker.join()
            return seen[0]

        assert hp.launch(main, argv=["--x", "5"]) == (5, "--x")

    def test_each_file_is_named_as_the_source_of_its_own_keys(self, tmp_path: Path) -> None:
        """With two -C files, each key's source is the one file that set it."""
        (tmp_path / "a.json").write_text('{"fit": {"epochs": 4, "lr": 0.2}}')
        (tmp_path / "b.json").write_text('{"fit": {"lr": 0.3}}')
        a, b = str(tmp_path / "a.json"), str(tmp_path / "b.json")
        result = hp.launch(train, argv=["d", "-C", a, b])
        assert result["sources"]["fit.epochs"] == f"-C {a}"
        assert result["sources"]["fit.lr"] == f"-C {b}"
        assert result["args"][1:3] == (4, 0.3)


class TestNothingOutlivesTheRun:
    """The baseline a launch publishes is put back when it returns or raises."""

    def test_threads_started_after_the_launch_do_not_see_its_values(self) -> None:
        """After hp.launch returns, a new thread no longer sees a -D value of the run."""

        @hp.param("runapp")
        def main(x: int = 1) -> int:
            return x

        assert hp.launch(main, argv=["-D", "runapp.x=5"]) == 5
        seen: list[Any] = []
        worker = threading.Thread(target=lambda: seen.append(hp.scope.runapp.x | 0))
        worker.start()
        worker.join()
        assert seen == [0]

    def test_a_run_that_raises_restores_the_baseline(self) -> None:
        """When the function raises, the baseline is put back too."""

        @hp.param("runapp")
        def main(x: int = 1) -> int:
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            hp.launch(main, argv=["-D", "runapp.x=5"])
        seen: list[Any] = []
        worker = threading.Thread(target=lambda: seen.append(hp.scope.runapp.x | 0))
        worker.start()
        worker.join()
        assert seen == [0]


class Shape(hp.Params, namespace="lists"):
    declared = hp.List([64, 64], item_type=int)


@hp.param("lists")
def lists(
    dims: list[int] = [64, 64],  # noqa: B006
    bare: Any = (0.5, 0.5),
    maybe: Optional[list[int]] = None,
) -> tuple[Any, ...]:
    """Return the lists as the function gets them, and the declared one."""
    return dims, bare, maybe, Shape().declared


class TestIndexAssignments:
    """-D key[i]=v replaces item i of the list the lower layers give: a -C file's, else the default."""

    @pytest.fixture
    def config(self, tmp_path: Path) -> Path:
        path = tmp_path / "lists.yaml"
        path.write_text("lists: {dims: [1, 2, 3], bare: [1, 2, 3], maybe: [1, 2], declared: [7, 8, 9]}\n")
        return path

    def test_items_apply_to_the_files_list(self, config: Path) -> None:
        """-C run.yaml -D dims[0]=5 gives the file's list with item 0 replaced, for every kind of list."""
        argv = ["-C", str(config), "-D", "lists.dims[0]=5", "-D", "lists.bare[1]=6", "-D", "lists.maybe[0]=4"]
        argv += ["-D", "lists.declared[2]=0"]
        assert hp.launch(lists, argv=argv) == ([5, 2, 3], (1.0, 6.0, 3.0), [4, 2], [7, 8, 0])

    def test_without_a_file_items_apply_to_the_default(self) -> None:
        """Without a lower layer, -D dims[1]=5 replaces item 1 of the default, for a declared hp.List too."""
        argv = ["-D", "lists.dims[1]=5", "-D", "lists.bare[0]=2", "-D", "lists.declared[0]=1"]
        assert hp.launch(lists, argv=argv) == ([64, 5], (2.0, 0.5), None, [1, 64])

    def test_a_whole_list_on_the_command_line_wins_over_the_files(self, config: Path) -> None:
        """-D dims=[9,9] -D dims[0]=5 applies to the -D list, not the file's."""
        argv = ["-C", str(config), "-D", "lists.dims=[9,9]", "-D", "lists.dims[0]=5"]
        assert hp.launch(lists, argv=argv)[0] == [5, 9]

    def test_a_declared_list_takes_index_assignments_in_a_scope(self) -> None:
        """An hp.List read inside hp.scope("k[i]=v") gets its default with item i replaced."""
        with hp.scope("lists.declared[1]=3"):
            assert Shape().declared == [64, 3]
        with hp.scope("lists.declared=[1, 2, 3]", "lists.declared[2]=9"):
            assert Shape().declared == [1, 2, 9]
        with hp.scope("lists.declared[5]=3"), pytest.raises(hp.ConversionError, match="past the end"):
            Shape().declared  # noqa: B018


class TestOptionalLists:
    """An Optional[list[int]] option takes None as its whole value, never as an item (review F8)."""

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [(["--maybe", "None"], None), (["--maybe", "null"], None), (["--maybe", "1", "3"], [1, 3])],
    )
    def test_none_is_the_whole_value(self, argv: list[str], expected: Any) -> None:
        """--maybe None gives None and --maybe 1 3 gives [1, 3]."""
        assert hp.launch(lists, argv=argv)[2] == expected

    @pytest.mark.parametrize(
        "argv", [["--maybe", "1", "None", "3"], ["--maybe", "[1, null]"], ["-D", "lists.maybe=[1,None,3]"]]
    )
    def test_none_as_an_item_is_a_usage_error(
        self, argv: list[str], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A None item in an Optional[list[int]] is refused alike by the option and by -D, naming the key."""
        status, _, err = run(argv, capsys, lists)
        assert status == 2
        assert "--maybe" in err or "lists.maybe" in err


class TestChecks:
    """Every value from -D, -C and options is checked before the program runs."""

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["-D", "optim.lr=fast"], "-D sets 'optim.lr' to 'fast', but Opt at "),
            (["-D", "optim.lr=2"], "-D sets 'optim.lr' to '2', but Opt at "),
            (["-D", "mdl.act=swish"], "-D sets 'mdl.act' to 'swish', but model at "),
            (["-D", "mdl.kind=tanh"], "-D sets 'mdl.kind' to 'tanh', but model at "),
            (["-D", "mdl.size=2.5"], "-D sets 'mdl.size' to '2.5', but model at "),
            (["-D", "mdl.size=1e3"], "-D sets 'mdl.size' to '1e3', but model at "),
        ],
    )
    def test_a_bad_value_exits_2_before_anything_runs(
        self, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A value its declaration refuses is one error line and exit status 2; the function never runs."""
        ran.clear()
        status, out, err = run(argv, capsys, model)
        assert (status, out, ran) == (2, "", [])
        assert expected in err.splitlines()[-1]

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            ('{"mdl": {"size": 2.5}}', "sets 'mdl.size' to 2.5, but model at"),
            ('{"optim": {"lr": [1, 2]}}', "sets 'optim.lr' to [1, 2], but Opt at"),
            ('{"mdl": {"act": "swish"}}', "sets 'mdl.act' to 'swish'"),
        ],
    )
    def test_values_from_files_are_checked_whatever_their_type(
        self, tmp_path: Path, content: str, expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file's non-string values are checked too, and the message names the file."""
        path = tmp_path / "bad.json"
        path.write_text(content)
        status, _, err = run(["-C", str(path)], capsys, model)
        assert status == 2
        assert f"-C {path} {expected}" in err

    def test_options_are_refused_by_their_declared_type(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--size 3.5 and --size 1e3 are not ints."""
        for text in ("3.5", "1e3"):
            status, _, err = run(["--size", text], capsys, model)
            assert status == 2
            assert f"invalid int value: {text!r}" in err

    def test_good_values_reach_the_program_typed(self) -> None:
        """Values that pass are converted to the declared types."""
        assert hp.launch(model, argv=["-D", "mdl.kind=gelu", "-D", "optim.lr=0.5", "--size", "5"]) == (
            "relu",
            Act.GELU,
            5,
            0.5,
        )

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["-D", "lists.dims[5]=5"], "-D sets 'lists.dims[5]' to '5', but"),
            (["-D", "lists.dims=[1,2]", "-D", "lists.dims[5]=5"], "-D sets 'lists.dims' to '[1,2]' with"),
            (["-D", "lists.declared[5]=5"], "-D sets 'lists.declared[5]' to '5', but Shape at"),
            (["-D", "lists.declared[0]=x"], "-D sets 'lists.declared[0]' to 'x', but Shape at"),
        ],
    )
    def test_a_bad_index_assignment_is_named_as_typed(
        self, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A refused -D key[i]=v is named as the user wrote it, never by an internal repr."""
        status, _, err = run(argv, capsys, lists)
        assert status == 2
        assert expected in err
        assert "IndexAssignment" not in err

    def test_a_bare_default_keeps_the_reading_rules(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A read with a default of 0 takes '3.14' as 3.14, but refuses text that is no number."""

        @hp.param("runapp")
        def main() -> Any:
            return hp.scope.runapp.ratio | 0

        assert hp.launch(main, argv=["-D", "runapp.ratio=3.14"]) == 3.14
        status, _, err = run(["-D", "runapp.ratio=fast"], capsys, main)
        assert status == 2
        assert "-D sets 'runapp.ratio' to 'fast'" in err


class TestTypos:
    """A key no part of the program reads is a warning, or with strict an error."""

    def test_a_dynamic_read_makes_matching_keys_known(self, capsys: pytest.CaptureFixture[str]) -> None:
        """hp.scope[f"rtask.{name}.lr"] makes rtask.<anything>.lr known: no warning."""

        @hp.param("runapp")
        def main(name: str = "cls") -> Any:
            return hp.scope[f"rtask.{name}.lr"] | 0.1

        status, _, err = run(["-D", "rtask.cls.lr=0.5"], capsys, main)
        assert (status, err) == (0, "")

    def test_reads_through_an_accessor_variable_are_known_and_checked(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """t = hp.scope.runacc; t.bs | 32 makes runacc.bs known to --strict and checks its values first."""

        @hp.param("runapp")
        def main(x: int = 1) -> Any:
            t = hp.scope.runacc
            return t.bs | 32

        assert hp.launch(main, argv=["-D", "runacc.bs=64", "--strict"]) == 64
        assert capsys.readouterr().err == ""
        status, _, err = run(["-D", "runacc.bs=abc"], capsys, main)
        assert status == 2
        assert "error: -D sets 'runacc.bs' to 'abc', but " in err
        assert "main at " in err

    def test_strict_turns_the_warning_into_an_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--strict and strict=True refuse an unknown key with exit 2 and a close match."""
        for argv, options in (
            (["d", "--strict", "-D", "fit.epoch=2"], {}),
            (["d", "-D", "fit.epoch=2"], {"strict": True}),
        ):
            status, out, err = run(argv, capsys, train, **options)
            assert (status, out) == (2, "")
            assert "never reads: 'fit.epoch'. Did you mean 'fit.epochs'" in err

    def test_many_unknown_keys_make_one_summary_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file with many unread keys gives one warning: how many, the first few with close matches."""
        path = tmp_path / "big.json"
        path.write_text(json.dumps({"junk": {f"k{i}": i for i in range(1000)}, "fit": {"epoch": 1}}))
        status, _, err = run(["d", "-C", str(path)], capsys, train)
        assert status == 0
        lines = err.splitlines()
        assert len(lines) == 1
        assert f"-C {path} sets 1001 hyperparameters the program never reads: 'junk.k0'" in lines[0]
        assert "and 996 more" in lines[0]

    @pytest.mark.parametrize(
        ("known_define", "who"),
        [
            ("fit.epochs=2", "-C {path} sets"),
            ("fit.epochz=2", "-C {path} and -D set"),
            (None, "-C {path} sets"),
        ],
    )
    def test_the_summary_names_only_the_sources_of_unread_keys(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], known_define: Optional[str], who: str
    ) -> None:
        """The summary says which of -C and -D set the unread keys, whether or not another key is read."""
        path = tmp_path / "junk.json"
        path.write_text(json.dumps({"junk": {f"k{i}": i for i in range(10)}}))
        (tmp_path / "empty.json").write_text("{}")
        defines = ["-D", known_define] if known_define else []
        argv = ["d", "-C", str(tmp_path / "empty.json"), "-C", str(path), *defines]
        status, _, err = run(argv, capsys, train)
        assert status == 0
        count = 11 if known_define == "fit.epochz=2" else 10
        assert f"warning: {who.format(path=path)} {count} hyperparameters the program never reads" in err


@hp.param("shared")
def evaluate(ckpt: str = "last.pt") -> str:
    """Evaluate a checkpoint; the shared file's other keys are another command's."""
    return ckpt


@hp.param("shared")
def fit_shared(lr: float = 0.1, bs: int = 32, epochs: int = 3, warmup: int = 0, decay: float = 0.0) -> Any:
    """Train; it reads every key evaluate does not."""
    return lr, bs, epochs, warmup, decay


class TestUnreadAtTheEnd:
    """At the end of a run, the -D/-C keys nothing read: a line per -D key, one line per -C file (30.23)."""

    def test_a_shared_file_gets_one_line_naming_its_unread_keys(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-C shared.yaml read by another command too: one line, how many of all its keys, the first five."""
        path = tmp_path / "shared.yaml"
        path.write_text("shared: {ckpt: a.pt, lr: 0.2, bs: 8, epochs: 5, warmup: 10, decay: 0.1}\n")
        assert hp.launch(evaluate, argv=["-C", str(path), "-D", "shared.lr=0.3"]) == "a.pt"
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 2
        assert lines[0].endswith("warning: 'shared.lr' was set (-D) but the run never read it")
        assert lines[1].endswith(
            f"warning: -C {path}: 4 of its 6 keys were never read: "
            "'shared.bs', 'shared.epochs', 'shared.warmup', 'shared.decay'"
        )

    def test_each_file_gets_its_own_line_with_five_names_at_most(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Two files: a line each; more than five unread keys of one file: five by name, then "and N more"."""
        many = {"ckpt": "b.pt", "lr": 1, "bs": 2, "epochs": 3, "warmup": 4, "decay": 5}
        first, second = tmp_path / "many.json", tmp_path / "more.json"
        first.write_text(json.dumps({"shared": many, "fit": {"lr": 0.5}}))
        second.write_text(json.dumps({"fit": {"epochs": 2}}))
        assert hp.launch(evaluate, argv=["-C", str(first), str(second)]) == "b.pt"
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 2
        assert lines[0].endswith(
            f"-C {first}: 6 of its 7 keys were never read: 'shared.lr', 'shared.bs', 'shared.epochs', "
            "'shared.warmup', 'shared.decay' and 1 more"
        )
        assert lines[1].endswith(f"-C {second}: 1 of its 1 keys was never read: 'fit.epochs'")


class TestKeysThatAreNotValues:
    """A -D/-C key naming a positional or a namespace is reported as what it is (30.4, 30.14)."""

    @pytest.mark.parametrize("given", [["-D", "fit.data=x"], ["-C", "{path}"]])
    def test_a_key_naming_a_positional_says_the_command_line_gives_it(
        self, given: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-D fit.data=x for the positional data: a warning naming -D/-C and the positional, not a typo."""
        path = tmp_path / "c.json"
        path.write_text('{"fit": {"data": "q", "lr": 0.3}}')
        argv = ["d", *(word.format(path=path) for word in given)]
        source = "-D" if given[0] == "-D" else f"-C {path}"
        status, _, err = run(argv, capsys, train)
        assert status == 0
        assert err.splitlines() == [
            f"{err.split(':')[0]}: warning: {source} sets 'fit.data', but data is a positional argument of "
            "train, which only the command line fills; the run uses 'd'"
        ]
        status, _, err = run([*argv, "--strict"], capsys, train)
        assert status == 2
        assert f"error: --strict: {source} sets 'fit.data', but data is a positional argument" in err

    def test_unread_keys_are_credited_to_their_source_only(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-D naming a positional beside a file of unread keys: the summary names the file alone."""
        path = tmp_path / "a.json"
        path.write_text('{"other": {"a": 1, "b": 2}}')
        status, _, err = run(["d", "-C", str(path), "-D", "fit.data=x"], capsys, train)
        assert status == 0
        assert f"warning: -C {path} sets 2 hyperparameters the program never reads" in err

    def test_a_scalar_for_a_namespace_says_it_is_a_namespace(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`fit = 3` in a TOML file, where fit.* are the program's keys, is named a namespace, not a typo."""
        path = tmp_path / "ns.toml"
        path.write_text("fit = 3\n")
        status, _, err = run(["d", "-C", str(path)], capsys, train)
        assert status == 0
        assert err.splitlines()[0].endswith(
            f"warning: -C {path} sets 'fit' to 3, but 'fit' is a namespace of the program "
            "(fit.epochs, fit.lr, fit.verbose), not a value; set its keys instead"
        )
        assert "never reads" not in err
        status, _, err = run(["d", "-C", str(path), "--strict"], capsys, train)
        assert status == 2
        assert "error: --strict: -C" in err

    def test_an_empty_table_for_a_namespace_sets_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An empty `[fit]` table (its lines commented out) sets nothing: no warning, --strict runs (L6)."""
        path = tmp_path / "empty.toml"
        path.write_text("[fit]\n# lr = 0.3\n")
        for strict in ([], ["--strict"]):
            status, _, err = run(["d", "-C", str(path), *strict], capsys, train)
            assert (status, err) == (0, "")


class TestCommandLine:
    """Seed behaviours: bool words after flags, several files after -C, launch() finding locals."""

    def test_a_bool_flag_takes_a_following_bool_word(self) -> None:
        """--verbose False sets False; a following word that is not a bool word stays a positional."""
        assert hp.launch(train, argv=["d", "--verbose", "False"])["args"][3] is False
        assert hp.launch(train, argv=["--verbose", "in.txt"])["args"] == ("in.txt", 3, 0.1, True)

    def test_config_takes_several_files(self, tmp_path: Path) -> None:
        """-C a.json b.json equals -C a.json -C b.json, and a positional after them stays one."""
        (tmp_path / "a.json").write_text('{"fit": {"epochs": 4}}')
        (tmp_path / "b.json").write_text('{"fit": {"epochs": 5}}')
        a, b = str(tmp_path / "a.json"), str(tmp_path / "b.json")
        assert hp.launch(train, argv=["-C", a, b, "d.csv"])["args"][:2] == ("d.csv", 5)

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["-D", "ref.lr=0.5", "-D", "ref.epochs=9"], (0.5, 9, "lr-0.5", 9)),
            (["--lr", "0.7", "--epochs", "8"], (0.7, 8, "lr-0.7", 8)),
            ([], (0.1, 5, "lr-0.1", 5)),
        ],
    )
    def test_references_in_a_config_file_see_defines_and_options(
        self, argv: list[str], expected: tuple[Any, ...], tmp_path: Path
    ) -> None:
        """-D values and options are the latest layer: a -C file's ${...} references see them."""
        config = tmp_path / "i.json"
        config.write_text(
            '{"ref": {"lr": 0.1, "epochs": 5}, "run": {"name": "lr-${ref.lr}"}, '
            '"sched": {"steps": "${ref.epochs}"}}'
        )

        @hp.param("ref")
        def main(lr: float = 0.01, epochs: int = 1) -> tuple[Any, ...]:
            return lr, epochs, hp.scope.run.name | "", hp.scope.sched.steps | 0

        assert hp.launch(main, argv=["-C", str(config), *argv]) == expected

    def test_a_define_holding_a_reference_stays_text(self, tmp_path: Path) -> None:
        """A -D value is taken as written: ${...} in it stays text, also for a file's reference to it."""
        config = tmp_path / "i.json"
        config.write_text('{"ref": {"lr": 0.1}, "run": {"name": "n", "tag": "${run.name}"}}')

        @hp.param("ref")
        def main(lr: float = 0.01) -> tuple[Any, ...]:
            return hp.scope.run.name | "", hp.scope.run.tag | ""

        argv = ["-C", str(config), "-D", "run.name=x-${ref.lr}"]
        assert hp.launch(main, argv=argv) == ("x-${ref.lr}", "x-${ref.lr}")

    def test_launch_without_arguments_finds_local_functions(self) -> None:
        """hp.launch() finds an @hp.param function in the caller's local variables, as a command."""

        def body() -> Any:
            @hp.param("local")
            def go(x: int = 1) -> int:
                return x * 2

            return hp.launch(argv=["go", "--x", "4"])

        assert body() == 8


LISTED = """import hyperparameter as hp


@hp.param("app")
def main(lr: float = 0.1, name: str = 'x'):
    \"""Run.

    Args:
        lr: Learning rate.
    \"""
    return hp.scope.app.data()  # the input folder


if __name__ == "__main__":
    hp.launch(main)
"""


class TestListing:
    """-lps names the one source of each value, prints JSON, and refuses unknown arguments."""

    def test_list_params_as_json(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """-lps -f json prints the listing as JSON, with each value's source."""
        (tmp_path / "a.json").write_text('{"fit": {"lr": 0.2}}')
        status, out, _ = run(
            ["-lps", "-f", "json", "-C", str(tmp_path / "a.json"), "--epochs", "6"], capsys, train
        )
        assert status == 0
        rows = {row["key"]: row for row in json.loads(out)["hyperparameters"]}
        assert (rows["fit.lr"]["value"], rows["fit.lr"]["source"]) == ("0.2", f"-C {tmp_path / 'a.json'}")
        assert (rows["fit.epochs"]["value"], rows["fit.epochs"]["source"]) == ("6", "--epochs")

    def test_list_params_and_hp_ls_describe_a_key_alike(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-lps and hp ls give each key the same fields, a key read without a default "(required)"."""
        (tmp_path / "app.py").write_text(LISTED)
        launched = run_python("app.py", "-lps", "-f", "json", cwd=tmp_path)
        assert main_cli(["ls", str(tmp_path / "app.py"), "-f", "json"]) == 0
        scanned = {row["key"]: row for row in json.loads(capsys.readouterr().out)["hyperparameters"]}
        listed = {row["key"]: row for row in json.loads(launched.stdout)["hyperparameters"]}
        fields = ("key", "default", "type", "namespace", "function", "role", "dynamic", "description")
        assert set(listed) == set(scanned) == {"app.lr", "app.name", "app.data"}
        for key, row in listed.items():
            assert {f: row[f] for f in fields} == {f: scanned[key][f] for f in fields}
        assert listed["app.data"]["default"] is None
        text = run_python("app.py", "-lps", cwd=tmp_path).stdout
        assert main_cli(["ls", str(tmp_path / "app.py")]) == 0
        for listing in (text, capsys.readouterr().out):
            assert "(required)" in next(line for line in listing.splitlines() if "app.data" in line)

    def test_unknown_arguments_to_list_params_are_usage_errors(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-lps --bogus exits 2 instead of being ignored."""
        status, _, err = run(["-lps", "--bogus"], capsys, train)
        assert status == 2
        assert "unrecognized arguments: --bogus" in err

    def test_explain_never_takes_positionals_as_keys(self, capsys: pytest.CaptureFixture[str]) -> None:
        """-ep KEY in.txt explains KEY only; a following known key is explained too."""
        status, out, err = run(["-ep", "fit.lr", "in.txt"], capsys, train)
        assert (status, err) == (0, "")
        assert [line for line in out.splitlines() if line.startswith("Hyperparameter: ")] == [
            "Hyperparameter: fit.lr"
        ]
        assert "in.txt" not in out
        status, out, _ = run(["-ep", "fit.lr", "fit.epochs"], capsys, train)
        assert (status, out.count("Hyperparameter: fit.epochs\n")) == (0, 1)


APP = """\
import hyperparameter as hp


@hp.param("train")
def main(epochs: int = 3):
    print("training for a long time...")
    import model  # imported lazily: the launcher still knows what it declares and reads

    print(epochs, model.Net().width, hp.scope.model.act | "relu")


if __name__ == "__main__":
    hp.launch(main)
"""

MODEL = """\
import hyperparameter as hp


class Net(hp.Params, namespace="model"):
    width = hp.Int(64, bounds=(1, None))
"""


class TestRealPrograms:
    """A program with a lazily imported module, run as a process."""

    @pytest.fixture
    def program(self, tmp_path: Path) -> Path:
        (tmp_path / "app.py").write_text(APP)
        (tmp_path / "model.py").write_text(MODEL + 'ACT = hp.scope.model.act | "relu"\n')
        return tmp_path

    def start(self, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run_python("app.py", *args, cwd=folder)

    def test_a_value_a_lazy_module_refuses_stops_the_program_before_it_runs(self, program: Path) -> None:
        """-D model.width=0 fails the bound of a kind declared in a module imported later: exit 2,
        nothing runs."""
        done = self.start(program, "-D", "model.width=0")
        assert (done.returncode, done.stdout) == (2, "")
        assert "error: -D sets 'model.width' to '0', but Net at model.py:5 expects" in done.stderr

    def test_keys_of_lazy_modules_are_known_and_reach_them(self, program: Path) -> None:
        """Keys declared or read in a module imported later raise no warning and reach the module."""
        done = self.start(program, "-D", "model.width=8", "-D", "model.act=gelu", "--epochs", "2")
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.splitlines()[-1] == "2 8 gelu"

    def test_strict_refuses_a_typo_with_a_close_match(self, program: Path) -> None:
        """--strict makes an unknown key exit 2 with the closest known key."""
        done = self.start(program, "--strict", "-D", "model.widht=8")
        assert (done.returncode, done.stdout) == (2, "")
        assert (
            "error: --strict: -D sets a hyperparameter the program never reads: 'model.widht'. "
            "Did you mean 'model.width'?" in done.stderr
        )

    def test_list_params_as_json_names_each_source(self, program: Path) -> None:
        """-lps -f json lists the keys of the lazy module with the source of each value."""
        done = self.start(program, "-lps", "-f", "json", "-D", "model.width=8", "--epochs", "4")
        rows = {row["key"]: row for row in json.loads(done.stdout)["hyperparameters"]}
        assert (rows["model.width"]["value"], rows["model.width"]["source"]) == ("8", "-D")
        assert (rows["train.epochs"]["value"], rows["train.epochs"]["source"]) == ("4", "--epochs")


@pytest.mark.parametrize(
    ("argv", "built"),
    [
        (["in.txt"], 0),
        (["-lps"], 1),
        (["-lps", "-f", "json", "-D", "fit.lr=0.5"], 1),
        (["-ep", "fit.lr", "fit.epochs", "in.txt"], 1),
        (["-ep", "fit.lrr"], 1),
        (["in.txt", "-D", "fit.lr=0.5", "-D", "fit.epochs=2"], 1),
        (["in.txt", "-D", "fit.lrr=0.5"], 1),
        (["in.txt", "-D", "fit.lrr=0.5", "--strict"], 1),
        (["in.txt", "-D", "fit.epochs=two"], 1),
        (["in.txt", "-C", "run.json", "-D", "fit.lr=0.5"], 1),
    ],
)
def test_a_launch_builds_its_catalog_at_most_once(
    argv: list[str],
    built: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """-lps, -ep, the checks of -D/-C values and --strict share one catalog per launch;
    a plain run builds none."""
    from hyperparameter._catalog import Catalog

    (tmp_path / "run.json").write_text(json.dumps({"fit": {"epochs": 4, "lrr": 1}}))
    monkeypatch.chdir(tmp_path)
    calls = []
    build = Catalog.__init__

    def counted(self: Catalog, *args: Any, **kwargs: Any) -> None:
        calls.append(args)
        build(self, *args, **kwargs)

    monkeypatch.setattr(Catalog, "__init__", counted)
    run(argv, capsys, train)
    assert len(calls) == built


class Limits(hp.Params, namespace="limits"):
    count = hp.Int(None)
    ratio = hp.Float(0.1, allow_None=True)


@hp.param("typed")
def typed(
    bs: Union[int, Literal["auto"]] = "auto",
    either: Union[int, str] = 3,
    maybe: Optional[int] = 5,
    act: Optional[Literal["relu", "gelu"]] = "relu",
    pair: tuple[float, float] = (0.5, 0.5),
    mixed: tuple[int, str] = (1, "a"),
) -> tuple[Any, ...]:
    """Return what the function gets, and the declared kinds that allow None."""
    return bs, either, maybe, act, pair, mixed, Limits().count, Limits().ratio


class TestDeclaredTypes:
    """A value reaches the function as its annotation reads it, from options and -D (review item 21)."""

    @pytest.mark.parametrize(
        ("argv", "index", "expected"),
        [
            (["-D", "typed.bs=32"], 0, 32),
            (["--bs", "32"], 0, 32),
            (["-D", "typed.either=abc"], 1, "abc"),
            (["--either", "abc"], 1, "abc"),
            (["-D", "typed.either=2.5"], 1, "2.5"),
            (["-D", "typed.either=true"], 1, "true"),
            (["-D", "typed.maybe=None"], 2, None),
            (["-D", "typed.maybe=null"], 2, None),
            (["--maybe", "None"], 2, None),
            (["--maybe", "7"], 2, 7),
            (["--act", "None"], 3, None),
            (["--pair", "1", "2"], 4, (1.0, 2.0)),
            (["--mixed", "2", "b"], 5, (2, "b")),
            (["--mixed", "[3, c]"], 5, (3, "c")),
            (["-D", "typed.mixed=[3, c]"], 5, (3, "c")),
            (["-D", "limits.count=None"], 6, None),
            (["-D", "limits.ratio=null"], 7, None),
        ],
    )
    def test_values_reach_the_function_as_the_annotation_reads_them(
        self, argv: list[str], index: int, expected: Any
    ) -> None:
        """Union, Literal, Optional and tuple parameters get the same typed value from every source."""
        result = hp.launch(typed, argv=argv)[index]
        assert result == expected
        assert type(result) is type(expected)

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["--pair", "1", "2", "3"], "argument --pair: invalid tuple[float, float] value"),
            (["--pair", "[1,2,3]"], "(expected a tuple of 2 items)"),
            (["--mixed", "x", "b"], "argument --mixed: invalid tuple[int, str] value"),
            (["--maybe", "x"], "argument --maybe: invalid int value: 'x'"),
            (["-D", "typed.maybe=x"], "-D sets 'typed.maybe' to 'x', but typed at"),
        ],
    )
    def test_a_value_the_annotation_refuses_is_a_usage_error(
        self, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A tuple of the wrong length or item type, or bad text, exits 2 before the run (options and -D)."""
        status, _, err = run(argv, capsys, typed)
        assert status == 2
        assert expected in err

    def test_declared_kinds_that_allow_none_take_none_as_options(self) -> None:
        """hp.launch(Params): --count None and --ratio null give None where the kind allows None."""
        assert hp.launch(Limits, argv=["--count", "None", "--ratio", "null"]).values() == {
            "count": None,
            "ratio": None,
        }


@hp.param("forms")
def forms(
    act: Optional[Callable[..., Any]] = None,
    width: Annotated[int, "units"] = 8,
    cls: type[int] = int,
) -> tuple[Any, ...]:
    """Take typing forms that are not containers."""
    return act, width, cls


class TestTypingForms:
    """Callable, type[...] and Annotated annotations are checked as what they are, not as lists."""

    def test_annotated_reads_as_its_type(self) -> None:
        """Annotated[int, ...] reads "16" as the int 16, from an option and from -D."""
        assert hp.launch(forms, argv=["--width", "16"])[1] == 16
        assert hp.launch(forms, argv=["-D", "forms.width=32"])[1] == 32

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["-D", "forms.act=relu"], "expects a callable (a function or class, set from Python) or None"),
            (["-D", "forms.width=wide"], "expects an integer such as '42'"),
            (["-D", "forms.cls=x"], "expects a class"),
        ],
    )
    def test_text_for_a_non_container_form_names_what_it_expects(
        self, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Text for a Callable or type[...] parameter is refused saying what it takes, not "a list"."""
        status, _, err = run(argv, capsys, forms)
        assert status == 2
        assert expected in err
        assert "a list such as" not in err
