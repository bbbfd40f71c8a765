"""Options of a launched hp.Params class: one per declared parameter, checked by its kind."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import hyperparameter as hp


class Train(hp.Params, namespace="train"):
    """Train a model."""

    lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
    layers = hp.Int(3, bounds=(1, 8))
    debug = hp.Bool(False)
    dims = hp.List([64], item_type=int)
    act = hp.Choice("relu", ["relu", "gelu"])


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as caught:
        hp.launch(Train, argv=argv)
    assert caught.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_no_options_give_the_declared_defaults() -> None:
    """Launched without options, the instance holds every declared default."""
    assert hp.launch(Train, argv=[]).values() == {
        "lr": 1e-3,
        "layers": 3,
        "debug": False,
        "dims": [64],
        "act": "relu",
    }


def test_each_parameter_is_an_option_of_its_kind() -> None:
    """Each declared parameter is an option whose text converts to the parameter's kind."""
    config = hp.launch(Train, argv=["--lr", "0.5", "--layers", "8", "--act", "gelu"])
    assert (config.lr, config.layers, config.act) == (0.5, 8, "gelu")


@pytest.mark.parametrize(("argv", "debug"), [(["--debug"], True), (["--no-debug"], False), ([], False)])
def test_a_bool_parameter_is_a_flag_with_a_negation(argv: list[str], debug: bool) -> None:
    """A Bool parameter answers to --x and --no-x."""
    assert hp.launch(Train, argv=argv).debug is debug


@pytest.mark.parametrize(
    ("argv", "no_shuffle"),
    [(["--no-shuffle"], True), (["--no-shuffle=false"], False), (["--no-no-shuffle"], False), ([], False)],
)
def test_a_bool_parameter_named_no_something_answers_to_its_own_name(
    argv: list[str], no_shuffle: bool
) -> None:
    """A Bool parameter named no_shuffle is set True by --no-shuffle; only --no-no-shuffle negates it."""

    class Loader(hp.Params, namespace="loader"):
        no_shuffle = hp.Bool(False)

    assert hp.launch(Loader, argv=argv).no_shuffle is no_shuffle


def test_a_list_parameter_takes_several_items_of_its_item_type() -> None:
    """A List parameter takes one or more items after its option, each converted to the item type."""
    assert hp.launch(Train, argv=["--dims", "128", "256"]).dims == [128, 256]


def test_the_values_are_the_scope_values_for_the_run() -> None:
    """What the options set is also what the scope holds under the class's namespace."""

    @hp.param("train")
    def main(lr: float = 1e-3) -> tuple[float, float]:
        return hp.scope.train.lr | 0.0, Train().lr

    assert hp.launch(main, argv=["--lr", "0.25"]) == (0.25, 0.25)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--lr", "2"], "--lr"),
        (["--layers", "0"], "--layers"),
        (["--layers", "2.5"], "--layers"),
        (["--act", "tanh"], "--act"),
        (["--dims", "1", "x"], "--dims"),
    ],
)
def test_a_value_the_kind_refuses_is_a_usage_error(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option value outside the kind's type, bounds or choices exits 2 naming the option."""
    assert named in _refused(argv, capsys)


def test_a_define_outside_the_bounds_is_a_usage_error_before_anything_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """-D for a declared key is checked against the declaration's bounds and exits 2 naming the key."""
    line = _refused(["-D", "train.layers=9"], capsys)
    assert "train.layers" in line
    assert "[1, 8]" in line


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--act", "tanh"], "expected one of ['relu', 'gelu']"),
        (["--layers", "2.5"], "expected an int in [1, 8]"),
        (["--lr", "fast"], "expected a float in [0, 1]"),
    ],
)
def test_a_refused_option_says_what_was_expected(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text the kind cannot read exits 2 with the value and what the kind expects."""
    line = _refused(argv, capsys)
    assert repr(argv[1]) in line
    assert expected in line


def _width() -> int:
    return hp.scope.model.width | 64


def test_values_outside_the_namespace_stay_in_force_after_launch_returns(tmp_path: Path) -> None:
    """-D and -C values for other namespaces are the calling thread's and new threads' values after launch."""
    config = tmp_path / "m.json"
    config.write_text('{"model": {"depth": 4}}')
    cfg = hp.launch(Train, argv=["-D", "model.width=128", "-C", str(config), "--lr", "0.05"])
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.extend([_width(), hp.scope.model.depth | 0]))
    worker.start()
    worker.join()
    assert (cfg.lr, _width(), hp.scope.model.depth | 0, hp.scope.train.lr | 0.0, seen) == (
        0.05,
        128,
        4,
        0.05,
        [128, 4],
    )


def test_inside_a_block_the_values_end_with_it_and_the_block_is_not_published() -> None:
    """Launched inside a with block, the values are the block's; new threads get them, not the block's own."""
    with hp.scope(**{"local": 1}):
        hp.launch(Train, argv=["-D", "model.width=32"])
        inside = _width()
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.extend([_width(), hp.scope.local | 0]))
    worker.start()
    worker.join()
    assert (inside, _width(), seen) == (32, 64, [32, 0])


def test_a_config_launch_never_warns_about_keys_the_rest_of_the_program_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No "never read" warning: the program reads its values after launch returns, unwatched."""

    @hp.param("model")
    def build(width: int = 64) -> int:
        return width

    hp.launch(Train, argv=["-D", "model.width=128", "--lr", "0.05", "-D", "train.lr=0.03"])
    assert (build(), capsys.readouterr().err) == (128, "")


def test_the_record_of_a_config_launch_holds_every_value_set(tmp_path: Path) -> None:
    """--record FILE holds the -D values of other namespaces too, so -C FILE replays the same run."""
    record = tmp_path / "run.json"
    hp.launch(Train, argv=["-D", "model.width=128", "--lr", "0.05", "--record", str(record)])
    assert json.loads(record.read_text()) == {"model": {"width": 128}, "train": {"lr": 0.05}}


@pytest.mark.parametrize(
    "argv",
    [["--sweep", "-D", "train.lr=0.1,0.2"], ["--sweep", "--search", "random", "--trials", "2"]],
)
def test_a_sweep_of_a_config_launch_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """--sweep and --search with hp.launch(Params) exit 2 and say to launch a function instead."""
    assert _refused(argv, capsys).endswith(
        "returns a config; launch an @hp.param function that builds Train() instead"
    )
