"""A light value type with named fields, for the records every launch builds.

A ``typing.NamedTuple`` class costs about a millisecond to create at import:
typing compiles each field's annotation, and ``namedtuple`` builds methods from
source text. The launcher's records load with every launch, so they are
:class:`Struct` subclasses instead: a class with ``__slots__`` and a written-out
``__init__``, which costs a tenth of that and builds its instances as fast.

>>> class Point(Struct):
...     __slots__ = ("x", "y")
...
...     def __init__(self, x: int, y: int = 0) -> None:
...         self.x, self.y = x, y
>>> Point(1).replace(y=2)
Point(x=1, y=2)
>>> Point(1, 2) == Point(1, 2), Point(1, 2) == Point(2, 1)
(True, False)
"""

from __future__ import annotations

from typing import Any, TypeVar

S = TypeVar("S", bound="Struct")


class Struct:
    """Hold the fields ``__slots__`` name (a subclass's and its bases'): equality, ``repr``, ``replace``.

    Instances are values: fields are not assigned after ``__init__``, and a
    changed copy is made with :meth:`replace`. Being changeable all the same,
    they are not hashable.

    >>> class Place(Struct):
    ...     __slots__ = ("path",)
    ...
    ...     def __init__(self, path: str) -> None:
    ...         self.path = path
    >>> class Line(Place):
    ...     __slots__ = ("line",)
    ...
    ...     def __init__(self, path: str, line: int) -> None:
    ...         super().__init__(path)
    ...         self.line = line
    >>> Line("app.py", 3), Line("app.py", 3) == Line("b.py", 3)
    (Line(path='app.py', line=3), False)
    """

    __slots__: tuple[str, ...] = ()
    _fields: tuple[str, ...] = ()  # every field, the bases' first: worked out once per class

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = tuple(
            name for each in reversed(cls.__mro__) for name in vars(each).get("__slots__", ())
        )

    def fields(self) -> tuple[Any, ...]:
        """Return the field values, in the order of :attr:`_fields`."""
        return tuple(getattr(self, name) for name in self._fields)

    def replace(self: S, **changes: Any) -> S:
        """Return a copy with the fields ``changes`` names set to new values.

        >>> class Span(Struct):
        ...     __slots__ = ("start", "end")
        ...
        ...     def __init__(self, start: int, end: int) -> None:
        ...         self.start, self.end = start, end
        >>> Span(1, 4).replace(end=9)
        Span(start=1, end=9)
        """
        unknown = changes.keys() - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        for name in self._fields:
            setattr(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Struct) or type(other) is not type(self):
            return NotImplemented
        return self.fields() == other.fields()

    __hash__ = None  # type: ignore[assignment]  # equal by changeable fields: no stable hash

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"
