"""Declared parameters: hp.Params classes and the kinds hp.Float, hp.Int, hp.Bool, hp.Str, hp.Choice ..."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os.path
import pickle
import re
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp

WAIT = 10.0  # seconds a thread may wait on another before the test gives up instead of hanging
A_KEY_ERROR = KeyError("k")


class Train(hp.Params, namespace="train"):
    """The issue's example; tests must not change its class defaults."""

    lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
    layers = hp.Int(3, bounds=(1, None), doc="number of layers")
    act = hp.Choice("relu", ["relu", "gelu"])
    dims = hp.List([64, 64], item_type=int)


class Pickled(hp.Params, namespace="pickled"):
    """A module-level class that pickle can find by name."""

    lr = hp.Float(1e-3, bounds=(0, 1))
    dims = hp.List([64, 64], item_type=int)
    options = hp.Dict({"a": 1})
    fn = hp.Callable(math.sqrt)


def holder(parameter: Any, namespace: str = "k") -> Any:
    """Make a fresh Params class declaring ``parameter`` as ``x`` under ``namespace``."""

    class Holder(hp.Params, namespace=namespace):
        x = parameter

    return Holder


# -- each kind: values set from code ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        pytest.param(hp.Float(0.5, bounds=(0, 1)), 0.25, 0.25, id="float-inside"),
        pytest.param(hp.Float(0.5, bounds=(0, 1)), 1, 1.0, id="float-takes-int-as-float"),
        pytest.param(hp.Float(0.5, bounds=(0, 1)), 0, 0.0, id="float-inclusive-low"),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(False, True)), 1, 1.0, id="float-exclusive-low"
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(True, False)), 0, 0.0, id="float-exclusive-high"
        ),
        pytest.param(
            hp.Float(0.05, bounds=(0, 1), softbounds=(0, 0.1)), 0.9, 0.9, id="float-outside-softbounds"
        ),
        pytest.param(hp.Float(1.0, allow_None=True), None, None, id="float-allow-none"),
        pytest.param(hp.Int(3, bounds=(1, None)), 10**20, 10**20, id="int-unbounded-above"),
        pytest.param(hp.Int(3, bounds=(1, 5)), 5, 5, id="int-inclusive-high"),
        pytest.param(hp.Bool(True), False, False, id="bool"),
        pytest.param(hp.Str("ab", regex="[a-z]+"), "xyz", "xyz", id="str-regex"),
        pytest.param(hp.Str("ab"), "", "", id="str-empty"),
        pytest.param(hp.Choice("relu", ["relu", "gelu"]), "gelu", "gelu", id="choice"),
        pytest.param(hp.Choice(1, [1, 2, 4]), 4, 4, id="choice-numbers"),
        pytest.param(hp.List([1], item_type=int), (1, 2), [1, 2], id="list-from-tuple"),
        pytest.param(
            hp.List([1, 2], item_type=int, bounds=(2, 3)), [7, 8, 9], [7, 8, 9], id="list-length-high"
        ),
        pytest.param(hp.List([]), ["a", 1, None], ["a", 1, None], id="list-untyped"),
        pytest.param(hp.Dict({}), {"a": [1]}, {"a": [1]}, id="dict"),
        pytest.param(
            hp.Instance(None, class_=Exception), A_KEY_ERROR, A_KEY_ERROR, id="instance-of-subclass"
        ),
        pytest.param(hp.Instance(None, class_=logging.Logger), logging.root, logging.root, id="instance"),
        pytest.param(hp.Callable(len), math.sqrt, math.sqrt, id="callable-function"),
        pytest.param(hp.Callable(len), dict, dict, id="callable-class"),
    ],
)
def test_kind_accepts_a_valid_value_from_code(parameter: Any, value: Any, expected: Any) -> None:
    """Setting a value the kind accepts stores it (converted where the kind converts, e.g. int to float)."""
    obj = holder(parameter)()
    obj.x = value
    got = obj.x
    assert got == expected
    assert type(got) is type(expected)


@pytest.mark.parametrize(
    ("parameter", "value", "error", "message"),
    [
        pytest.param(
            hp.Float(0.5, bounds=(0, 1)),
            1.5,
            ValueError,
            "Parameter 'k.x' = 1.5 is out of range: expected [0, 1].",
            id="float-above",
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1)),
            -0.1,
            ValueError,
            "Parameter 'k.x' = -0.1 is out of range: expected [0, 1].",
            id="float-below",
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(False, True)),
            0,
            ValueError,
            "Parameter 'k.x' = 0 is out of range: expected (0, 1].",
            id="float-exclusive-low",
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(True, False)),
            1.0,
            ValueError,
            "Parameter 'k.x' = 1.0 is out of range: expected [0, 1).",
            id="float-exclusive-high",
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1)),
            float("nan"),
            ValueError,
            "Parameter 'k.x' = nan is out of range",
            id="float-nan-is-not-in-bounds",
        ),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1)),
            "0.5",
            TypeError,
            "Parameter 'k.x' expects a float in [0, 1], not str '0.5'.",
            id="float-string",
        ),
        pytest.param(
            hp.Float(0.5), True, TypeError, "Parameter 'k.x' expects a float, not bool True.", id="float-bool"
        ),
        pytest.param(
            hp.Float(0.5),
            None,
            TypeError,
            "Parameter 'k.x' does not accept None (allow_None=False).",
            id="float-none",
        ),
        pytest.param(
            hp.Int(3), 2.0, TypeError, "Parameter 'k.x' expects an int, not float 2.0.", id="int-whole-float"
        ),
        pytest.param(
            hp.Int(3), True, TypeError, "Parameter 'k.x' expects an int, not bool True.", id="int-bool"
        ),
        pytest.param(
            hp.Int(3, bounds=(1, None)),
            0,
            ValueError,
            "Parameter 'k.x' = 0 is out of range: expected [1, inf).",
            id="int-below",
        ),
        pytest.param(
            hp.Int(3, bounds=(None, 5), inclusive_bounds=(True, False)),
            5,
            ValueError,
            "Parameter 'k.x' = 5 is out of range: expected (-inf, 5).",
            id="int-exclusive-high",
        ),
        pytest.param(
            hp.Bool(True), 1, TypeError, "Parameter 'k.x' expects a bool, not int 1.", id="bool-int"
        ),
        pytest.param(
            hp.Bool(True), "yes", TypeError, "Parameter 'k.x' expects a bool, not str 'yes'.", id="bool-word"
        ),
        pytest.param(hp.Str("ab"), 5, TypeError, "Parameter 'k.x' expects a str, not int 5.", id="str-int"),
        pytest.param(
            hp.Str("ab", regex="[a-z]+"),
            "AB",
            ValueError,
            "Parameter 'k.x' = 'AB' is out of range: it does not match '[a-z]+'.",
            id="str-regex",
        ),
        pytest.param(
            hp.Str("ab", regex="[a-z]+"),
            "ab1",
            ValueError,
            "it does not match '[a-z]+'",
            id="str-regex-whole-string",
        ),
        pytest.param(
            hp.Choice("relu", ["relu", "gelu"]),
            "tanh",
            ValueError,
            "Parameter 'k.x' = 'tanh' is out of range: expected one of ['relu', 'gelu'].",
            id="choice",
        ),
        pytest.param(
            hp.List([1], item_type=int),
            "abc",
            TypeError,
            "Parameter 'k.x' expects a list of int, not str 'abc'.",
            id="list-string",
        ),
        pytest.param(
            hp.List([1], item_type=int),
            [1, "x"],
            TypeError,
            "Parameter 'k.x' item 1 is 'x', not int.",
            id="list-item-type",
        ),
        pytest.param(
            hp.List([1], item_type=int),
            [1, True],
            TypeError,
            "Parameter 'k.x' item 1 is True, not int.",
            id="list-bool-item",
        ),
        pytest.param(
            hp.List([1, 2], item_type=int, bounds=(2, 3)),
            [1],
            ValueError,
            "Parameter 'k.x' = [1] is out of range: expected a length in [2, 3].",
            id="list-too-short",
        ),
        pytest.param(
            hp.List([1, 2], item_type=int, bounds=(2, 3)),
            [1, 2, 3, 4],
            ValueError,
            "expected a length in [2, 3]",
            id="list-too-long",
        ),
        pytest.param(
            hp.Dict({}),
            [("a", 1)],
            TypeError,
            "Parameter 'k.x' expects a dict, not list [('a', 1)].",
            id="dict-pairs",
        ),
        pytest.param(
            hp.Instance(None, class_=logging.Logger),
            3,
            TypeError,
            "Parameter 'k.x' expects an instance of Logger, not int 3.",
            id="instance",
        ),
        pytest.param(
            hp.Callable(len), 3, TypeError, "Parameter 'k.x' expects a callable, not int 3.", id="callable"
        ),
    ],
)
def test_kind_rejects_a_bad_value_from_code_and_keeps_the_old_one(
    parameter: Any, value: Any, error: type[Exception], message: str
) -> None:
    """Setting a bad value raises TypeError or ValueError naming the key and the limits,
    and changes nothing."""
    obj = holder(parameter)()
    before = obj.x
    with pytest.raises(error, match=re.escape(message)):
        obj.x = value
    assert obj.x == before
    assert "x" not in obj.__dict__
    with pytest.raises(error, match=re.escape(message)):
        type(obj)(x=value)


