"""Shortened text for messages and tables: one rule for cutting a long value.

>>> clip("a" * 10, 8), short_repr("x" * 100, 12)
('aaaaa...', "'xxxxxxxx...")
"""

from __future__ import annotations

from typing import Any


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending in ``...`` when cut.

    >>> clip("learning rate", 8), clip("lr", 8)
    ('learn...', 'lr')
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


def short_repr(value: Any, limit: int = 60) -> str:
    """Show ``value`` in a message: the first line of its ``repr``, cut to ``limit`` characters.

    >>> short_repr({"lr": 0.1}), short_repr(list(range(30)), 20)
    ("{'lr': 0.1}", '[0, 1, 2, 3, 4, 5...')
    """
    return clip(repr(value).split("\n")[0], limit)
