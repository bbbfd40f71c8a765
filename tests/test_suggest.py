"""One "Did you mean" hint: the same count, cut-off and wording wherever a name is unknown."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._suggest import MOST, did_you_mean, format_suggestion


@pytest.mark.parametrize(
    ("matches", "hint"),
    [
        ([], ""),
        (["a"], "Did you mean 'a'?"),
        (["a", "b"], "Did you mean 'a' or 'b'?"),
        (["a", "b", "c"], "Did you mean 'a', 'b' or 'c'?"),
        (["a", "b", "c", "d"], "Did you mean 'a', 'b' or 'c'?"),
    ],
)
def test_hint_wording(matches: list[str], hint: str) -> None:
    """Hints quote each name, join the last with 'or', and offer at most three."""
    assert format_suggestion(matches) == hint


@given(st.text(min_size=1, max_size=12), st.lists(st.text(max_size=12), max_size=20))
def test_a_hint_only_offers_candidates(word: str, candidates: list[str]) -> None:
    """Whatever the input, a hint names only given candidates, at most MOST of them, or is empty."""
    hint = did_you_mean(word, candidates)
    assert hint == "" or (hint.startswith("Did you mean ") and hint.endswith("?"))
    offered = [each for each in set(candidates) if repr(each) in hint]
    assert len(offered) <= MOST or hint == ""


class Train(hp.Params, namespace="train"):
    lr = hp.Float(1e-3)


@dataclasses.dataclass
class Schema:
    epochs: int = 1


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda: Train(lrr=1), "Did you mean 'lr'?"),
        (lambda: hp.config({"epoch": 2}, schema=Schema), "Did you mean 'epochs'?"),
        (lambda: hp.config({"train": {"lr": 1}, "x": "${train.lrr}"}), "Did you mean 'train.lr'?"),
    ],
)
def test_every_entry_point_words_the_hint_the_same(make: object, hint: str) -> None:
    """Declared parameters, schemas and interpolation end their errors with the same hint sentence."""
    with pytest.raises(hp.HyperparameterError) as caught:
        make()  # type: ignore[operator]
    assert str(caught.value).endswith(hint)


def _closest_by_difflib(word: str, candidates: list[str]) -> list[str]:
    """Find the close matches with difflib itself: ratio at least CUTOFF, within SPREAD of the best."""
    import difflib

    from hyperparameter._suggest import CUTOFF, SPREAD

    scored = [(difflib.SequenceMatcher(None, each, word).ratio(), each) for each in dict.fromkeys(candidates)]
    scored = sorted((pair for pair in scored if pair[0] >= CUTOFF), key=lambda pair: -pair[0])
    return [each for score, each in scored[:MOST] if score >= scored[0][0] - SPREAD] if scored else []


_NAMES = st.text(alphabet="abcdeflrt._0123", max_size=14)


@given(
    st.one_of(_NAMES, st.text(max_size=14)), st.lists(st.one_of(_NAMES, st.text(max_size=14)), max_size=25)
)
def test_close_matches_are_difflibs(word: str, candidates: list[str]) -> None:
    """The hints offer what difflib's ratio ranks, though difflib is not what measures it."""
    from hyperparameter._suggest import find_close_matches

    assert find_close_matches(word, candidates) == _closest_by_difflib(word, candidates)


def test_close_matches_of_a_long_word_are_difflibs() -> None:
    """A word of 200 characters or more is measured by difflib, which ignores its most frequent letters."""
    from hyperparameter._suggest import find_close_matches

    word = "train." + "a" * 150 + "b" * 60
    candidates = ["train." + "a" * 150 + "b" * 59, "train." + "b" * 200, "model.x"]
    assert find_close_matches(word, candidates) == _closest_by_difflib(word, candidates)


def test_a_summary_of_unknown_keys_does_not_load_difflib() -> None:
    """Ten thousand unknown keys of a file, five shown with their close matches: difflib stays unloaded."""
    import subprocess
    import sys

    code = (
        "import sys; from hyperparameter._suggest import find_close_matches\n"
        "known = ['train.lr', 'train.epochs', 'train.batch_size', 'train.optimizer']\n"
        "assert find_close_matches('section0.key0', known) == []\n"
        "assert find_close_matches('train.lrr', known) == ['train.lr']\n"
        "assert 'difflib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