def test_instance_keeps_its_own_old_value_when_a_set_fails() -> None:
    """After a failed set, an instance's own earlier value is still there."""
    train = Train(lr=0.5)
    with pytest.raises(ValueError, match=r"'train\.lr' = 2"):
        train.lr = 2
    assert train.lr == 0.5


def test_softbounds_are_metadata_only() -> None:
    """Soft bounds are kept on the parameter for tools to show but do not limit the values."""
    cls = holder(hp.Float(0.05, bounds=(0, 1), softbounds=(0, 0.1)))
    assert cls.param("x").softbounds == (0, 0.1)
    assert cls.param("x").bounds == (0, 1)
    assert cls(x=0.5).x == 0.5


def test_default_none_allows_none() -> None:
    """A parameter whose default is None accepts None without saying allow_None."""
    obj = holder(hp.Instance(None, class_=logging.Logger))()
    assert obj.x is None
    obj.x = logging.root
    obj.x = None
    assert obj.x is None


def test_allow_none_is_off_by_default_for_a_real_default() -> None:
    """Without allow_None a parameter with a real default refuses None; with it, None is a value."""
    refusing = holder(hp.Int(3))()
    with pytest.raises(TypeError, match=r"does not accept None"):
        refusing.x = None
    accepting = holder(hp.Int(3, allow_None=True))()
    accepting.x = None
    assert accepting.x is None


# -- bad defaults -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "error", "message"),
    [
        pytest.param(
            hp.Float(2, bounds=(0, 1)), ValueError, "Bad default for Holder.x:", id="float-out-of-bounds"
        ),
        pytest.param(
            hp.Float(0, bounds=(0, 1), inclusive_bounds=(False, True)),
            ValueError,
            "expected (0, 1]",
            id="float-exclusive",
        ),
        pytest.param(hp.Int(2.0), TypeError, "expects an int, not float 2.0", id="int-whole-float"),
        pytest.param(hp.Bool("yes"), TypeError, "expects a bool", id="bool-word"),
        pytest.param(hp.Str("AB", regex="[a-z]+"), ValueError, "does not match", id="str-regex"),
        pytest.param(hp.Choice("tanh", ["relu", "gelu"]), ValueError, "expected one of", id="choice"),
        pytest.param(hp.List([1, "a"], item_type=int), TypeError, "item 1 is 'a'", id="list-item"),
        pytest.param(hp.List([1], bounds=(2, None)), ValueError, "expected a length", id="list-length"),
        pytest.param(hp.Dict([1]), TypeError, "expects a dict", id="dict"),
        pytest.param(hp.Callable(3), TypeError, "expects a callable", id="callable"),
    ],
)
def test_bad_default_fails_when_the_class_is_defined(
    parameter: Any, error: type[Exception], message: str
) -> None:
    """A default the kind refuses raises at the class statement, naming the class and the parameter."""
    with pytest.raises(error, match=re.escape(message)) as caught:
        holder(parameter)
    assert "Holder.x" in str(caught.value)


def test_float_default_given_as_int_becomes_a_float() -> None:
    """An int default for a Float is stored as a float."""
    cls = holder(hp.Float(1, bounds=(0, 1)))
    assert cls.param("x").default == 1.0
    assert type(cls().x) is float


