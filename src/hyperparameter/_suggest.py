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

from collections.abc import Iterable, Sequence

MOST = 3
"""How many close names a hint offers."""


CUTOFF = 0.6
"""How similar (difflib's ratio) a name must be to be offered at all."""
SPREAD = 0.1
"""How far below the best match another may score and still be offered: dotted keys share
long prefixes (``train.``), which make every sibling look similar to a typo."""


def find_close_matches(word: str, candidates: Iterable[str], count: int = MOST) -> list[str]:
    """Return the names among ``candidates`` closest to ``word``, best first (at most ``count``)."""
    import difflib  # here: a launch whose keys are all known needs no close match, nor difflib's import

    matcher = difflib.SequenceMatcher(b=word)
    scored: list[tuple[float, str]] = []
    for each in dict.fromkeys(candidates):
        matcher.set_seq1(each)
        if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF:
            score = matcher.ratio()
            if score >= CUTOFF:
                scored.append((score, each))
    scored.sort(key=lambda pair: -pair[0])
    if not scored:
        return []
    best = scored[0][0]
    return [each for score, each in scored[:count] if score >= best - SPREAD]


def format_suggestion(matches: Sequence[str]) -> str:
    """Return the hint for names already found: ``"Did you mean 'a', 'b' or 'c'?"``, or ``""``."""
    if not matches:
        return ""
    quoted = [repr(each) for each in matches[:MOST]]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"Did you mean {listed}?"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return the hint for an unknown ``word`` among ``candidates``, or ``""`` when none is close."""
    return format_suggestion(find_close_matches(word, candidates))
