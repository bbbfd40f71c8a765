"""Annotations evaluated one parameter at a time: one that cannot be evaluated costs only its own type."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Optional

import pytest

import hyperparameter as hp
from hyperparameter._annotations import class_annotations, evaluate_annotations

if TYPE_CHECKING:
    from collections.abc import Sized as Dataset  # a name only type checkers see, as torch's Dataset


def train(
    act: Literal["relu", "gelu"] = "relu",
    lr: float = 1,
    epochs: int = 3,
    data: Optional[Dataset] = None,
) -> None:
    """Take a `data` argument whose annotation names something imported only for type checkers."""


def test_an_unresolvable_annotation_costs_only_its_own_parameter() -> None:
    """A TYPE_CHECKING-only name leaves that parameter out; the others keep their types."""
    with pytest.warns(UserWarning, match=r"parameter 'data' of 'train' is read untyped.*Optional\[Dataset\]"):
        found = evaluate_annotations(train)
    assert found == {"act": Literal["relu", "gelu"], "lr": float, "epochs": int}


def test_the_warning_is_given_once() -> None:
    """Reading the annotations again does not repeat the warning."""

    def once(n: int = 1, data: Optional[Dataset] = None) -> None: ...

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        evaluate_annotations(once)
        evaluate_annotations(once)
    assert [str(each.message).split(" is read")[0] for each in caught] == [
        "parameter 'data' of 'test_the_warning_is_given_once.<locals>.once'"
    ]


def test_the_launcher_keeps_the_other_parameters_typed(capsys: pytest.CaptureFixture[str]) -> None:
    """Launched, the other parameters still convert and check by their annotations."""
    launched = hp.param("tc")(train)
    with pytest.warns(UserWarning, match="'data'"), pytest.raises(SystemExit):
        hp.launch(launched, argv=["--act", "tanh"])
    assert "invalid choice: 'tanh'" in capsys.readouterr().err

    def main(lr: float = 1, data: Optional[Dataset] = None) -> float:
        return lr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warning itself is tested above
        assert hp.launch(hp.param("tc2")(main), argv=["--lr", "0.5"]) == 0.5
        assert hp.launch(hp.param("tc2")(main), argv=["-D", "tc2.lr=0.25"]) == 0.25


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("int | None", Optional[int]),
        ("list[int] | None", Optional[list[int]]),
        ("dict[str, int | None]", dict[str, Optional[int]]),
        ("Literal['a', 'b'] | None", Optional[Literal["a", "b"]]),
        ("Optional['int']", Optional[int]),
    ],
)
def test_union_text_is_evaluated_on_every_python(text: str, expected: object) -> None:
    """`X | Y` in a string annotation is Union[X, Y], on Python 3.9 too."""

    def func(x: int = 0) -> None: ...

    func.__annotations__ = {"x": text}
    assert evaluate_annotations(func)["x"] == expected


def test_union_text_types_a_launched_parameter(tmp_path: Path) -> None:
    """A program with `x: int | None` under postponed annotations converts and checks x on every Python."""
    program = tmp_path / "fut.py"
    program.write_text(
        textwrap.dedent(
            """
            from __future__ import annotations
            import hyperparameter as hp

            @hp.param("t")
            def main(x: int | None = None, dims: list[int] = [1]):
                print(repr(x), repr(dims))

            hp.launch(main)
            """
        )
    )
    ran = subprocess.run(
        [sys.executable, str(program), "--x", "3", "--dims", "4", "5"], capture_output=True, text=True
    )
    assert (ran.returncode, ran.stdout.strip(), ran.stderr) == (0, "3 [4, 5]", "")
    refused = subprocess.run([sys.executable, str(program), "-D", "t.x=abc"], capture_output=True, text=True)
    assert (refused.returncode, "'abc'" in refused.stderr) == (2, True)


@dataclass
class Dated:
    """A schema whose field is named as the type its annotation names."""

    date: date | None = None
    steps: int | None = None


def test_a_class_attribute_never_shadows_the_type_its_annotation_names() -> None:
    """`date: date | None = None` is Optional[date] on every Python, as the module's `date` is (review F6)."""
    assert class_annotations(Dated) == {"date": Optional[date], "steps": Optional[int]}
    assert hp.config({"date": date(2024, 1, 1)}, schema=Dated) == Dated(date=date(2024, 1, 1))