# -- each kind: text from a scope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "text", "expected"),
    [
        pytest.param(hp.Float(0.5, bounds=(0, 1)), "0.25", 0.25, id="float"),
        pytest.param(hp.Float(0.5), " 1e-3 ", 0.001, id="float-exponent"),
        pytest.param(hp.Float(0.5), "2", 2.0, id="float-from-integer-text"),
        pytest.param(hp.Int(3), "7", 7, id="int"),
        pytest.param(hp.Int(3), "-12", -12, id="int-negative"),
        pytest.param(hp.Bool(False), "true", True, id="bool-true"),
        pytest.param(hp.Bool(False), "Yes", True, id="bool-yes"),
        pytest.param(hp.Bool(False), "ON", True, id="bool-on"),
        pytest.param(hp.Bool(False), "1", True, id="bool-1"),
        pytest.param(hp.Bool(True), "false", False, id="bool-false"),
        pytest.param(hp.Bool(True), "no", False, id="bool-no"),
        pytest.param(hp.Bool(True), "Off", False, id="bool-off"),
        pytest.param(hp.Bool(True), "0", False, id="bool-0"),
        pytest.param(hp.Str("ab", regex="[a-z]+"), "hello", "hello", id="str"),
        pytest.param(hp.Str("ab"), "42", "42", id="str-digits-stay-text"),
        pytest.param(hp.Choice("relu", ["relu", "gelu"]), "gelu", "gelu", id="choice"),
        pytest.param(hp.Choice(1, [1, 2, 4]), "4", 4, id="choice-number"),
        pytest.param(hp.List([64], item_type=int), "[1,2]", [1, 2], id="list-int"),
        pytest.param(hp.List([64], item_type=int), "[1, 2 3]", [1, 2, 3], id="list-int-spaces"),
        pytest.param(hp.List([0.5], item_type=float), "[0.5, 1]", [0.5, 1.0], id="list-float"),
        pytest.param(hp.List([True], item_type=bool), "[true, off]", [True, False], id="list-bool"),
        pytest.param(hp.List(["a"], item_type=str), "[a, 'b c']", ["a", "b c"], id="list-str-quoted"),
        pytest.param(hp.List([1, 2], item_type=int, bounds=(2, 3)), "[5, 6]", [5, 6], id="list-length-ok"),
        pytest.param(hp.Dict({}), '{"a": 1, "b": [2]}', {"a": 1, "b": [2]}, id="dict-json"),
        pytest.param(
            hp.Instance(None, class_=logging.Logger), "logging:root", logging.root, id="instance-colon"
        ),
        pytest.param(
            hp.Instance(None, class_=logging.Logger), "logging.root", logging.root, id="instance-dotted"
        ),
        pytest.param(hp.Callable(len), "math:sqrt", math.sqrt, id="callable-colon"),
        pytest.param(hp.Callable(len), "os.path:join", os.path.join, id="callable-package-module"),
        pytest.param(hp.Callable(len), "math.sqrt", math.sqrt, id="callable-dotted"),
    ],
)
def test_kind_converts_scope_text_strictly(parameter: Any, text: str, expected: Any) -> None:
    """Text in a scope becomes a value of the kind
    ('7' an int, 'true' a bool, '[1,2]' a list, 'math:sqrt' a function)."""
    cls = holder(parameter)
    obj = cls()
    with hp.scope(**{"k.x": text}):
        got, from_class = obj.x, cls.x
    assert got == expected
    assert type(got) is type(expected)
    assert from_class == expected
    with hp.scope(f"k.x={text}"):
        assert cls().x == expected


@pytest.mark.parametrize(
    ("parameter", "text", "fragment"),
    [
        pytest.param(hp.Float(0.5, bounds=(0, 1)), "2", "[0, 1]", id="float-above"),
        pytest.param(
            hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(False, True)), "0", "(0, 1]", id="float-exclusive"
        ),
        pytest.param(hp.Float(0.5, bounds=(0, 1)), "nan", "[0, 1]", id="float-nan"),
        pytest.param(hp.Float(0.5), "fast", "a float", id="float-word"),
        pytest.param(hp.Float(0.5), "true", "a float", id="float-bool-word"),
        pytest.param(hp.Int(3), "2.0", "an int", id="int-whole-float-text"),
        pytest.param(hp.Int(3), "ten", "an int", id="int-word"),
        pytest.param(hp.Int(3), "true", "an int", id="int-bool-word"),
        pytest.param(hp.Int(3, bounds=(1, None)), "0", "[1, inf)", id="int-below"),
        pytest.param(hp.Bool(False), "maybe", "bool", id="bool-word"),
        pytest.param(hp.Bool(False), "2", "bool", id="bool-number"),
        pytest.param(hp.Str("ab", regex="[a-z]+"), "ABC", "[a-z]+", id="str-regex"),
        pytest.param(hp.Choice("relu", ["relu", "gelu"]), "tanh", "['relu', 'gelu']", id="choice"),
        pytest.param(hp.List([64], item_type=int), "[1, x]", "a list of int", id="list-item"),
        pytest.param(hp.List([64], item_type=int), "[1, 2.5]", "a list of int", id="list-float-item"),
        pytest.param(hp.List([64], item_type=int), "[1, 2", "a list", id="list-unclosed"),
        pytest.param(hp.List([1, 2], item_type=int, bounds=(2, 3)), "[1]", "[2, 3]", id="list-length"),
        pytest.param(hp.Dict({}), "[1]", "a dict", id="dict-array"),
        pytest.param(hp.Dict({}), "{bad", "a dict", id="dict-not-json"),
        pytest.param(
            hp.Instance(None, class_=logging.Logger), "math:pi", "an instance of Logger", id="instance-type"
        ),
        pytest.param(
            hp.Instance(None, class_=logging.Logger),
            "no_such_module_xyz:thing",
            "Logger",
            id="instance-missing-module",
        ),
        pytest.param(hp.Callable(len), "math:pi", "a callable", id="callable-not-callable"),
        pytest.param(
            hp.Callable(len), "math:no_such_function", "a callable", id="callable-missing-attribute"
        ),
        pytest.param(hp.Callable(len), "sqrt", "a callable", id="callable-not-a-path"),
    ],
)
def test_bad_scope_text_raises_conversion_error_naming_key_value_and_limits(
    parameter: Any, text: str, fragment: str
) -> None:
    """Reading text the kind cannot take raises ConversionError with the key,
    the text and what was expected."""
    cls = holder(parameter)
    obj = cls()
    with hp.scope(**{"k.x": text}):
        with pytest.raises(hp.ConversionError) as caught:
            obj.x  # noqa: B018
        with pytest.raises(hp.ConversionError):
            cls.x  # noqa: B018
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, hp.HyperparameterError)
    assert error.key == "k.x"
    assert error.value == text
    assert "'k.x'" in str(error)
    assert repr(text) in str(error)
    assert fragment in str(error)
    assert obj.x == cls.param("x").default  # outside the scope the default is back


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        pytest.param(hp.Int(3), 7, 7, id="int"),
        pytest.param(hp.Float(0.5), 1, 1.0, id="float-from-int"),
        pytest.param(hp.Bool(False), True, True, id="bool"),
        pytest.param(hp.List([1], item_type=int), (4, 5), [4, 5], id="list-from-tuple"),
    ],
)
def test_scope_value_that_is_not_text_is_checked_like_a_set(
    parameter: Any, value: Any, expected: Any
) -> None:
    """A Python value in a scope is used when the kind accepts it (ints become floats for a Float)."""
    obj = holder(parameter)()
    with hp.scope(**{"k.x": value}):
        assert obj.x == expected
        assert type(obj.x) is type(expected)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        pytest.param(hp.Int(3), 2.5, id="int-float"),
        pytest.param(hp.Int(3), True, id="int-bool"),
        pytest.param(hp.Float(0.5, bounds=(0, 1)), 3, id="float-out-of-bounds"),
        pytest.param(hp.Choice("a", ["a", "b"]), "c", id="choice"),
        pytest.param(hp.Int(3), None, id="none"),
    ],
)
def test_scope_value_that_is_not_text_and_is_bad_raises_conversion_error(parameter: Any, value: Any) -> None:
    """A Python value in a scope that the kind refuses raises ConversionError naming the key."""
    obj = holder(parameter)()
    with hp.scope(**{"k.x": value}), pytest.raises(hp.ConversionError, match=r"'k\.x'") as caught:
        obj.x  # noqa: B018
    assert caught.value.value == value or caught.value.value is value


class _HypInt(hp.Params, namespace="hyp"):
    """Parameters read by the Hypothesis tests."""

    x = hp.Int(0)
    y = hp.Float(0.0)
    z = hp.List([], item_type=int)


