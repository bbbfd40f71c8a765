"""The value grammar: lists, quoting and index assignment in key=value strings."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._grammar import GrammarError, format_define, format_value, split_list, unquote

SEGMENT = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)
DOTTED = st.lists(SEGMENT, min_size=1, max_size=4).map(".".join)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
SCALARS = st.one_of(st.integers(), FLOATS, st.booleans(), TEXT)


def read_back(value: Any, default: Any) -> Any:
    """Write value as a 'key=value' string, then read it with default."""
    with hp.scope(f"k={format_value(value)}"):
        return hp.scope.k | default


@given(st.integers())
def test_int_round_trips(value: int) -> None:
    """An int formatted and read with an int default is the same int."""
    assert read_back(value, 0) == value


@given(FLOATS)
def test_float_round_trips(value: float) -> None:
    """A finite float formatted and read with a float default is the same float."""
    assert read_back(value, 0.0) == value


@given(st.booleans())
def test_bool_round_trips(value: bool) -> None:
    """A bool formatted and read with a bool default is the same bool."""
    assert read_back(value, False) is value


@given(st.lists(st.integers()))
def test_int_list_round_trips(values: list[int]) -> None:
    """A list of ints formatted and read with an int-list default is the same list."""
    assert read_back(values, [0]) == values


@given(st.lists(FLOATS, max_size=6))
def test_float_tuple_round_trips(values: list[float]) -> None:
    """A tuple of floats comes back as the same tuple."""
    assert read_back(tuple(values), (0.0,)) == tuple(values)


@given(st.lists(TEXT, max_size=6))
def test_string_list_round_trips_with_any_characters(values: list[str]) -> None:
    """Strings with commas, spaces, quotes and brackets survive a list round trip."""
    assert read_back(values, [""]) == values


@given(st.lists(st.booleans(), max_size=5))
def test_bool_list_round_trips(values: list[bool]) -> None:
    """A list of bools comes back as the same list."""
    assert read_back(values, [False]) == values


@given(DOTTED, st.lists(st.integers(-99, 99), min_size=1, max_size=4))
def test_nested_dotted_names_round_trip(key: str, values: list[int]) -> None:
    """Any dotted name carries a list through 'key=[...]' and back."""
    with hp.scope(f"{key}={format_value(values)}"):
        assert hp.scope[key] | [0] == values


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("[]", []),
        ("[1,2,3]", ["1", "2", "3"]),
        ("[1 2  3]", ["1", "2", "3"]),
        ("[ 1, 2 ,3 ]", ["1", "2", "3"]),
        ('["a, b", c]', ["a, b", "c"]),
        ("['x y', \"z\"]", ["x y", "z"]),
        (r'["say \"hi\"", "back\\slash"]', ['say "hi"', "back\\slash"]),
        ('[""]', [""]),
        (r'["\d+, \w+", C:\data]', [r"\d+, \w+", r"C:\data"]),
        (r"['C:\new\'s']", [r"C:\new's"]),
    ],
)
def test_split_list_cases(text: str, items: list[str]) -> None:
    """Items are split on commas or spaces, and quoted items keep them."""
    assert split_list(text) == items


@pytest.mark.parametrize(("text"), ["1,2", "[1,2", '["a]', '["a"b]', "[a[b]"])
def test_malformed_lists_are_rejected(text: str) -> None:
    """A text that is not a well-formed list raises GrammarError (a ValueError)."""
    with pytest.raises(GrammarError):
        split_list(text)


def test_list_items_convert_by_the_default_items_type() -> None:
    """'[1, 2]' read with a float-list default gives floats; tuples stay tuples."""
    with hp.scope("dims=[1, 2]", "pair=[3, x]"):
        assert hp.scope.dims | [0.5] == [1.0, 2.0]
        assert hp.scope.pair | (0, "s") == (3, "x")
        assert hp.scope.dims | [] == ["1", "2"]


def test_a_bad_item_rejects_the_whole_list() -> None:
    """One unconvertible item is an error naming the key, the list and the item."""
    with hp.scope("dims=[1, two, 3]"), pytest.raises(hp.ConversionError) as raised:
        hp.scope.dims | [0]
    message = str(raised.value)
    assert "'dims'" in message
    assert "'[1, two, 3]'" in message
    assert "item 1 is 'two'" in message


def test_index_assignment_replaces_one_item_of_the_default() -> None:
    """'dims[1]=128' changes item 1 of the list default and keeps the others."""
    with hp.scope("train.dims[1]=128"):
        assert hp.scope.train.dims | [64, 64, 64] == [64, 128, 64]
        assert hp.scope.train.dims | (1.0, 2.0) == (1.0, 128.0)


def test_index_assignment_applies_to_a_list_set_with_it() -> None:
    """A whole list and index assignments in the same arguments combine, later winning."""
    with hp.scope("dims=[1,2,3]", "dims[0]=5", "dims[2]=7", "dims[0]=6"):
        assert hp.scope.dims | [0] == [6, 2, 7]


@pytest.mark.parametrize(
    ("arguments", "default", "expected"),
    [
        (["dims[5]=1"], [0, 0], "indexes below 2"),
        (["dims[0]=1"], 0, "a list default for an index assignment"),
        (["dims[0]=x"], [0], "integer"),
    ],
)
def test_bad_index_assignments_are_errors(arguments: list[str], default: Any, expected: str) -> None:
    """An index past the end, a non-list default or a bad item raises ConversionError."""
    with hp.scope(*arguments), pytest.raises(hp.ConversionError, match=expected):
        hp.scope.dims | default


def test_injected_parameters_use_the_grammar() -> None:
    """@hp.param converts list strings and index assignments like a read does."""

    @hp.param("net")
    def net(dims=(64, 64), names=["a"]):  # type: ignore[no-untyped-def]  # noqa: B006
        return dims, names

    with hp.scope("net.dims[0]=32", "net.names=[x, 'y z']"):
        assert net() == ((32, 64), ["x", "y z"])


def test_each_call_gets_its_own_parsed_list() -> None:
    """A list parsed from a string is a new list per call, so mutation does not carry over."""

    @hp.param("job")
    def job(items=[0]):  # type: ignore[no-untyped-def]  # noqa: B006
        items.append(99)
        return items

    with hp.scope("job.items=[1, 2]"):
        assert job() == [1, 2, 99]
        assert job() == [1, 2, 99]


def test_dict_default_reads_json() -> None:
    """A dict default reads a JSON object; anything else is an error."""
    with hp.scope('opts={"a": 1}', "bad=[1]"):
        assert hp.scope.opts | {} == {"a": 1}
        with pytest.raises(hp.ConversionError, match="JSON object"):
            hp.scope.bad | {}


def test_a_failed_parse_changes_nothing() -> None:
    """A bad argument among good ones builds no scope, so nothing is applied."""
    with hp.scope(a=1):
        with pytest.raises(hp.InvalidKeyError):
            hp.scope("b=2", "c d=3")
        assert dict(hp.scope.current()) == {"a": 1}


def test_float_formatting_is_exact() -> None:
    """Floats are written with repr, so tiny and huge values survive."""
    assert [read_back(x, 0.0) for x in (1e-300, 1.7976931348623157e308, -0.0)] == [
        1e-300,
        1.7976931348623157e308,
        -0.0,
    ]
    assert math.copysign(1, read_back(-0.0, 0.0)) == -1


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_a_define_text_reads_back_through_the_quote_rule(text: str) -> None:
    """Any text written by format_define is read back as itself by the -D quote rule."""
    assert unquote(format_define(text)) == text


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_only_a_text_wholly_in_quotes_loses_them(text: str) -> None:
    """A text that does not start and end with the same quote is never changed by the quote rule."""
    if not (len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]):
        assert unquote(text) == text
    else:
        assert unquote(text) in (text, *split_list(f"[{text}]")[:1])
