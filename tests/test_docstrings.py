"""Docstrings: descriptions and parameter texts in the three styles, and how sections are told."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from hyperparameter._docstrings import _GOOGLE_HEADERS, is_section_header, parse_docstring

# The rules as regular expressions, the form they were first written in.
_SECTION_RULE = re.compile(r"^[A-Z][A-Za-z ]*:\s*$")
_GOOGLE_RULE = re.compile(
    r"^(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Other Parameters):\s*$"
)
_LINES = st.text(alphabet=st.sampled_from("ARaz :\t\u00a0\u2003x>-"), max_size=12) | st.sampled_from(
    ["Returns:", "Args:", "Keyword Args:", "Other Parameters:  ", "Note: x", " Args:", "A:"]
)


@given(_LINES)
def test_a_section_header_is_told_as_the_rule_says(line: str) -> None:
    """A line opens a section exactly when it is a capitalised ASCII name and a colon, spaces after."""
    assert is_section_header(line) == bool(_SECTION_RULE.match(line))


@given(_LINES)
def test_a_google_parameter_section_is_told_as_the_rule_says(line: str) -> None:
    """Args:, Parameters: and the other Google parameter headers are recognised as the rule says."""
    assert (line.strip() in _GOOGLE_HEADERS) == bool(_GOOGLE_RULE.match(line.strip()))


def test_the_three_styles_give_the_description_and_each_parameter() -> None:
    """Google, NumPy and reST docstrings give the same description and texts; sections end the description."""
    google = (
        "Train.\n\nArgs:\n    lr (float): Step size.\n        Decays.\n"
        "    epochs: Passes.\n\nReturns:\n    x\n"
    )
    numpy = "Train.\n\nParameters\n----------\nlr : float\n    Step size.\n    Decays.\nepochs\n    Passes.\n"
    rest = "Train.\n\n:param float lr: Step size.\n    Decays.\n:param epochs: Passes.\n:returns: x\n"
    for doc in (google, numpy, rest):
        parsed = parse_docstring(doc)
        assert parsed.description == "Train."
        assert parsed.params == {"lr": "Step size. Decays.", "epochs": "Passes."}
    assert parse_docstring("Train.\n\nNotes:\n    more\n").description == "Train."
    assert parse_docstring("Train.\n\n>>> 1\n1\n").description == "Train."
    empty = parse_docstring(None)
    assert (empty.description, empty.params) == ("", {})
