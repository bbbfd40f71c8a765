"""Behaviour of value conversion: a stored value read with a default takes the default's type."""

import enum
import math
import pathlib
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._convert import convert

KEY = "conv.value"


def _read_or(value, default):
    with hp.scope(**{KEY: value}):
        return hp.scope.conv.value | default


def _read_call(value, default):
    with hp.scope(**{KEY: value}):
        return hp.scope[KEY](default)


def _read_scope_object(value, default):
    with hp.scope(**{KEY: value}) as ps:
        return ps[KEY] | default


def _read_injected(value, default):
    @hp.param("conv")
    def run(value=default):
        return value

    with hp.scope(**{KEY: value}):
        return run()


def _convert(value, default):
    return convert(KEY, value, default)


READERS = pytest.mark.parametrize(
    ("read"),
    [_read_or, _read_call, _read_scope_object, _read_injected, _convert],
    ids=["or", "call", "scope-object", "injected", "convert"],
)


def _same(result, expected):
    """Equal and of exactly the same type (so True is not taken for 1, nor 42.0 for 42)."""
    return result == expected and type(result) is type(expected)


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Mode(enum.Enum):
    FAST = "fast"
    SAFE = "safe"


# -- the seed table --------------------------------------------------------------------------------------

TRUE_WORDS = ["true", "True", "TRUE", "t", "T", "yes", "YES", "y", "Y", "1", "on", "ON"]
FALSE_WORDS = ["false", "False", "FALSE", "f", "F", "no", "NO", "n", "N", "0", "off", "OFF"]


@READERS
@pytest.mark.parametrize(("word"), TRUE_WORDS)
def test_true_words_read_with_a_bool_default_give_true(read, word: str) -> None:
    """Every documented true word, read with a bool default, gives True."""
    assert read(word, False) is True


@READERS
@pytest.mark.parametrize(("word"), FALSE_WORDS)
def test_false_words_read_with_a_bool_default_give_false(read, word: str) -> None:
    """Every documented false word, read with a bool default, gives False."""
    assert read(word, True) is False


@READERS
@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        ("42", 0, 42),
        ("-7", 0, -7),
        ("3.14", 0, 3.14),
        ("1e3", 0, 1000.0),
        ("0.001", 1.0, 0.001),
        ("1e-3", 1.0, 0.001),
        ("-2.5", 1.0, -2.5),
        ("5", 1.0, 5.0),
        (42, "0", "42"),
        (3.5, "", "3.5"),
        ("abc", "x", "abc"),
        ("42", "0", "42"),
        ("  spaced  ", "x", "  spaced  "),
    ],
)
def test_strings_and_numbers_take_the_defaults_type(
    read, value: object, default: object, expected: object
) -> None:
    """Numbers parse from strings (an int default keeps float precision), and a str default gives str."""
    assert _same(read(value, default), expected)


# -- errors -------------------------------------------------------------------------------------------


@READERS
@pytest.mark.parametrize(
    ("value", "default", "type_name"),
    [
        ("abc", 0, "int"),
        ("", 0, "int"),
        ("4 2", 0, "int"),
        ("1.2.3", 0.5, "float"),
        ("two", 1.0, "float"),
        ("maybe", False, "bool"),
        ("", True, "bool"),
        ("2", False, "bool"),
        ("PURPLE", Color.RED, "Color"),
        ("3", Color.RED, "Color"),
    ],
)
def test_bad_string_raises_conversion_error_naming_key_value_and_type(
    read, value: str, default: object, type_name: str
) -> None:
    """An unconvertible string raises ConversionError whose message names the key, the value and the type."""
    with pytest.raises(hp.ConversionError) as raised:
        read(value, default)
    message = str(raised.value)
    assert repr(KEY) in message
    assert repr(value) in message
    assert type_name in message
    assert (raised.value.key, raised.value.value, raised.value.default) == (KEY, value, default)


