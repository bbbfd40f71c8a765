"""One description of a hyperparameter, whoever found it: the scanner, ``@hp.param`` or ``hp.Params``.

Every listing draws from this record: the launcher's ``-lps``/``-ep`` and the
``hp`` tool's ``ls``/``desc``. ``role`` says how the program meets the key:
``"param"`` (an ``@hp.param`` argument), ``"declared"`` (an ``hp.Params`` kind)
or ``"read"`` (``hp.scope.a.b | default``).

>>> from hyperparameter._description import Description
>>> lr = Description("train.lr", "0.001", "float", "train", "train", "app.py", 12, "learning rate", "param")
>>> lr.location, lr.role
('app.py:12', 'param')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable, Optional

from ._struct import Struct
from ._text import clip


class Check(Struct):
    """One declaration's rule for the values of a key.

    ``convert`` returns the value the program gets, or raises ConversionError;
    ``typed`` says the declaration has a type (an annotation, a kind, a typed
    default), so the result is the value the whole run sees.
    """

    __slots__ = ("convert", "typed", "where")

    def __init__(self, where: str, convert: Callable[[Any], Any], typed: bool) -> None:
        self.where = where
        self.convert = convert
        self.typed = typed


class Description(Struct):
    """One hyperparameter where a program declares or reads it."""

    __slots__ = (
        "check",
        "default",
        "description",
        "dynamic",
        "function",
        "key",
        "line",
        "namespace",
        "path",
        "role",
        "spec",
        "type_name",
    )

    def __init__(
        self,
        key: str,
        default: Optional[str],
        type_name: str,
        namespace: str,
        function: str,
        path: str,
        line: int,
        description: str,
        role: str,
        dynamic: bool = False,
        spec: str = "",
        check: Optional[Check] = None,
    ) -> None:
        self.key = key
        self.default = default  # as written (or its repr); None: no default, the key is required
        self.type_name = type_name  # from the annotation, the kind or the default; "" when unknown
        self.namespace = namespace
        self.function = function  # the qualified name of the function or class that declares or reads it
        self.path = path
        self.line = line  # 0 when unknown
        self.description = description
        self.role = role  # "param" (@hp.param), "declared" (hp.Params) or "read"
        self.dynamic = dynamic  # the key holds <...>: a part computed at run time
        # The declaration as written: a parameter's annotation, or a kind's call under the
        # kind's own name (see _syntax.kind_spec); "" for reads and unannotated parameters.
        self.spec = spec
        self.check = check  # how a scope's value becomes the value in force

    @property
    def location(self) -> str:
        """``path:line``, or the path alone when the line is unknown."""
        return locate(self.path, self.line)


def locate(path: str, line: int) -> str:
    """Write a place as listings and messages show it: ``path:line``, or the path when the line is unknown.

    >>> locate("app.py", 12), locate("app.py", 0)
    ('app.py:12', 'app.py')
    """
    return f"{path}:{line}" if line else path


class Definitions(Struct):
    """One key and every place that defines or reads it, the definition to show first."""

    __slots__ = ("key", "others", "primary")

    def __init__(self, key: str, primary: Description, others: tuple[Description, ...] = ()) -> None:
        self.key = key
        self.primary = primary
        self.others = others


def shown_first(found: Description) -> tuple[bool, bool, str, int]:
    """Order definitions as they are shown: declarations, then reads with a default, by place."""
    return (found.role == "read", found.default is None, found.path, found.line)


def definitions_of(found: Iterable[Description]) -> list[Definitions]:
    """Return one entry per key, sorted by key, a declaration (``@hp.param``, ``hp.Params``) as primary."""
    by_key: dict[str, list[Description]] = {}
    for item in found:
        by_key.setdefault(item.key, []).append(item)
    entries = []
    for key in sorted(by_key):
        ordered = sorted(by_key[key], key=shown_first)
        entries.append(Definitions(key, ordered[0], tuple(ordered[1:])))
    return entries


def show_default(found: Description, limit: int = 40) -> str:
    """Show a default as every table shows it: on one line, cut at ``limit`` characters; required without.

    >>> show_default(Description("data.path", None, "", "data", "main", "app.py", 3, "", "read"))
    '(required)'
    """
    if found.default is None:
        return "(required)"
    return clip(" ".join(found.default.split()), limit)


def describe_key(entry: Definitions) -> dict[str, Any]:
    """Return the fields every JSON listing (``hp ls``, ``-lps``) gives a key, from its first definition."""
    found = entry.primary
    return {
        "key": entry.key,
        "default": found.default,
        "type": found.type_name,
        "namespace": found.namespace,
        "function": found.function,
        "role": found.role,
        "dynamic": found.dynamic,
        "description": found.description,
    }
