"""The picture of a sweep: hp.plot_sweep, its panels and axes, and the missing-extra message."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import hyperparameter as hp
from hyperparameter._sweep_plot import figure_of, import_figure

PNG = b"\x89PNG\r\n\x1a\n"


def work() -> dict[str, float]:
    """Return a loss with a minimum near lr=1e-3, layers=4, act=gelu."""
    import math

    lr, layers, act = hp.scope.lr | 0.1, hp.scope.layers | 2, hp.scope.act | "relu"
    return {"loss": (math.log10(lr) + 3) ** 2 + abs(layers - 4) / 4 + (act != "gelu"), "lr_seen": lr}


SPACE = {"lr": "loguniform(1e-5, 1e-1)", "layers": "int(1, 8)", "act": ["relu", "gelu"]}


@pytest.fixture
def matplotlib() -> Any:
    return pytest.importorskip("matplotlib")


@pytest.mark.plot
def test_plot_writes_sweep_png_in_the_folder(tmp_path: Path, matplotlib):
    """hp.plot_sweep(result) writes DIR/sweep.png, a PNG image, and returns its path."""
    result = hp.sweep(
        work, SPACE, search="random", trials=12, seed=0, minimize="loss", runs=tmp_path, progress=False
    )
    path = hp.plot_sweep(result)
    assert path == tmp_path / "sweep.png"
    assert path.read_bytes().startswith(PNG)


@pytest.mark.plot
def test_plot_from_a_folder_alone(tmp_path: Path, matplotlib):
    """A finished sweep's folder is enough to draw it again, to another path."""
    hp.sweep(work, SPACE, search="random", trials=5, seed=0, minimize="loss", runs=tmp_path, progress=False)
    path = hp.plot_sweep(str(tmp_path), tmp_path / "again.png")
    assert path.read_bytes().startswith(PNG)


@pytest.mark.plot
def test_panels_axes_and_best_mark(matplotlib):
    """One panel per key plus one over trials; a log axis for a log-scale key; the best starred."""
    rows = [
        {"trial": 0, "lr": 1e-4, "act": "relu", "wd": 0.1, "status": "ok", "loss": 3.0},
        {"trial": 1, "lr": 1e-2, "act": "gelu", "wd": 0.2, "status": "ok", "loss": 1.0},
        {"trial": 2, "lr": 2e-4, "act": "gelu", "wd": 0.3, "status": "failed"},
    ]
    figure = figure_of(import_figure(), rows, ["lr", "act", "wd"], "loss", log_keys=["lr"])
    lr, act, wd, _ = figure.axes
    assert [axis.get_xlabel() for axis in figure.axes] == ["lr", "act", "wd", "trial"]
    assert (lr.get_xscale(), wd.get_xscale()) == ("log", "linear")
    assert [label.get_text() for label in act.get_xticklabels()] == ["gelu", "relu"]
    stars = [c for c in lr.collections if len(c.get_offsets()) == 1]
    assert [tuple(star.get_offsets()[0]) for star in stars] == [(1e-2, 1.0)]
    assert "2 of 3 trials" in figure.get_suptitle()


@pytest.mark.plot
def test_wide_positive_values_get_a_log_axis_without_a_space(matplotlib):
    """A grid key whose values span 100 times or more is drawn on a log axis."""
    rows = [{"trial": n, "lr": lr, "loss": n} for n, lr in enumerate([1e-4, 1e-3, 1e-2])]
    figure = figure_of(import_figure(), rows, ["lr"], "loss")
    assert figure.axes[0].get_xscale() == "log"


@pytest.mark.plot
def test_the_best_is_the_highest_when_maximizing(matplotlib):
    """With maximize, the star marks the highest value."""
    rows = [{"trial": n, "x": n, "score": score} for n, score in enumerate([1.0, 5.0, 2.0])]
    figure = figure_of(import_figure(), rows, ["x"], "score", minimize=False)
    stars = [c for c in figure.axes[0].collections if len(c.get_offsets()) == 1]
    assert [tuple(star.get_offsets()[0]) for star in stars] == [(1.0, 5.0)]


@pytest.mark.plot
def test_an_objective_named_like_a_swept_key_plots_the_result(tmp_path: Path, matplotlib, monkeypatch):
    """A metric that is also a swept key is drawn from its result.<key> column, not the swept values."""
    drawn: list[Any] = []
    monkeypatch.setattr(
        pytest.importorskip("matplotlib.figure").Figure,
        "savefig",
        lambda figure, path, **_: drawn.append(figure),
    )

    def peak() -> dict[str, int]:
        return {"x": -(((hp.scope.x | 0) - 2) ** 2)}

    result = hp.sweep(peak, {"x": [1, 2, 3]}, maximize="x", runs=tmp_path, progress=False)
    hp.plot_sweep(result)
    hp.plot_sweep(str(tmp_path))
    for figure in drawn:
        stars = [c for c in figure.axes[0].collections if len(c.get_offsets()) == 1]
        assert [tuple(star.get_offsets()[0]) for star in stars] == [(2.0, 0.0)]
        assert figure.axes[0].get_ylabel() == "result.x"
    assert len(drawn) == 2


@pytest.mark.plot
def test_plot_needs_a_path_without_a_folder_and_a_number(tmp_path: Path, matplotlib):
    """Without a folder the path is asked for; without any number the message says so."""
    result = hp.sweep(work, {"layers": [1, 2]}, minimize="loss", progress=False)
    with pytest.raises(hp.SweepError, match="pass path="):
        hp.plot_sweep(result)
    assert hp.plot_sweep(result, tmp_path / "x.png").exists()
    words = hp.sweep(lambda: "text", {"layers": [1, 2]}, progress=False)
    with pytest.raises(hp.SweepError, match="No trial of this sweep returned a number"):
        hp.plot_sweep(words, tmp_path / "y.png")