def test_conversion_error_is_caught_by_except_value_error() -> None:
    """'except ValueError' catches a conversion failure, and so does 'except HyperparameterError'."""
    with hp.scope(**{"train.epochs": "ten"}):
        try:
            hp.scope.train.epochs | 10
        except ValueError as error:
            caught = error
        else:
            pytest.fail("no error raised")
    assert isinstance(caught, hp.ConversionError)
    assert isinstance(caught, hp.HyperparameterError)


# -- None ---------------------------------------------------------------------------------------------


@READERS
@pytest.mark.parametrize(("default"), [5, 1.5, "text", True, Color.RED, pathlib.Path("p")])
def test_stored_none_is_returned_as_none(read, default: object) -> None:
    """A stored None is a value: it is returned as None whatever the default's type."""
    assert read(None, default) is None


@READERS
@pytest.mark.parametrize(("value"), ["42", 42, "yes", 3.5, ("t", 1), Color.GREEN])
def test_none_default_returns_the_stored_value_as_is(read, value: object) -> None:
    """A None default means no type to convert to: the stored value comes back unchanged."""
    assert read(value, None) is value


def test_unset_key_gives_the_default_unconverted() -> None:
    """A key that is not set gives the default itself, whatever its type."""
    default = ["unchanged"]
    assert (hp.scope.conv.unset | default) is default
    assert hp.scope.conv.unset(default) is default


# -- enums, paths, numbers -------------------------------------------------------------------------------


@READERS
@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        ("GREEN", Color.RED, Color.GREEN),
        ("RED", Color.GREEN, Color.RED),
        ("2", Color.RED, Color.GREEN),
        (2, Color.RED, Color.GREEN),
        ("SAFE", Mode.FAST, Mode.SAFE),
        ("safe", Mode.FAST, Mode.SAFE),
        (Color.GREEN, Color.RED, Color.GREEN),
    ],
)
def test_enum_default_accepts_member_names_and_values(
    read, value: object, default: enum.Enum, expected: enum.Enum
) -> None:
    """With an Enum default a member's name or its value (also as a string) gives the member."""
    assert read(value, default) is expected


@READERS
def test_enum_default_rejects_unknown_values(read) -> None:
    """A value that is no member of the default's Enum raises ConversionError."""
    with pytest.raises(hp.ConversionError, match="Color"):
        read(99, Color.RED)


@READERS
@pytest.mark.parametrize(
    ("default"),
    [pathlib.Path("default"), pathlib.PurePosixPath("default"), pathlib.PureWindowsPath("default")],
    ids=["Path", "PurePosixPath", "PureWindowsPath"],
)
def test_path_default_turns_strings_into_paths(read, default: pathlib.PurePath) -> None:
    """With a path default a string becomes a path of the default's class."""
    result = read("data/train.csv", default)
    assert type(result) is type(default)
    assert result == type(default)("data/train.csv")


@READERS
@pytest.mark.parametrize(("value", "expected"), [(3, 3.0), (0, 0.0), (-12, -12.0)])
def test_int_value_with_float_default_gives_float(read, value: int, expected: float) -> None:
    """An int read with a float default becomes a float."""
    assert _same(read(value, 0.5), expected)


@READERS
@pytest.mark.parametrize(("value", "expected"), [(0, False), (1, True), (0.0, False), (1.0, True)])
def test_zero_and_one_with_bool_default_give_bools(read, value: object, expected: bool) -> None:
    """The numbers 0 and 1 read with a bool default give False and True."""
    assert read(value, not expected) is expected


@READERS
@pytest.mark.parametrize(("value"), [2, -1, 0.5, 10**20])
def test_other_numbers_with_bool_default_raise(read, value: object) -> None:
    """Any number other than 0 and 1 read with a bool default raises ConversionError."""
    with pytest.raises(hp.ConversionError) as raised:
        read(value, False)
    assert repr(value) in str(raised.value)
    assert "bool" in str(raised.value)


@READERS
@pytest.mark.parametrize(
    ("value", "default"),
    [(7, 0), ("text", "x"), (True, False), (2.5, 0.1), ([1, 2], [0]), (pathlib.Path("a"), pathlib.Path("b"))],
)
def test_value_of_the_defaults_type_is_returned_unchanged(read, value: object, default: object) -> None:
    """A stored value already of the default's type is returned itself."""
    assert read(value, default) is value


