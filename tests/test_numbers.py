"""Numbers of other libraries as plain Python numbers, and results as JSON holds them."""

from __future__ import annotations

import decimal
import fractions
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hyperparameter._numbers import as_real_number, jsonable, plain_number


class Tensor0d:
    """A 0-d tensor: converts with float() and int() (for an integer dtype), has .item() and ndim 0."""

    ndim = 0

    def __init__(self, value: Any) -> None:
        self.value = value

    def __float__(self) -> float:
        return float(self.value)

    def __index__(self) -> int:
        if not isinstance(self.value, int):
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return self.value

    def item(self) -> Any:
        return self.value


class Vector(Tensor0d):
    """A tensor of one dimension: float() works on one element, but it is not a number."""

    ndim = 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (fractions.Fraction(1, 4), 0.25),
        (decimal.Decimal("2.5"), 2.5),
        (Tensor0d(3), 3),
        (Tensor0d(0.5), 0.5),
        (Tensor0d(True), True),
    ],
)
def test_numbers_of_other_kinds_become_plain(value: Any, expected: Any) -> None:
    """Reals and dimensionless values with __float__ or __index__ become a plain bool, int or float."""
    plain = plain_number(value)
    assert plain == expected
    assert type(plain) is type(expected)


@pytest.mark.parametrize("value", ["0.5", b"1", None, [1.0], Vector(1.0), 1j, object()])
def test_other_values_stay_as_they_are(value: Any) -> None:
    """Text, containers, arrays with dimensions and complex numbers are not numbers."""
    assert plain_number(value) is value
    assert as_real_number(value) is None


@pytest.mark.parametrize("value", [True, False, Tensor0d(True)])
def test_a_bool_is_not_a_real_number(value: Any) -> None:
    """A bool, plain or of another library, is never taken as an objective's number."""
    assert as_real_number(value) is None


def test_numpy_scalars_become_plain_numbers() -> None:
    """NumPy scalars and 0-d arrays become the number their .item() gives; arrays stay arrays."""
    np = pytest.importorskip("numpy")
    values = [np.float32(0.5), np.float64(0.25), np.int64(7), np.bool_(True), np.array(3), np.array(1.5)]
    plain = [plain_number(value) for value in values]
    assert plain == [0.5, 0.25, 7, True, 3, 1.5]
    assert [type(value) for value in plain] == [float, float, int, bool, int, float]
    vector = np.array([1.0])
    assert plain_number(vector) is vector


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(), st.builds(object)
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text("abc", max_size=3), st.integers()), inner, max_size=3),
        st.frozensets(st.integers(), max_size=3),
    ),
    max_leaves=12,
)


@given(trees)
def test_jsonable_keeps_what_json_holds_and_writes_only_the_rest_as_repr(tree: Any) -> None:
    """Any result's JSON form loads back to itself: JSON values kept, sets as lists,
    the others as their repr."""
    plain = jsonable(tree)
    assert json.loads(json.dumps(plain)) == plain
    _compare(tree, plain)


def _compare(value: Any, plain: Any) -> None:
    if value is None or isinstance(value, (str, bool, int, float)):
        assert plain == value
    elif isinstance(value, dict):
        assert list(plain) == [key if isinstance(key, str) else str(key) for key in value]
        for item, saved in zip(value.values(), plain.values()):
            _compare(item, saved)
    elif isinstance(value, (list, tuple)):
        assert len(plain) == len(value)
        for item, saved in zip(value, plain):
            _compare(item, saved)
    elif isinstance(value, frozenset):
        assert plain == sorted(value, key=repr)  # a set is written as a list, as save_config writes it
    else:
        assert plain == repr(value)


def test_a_container_inside_itself_is_written_once_then_as_its_repr() -> None:
    """A result that holds itself is written with the inner copy as its repr, not recursing forever."""
    result: dict[str, Any] = {"loss": 0.5}
    result["self"] = result
    assert jsonable(result) == {"loss": 0.5, "self": "{'loss': 0.5, 'self': {...}}"}
