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