@given(st.integers())
def test_int_reads_any_integer_text_from_a_scope(number: int) -> None:
    """Every integer written as text in a scope reads back as that int."""
    with hp.scope(**{"hyp.x": str(number)}):
        assert _HypInt.x == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_reads_any_finite_float_text_from_a_scope(number: float) -> None:
    """Every finite float written with repr in a scope reads back as that float."""
    with hp.scope(**{"hyp.y": repr(number)}):
        assert _HypInt.y == number


@given(st.lists(st.integers(), max_size=8))
def test_int_list_reads_any_list_text_from_a_scope(numbers: list[int]) -> None:
    """A list of ints written as '[a, b, ...]' in a scope reads back as that list."""
    with hp.scope(**{"hyp.z": "[" + ", ".join(map(str, numbers)) + "]"}):
        assert _HypInt.z == numbers


# -- reading precedence and scopes ---------------------------------------------------------------------


def test_scope_overrides_instances_made_before_and_inside_the_block() -> None:
    """Inside `with hp.scope(...)` every instance without its own value, and the class, read the scope."""
    before = Train()
    with hp.scope(**{"train.lr": 0.01, "train.act": "gelu"}):
        inside = Train()
        assert (before.lr, inside.lr, Train.lr) == (0.01, 0.01, 0.01)
        assert (before.act, inside.act) == ("gelu", "gelu")
        assert before.layers == 3
    assert (before.lr, inside.lr, Train.lr) == (1e-3, 1e-3, 1e-3)
    assert inside.act == "relu"


def test_scope_strings_override_declared_params() -> None:
    """`hp.scope("train.lr=0.01", ...)` strings reach declared parameters, converted to each kind."""
    with hp.scope("train.lr=0.01", "train.layers=7", "train.act=gelu", "train.dims=[1,2]"):
        train = Train()
        assert (train.lr, train.layers, train.act, train.dims) == (0.01, 7, "gelu", [1, 2])
        assert type(train.layers) is int


def test_instance_value_wins_over_the_scope() -> None:
    """A value set on the instance is read even inside a scope that sets the same key."""
    with hp.scope(**{"train.lr": "0.5"}):
        assert Train(lr=0.25).lr == 0.25
        own = Train()
        own.lr = 0.125
        assert own.lr == 0.125
        assert Train().lr == 0.5


def test_inner_scope_wins_and_leaving_it_restores_the_outer_value() -> None:
    """Nested scopes are read innermost first, and each exit restores what was visible before."""
    train = Train()
    with hp.scope("train.layers=4"):
        with hp.scope("train.layers=5"):
            assert train.layers == 5
        assert train.layers == 4
    assert train.layers == 3


def test_scope_value_out_of_bounds_names_the_key_the_value_and_the_bounds() -> None:
    """A bad `train.lr=2` raises ConversionError naming 'train.lr', '2' and [0, 1] when read."""
    with hp.scope("train.lr=2"), pytest.raises(hp.ConversionError) as caught:
        Train().lr  # noqa: B018
    message = str(caught.value)
    assert "'train.lr'" in message
    assert "'2'" in message
    assert "[0, 1]" in message
    assert caught.value.key == "train.lr"


def test_unrelated_scope_keys_do_not_touch_declared_params() -> None:
    """Scope keys outside the class's namespace, or for undeclared names, leave the parameters alone."""
    with hp.scope(**{"lr": 0.5, "other.lr": 0.5, "train.lrr": 0.5, "train.lr.x": 0.5}):
        assert Train().lr == 1e-3


def test_constructor_value_is_kept_when_the_scope_holds_a_bad_value() -> None:
    """A value given to the constructor is used even while the scope holds a bad value for that key."""
    with hp.scope("train.lr=2"):
        train = Train(lr=0.5)
        assert train.lr == 0.5
        plain = Train()
        plain.lr = 0.25
        assert plain.lr == 0.25


# -- class and instance defaults -----------------------------------------------------------------------


def test_changing_a_class_default_reaches_instances_without_their_own_value() -> None:
    """`Cls.lr = 0.5` changes what every instance without its own value reads, but not the others."""

    class Local(hp.Params, namespace="local"):
        lr = hp.Float(1e-3, bounds=(0, 1))

    plain, own = Local(), Local(lr=0.25)
    assert plain.lr == 1e-3  # read once, so any cache is primed
    Local.lr = 0.5
    assert (plain.lr, own.lr, Local().lr, Local.lr) == (0.5, 0.25, 0.5, 0.5)
    assert isinstance(Local.param("lr"), hp.Float)
    with hp.scope("local.lr=0.75"):
        assert plain.lr == 0.75


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (2, ValueError, "expected [0, 1]"),
        ("0.5", TypeError, "expects a float"),
        (None, TypeError, "does not accept None"),
    ],
)
def test_bad_class_default_is_refused_and_the_old_one_kept(
    value: Any, error: type[Exception], message: str
) -> None:
    """Setting a class default validates it like an instance value and keeps the old default on error."""

    class Local(hp.Params, namespace="local"):
        lr = hp.Float(1e-3, bounds=(0, 1))

    with pytest.raises(error, match=re.escape(message)):
        Local.lr = value
    assert Local.lr == 1e-3
    assert Local().lr == 1e-3


def test_other_class_attributes_behave_normally() -> None:
    """Attributes that are not parameters can still be set and read on a Params class."""

    class Local(hp.Params, namespace="local"):
        lr = hp.Float(1e-3)
        note = "plain"

    Local.note = "changed"
    Local.extra = 5
    assert (Local.note, Local().extra) == ("changed", 5)
    assert list(Local.params()) == ["lr"]


@pytest.mark.parametrize(
    ("parameter", "mutate", "pristine", "changed"),
    [
        (
            hp.List([64, 64], item_type=int),
            lambda value: value.append(len(value)),
            [64, 64],
            [64, 64, 2, 3, 4],
        ),
        (
            hp.Dict({"a": 1}),
            lambda value: value.update({f"k{len(value)}": 0}),
            {"a": 1},
            {"a": 1, "k1": 0, "k2": 0, "k3": 0},
        ),
    ],
)
def test_mutable_defaults_are_copied_per_instance(
    parameter: Any, mutate: Any, pristine: Any, changed: Any
) -> None:
    """Changing an instance's list or dict default in place
    changes neither the class default nor other instances."""
    cls = holder(parameter)
    first, second = cls(), cls()
    for _ in range(3):  # every read must give the same own copy, not the class default
        mutate(first.x)
    assert first.x == changed
    assert first.x is first.x
    assert second.x == pristine
    assert first.x is not second.x
    assert cls.param("x").default == pristine
    assert cls().x == pristine


def test_mutable_class_default_change_reaches_instances_without_their_own_value() -> None:
    """Replacing a list class default is seen by instances that never set or changed their own."""
    cls = holder(hp.List([64], item_type=int))
    obj = cls()
    assert obj.x == [64]
    cls.x = [1, 2]
    assert obj.x == [1, 2]
    assert cls.param("x").default == [1, 2]


# -- inheritance ---------------------------------------------------------------------------------------


