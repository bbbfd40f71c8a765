"""Behaviour of hp.config(..., schema=...):
building dataclasses strictly and reporting every problem at once."""

from __future__ import annotations

import dataclasses
import enum
import pathlib
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

import pytest

import hyperparameter as hp


class Optimizer(enum.Enum):
    SGD = "sgd"
    ADAM = "adam"


@dataclass
class Data:
    root: pathlib.Path = pathlib.Path("/data")
    splits: tuple[str, str] = ("train", "test")


@dataclass
class Train:
    lr: float = 0.1
    epochs: int = 10
    optimizer: Optimizer = Optimizer.SGD
    mode: Literal["fast", "full"] = "fast"
    dims: list[int] = field(default_factory=lambda: [64])
    weights: dict[str, float] = field(default_factory=dict)
    warmup: Optional[int] = None
    seed: Union[int, str] = 0
    shuffle: bool = True

    def __post_init__(self) -> None:
        if self.lr <= 0:
            raise ValueError(f"lr must be positive, got {self.lr}")


@dataclass
class Experiment:
    name: str
    train: Train = field(default_factory=Train)
    data: Optional[Data] = None
    stages: list[Train] = field(default_factory=list)
    steps: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.steps = self.train.epochs * 100


@dataclass
class Empty:
    pass


@dataclass
class Scheduled:
    schedule: Union[Train, Data]


# -- building ----------------------------------------------------------------------------------------------


def test_a_schema_builds_the_dataclass_with_its_defaults(tmp_path: pathlib.Path) -> None:
    """Keys the file leaves out take their defaults and default_factory values; __post_init__ runs."""
    path = tmp_path / "exp.toml"
    path.write_text('name = "base"\n[train]\nepochs = 3\n')
    exp = hp.config(path, schema=Experiment)
    assert exp == Experiment(name="base", train=Train(epochs=3))
    assert exp.train.dims == [64]
    assert exp.steps == 300


def test_every_supported_annotation_is_built() -> None:
    """Nested dataclasses, Optional, Union, list/dict/tuple of types, Literal, Enum,
    bool and paths are built."""
    exp = hp.config(
        {
            "name": "x",
            "train": {
                "lr": 0.5,
                "epochs": 3,
                "optimizer": "ADAM",
                "mode": "full",
                "dims": [1, 2],
                "weights": {"a": 1},
                "warmup": 100,
                "seed": "random",
                "shuffle": False,
            },
            "data": {"root": "/mnt", "splits": ["a", "b"]},
            "stages": [{"lr": 0.2}, {"epochs": 1}],
        },
        schema=Experiment,
    )
    assert exp.train == Train(0.5, 3, Optimizer.ADAM, "full", [1, 2], {"a": 1.0}, 100, "random", False)
    assert exp.data == Data(pathlib.Path("/mnt"), ("a", "b"))
    assert exp.stages == [Train(lr=0.2), Train(epochs=1)]


@pytest.mark.parametrize(
    ("train", "attribute", "expected"),
    [
        ({"lr": 1}, "lr", 1.0),
        ({"epochs": "20"}, "epochs", 20),
        ({"lr": " 0.5 "}, "lr", 0.5),
        ({"shuffle": "false"}, "shuffle", False),
        ({"optimizer": "adam"}, "optimizer", Optimizer.ADAM),
        ({"optimizer": "SGD"}, "optimizer", Optimizer.SGD),
        ({"seed": "3"}, "seed", "3"),
        ({"seed": 3}, "seed", 3),
        ({"warmup": None}, "warmup", None),
    ],
)
def test_the_few_conversions_a_strict_schema_makes(
    train: dict[str, Any], attribute: str, expected: Any
) -> None:
    """int to float, text (as ${env:...} gives) to numbers, bools and Enums; a Union keeps an exact type."""
    built = getattr(hp.config({"name": "x", "train": train}, schema=Experiment).train, attribute)
    assert built == expected
    assert type(built) is type(expected)


def test_env_values_fill_typed_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """${env:...} text becomes the field's type through the schema."""
    monkeypatch.setenv("HP_TEST_EPOCHS", "7")
    exp = hp.config({"name": "x", "train": {"epochs": "${env:HP_TEST_EPOCHS}"}}, schema=Experiment)
    assert exp.train.epochs == 7


