"""The house style where ruff cannot state it exactly."""

from __future__ import annotations

import doctest
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINE_LENGTH = 110  # [tool.ruff] line-length
# As for ruff, a pragma comment may run past the limit.
PRAGMA = re.compile(r"\s+# (type: ?ignore|noqa|pyright:).*$")
SOURCES = [
    ROOT / "conftest.py",
    *sorted(
        path
        for folder in ("src", "tests", "benchmarks", "examples")
        for path in (ROOT / folder).rglob("*.py")
    ),
]


def doctest_lines(source: str) -> set[int]:
    """Return the numbers of the lines that hold a doctest example or its expected output."""
    rows: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or token.start[0] == token.end[0]:
            continue
        for example in doctest.DocTestParser().get_examples(token.string):
            first = token.start[0] + example.lineno
            rows.update(range(first, first + example.source.count("\n") + example.want.count("\n")))
    return rows


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_only_doctest_lines_are_longer_than_the_limit(path: Path) -> None:
    """A line over the limit is a doctest example or output (ruff's `# noqa: E501` covers a whole string)."""
    source = path.read_text(encoding="utf-8")
    lines = enumerate(source.splitlines(), 1)
    long = {n for n, line in lines if len(PRAGMA.sub("", line)) > LINE_LENGTH}
    assert sorted(long - doctest_lines(source)) == []