def test_subclass_inherits_parameters_metadata_and_namespace() -> None:
    """A subclass without namespace= has its base's parameters, docs, bounds and explicit namespace."""

    class Finetune(Train):
        pass

    assert list(Finetune.params()) == ["lr", "layers", "act", "dims"]
    assert Finetune.namespace() == "train"
    parameter = Finetune.param("lr")
    assert (parameter.doc, parameter.bounds, parameter.default) == ("learning rate", (0, 1), 1e-3)
    assert isinstance(parameter, hp.Float)
    assert Finetune().lr == 1e-3
    with pytest.raises(ValueError, match=r"'train\.lr' = 2"):
        Finetune(lr=2)
    with hp.scope("train.lr=0.5"):
        assert Finetune().lr == 0.5


def test_subclass_may_override_a_default_without_touching_the_parent() -> None:
    """`lr = 0.5` in a subclass body changes the subclass default only and keeps the metadata."""

    class Base(hp.Params, namespace="base"):
        lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")

    class Child(Base):
        lr = 0.5

    assert (Child().lr, Child.lr) == (0.5, 0.5)
    assert (Base().lr, Base.lr, Base.param("lr").default) == (1e-3, 1e-3, 1e-3)
    assert Child.param("lr").doc == "learning rate"
    assert Child.param("lr").bounds == (0, 1)
    assert isinstance(Child.param("lr"), hp.Float)
    with pytest.raises(ValueError, match=re.escape("expected [0, 1]")):
        Child(lr=2)


def test_subclass_default_override_is_validated_at_definition() -> None:
    """A subclass default that breaks the inherited bounds fails at the class statement,
    and the parent is unchanged."""

    class Base(hp.Params, namespace="base"):
        lr = hp.Float(1e-3, bounds=(0, 1))

    with pytest.raises(ValueError, match=r"Bad default for Child\.lr"):

        class Child(Base):
            lr = 5

    with pytest.raises(TypeError, match=r"Bad default for Child2\.lr"):

        class Child2(Base):
            lr = "fast"

    assert Base().lr == 1e-3


def test_changing_a_subclass_class_default_leaves_the_parent_alone() -> None:
    """`Child.lr = 0.5` changes the child's default only."""

    class Base(hp.Params, namespace="base"):
        lr = hp.Float(1e-3, bounds=(0, 1))

    class Child(Base):
        pass

    Child.lr = 0.5
    assert (Child().lr, Base().lr) == (0.5, 1e-3)


def test_changing_a_parent_class_default_reaches_subclasses_that_did_not_override_it() -> None:
    """`Base.lr = 0.5` is seen by a subclass that inherits lr without its own default,
    like a class attribute."""

    class Base(hp.Params, namespace="base"):
        lr = hp.Float(1e-3, bounds=(0, 1))
        layers = hp.Int(3)

    class Child(Base):
        layers = 4

    class Overriding(Base):
        lr = 0.25

    Base.lr = 0.5
    assert (Child().lr, Child.lr) == (0.5, 0.5)
    assert Overriding().lr == 0.25


def test_subclass_adds_parameters_after_the_inherited_ones() -> None:
    """A subclass's new parameters come after its base's, in declaration order,
    and the base does not get them."""

    class Child(Train):
        dropout = hp.Float(0.1, bounds=(0, 1))
        warmup = hp.Int(0)

    assert list(Child.params()) == ["lr", "layers", "act", "dims", "dropout", "warmup"]
    assert "dropout" not in Train.params()
    assert Child(dropout=0.2).values() == {
        "lr": 1e-3,
        "layers": 3,
        "act": "relu",
        "dims": [64, 64],
        "dropout": 0.2,
        "warmup": 0,
    }
    with pytest.raises(TypeError, match=r"no parameter 'dropout'"):
        Train(dropout=0.2)


def test_subclass_may_redeclare_a_parameter_with_a_new_kind() -> None:
    """A subclass that declares a parameter again uses its own declaration; the parent keeps its own."""

    class Base(hp.Params, namespace="base"):
        lr = hp.Float(1e-3, bounds=(0, 1))

    class Child(Base):
        lr = hp.Float(5.0, bounds=(0, 10))

    assert Child(lr=7.0).lr == 7.0
    with pytest.raises(ValueError, match=re.escape("expected [0, 1]")):
        Base(lr=7.0)


def test_subclass_with_its_own_namespace_reads_its_own_keys() -> None:
    """`namespace=` on a subclass changes the scope keys its parameters read."""

    class Eval(Train, namespace="eval"):
        pass

    assert Eval.namespace() == "eval"
    with hp.scope(**{"train.lr": 0.5, "eval.lr": 0.25}):
        assert (Eval().lr, Train().lr) == (0.25, 0.5)
    with hp.scope("eval.lr=2"), pytest.raises(hp.ConversionError, match=r"'eval\.lr'"):
        Eval().lr  # noqa: B018


def test_namespace_defaults_to_the_class_name() -> None:
    """Without namespace= a class's keys start with its name,
    and so do a subclass's when no base named one."""

    class Model(hp.Params):
        width = hp.Int(8)

    class Bigger(Model):
        pass

    class Explicit(hp.Params, namespace="exp"):
        width = hp.Int(8)

    class Grandchild(Explicit):
        pass

    class GreatGrandchild(Grandchild):
        pass

    assert (Model.namespace(), Bigger.namespace()) == ("Model", "Bigger")
    assert (Grandchild.namespace(), GreatGrandchild.namespace()) == ("exp", "exp")
    with hp.scope(**{"Model.width": 16, "Bigger.width": 32}):
        assert (Model().width, Bigger().width) == (16, 32)


def test_invalid_namespace_is_refused_at_the_class_statement() -> None:
    """A namespace that is not a dotted name raises InvalidKeyError when the class is defined."""
    with pytest.raises(hp.InvalidKeyError):

        class Bad(hp.Params, namespace="train..x"):
            lr = hp.Float(1e-3)


# -- constructor, values, introspection -----------------------------------------------------------------


def test_constructor_takes_values_as_keywords() -> None:
    """Keyword arguments become the instance's own values after being checked."""
    train = Train(lr=0.5, layers=7, act="gelu", dims=(1, 2))
    assert train.values() == {"lr": 0.5, "layers": 7, "act": "gelu", "dims": [1, 2]}
    assert Train().values() == {"lr": 1e-3, "layers": 3, "act": "relu", "dims": [64, 64]}


@pytest.mark.parametrize(
    ("keyword", "message"),
    [
        ("lrr", "Train has no parameter 'lrr'. Did you mean 'lr'?"),
        ("layer", "Did you mean 'layers'?"),
        ("activation", "Train has no parameter 'activation'."),
    ],
)
def test_unknown_constructor_keyword_raises_type_error_with_a_hint(keyword: str, message: str) -> None:
    """An unknown keyword raises TypeError naming it, with "Did you mean" when a parameter is close."""
    with pytest.raises(TypeError, match=re.escape(message)):
        Train(**{keyword: 1})


def test_values_can_list_only_changed_ones() -> None:
    """`values(changed=True)` gives only the parameters whose value differs from the default."""
    assert Train().values(changed=True) == {}
    assert Train(lr=0.5, layers=3).values(changed=True) == {"lr": 0.5}
    with hp.scope("train.act=gelu"):
        assert Train().values(changed=True) == {"act": "gelu"}