def test_a_generic_collection_schema_is_built() -> None:
    """A schema may be any annotated type, such as dict[str, list[int]]."""
    assert hp.config({"a": [1, 2]}, schema=dict[str, list[int]]) == {"a": [1, 2]}


# -- problems ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        pytest.param({"name": 3}, "'name': expected str, got 3 (int)", id="wrong-type"),
        pytest.param({}, "'name': is required by Experiment (str) but not set", id="missing-required"),
        pytest.param(
            {"name": "x", "nmae": 1},
            "'nmae': is not a field of Experiment. Did you mean 'name'?",
            id="unknown-key-did-you-mean",
        ),
        pytest.param(
            {"name": "x", "train": {"lrr": 1}},
            "'train.lrr': is not a field of Train. Did you mean 'train.lr'?",
            id="nested-unknown-key",
        ),
        pytest.param(
            {"name": "x", "data": {"zzz": 1}},
            "'data.zzz': is not a field of Data; expected one of root, splits",
            id="unknown-key-no-match",
        ),
        pytest.param(
            {"name": "x", "steps": 5},
            "'steps': is computed by Experiment (init=False) and cannot be set",
            id="init-false-field",
        ),
        pytest.param(
            {"name": "x", "train": {"mode": "slow"}},
            "'train.mode': expected one of 'fast', 'full', got 'slow' (str)",
            id="literal",
        ),
        pytest.param(
            {"name": "x", "train": {"optimizer": "rmsprop"}},
            "'train.optimizer': expected a member of Optimizer (SGD, ADAM), got 'rmsprop' (str)",
            id="enum",
        ),
        pytest.param(
            {"name": "x", "train": {"warmup": "soon"}},
            "'train.warmup': expected int, got 'soon' (str)",
            id="optional",
        ),
        pytest.param(
            {"name": "x", "train": {"seed": 1.5}},
            "'train.seed': expected int or str, got 1.5 (float)",
            id="union",
        ),
        pytest.param(
            {"name": "x", "data": {"splits": ["a"]}},
            "'data.splits': expected 2 items, got 1",
            id="tuple-arity",
        ),
        pytest.param(
            {"name": "x", "train": {"dims": [1, "two"]}},
            "'train.dims[1]': expected int, got 'two' (str)",
            id="list-item",
        ),
        pytest.param(
            {"name": "x", "train": {"weights": {"a": "heavy"}}},
            "'train.weights.a': expected float, got 'heavy' (str)",
            id="dict-value",
        ),
        pytest.param(
            {"name": "x", "stages": [{}, {"epochs": "many"}]},
            "'stages[1].epochs': expected int, got 'many' (str)",
            id="dataclass-in-list",
        ),
        pytest.param(
            {"name": "x", "train": 5},
            "'train': expected a mapping for Train, got 5 (int)",
            id="scalar-for-dataclass",
        ),
        pytest.param(
            {"name": "x", "train": {"epochs": True}},
            "'train.epochs': expected int, got True (bool)",
            id="bool-is-not-a-number",
        ),
        pytest.param(
            {"name": "x", "train": {"shuffle": 1}},
            "'train.shuffle': expected bool, got 1 (int)",
            id="number-is-not-a-bool",
        ),
        pytest.param(
            {"name": "x", "train": {"epochs": 2.5}},
            "'train.epochs': expected int, got 2.5 (float)",
            id="fractional-float-for-int",
        ),
        pytest.param(
            {"name": "x", "train": {"lr": -1}},
            "'train': Train rejected the values: lr must be positive, got -1.0",
            id="post-init-rejects",
        ),
        pytest.param(
            {"name": "x", "dims": [1]},
            "'dims': is not a field of Experiment; expected one of name, train, data, stages",
            id="no-close-match",
        ),
    ],
)
def test_each_problem_is_a_schema_error_naming_the_key_path(values: dict[str, Any], problem: str) -> None:
    """A value that does not fit raises SchemaError (a ConfigError, a ValueError) naming its key path,
    value and expected type."""
    with pytest.raises(hp.SchemaError) as caught:
        hp.config(values, schema=Experiment)
    end = "" if problem.endswith("?") else "."
    assert str(caught.value) == f"The config values do not fit Experiment at {problem}{end}"
    assert isinstance(caught.value, hp.ConfigError)
    assert isinstance(caught.value, ValueError)


