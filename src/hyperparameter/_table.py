"""Plain-text tables: the one layout of every listing (``-lps``, ``hp ls``, sweep results, records).

>>> print("\\n".join(align_rows([("KEY", "VALUE"), ("train.lr", "0.1"), ("seed", "7")])))
KEY       VALUE
train.lr  0.1
seed      7
"""

from __future__ import annotations

from collections.abc import Sequence


def align_rows(rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out ``rows`` of cells as lines: each column as wide as its widest cell, two spaces apart."""
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
