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
    """Return the names among ``candidates`` closest to ``word``, best first (at most ``count``).

    Closeness is difflib's ratio (``SequenceMatcher(None, name, word).ratio()``),
    worked out here for words shorter than 200 characters: a launch that
    summarizes unknown keys need not import difflib.
    """
    if len(word) >= _AUTOJUNK_LENGTH:  # difflib then ignores the word's most frequent characters
        import difflib

        matcher = difflib.SequenceMatcher(b=word)

        def measure(name: str) -> float:
            matcher.set_seq1(name)
            return matcher.ratio() if matcher.quick_ratio() >= CUTOFF else 0.0

    else:
        places: dict[str, list[int]] = {}
        for index, letter in enumerate(word):
            places.setdefault(letter, []).append(index)

        letters = {letter: len(spots) for letter, spots in places.items()}

        def measure(name: str) -> float:
            if not _may_reach_cutoff(_shared_letters(name, letters), len(name) + len(word)):
                return 0.0  # too few letters in common
            return _ratio(name, word, places)

    scored: list[tuple[float, str]] = []
    for each in dict.fromkeys(candidates):
        if not _may_reach_cutoff(min(len(each), len(word)), len(each) + len(word)):
            continue  # too long or too short
        score = measure(each)
        if score >= CUTOFF:
            scored.append((score, each))
    scored.sort(key=lambda pair: -pair[0])
    if not scored:
        return []
    best = scored[0][0]
    return [each for score, each in scored[:count] if score >= best - SPREAD]


_AUTOJUNK_LENGTH = 200


def _may_reach_cutoff(matched: int, total: int) -> bool:
    """Whether names of ``total`` letters with at most ``matched`` in their blocks can reach :data:`CUTOFF`.

    Difflib's ratio is ``2 * matched / total`` (1 for two empty names); a bound
    on ``matched`` (the shorter length, the letters in common) bounds it.
    """
    return not total or 2.0 * matched / total >= CUTOFF


def _shared_letters(name: str, letters: dict[str, int]) -> int:
    """Count the letters ``name`` shares with a word of these letter counts, each as often as both have it."""
    left = dict(letters)
    shared = 0
    for letter in name:
        if left.get(letter, 0) > 0:
            left[letter] -= 1
            shared += 1
    return shared


def _ratio(name: str, word: str, places: dict[str, list[int]]) -> float:
    """Return difflib's ratio of ``name`` to ``word``: twice their matching blocks' length over both lengths.

    The blocks are found as difflib finds them: the longest common run of
    letters (the first in ``name``, then in ``word``, among equally long ones),
    then the same on each side of it. ``places`` lists where each letter is in
    ``word``.
    """
    total = len(name) + len(word)
    if not total:
        return 1.0
    matched = 0
    pending = [(0, len(name), 0, len(word))]
    while pending:
        low, high, word_low, word_high = pending.pop()
        start, word_start, size = _longest_run(name, places, low, high, word_low, word_high)
        if size:
            matched += size
            if low < start and word_low < word_start:
                pending.append((low, start, word_low, word_start))
            if start + size < high and word_start + size < word_high:
                pending.append((start + size, high, word_start + size, word_high))
    return 2.0 * matched / total


def _longest_run(
    name: str, places: dict[str, list[int]], low: int, high: int, word_low: int, word_high: int
) -> tuple[int, int, int]:
    """Return where the longest run of letters common to both windows starts in each, and its length."""
    best_start, best_word_start, best = low, word_low, 0
    ending: dict[int, int] = {}  # run length ending at each place of the word, for the previous letter
    for index in range(low, high):
        runs: dict[int, int] = {}
        for place in places.get(name[index], ()):
            if place < word_low:
                continue
            if place >= word_high:
                break
            size = runs[place] = ending.get(place - 1, 0) + 1
            if size > best:
                best_start, best_word_start, best = index - size + 1, place - size + 1, size
        ending = runs
    return best_start, best_word_start, best


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