def test_missing_matplotlib_names_the_extra(monkeypatch, tmp_path: Path):
    """Without matplotlib, plotting fails with a message naming hyperparameter[plot]."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    result = hp.sweep(work, {"layers": [1, 2]}, progress=False)
    with pytest.raises(hp.MissingDependencyError, match=r"pip install 'hyperparameter\[plot\]'"):
        hp.plot_sweep(result, tmp_path / "x.png")


@pytest.fixture
def drawn(monkeypatch, matplotlib) -> list[Any]:
    """Collect the figures hp.plot_sweep draws instead of writing them."""
    figures: list[Any] = []
    monkeypatch.setattr(
        pytest.importorskip("matplotlib.figure").Figure,
        "savefig",
        lambda figure, path, **_: figures.append(figure),
    )
    return figures


def stars_of(figure: Any) -> list[tuple[float, float]]:
    """Return where the first panel of ``figure`` has a star."""
    return [tuple(c.get_offsets()[0]) for c in figure.axes[0].collections if len(c.get_offsets()) == 1]


def scores() -> dict[str, float]:
    """Return an accuracy that grows with x and a loss that falls with it."""
    x = hp.scope.x | 0
    return {"accuracy": x / 10, "loss": 1 - x / 10}


@pytest.mark.plot
@pytest.mark.parametrize(("metric", "hint"), [("lss", "Did you mean 'loss'?"), ("name", "")])
def test_a_metric_without_numbers_is_an_error_naming_the_columns(tmp_path: Path, drawn, metric, hint):
    """A metric no trial has a number in is a SweepError naming it and the columns that have numbers."""
    result = hp.sweep(lambda: {"loss": hp.scope.x(), "name": "n"}, {"x": [1, 2]}, progress=False)
    with pytest.raises(hp.SweepError) as caught:
        hp.plot_sweep(result, tmp_path / "x.png", metric=metric)
    message = str(caught.value)
    assert f"No trial of this sweep returned a number in {metric!r}" in message
    assert "the columns with numbers are 'loss'." in message
    assert message.endswith(hint or ".")
    assert drawn == []
    assert not (tmp_path / "x.png").exists()


@pytest.mark.plot
def test_a_sweep_whose_trials_all_failed_has_nothing_to_plot(tmp_path: Path, drawn):
    """A sweep with no successful trial is a SweepError saying how many trials ran and none was ok."""
    failed = hp.sweep(lambda: 1 / 0, {"x": [1, 2]}, minimize="loss", progress=False)
    with pytest.raises(hp.SweepError, match=r"number in 'loss' to plot \(2 trials, 0 of them ok\)"):
        hp.plot_sweep(failed, tmp_path / "x.png")


@pytest.mark.plot
def test_several_numeric_columns_and_no_objective_ask_for_a_metric(tmp_path: Path, drawn):
    """Without an objective or metric=, a sweep with several numeric columns asks which one to plot."""
    result = hp.sweep(scores, {"x": [1, 2]}, progress=False)
    with pytest.raises(hp.SweepError, match=r"\('accuracy', 'loss'\) and no objective; .* metric="):
        hp.plot_sweep(result, tmp_path / "x.png")


@pytest.mark.plot
def test_no_direction_known_stars_nothing_and_says_so(tmp_path: Path, drawn):
    """A metric named without a direction or an objective stars no trial, and the title says why."""
    result = hp.sweep(scores, {"x": [1, 2, 3]}, progress=False)
    hp.plot_sweep(result, tmp_path / "x.png", metric="accuracy")
    hp.plot_sweep(result, tmp_path / "y.png", metric="accuracy", maximize=True)
    quiet, marked = drawn
    assert stars_of(quiet) == []
    assert "no best is starred" in quiet.get_suptitle()
    assert stars_of(marked) == [(3.0, 0.3)]
    assert "star = highest" in marked.get_suptitle()


@pytest.mark.plot
@pytest.mark.parametrize("from_folder", [False, True])
def test_the_direction_comes_from_the_sweep_objective(tmp_path: Path, drawn, from_folder):
    """The sweep's objective gives the direction of its own metric, and of no other column."""
    result = hp.sweep(scores, {"x": [1, 2, 3]}, maximize="accuracy", runs=tmp_path, progress=False)
    sweep: Any = str(tmp_path) if from_folder else result
    hp.plot_sweep(sweep)
    hp.plot_sweep(sweep, metric="accuracy")
    hp.plot_sweep(sweep, metric="loss")
    default, named, other = drawn
    assert stars_of(default) == stars_of(named) == [(3.0, 0.3)]
    assert stars_of(other) == []
    assert other.axes[0].get_ylabel() == "loss"


@hp.param("pl")
def two_scores(x: int = 1) -> dict[str, float]:
    """Return an accuracy and a loss from the swept x."""
    return {"accuracy": x / 10, "loss": 1 - x / 10}


@pytest.mark.plot
def test_plot_flag_without_an_objective_says_why_there_is_no_picture(
    tmp_path: Path, matplotlib, capsys, monkeypatch
):
    """--plot with several numeric columns and no objective says so on stderr; the sweep stands."""
    monkeypatch.chdir(tmp_path)
    result = hp.launch(two_scores, argv=["--sweep", "-D", "pl.x=1,2", "--plot", "--runs", "r"])
    err = capsys.readouterr().err
    assert "sweep: no picture: This sweep has several result columns" in err
    assert "--minimize/--maximize METRIC" in err
    assert result.ok
    assert not (tmp_path / "r" / "sweep.png").exists()
