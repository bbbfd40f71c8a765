"""Draw one hyperparameter's detail block: ``hp desc KEY`` and the launcher's ``-ep KEY``.

Both commands show the same block. The launcher also knows the value in force
and where it came from, and shows them; ``hp desc`` names the package scanned.

>>> from hyperparameter._description import Definitions, Description
>>> lr = Description("train.lr", "0.001", "float", "train", "train", "app.py", 12, "Learning rate.", "param")
>>> print(render_details(Definitions("train.lr", lr), in_force=("0.01", "-D")))
============================================================
Hyperparameter: train.lr
============================================================
Default: 0.001
Type: float
In force: 0.01 (from -D)
Namespace: train
Function: train (@hp.param)
Location: app.py:12
Description: Learning rate.
Usage:
  # Access via scope
  value = hp.scope.train.lr | 0.001
  # Set via command line (programs started with hp.launch)
  --train.lr=<value>
"""

from __future__ import annotations

import json
import keyword
from typing import Callable, Optional

from ._description import Definitions, Description
from ._scanner import ROOT_METHODS

_RULE = "=" * 60
_ROLES = {"param": "@hp.param", "declared": "hp.Params", "read": "read"}


def usage(key: str, default: Optional[str]) -> str:
    """Python that reads ``key`` with its default, valid whatever the key looks like.

    >>> usage("train.lr", "0.001")
    'hp.scope.train.lr | 0.001'
    >>> usage("keys.limit", "10"), usage("model.lambda", None)
    ('hp.scope["keys.limit"] | 10', 'hp.scope["model.lambda"]()')
    """
    segments = key.split(".")
    # hp.scope.keys is a method, and hp.scope.lambda no Python: such keys need the subscript form.
    plain = segments[0] not in ROOT_METHODS and all(
        s.isidentifier() and not keyword.iskeyword(s) and not s.startswith("_") for s in segments
    )
    accessor = f"hp.scope.{key}" if plain else f"hp.scope[{json.dumps(key)}]"
    return f"{accessor}()" if default is None else f"{accessor} | {' '.join(default.split())}"


def _read_location(found: Description) -> str:
    return found.location


def render_details(
    entry: Definitions,
    *,
    location: Callable[[Description], str] = _read_location,
    source: str = "",
    in_force: Optional[tuple[str, str]] = None,
) -> str:
    """Render the detail block of one key.

    Args:
        entry: The key, the definition shown first and the others.
        location: How a definition's place is shown (``path:line`` by default).
        source: The package or folder scanned, when there is one to name.
        in_force: The value in force, as text, and where it came from, when known.
    """
    found = entry.primary
    lines = [
        _RULE,
        f"Hyperparameter: {entry.key}",
        _RULE,
        f"Default: {found.default if found.default is not None else '(none: the key is required)'}",
        f"Type: {found.type_name or 'unknown'}",
    ]
    if in_force is not None:
        lines.append(f"In force: {in_force[0]} (from {in_force[1]})")
    lines += [
        f"Namespace: {found.namespace}",
        f"Function: {found.function} ({_ROLES.get(found.role, found.role)})",
        *([f"Source: {source}"] if source else []),
        f"Location: {location(found)}",
        f"Description: {found.description or '(none)'}",
    ]
    for other in entry.others:
        default = f", default {other.default}" if other.default is not None else ""
        what = "read" if other.role == "read" else "declared"
        lines.append(f"Also {what} at: {location(other)} ({other.function}{default})")
    return "\n".join([*lines, "Usage:", *_describe_usage(entry.key, found)])


def _describe_usage(key: str, found: Description) -> list[str]:
    """How to read the key in code and set it from the command line."""
    if found.dynamic:
        lines = [
            "  # Parts in <...> are computed at run time: substitute their value.",
            f"  value = {usage(key, found.default)}",
        ]
    else:
        lines = ["  # Access via scope", f"  value = {usage(key, found.default)}"]
        if found.role == "declared" and "<" not in found.function:
            lines += [
                "  # Or through the class that declares it",
                f"  value = {found.function}().{key.rpartition('.')[2]}",
            ]
    return [
        *lines,
        "  # Set via command line (programs started with hp.launch)",
        f"  {format_command_line(key)}",
    ]


def format_command_line(key: str) -> str:
    """Return how a launched program's command line sets ``key``.

    >>> format_command_line("train.lr"), format_command_line("seed"), format_command_line("model.lambda")
    ('--train.lr=<value>', '-D seed=<value>', '--model.lambda=<value>')
    """
    if "." in key and all(segment.isidentifier() for segment in key.split(".")):
        return f"--{key}=<value>"  # a dotted long option is -D for that key
    return f"-D {key}=<value>"
