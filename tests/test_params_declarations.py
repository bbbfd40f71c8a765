"""Declared parameters: their errors in the library's tree, and restated parameters in subclasses."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import hyperparameter as hp


class Train(hp.Params, namespace="train"):
    """A base class whose parameters subclasses restate."""

    lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
    layers = hp.Int(3, bounds=(1, 8), doc="number of layers")
    act = hp.Choice("relu", ["relu", "gelu"], doc="activation")
    tags = hp.List(["a"], item_type=str, bounds=(1, 3))


@pytest.mark.parametrize(
    ("make", "builtin", "error_type"),
    [
        (lambda: Train(lr=2), ValueError, hp.ParameterValueError),
        (lambda: Train(layers=2.5), TypeError, hp.ParameterTypeError),
        (lambda: Train(act="tanh"), ValueError, hp.ParameterValueError),
        (lambda: Train(tags=[1]), TypeError, hp.ParameterTypeError),
        (lambda: Train(tags=[]), ValueError, hp.ParameterValueError),
        (lambda: Train(lr=None), TypeError, hp.ParameterTypeError),
        (lambda: Train(lrr=0.1), TypeError, hp.ParameterTypeError),
    ],
)
def test_refusals_are_library_errors_and_the_builtin_they_are(
    make: Any, builtin: type[Exception], error_type: type[Exception]
) -> None:
    """A refused value raises an error that is both a HyperparameterError and its built-in type."""
    with pytest.raises(builtin) as caught:
        make()
    assert isinstance(caught.value, hp.HyperparameterError)
    assert type(caught.value) is error_type


def test_refusal_names_the_key_and_the_value() -> None:
    """The error carries the parameter's key and the refused value as attributes."""
    with pytest.raises(hp.ParameterValueError) as caught:
        Train(lr=2)
    assert (caught.value.key, caught.value.value) == ("train.lr", 2)


def test_writes_to_constant_and_readonly_parameters_are_library_errors() -> None:
    """Setting a constant on an instance, or a read-only class default, is a ParameterTypeError."""

    class Fixed(hp.Params, namespace="fixed"):
        seed = hp.Int(0, constant=True)
        version = hp.Int(1, readonly=True)

    with pytest.raises(hp.ParameterTypeError, match="constant"):
        Fixed().seed = 3
    with pytest.raises(hp.ParameterTypeError, match="read-only"):
        Fixed.version = 2


def test_a_bad_default_is_a_library_error_naming_the_class() -> None:
    """A default outside its own bounds fails at class definition with a ParameterValueError."""
    with pytest.raises(hp.ParameterValueError, match=r"Bad default for Broken\.lr"):

        class Broken(hp.Params, namespace="broken"):
            lr = hp.Float(5.0, bounds=(0, 1))


@pytest.mark.parametrize(
    "error", [hp.ParameterValueError("m", "a.b", 3), hp.ParameterTypeError("m", "a.b", [1])]
)
def test_refusals_survive_pickling(error: hp.HyperparameterError) -> None:
    """A refusal raised in a worker process reaches the parent with its message and attributes."""
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), str(back), back.key, back.value) == (type(error), "m", "a.b", error.value)  # type: ignore[attr-defined]


def test_scope_text_that_mentions_out_of_range_still_explains_the_refusal() -> None:
    """A conversion error keeps the reason even when the text says 'out of range' (no message sniffing)."""
    with hp.scope(**{"train.act": "out of range"}), pytest.raises(hp.ConversionError, match="is not one of"):
        _ = Train().act


def test_a_scope_value_out_of_bounds_names_the_bounds() -> None:
    """A scope value outside the bounds is a ConversionError that states the bounds once."""
    with hp.scope(**{"train.lr": "2"}), pytest.raises(hp.ConversionError) as caught:
        _ = Train().lr
    assert str(caught.value).endswith("expected a float in [0, 1].")


def test_a_restated_parameter_keeps_what_it_does_not_restate() -> None:
    """A subclass that declares lr again with a new default keeps the base's bounds and doc."""

    class Fine(Train):
        lr = hp.Float(1e-4)

    declared = Fine.param("lr")
    assert (declared.default, declared.bounds, declared.doc) == (1e-4, (0, 1), "learning rate")  # type: ignore[attr-defined]
    assert Train.param("lr").default == 1e-3
    with pytest.raises(hp.ParameterValueError):
        Fine(lr=2)


def test_a_restated_parameter_changes_what_it_restates() -> None:
    """Settings the subclass gives win over the base's; the rest is kept."""

    class Wide(Train):
        layers = hp.Int(bounds=(1, 64))

    declared = Wide.param("layers")
    assert (declared.default, declared.bounds, declared.doc) == (3, (1, 64), "number of layers")  # type: ignore[attr-defined]
    assert Wide(layers=32).layers == 32
    with pytest.raises(hp.ParameterValueError):
        Train(layers=32)


def test_a_restated_choice_keeps_its_objects_given_positionally() -> None:
    """Positional constructor arguments count as given: a new default keeps the base's objects."""

    class Gelu(Train):
        act = hp.Choice("gelu")

    assert Gelu.param("act").objects == ["relu", "gelu"]  # type: ignore[attr-defined]
    assert Gelu().act == "gelu"


def test_a_restated_parameter_of_another_kind_takes_only_what_that_kind_accepts() -> None:
    """Replacing an Int with a Float keeps the shared settings (bounds, doc), dropping nothing silently."""

    class Soft(Train):
        layers = hp.Float(2.5)

    declared = Soft.param("layers")
    assert (type(declared), declared.bounds, declared.doc) == (hp.Float, (1, 8), "number of layers")  # type: ignore[attr-defined]
    assert Soft().layers == 2.5


def test_a_restated_default_that_breaks_the_inherited_bounds_fails_at_definition() -> None:
    """The merged declaration is checked like any other: a new default outside inherited bounds fails."""
    with pytest.raises(hp.ParameterValueError, match=r"Bad default for TooBig\.lr"):

        class TooBig(Train):
            lr = hp.Float(3.0)


def test_inheritance_runs_through_several_generations() -> None:
    """A grandchild keeps what neither it nor its parent restated."""

    class Child(Train):
        lr = hp.Float(1e-2)

    class Grandchild(Child):
        lr = hp.Float(doc="fine-tuning rate")

    declared = Grandchild.param("lr")
    assert (declared.default, declared.bounds, declared.doc) == (1e-2, (0, 1), "fine-tuning rate")  # type: ignore[attr-defined]