def test_param_params_and_namespace_describe_the_declarations() -> None:
    """`param(name)`, `params()` and `namespace()` expose the declared kinds, defaults, bounds and docs."""
    lr = Train.param("lr")
    assert isinstance(lr, hp.Float)
    assert (lr.default, lr.bounds, lr.doc, lr.name, lr.key) == (
        1e-3,
        (0, 1),
        "learning rate",
        "lr",
        "train.lr",
    )
    assert Train.param("layers").doc == "number of layers"
    assert list(Train.params()) == ["lr", "layers", "act", "dims"]
    assert Train.namespace() == "train"
    with pytest.raises(KeyError):
        Train.param("nope")


def test_params_returns_a_copy() -> None:
    """Editing the dict from `params()` does not change the class's declarations."""
    declared = Train.params()
    declared.clear()
    assert list(Train.params()) == ["lr", "layers", "act", "dims"]


# -- constant, readonly, doc ------------------------------------------------------------------------------


def test_constant_is_set_at_construction_or_on_the_class_only() -> None:
    """A constant parameter takes a constructor value and a class default, and refuses instance writes."""

    class Run(hp.Params, namespace="run"):
        seed = hp.Int(0, constant=True)

    assert Run(seed=7).seed == 7
    Run.seed = 3
    run = Run()
    assert run.seed == 3
    with pytest.raises(TypeError, match=r"'run\.seed' is constant"):
        run.seed = 5
    with pytest.raises(TypeError, match=r"'run\.seed' is constant"):
        run.update(seed=5)
    assert run.seed == 3


def test_constant_value_is_still_checked() -> None:
    """A constant parameter's constructor and class values are validated like any other."""

    class Run(hp.Params, namespace="run"):
        seed = hp.Int(0, bounds=(0, None), constant=True)

    with pytest.raises(ValueError, match=re.escape("expected [0, inf)")):
        Run(seed=-1)
    with pytest.raises(TypeError, match=r"expects an int"):
        Run.seed = "1"
    assert Run().seed == 0


def test_readonly_is_never_set_after_the_class_statement() -> None:
    """A readonly parameter refuses writes on the class, the constructor, the instance and update()."""

    class Run(hp.Params, namespace="run"):
        version = hp.Int(1, readonly=True)

    run = Run()
    with pytest.raises(TypeError, match=r"'run\.version' is read-only"):
        Run.version = 2
    with pytest.raises(TypeError, match=r"'run\.version' is read-only"):
        Run(version=2)
    with pytest.raises(TypeError, match=r"'run\.version' is read-only"):
        run.version = 2
    with pytest.raises(TypeError, match=r"'run\.version' is read-only"):
        run.update(version=2)
    assert (run.version, Run.version, Run.param("version").default) == (1, 1, 1)
    assert Run.param("version").readonly


def test_doc_is_kept_on_the_parameter() -> None:
    """`doc=` is available on the declared parameter and in its repr."""
    assert Train.param("lr").doc == "learning rate"
    assert "learning rate" in repr(Train.param("lr"))
    assert Train.param("act").doc == ""


# -- update ----------------------------------------------------------------------------------------------


def test_update_sets_several_values() -> None:
    """`update(**values)` sets every given value."""
    train = Train()
    train.update(lr=0.5, layers=7)
    assert (train.lr, train.layers) == (0.5, 7)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"lr": 0.5, "layers": 0}, ValueError),
        ({"lr": 0.5, "act": 3}, ValueError),
        ({"layers": 7, "dims": [1, "x"]}, TypeError),
        ({"lr": 0.5, "lrr": 0.1}, TypeError),
    ],
)
def test_update_is_atomic(values: dict[str, Any], error: type[Exception]) -> None:
    """When one value of an update is bad, none is applied and no watcher is called."""
    train = Train(layers=4)
    calls: list[tuple[str, Any, Any]] = []
    train.watch(lambda *event: calls.append(event))
    with pytest.raises(error):
        train.update(**values)
    assert train.values() == {"lr": 1e-3, "layers": 4, "act": "relu", "dims": [64, 64]}
    assert calls == []


def test_update_as_context_manager_restores_old_values() -> None:
    """`with obj.update(...)` applies the values inside the block and restores the old ones after it."""
    train = Train(layers=4)
    with train.update(lr=0.5, layers=7) as same:
        assert same is train
        assert (train.lr, train.layers) == (0.5, 7)
    assert (train.lr, train.layers) == (1e-3, 4)
    assert train.values(changed=True) == {"layers": 4}
    with hp.scope("train.lr=0.25"):
        assert train.lr == 0.25  # lr had no own value before the update, so the scope shows through again


def test_overlapping_update_blocks_in_two_threads_leave_nothing_behind() -> None:
    """Update blocks that overlap in two threads and end in another order restore the old value."""
    train = Train()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with train.update(lr=0.5):
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with train.update(lr=0.7):
            b_in.set()
            a_out.wait(5)
            assert train.lr == 0.7  # the block still open keeps its value when the other ends

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert train.lr == 1e-3
    assert train.values(changed=True) == {}


@given(
    st.lists(st.tuples(st.sampled_from(["lr", "layers"]), st.integers(1, 9), st.integers(0, 5)), max_size=8)
)
def test_update_blocks_ended_in_any_order_show_the_latest_open_block(
    blocks: list[tuple[str, int, int]],
) -> None:
    """Each name shows the value of the latest update block still open that set it, else its old value."""
    train = Train(layers=4)
    old = {"lr": train.lr, "layers": train.layers}
    open_blocks: list[tuple[Any, str, float]] = []
    for name, value, close in blocks:
        if close and open_blocks:
            block = open_blocks.pop(close % len(open_blocks))
            block[0].__exit__(None, None, None)
        else:
            number = value / 10 if name == "lr" else value
            block = train.update(**{name: number})
            block.__enter__()
            open_blocks.append((block, name, number))
        for each in ("lr", "layers"):
            setting = [number for _, setter, number in open_blocks if setter == each]
            assert getattr(train, each) == (setting[-1] if setting else old[each])
    while open_blocks:
        open_blocks.pop(0)[0].__exit__(None, None, None)
    assert (train.lr, train.layers) == (old["lr"], old["layers"])


def test_update_context_manager_restores_when_the_block_raises() -> None:
    """The old values come back also when the `with obj.update(...)` block raises."""
    train = Train()
    with pytest.raises(RuntimeError), train.update(lr=0.5):
        raise RuntimeError("boom")
    assert train.lr == 1e-3
    assert "lr" not in train.values(changed=True)


# -- watchers -----------------------------------------------------------------------------------------------


class Recorder:
    """Collects watcher calls with the values visible at call time."""

    def __init__(self, target: Train) -> None:
        self.target = target
        self.calls: list[tuple[str, Any, Any]] = []
        self.seen: list[dict[str, Any]] = []

    def __call__(self, name: str, old: Any, new: Any) -> None:
        self.calls.append((name, old, new))
        self.seen.append(self.target.values())

    def method(self, name: str, old: Any, new: Any) -> None:
        self.calls.append((name, old, new))