@READERS
@pytest.mark.parametrize(
    ("value", "default", "expected"),
    [
        ([1, 2], {0}, {1, 2}),
        ([1, 2], frozenset(), frozenset({1, 2})),
        ([1, 2], (0.5,), (1.0, 2.0)),
        ((1, "2"), [0], [1, 2]),
        ({3}, [0.5], [3.0]),
    ],
)
def test_a_collection_takes_the_defaults_collection_type(
    read, value: object, default: object, expected: object
) -> None:
    """A list (a config file's) read with a set or tuple default becomes one, items converted."""
    result = read(value, default)
    assert _same(result, expected)
    assert [type(item) for item in sorted(result)] == [type(item) for item in sorted(expected)]


@READERS
def test_a_collection_with_an_item_the_default_refuses_raises(read) -> None:
    """An item of a list that the default's item type cannot read is a ConversionError naming it."""
    with pytest.raises(hp.ConversionError, match="item 1 is 'x'"):
        read(["1", "x"], (0,))


class _Opaque:
    """A type the conversion rules do not know."""


@READERS
def test_string_with_a_default_of_unknown_type_is_kept(read) -> None:
    """A string read with a default of a type that has no rule stays the string the user set."""
    assert read("as written", _Opaque()) == "as written"


# -- open-ended inputs ------------------------------------------------------------------------------------


@given(st.integers())
def test_any_int_text_reads_back_as_that_int(number: int) -> None:
    """For every int i, str(i) read with the default 0 gives i as an int."""
    assert _same(_convert(str(number), 0), number)
    assert _same(_read_or(str(number), 0), number)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_repr_reads_back_as_that_float(number: float) -> None:
    """For every finite float x, repr(x) read with the default 0.0 gives x exactly."""
    for result in (_convert(repr(number), 0.0), _read_or(repr(number), 0.0)):
        assert _same(result, number)
        assert math.copysign(1.0, result) == math.copysign(1.0, number)


@given(st.sampled_from(sorted({w.lower() for w in TRUE_WORDS + FALSE_WORDS})), st.data())
def test_bool_words_are_recognised_in_any_case(word: str, data: st.DataObject) -> None:
    """A true or false word in any mix of upper and lower case reads as its bool."""
    upper = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    mixed = "".join(char.upper() if up else char for char, up in zip(word, upper))
    expected = word in {w.lower() for w in TRUE_WORDS}
    assert _convert(mixed, not expected) is expected
    assert _read_or(mixed, not expected) is expected


def test_integer_text_too_long_for_int_never_becomes_infinity() -> None:
    """A digit string longer than Python parses as an int gives that int or a ConversionError, never inf."""
    text = "1" * 5000
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if 0 < limit < len(text):
        with pytest.raises(hp.ConversionError, match=re.escape(repr(KEY))):
            convert(KEY, text, 0)
    else:
        result = convert(KEY, text, 0)
        assert type(result) is int
        assert result % 10 == 1


@pytest.mark.parametrize(("default", "expected"), [("", "as text"), (0.0, "range of a float")])
def test_an_int_too_long_to_convert_is_a_conversion_error(default: object, expected: str) -> None:
    """An int of 5,000 digits read with a str or float default
    gives ConversionError naming the key, not ValueError."""
    with (
        hp.scope(**{"big.n": 10**5000}),
        pytest.raises(hp.ConversionError, match=rf"'big.n' = <an int of about 5001 digits>.*{expected}"),
    ):
        hp.scope.big.n | default


def test_a_long_value_is_shortened_in_conversion_errors() -> None:
    """A conversion error shows a long value's start and end, not all of it."""
    with hp.scope(**{"long.n": "1" * 5000}), pytest.raises(hp.ConversionError) as raised:
        hp.scope.long.n | 0
    assert len(str(raised.value)) < 400
    assert raised.value.value == "1" * 5000