def test_every_problem_is_reported_at_once(tmp_path: pathlib.Path) -> None:
    """All problems are listed together, one line each with its key path, and kept in .problems."""
    path = tmp_path / "exp.yaml"
    path.write_text("train:\n  lr: fast\n  epochs: 2.5\n  mdoe: full\ndata:\n  splits: [a]\n")
    with pytest.raises(hp.SchemaError) as caught:
        hp.config(path, schema=Experiment)
    assert str(caught.value) == (
        f"Config '{path}' does not fit Experiment (5 problems):\n"
        "  'train.lr': expected float, got 'fast' (str)\n"
        "  'train.epochs': expected int, got 2.5 (float)\n"
        "  'train.mdoe': is not a field of Train. Did you mean 'train.mode'?\n"
        "  'data.splits': expected 2 items, got 1\n"
        "  'name': is required by Experiment (str) but not set"
    )
    assert [key for key, _ in caught.value.problems] == [
        "'train.lr'",
        "'train.epochs'",
        "'train.mdoe'",
        "'data.splits'",
        "'name'",
    ]
    assert caught.value.schema is Experiment


def test_with_several_files_each_problem_names_its_file(tmp_path: pathlib.Path) -> None:
    """When values come from several files, each problem says which file set the value."""
    base, run = tmp_path / "base.toml", tmp_path / "run.toml"
    base.write_text("name = 1\n[train]\nlr = 0.1\n")
    run.write_text('[train]\nepochs = "many"\n')
    with pytest.raises(hp.SchemaError) as caught:
        hp.config(base, run, schema=Experiment)
    assert str(caught.value) == (
        f"Configs '{base}', '{run}' do not fit Experiment (2 problems):\n"
        f"  'name' (from '{base}'): expected str, got 1 (int)\n"
        f"  'train.epochs' (from '{run}'): expected int, got 'many' (str)"
    )


def test_a_union_of_dataclasses_that_fits_neither_lists_both() -> None:
    """A mapping that fits no member of a Union names every member."""
    with pytest.raises(hp.SchemaError) as caught:
        hp.config({"schedule": {"zzz": 1}}, schema=Scheduled)
    assert str(caught.value) == (
        "The config values do not fit Scheduled at 'schedule': expected Train or Data, got {'zzz': 1} (dict)."
    )


def test_an_optional_dataclass_reports_its_own_problems() -> None:
    """For Optional[X], the problems are X's, with their full key paths."""
    with pytest.raises(hp.SchemaError, match=r"at 'data\.root': expected Path, got 5 \(int\)\.$"):
        hp.config({"name": "x", "data": {"root": 5}}, schema=Experiment)


def test_a_dataclass_without_fields_takes_no_keys() -> None:
    """A key for a dataclass with no fields says it takes none."""
    with pytest.raises(hp.SchemaError, match=r"at 'a': is not a field of Empty; Empty takes no keys\.$"):
        hp.config({"a": 1}, schema=Empty)


def test_annotations_naming_local_classes_are_a_clear_type_error() -> None:
    """A schema whose string annotations name a class local to a function raises TypeError saying so."""

    @dataclass
    class Inner:
        x: int = 0

    @dataclass
    class Outer:
        inner: Inner = dataclasses.field(default_factory=Inner)

    with pytest.raises(
        TypeError, match=r"^Cannot read the annotations of Outer: name 'Inner' is not defined; "
    ):
        hp.config({"inner": {"x": 1}}, schema=Outer)


@dataclass
class BitOr:
    steps: int | None = None
    tags: list[str] | None = None
    seed: int | str = 0


def test_x_or_y_annotations_are_read_on_every_python(tmp_path: pathlib.Path) -> None:
    """`int | None` under `from __future__ import annotations` is a schema on Python 3.9 too."""
    path = tmp_path / "bitor.json"
    path.write_text('{"steps": 5, "tags": ["a"], "seed": "x"}')
    assert hp.config(str(path), schema=BitOr) == BitOr(5, ["a"], "x")
    path.write_text('{"steps": "five"}')
    with pytest.raises(hp.SchemaError, match="'steps'"):
        hp.config(str(path), schema=BitOr)
