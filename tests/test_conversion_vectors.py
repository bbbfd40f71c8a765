"""The conversion vectors shared with the Rust crate hold for the Python library."""

from __future__ import annotations

import json
import math
import pathlib
from typing import Any

import pytest

import hyperparameter as hp

VECTORS_FILE = pathlib.Path(__file__).parent / "data" / "conversion_vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


def decode(item: Any) -> Any:
    """Decode a vector's JSON item as a Python value ({"float": "inf"} spells floats JSON cannot)."""
    if isinstance(item, dict) and "float" in item:
        return float(item["float"])
    return item


def _cases() -> list[Any]:
    return [
        pytest.param(vector, id=f"{vector['value']!r}-as-{type(vector['default']).__name__}")
        for vector in VECTORS
    ]


def _assert_read_matches(vector: dict[str, Any]) -> None:
    """Read the value set around the call with the vector's default; compare with its expectation."""
    default = decode(vector["default"])
    expect = decode(vector["expect"])
    if isinstance(expect, dict):  # {"error": ...}
        with pytest.raises(hp.ConversionError):
            hp.scope.vector.value | default
        return
    got = hp.scope.vector.value | default
    assert type(got) is type(expect)
    if isinstance(expect, float):
        assert got == expect or (math.isnan(got) and math.isnan(expect))
        assert math.copysign(1.0, got) == math.copysign(1.0, expect)
    else:
        assert got == expect


@pytest.mark.parametrize("vector", _cases())
def test_value_set_from_code_converts_as_the_vector_says(vector: dict[str, Any]) -> None:
    """A value set through keywords and read with a default gives the vector's result or a ConversionError."""
    with hp.scope(**{"vector.value": decode(vector["value"])}):
        _assert_read_matches(vector)


@pytest.mark.parametrize("vector", [case for case in _cases() if isinstance(case.values[0]["value"], str)])
def test_value_set_from_a_line_converts_as_the_vector_says(vector: dict[str, Any]) -> None:
    """A string value given as a key=value line converts exactly as the same string set from code."""
    with hp.scope(f"vector.value={vector['value']}"):
        _assert_read_matches(vector)


def test_vectors_cover_every_scalar_default_type() -> None:
    """The shared vectors read values with bool, int, float and str defaults, including failures."""
    kinds = {type(vector["default"]) for vector in VECTORS}
    failing = {type(vector["default"]) for vector in VECTORS if "error" in str(vector["expect"])}
    assert kinds == {bool, int, float, str}
    assert failing == {bool, int, float}
