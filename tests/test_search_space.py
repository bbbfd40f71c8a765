"""Search spaces: the -D forms, the spaces of declared kinds, their ends, and seeded draws."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._search_space import (
    Categorical,
    IntRange,
    Uniform,
    draw_trials,
    find_declared_space,
    find_declared_spaces,
    parse_space,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("uniform(0, 1)", Uniform(0, 1)),
        ("uniform(-2.5,3)", Uniform(-2.5, 3)),
        ("loguniform(1e-5, 1e-1)", Uniform(1e-5, 1e-1, log=True)),
        (" int( 1 , 4 ) ", IntRange(1, 4)),
        ("int(-3, 3)", IntRange(-3, 3)),
        ("choice(relu, gelu, 'a b')", Categorical(["relu", "gelu", "a b"])),
        ("choice(1,2,4)", Categorical(["1", "2", "4"])),
    ],
)
def test_space_forms_parse(text, expected):
    """Each -D space form reads as the space it writes."""
    assert parse_space(text) == expected


@pytest.mark.parametrize("text", ["0.1", "0.1,0.01", "range(1, 4)", "[1, 2]", "uniform", "relu", "int"])
def test_other_values_are_not_spaces(text):
    """Plain values, grid lists and ranges are not search spaces."""
    assert parse_space(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("uniform(1, 1)", "uniform(a, b) needs a < b"),
        ("uniform(2, 1)", "uniform(a, b) needs a < b"),
        ("uniform(0, inf)", "two finite numbers, not 'inf'"),
        ("uniform(0, x)", "two finite numbers, not 'x'"),
        ("uniform(0)", "takes two numbers, not 1"),
        ("loguniform(0, 1)", "loguniform(a, b) needs 0 < a < b"),
        ("int(1, 2.5)", "two integers a < b, not '2.5'"),
        ("int(4, 1)", "int(a, b) needs a < b"),
        ("choice()", "choice(...) needs at least one value"),
        ("choice(a, 'b)", "unterminated quote"),
    ],
)
def test_bad_space_forms_name_key_and_text(text, message):
    """A space form with bad arguments is a SearchSpaceError (a ValueError) naming key and text."""
    with pytest.raises(hp.SearchSpaceError, match=r"^train\.x=") as caught:
        parse_space(text, "train.x")
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_int_includes_both_ends():
    """int(a, b) draws a and b too, and nothing outside."""
    space = IntRange(1, 4)
    drawn = {space.pick(random.Random(n).random()) for n in range(200)}
    assert drawn == {1, 2, 3, 4}
    assert space.list_ends() == [1, 4]


def test_uniform_ends_are_checked_and_bound_every_draw():
    """uniform(a, b) and loguniform(a, b) draw within [a, b] and name both ends for checking."""
    for space in (Uniform(0.5, 2.0), Uniform(1e-4, 1.0, log=True)):
        assert space.list_ends() == [space.low, space.high]
        assert all(space.low <= space.pick(random.Random(n).random()) <= space.high for n in range(200))


def test_loguniform_spreads_over_decades():
    """loguniform draws as many values below 1e-3 as above in [1e-5, 1e-1]."""
    space = Uniform(1e-5, 1e-1, log=True)
    below = sum(space.pick(random.Random(n).random()) < 1e-3 for n in range(2000))
    assert 850 < below < 1150


@given(
    st.floats(-1e6, 1e6),
    st.floats(1e-6, 1e6),
    st.booleans(),
    st.floats(0, 1, exclude_max=True),
)
def test_draws_stay_inside_any_space(low, width, log, u):
    """Every draw of a uniform space lies within its ends, whatever the ends."""
    if log:
        low = abs(low) + 1e-9
    space = Uniform(low, low + width, log=log)
    assert space.low <= space.pick(u) <= space.high


@given(st.integers(-100, 100), st.integers(1, 100), st.floats(0, 1, exclude_max=True))
def test_int_draws_stay_inside(low, width, u):
    """Every draw of int(a, b) is an integer from a to b."""
    assert low <= IntRange(low, low + width).pick(u) <= low + width


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (hp.Float(0.5, bounds=(0, 1)), Uniform(0, 1)),
        (hp.Float(1e-3, bounds=(1e-5, 1e-1)), Uniform(1e-5, 1e-1, log=True)),
        (hp.Float(0.5, bounds=(0.1, 5)), Uniform(0.1, 5)),
        (
            hp.Float(0.1, bounds=(0, 0.5), inclusive_bounds=(False, True)),
            Uniform(math.nextafter(0, 1), 0.5),
        ),
        (hp.Int(3, bounds=(1, 8)), IntRange(1, 8)),
        (hp.Int(3, bounds=(1, 8), inclusive_bounds=(False, False)), IntRange(2, 7)),
        (hp.Choice("relu", ["relu", "gelu"]), Categorical(["relu", "gelu"])),
        (hp.Bool(False), Categorical([False, True])),
    ],
)
def test_declared_kinds_with_a_complete_space(declared, expected):
    """Floats and ints with both bounds, choices and bools are searched over what they accept."""
    assert find_declared_space(declared) == expected


def test_excluded_float_ends_are_never_drawn():
    """A float bound declared exclusive is moved inside, so the search never draws it."""
    space = find_declared_space(hp.Float(0.5, bounds=(0, 1), inclusive_bounds=(False, False)))
    assert isinstance(space, Uniform)
    assert 0 < space.low < 1e-300
    assert space.high < 1


@given(
    st.floats(-1e3, 1e3),
    st.floats(1e-3, 1e6),
    st.booleans(),
    st.booleans(),
    st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=20),
)
def test_every_draw_of_a_declared_float_is_a_value_it_accepts(low, width, low_in, high_in, us):
    """Whatever the bounds and excluded ends, a declared float draws only values its kind accepts."""
    declared = hp.Float(low + width / 2, bounds=(low, low + width), inclusive_bounds=(low_in, high_in))
    space = find_declared_space(declared)
    assert isinstance(space, Uniform)
    assert space.log == (low > 0 and (low + width) / low >= 100)
    for value in [*space.list_ends(), *space.pick_many(us)]:
        declared.check(value)


def test_a_float_excluding_zero_is_searched_evenly():
    """A dropout declared over (0, 0.5] is drawn evenly, not on a log scale from the smallest float."""
    space = find_declared_space(hp.Float(0.1, bounds=(0, 0.5), inclusive_bounds=(False, True)))
    assert isinstance(space, Uniform)
    assert not space.log
    drawn = [row["drop"] for row in draw_trials({"drop": space}, 2, 200)]
    assert all(0 < value <= 0.5 for value in drawn)
    assert 0.2 < sum(drawn) / len(drawn) < 0.3


@pytest.mark.parametrize(
    "declared",
    [
        hp.Float(0.5),
        hp.Float(0.5, bounds=(0, None)),
        hp.Int(3, bounds=(None, 8)),
        hp.Float(0.5, bounds=(0, math.inf)),
        hp.Int(1, bounds=(1, 2), inclusive_bounds=(True, False)),
        hp.Str("x"),
        hp.List([1]),
    ],
)
def test_kinds_without_a_complete_space_are_not_searched(declared):
    """A kind missing a bound, or one with no finite set of values, has no space."""
    assert find_declared_space(declared) is None


def test_declared_spaces_of_classes_skip_constants():
    """A Params class gives a space per searchable key; constants stay as declared."""

    class Train(hp.Params, namespace="train"):
        lr = hp.Float(1e-3, bounds=(1e-5, 1e-1))
        layers = hp.Int(3, bounds=(1, None))
        act = hp.Choice("relu", ["relu", "gelu"])
        seed = hp.Int(0, bounds=(0, 10), constant=True)

    assert find_declared_spaces([Train]) == {
        "train.lr": Uniform(1e-5, 1e-1, log=True),
        "train.act": Categorical(["relu", "gelu"]),
    }


def test_seeded_draws_repeat_and_differ_by_seed():
    """The same seed gives the same trials; another seed gives others."""
    space = {"lr": Uniform(0, 1), "layers": IntRange(1, 100), "act": Categorical("abcdefgh")}
    first = draw_trials(space, 7, 5)
    assert first == draw_trials(space, 7, 5)
    assert first != draw_trials(space, 8, 5)
    assert first[0] != first[1]


def test_a_trial_keeps_its_values_when_keys_or_trials_are_added():
    """Adding a key or more trials leaves the earlier trials' draws unchanged."""
    space = {"lr": Uniform(0, 1)}
    three = draw_trials(space, 3, 3)
    assert [trial["lr"] for trial in draw_trials({**space, "wd": Uniform(0, 1)}, 3, 3)] == [
        t["lr"] for t in three
    ]
    assert draw_trials(space, 3, 10)[:3] == three


def test_seeded_draws_repeat_in_another_process():
    """A seeded search draws the same values in a fresh interpreter (no hash randomisation)."""
    code = (
        "from hyperparameter._search_space import Uniform, draw_trials;"
        "print(draw_trials({'lr': Uniform(0, 1)}, 11, 5)[4]['lr'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) == draw_trials({"lr": Uniform(0, 1)}, 11, 5)[4]["lr"]


@given(st.lists(st.floats(0, 1, exclude_max=True), max_size=20))
def test_pick_many_agrees_with_pick(us):
    """A dimension's batch of draws is the same as drawing each value alone."""
    for space in (Uniform(-1, 3), Uniform(1e-4, 1, log=True), IntRange(-2, 5), Categorical("abc")):
        assert space.pick_many(us) == [space.pick(u) for u in us]