def test_watcher_is_called_after_a_change_with_name_old_and_new() -> None:
    """A watcher gets (name, old, new) after the value is set, so reading the object shows the new value."""
    train = Train()
    recorder = Recorder(train)
    train.watch(recorder)
    train.lr = 0.5
    train.lr = 0.25
    assert recorder.calls == [("lr", 1e-3, 0.5), ("lr", 0.5, 0.25)]
    assert [seen["lr"] for seen in recorder.seen] == [0.5, 0.25]


def test_watcher_for_names_hears_only_those() -> None:
    """A watcher registered for some names is not called for others."""
    train = Train()
    recorder = Recorder(train)
    train.watch(recorder, "layers", "act")
    train.lr = 0.5
    train.layers = 5
    train.update(lr=0.25, act="gelu")
    assert recorder.calls == [("layers", 3, 5), ("act", "relu", "gelu")]


def test_watch_refuses_an_unknown_name() -> None:
    """Watching a name that is not a parameter raises KeyError."""
    with pytest.raises(KeyError):
        Train().watch(print, "lrr")


def test_update_batches_watcher_calls() -> None:
    """During an update every watcher call already sees all the new values."""
    train = Train()
    recorder = Recorder(train)
    train.watch(recorder)
    train.update(lr=0.5, layers=7, act="gelu")
    assert sorted(recorder.calls) == [("act", "relu", "gelu"), ("layers", 3, 7), ("lr", 1e-3, 0.5)]
    for seen in recorder.seen:
        assert (seen["lr"], seen["layers"], seen["act"]) == (0.5, 7, "gelu")


def test_update_context_exit_notifies_the_restoring_changes() -> None:
    """Leaving `with obj.update(...)` tells watchers about the values going back, as one batch."""
    train = Train()
    with train.update(lr=0.5, layers=7):
        recorder = Recorder(train)
        train.watch(recorder)
    assert sorted(recorder.calls) == [("layers", 7, 3), ("lr", 0.5, 1e-3)]
    for seen in recorder.seen:
        assert (seen["lr"], seen["layers"]) == (1e-3, 3)


def test_setting_an_equal_value_calls_no_watcher() -> None:
    """A set that does not change the value does not call watchers."""
    train = Train(layers=5)
    recorder = Recorder(train)
    train.watch(recorder)
    train.layers = 5
    train.update(act="relu")
    assert recorder.calls == []


def test_unwatch_stops_calls() -> None:
    """After `unwatch(callback)` the callback is not called, and other watchers still are."""
    train = Train()
    stopped, kept = Recorder(train), Recorder(train)
    train.watch(stopped)
    train.watch(kept)
    train.unwatch(stopped)
    train.lr = 0.5
    assert stopped.calls == []
    assert kept.calls == [("lr", 1e-3, 0.5)]


def test_unwatch_stops_a_bound_method() -> None:
    """`unwatch(obj.method)` stops a watcher registered as `watch(obj.method)`."""
    train = Train()
    recorder = Recorder(train)
    train.watch(recorder.method)
    train.unwatch(recorder.method)
    train.lr = 0.5
    assert recorder.calls == []


def test_watchers_belong_to_their_instance() -> None:
    """A watcher on one instance is not called for changes to another."""
    first, second = Train(), Train()
    recorder = Recorder(first)
    first.watch(recorder)
    second.lr = 0.5
    assert recorder.calls == []


# -- pickling and JSON -----------------------------------------------------------------------------------


def test_pickle_round_trip_keeps_own_values() -> None:
    """A pickled and unpickled instance has the same own values and reads class defaults for the rest."""
    original = Pickled(lr=0.5, options={"b": 2}, fn=math.floor)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is Pickled
    assert copy.values() == original.values()
    assert copy.values(changed=True) == {"lr": 0.5, "options": {"b": 2}, "fn": math.floor}
    assert copy.dims == [64, 64]
    copy.lr = 0.25
    assert original.lr == 0.5


def test_pickle_does_not_bake_in_scope_values() -> None:
    """Pickling inside a scope stores only the instance's own values, not what the scope shows."""
    original = Pickled()
    with hp.scope("pickled.lr=0.5"):
        data = pickle.dumps(original)
    assert pickle.loads(data).lr == 1e-3


def test_unpickled_instance_is_still_checked() -> None:
    """An unpickled instance keeps validating writes."""
    copy = pickle.loads(pickle.dumps(Pickled(lr=0.5)))
    with pytest.raises(ValueError, match=re.escape("expected [0, 1]")):
        copy.lr = 2
    assert copy.lr == 0.5


def test_pickle_round_trip_keeps_an_in_place_change_to_a_mutable_default() -> None:
    """An instance whose own copy of a list default was changed in place unpickles with that change."""
    original = Pickled()
    original.dims.append(128)
    assert original.dims == [64, 64, 128]
    assert pickle.loads(pickle.dumps(original)).dims == [64, 64, 128]


def test_json_round_trip() -> None:
    """`from_json(obj.to_json())` gives an instance with the same values."""
    original = Train(lr=0.5, dims=[1, 2, 3], act="gelu")
    text = original.to_json()
    assert json.loads(text) == {"lr": 0.5, "layers": 3, "act": "gelu", "dims": [1, 2, 3]}
    copy = Train.from_json(text)
    assert type(copy) is Train
    assert copy.values() == original.values()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"lr": 2}', ValueError),
        ('{"layers": 2.0}', TypeError),
        ('{"lrr": 0.5}', TypeError),
    ],
)
def test_from_json_checks_values_like_keywords(text: str, error: type[Exception]) -> None:
    """`from_json` refuses bad values and unknown names like the constructor does."""
    with pytest.raises(error):
        Train.from_json(text)


def test_json_round_trip_with_readonly_and_constant_parameters() -> None:
    """A class with constant and readonly parameters survives `from_json(obj.to_json())`."""

    class Run(hp.Params, namespace="run"):
        seed = hp.Int(0, constant=True)
        version = hp.Int(1, readonly=True)
        lr = hp.Float(1e-3)

    original = Run(seed=5, lr=0.5)
    copy = Run.from_json(original.to_json())
    assert copy.values() == {"seed": 5, "version": 1, "lr": 0.5}


# -- JSON schema -------------------------------------------------------------------------------------------


def test_json_schema_describes_types_bounds_docs_and_defaults() -> None:
    """`json_schema()` gives a JSON-schema object with each parameter's type, limits,
    description and default."""

    class Everything(hp.Params, namespace="everything"):
        lr = hp.Float(1e-3, bounds=(0, 1), doc="learning rate")
        eps = hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(False, False))
        layers = hp.Int(3, bounds=(1, None))
        debug = hp.Bool(False, doc="print more")
        name = hp.Str("abc", regex="[a-z]+")
        act = hp.Choice("relu", ["relu", "gelu"])
        dims = hp.List([64, 64], item_type=int, bounds=(1, 4))
        tags = hp.List(["a"], item_type=str)
        extra = hp.Dict({"k": 1})
        scale = hp.Float(None, bounds=(0, None))
        seed = hp.Int(0, constant=True)

    schema = Everything.json_schema()
    assert schema["title"] == "Everything"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"] == {
        "lr": {"type": "number", "minimum": 0, "maximum": 1, "description": "learning rate", "default": 1e-3},
        "eps": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.5},
        "layers": {"type": "integer", "minimum": 1, "default": 3},
        "debug": {"type": "boolean", "description": "print more", "default": False},
        "name": {"type": "string", "pattern": "[a-z]+", "default": "abc"},
        "act": {"enum": ["relu", "gelu"], "default": "relu"},
        "dims": {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 1,
            "maxItems": 4,
            "default": [64, 64],
        },
        "tags": {"type": "array", "items": {"type": "string"}, "default": ["a"]},
        "extra": {"type": "object", "default": {"k": 1}},
        "scale": {"type": ["number", "null"], "minimum": 0},
        "seed": {"type": "integer", "default": 0, "readOnly": True},
    }
    json.dumps(schema)


