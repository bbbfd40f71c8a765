"""One "Did you mean ...?" for every message that names something unknown.

>>> from hyperparameter._suggest import did_you_mean
>>> did_you_mean("train.lrr", ["train.lr", "model.depth", "data.path"])
"Did you mean 'train.lr'?"
>>> did_you_mean("dropuot", ["dropout", "drop_out", "lr"])
"Did you mean 'dropout' or 'drop_out'?"
>>> did_you_mean("zzz", ["train.lr"])
''
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

MOST = 3
"""How many close names a hint offers."""


def close_matches(word: str, candidates: Iterable[str], count: int = MOST) -> list[str]:
    """The names among ``candidates`` closest to ``word``, best first (at most ``count``)."""
    return difflib.get_close_matches(word, list(candidates), n=count, cutoff=0.6)


def suggestion(matches: Sequence[str]) -> str:
    """The hint for names already found: ``"Did you mean 'a', 'b' or 'c'?"``, or ``""``."""
    if not matches:
        return ""
    quoted = [repr(each) for each in matches[:MOST]]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"Did you mean {listed}?"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """The hint for an unknown ``word`` among ``candidates``, or ``""`` when none is close."""
    return suggestion(close_matches(word, candidates))
