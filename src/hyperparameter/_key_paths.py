"""Key paths into config values, and how messages name them with their file.

A key path is a tuple of keys and list indexes, written ``train.sizes[0]``.
"""

from __future__ import annotations

from typing import Optional, Union

KeyPath = tuple[Union[str, int], ...]


def format_path(path: KeyPath) -> str:
    """Write a key path as ``train.sizes[0].name``; the empty path is ``''``.

    >>> format_path(("train", "sizes", 0, "name"))
    'train.sizes[0].name'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def locate(path: KeyPath, source: Optional[str]) -> str:
    """Name a key and the file it comes from, for the start of a message.

    >>> locate(("train", "lr"), "exp.toml")
    "key 'train.lr' in 'exp.toml'"
    """
    key = f"key {format_path(path)!r}" if path else "the top level"
    return f"{key} in {source!r}" if source is not None else key