def test_json_schema_allows_null_for_allow_none() -> None:
    """A parameter with allow_None accepts null in the schema, also when it is a Choice."""

    class Optional_(hp.Params, namespace="opt"):
        size = hp.Int(3, allow_None=True)
        act = hp.Choice(None, ["relu", "gelu"])

    properties = Optional_.json_schema()["properties"]
    assert properties["size"]["type"] == ["integer", "null"]
    assert None in properties["act"]["enum"]
    assert Optional_(act=None).act is None


def test_json_schema_of_objects_and_callables_is_valid_json() -> None:
    """The schema of a class with Instance and Callable parameters can be written as JSON."""

    class Objects(hp.Params, namespace="objects"):
        log = hp.Instance(logging.root, class_=logging.Logger, doc="where to log")
        fn = hp.Callable(math.sqrt)

    schema = Objects.json_schema()
    assert schema["properties"]["log"]["description"] == "where to log"
    json.loads(json.dumps(schema))


def test_editing_the_schema_leaves_the_class_defaults_alone() -> None:
    """Changing the dict returned by `json_schema()` does not change any default."""
    cls = holder(hp.List([64, 64], item_type=int))
    cls.json_schema()["properties"]["x"]["default"].append(1)
    assert cls.param("x").default == [64, 64]


# -- threads and asyncio -------------------------------------------------------------------------------------


def test_threads_read_their_own_scope_values() -> None:
    """Two threads inside scopes with different values each read their own, from shared and new instances."""
    shared = Train()
    barrier = threading.Barrier(2, timeout=WAIT)
    results: dict[str, list[tuple[float, int]]] = {}
    errors: list[BaseException] = []

    def work(name: str, lr: str, layers: int) -> None:
        try:
            with hp.scope(**{"train.lr": lr, "train.layers": layers}):
                seen = []
                for _ in range(50):
                    barrier.wait()
                    seen.append((shared.lr, shared.layers))
                    seen.append((Train().lr, Train.layers))
                results[name] = seen
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
            barrier.abort()

    threads = [
        threading.Thread(target=work, args=("a", "0.1", 10)),
        threading.Thread(target=work, args=("b", "0.2", 20)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert errors == []
    assert set(results["a"]) == {(0.1, 10)}
    assert set(results["b"]) == {(0.2, 20)}
    assert (shared.lr, shared.layers) == (1e-3, 3)


def test_each_new_thread_reads_the_baseline_frozen_when_it_started() -> None:
    """A declared read in a fresh thread follows frozen(), also after an earlier thread read an older one."""
    seen: list[float] = []

    def read() -> None:
        seen.append(Train().lr)

    for text in ("0.5", "0.7"):
        with hp.scope(**{"train.lr": text}):
            hp.scope.frozen()
        worker = threading.Thread(target=read)
        worker.start()
        worker.join(WAIT)
    assert seen == [0.5, 0.7]


def test_thread_without_scope_reads_defaults_while_another_thread_is_scoped() -> None:
    """A scope in one thread is not seen by a thread running at the same time outside it."""
    entered, read = threading.Event(), threading.Event()
    seen: list[float] = []

    def scoped() -> None:
        with hp.scope("train.lr=0.5"):
            entered.set()
            read.wait(WAIT)

    thread = threading.Thread(target=scoped)
    thread.start()
    assert entered.wait(WAIT)
    seen.append(Train().lr)
    read.set()
    thread.join(WAIT)
    assert seen == [1e-3]


def test_asyncio_tasks_read_their_own_scope_values() -> None:
    """Interleaved asyncio tasks in different scopes each read their own declared values."""
    shared = Train()

    async def task(lr: str) -> list[float]:
        seen = []
        with hp.scope(**{"train.lr": lr}):
            for _ in range(20):
                await asyncio.sleep(0)
                seen.append(shared.lr)
                seen.append(Train().lr)
        return seen

    async def main() -> tuple[list[float], list[float], float]:
        first, second = await asyncio.gather(task("0.1"), task("0.2"))
        return first, second, shared.lr

    first, second, after = asyncio.run(main())
    assert set(first) == {0.1}
    assert set(second) == {0.2}
    assert after == 1e-3


def test_asyncio_task_inherits_the_scope_it_was_created_in() -> None:
    """A task created inside a scope reads that scope's values for declared parameters."""

    async def read() -> tuple[float, str]:
        await asyncio.sleep(0)
        return Train().lr, Train.act

    async def main() -> tuple[float, str]:
        with hp.scope("train.lr=0.5", "train.act=gelu"):
            task = asyncio.ensure_future(read())
        return await task

    assert asyncio.run(main()) == (0.5, "gelu")


def test_declared_read_keeps_nothing_of_an_ended_block_alive() -> None:
    """After a block ends, the value a declared parameter was read from there is freed."""
    import gc
    import weakref

    class Blob:
        pass

    class Net(hp.Params, namespace="lifetime"):
        blob = hp.Instance(None, class_=Blob)

    blob = Blob()
    watch = weakref.ref(blob)
    with hp.scope(**{"lifetime.blob": blob}):
        assert Net.blob is blob
        assert Net().blob is blob
    del blob
    gc.collect()
    assert watch() is None
    assert Net.blob is None


def test_a_choice_listing_none_accepts_none_from_code_scope_and_search() -> None:
    """None among a Choice's objects is one of its values: set, read from text and drawn by a search."""

    class Model(hp.Params, namespace="choosing"):
        width = hp.Choice(64, [64, 128, None])

    assert Model(width=None).width is None
    with hp.scope(**{"choosing.width": "None"}):
        assert Model().width is None
    result = hp.sweep(
        lambda: Model().width, {"choosing": Model}, search="random", trials=6, seed=2, progress=False
    )
    assert result.ok
    assert {trial.result for trial in result} <= {64, 128, None}


def test_a_read_only_parameter_refuses_a_value_from_the_scope_and_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A readonly parameter is never set: a scope value raises when read, and -D exits 2 before the run."""

    class Release(hp.Params, namespace="release"):
        version = hp.Str("v1", readonly=True)

    assert Release().version == "v1"
    with hp.scope(**{"release.version": "v9"}), pytest.raises(hp.ConversionError, match="read-only"):
        Release().version  # noqa: B018

    def main() -> str:
        return Release().version

    with pytest.raises(SystemExit) as exit_:
        hp.launch(main, argv=["-D", "release.version=v2"])
    assert exit_.value.code == 2
    assert "'release.version' to 'v2'" in capsys.readouterr().err
