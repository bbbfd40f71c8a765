"""Accessors: the objects behind ``hp.scope.train.lr`` and ``ps.train.lr``.

An accessor names one key. Reading it (``| default``, ``(default)`` or ``()``)
looks the key up at that moment; attribute access names a longer key, and
assignment writes one. Children are cached on their parent, so a repeated
``hp.scope.a.b.c`` builds nothing; a parent caches at most ``CHILD_LIMIT`` of
them, so a program naming keys without limit does not grow without limit.
"""

from __future__ import annotations

from typing import Any

from ._convert import convert
from ._engine import write
from ._generators import follow_reader
from ._keys import assignment, check_key
from ._levels import ABSENT, Level, convert_once
from ._mappings import gathered
from .exceptions import MissingParameterError

_get_current = follow_reader(globals())  # see _generators: current.get while no generator has a block open
_init = object.__setattr__
REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "<required>"})()
#: How many child accessors one accessor (or ``hp.scope``) caches by attribute name.
CHILD_LIMIT = 4096


def read(level: Level, key: str, default: Any) -> Any:
    """Read ``key`` at ``level``: converted to the default's type, or the default if unset."""
    value = level[key]
    if value is ABSENT:
        if default is REQUIRED:
            raise MissingParameterError(key)
        if default.__class__ is dict:
            return gathered(level, key, default)
        return default
    if default is REQUIRED:
        return value
    return convert(key, value, default)


class _Key:
    """Shared behaviour of accessors: reading, naming longer keys, refusing truthiness."""

    __slots__ = ("__dict__", "_hp_key")
    _hp_key: str

    def __init__(self, key: str) -> None:
        _init(self, "_hp_key", key)

    def _hp_make_child(self, key: str) -> _Key:
        raise NotImplementedError

    def _hp_find_level(self) -> Level:
        raise NotImplementedError

    def _hp_write(self, key: str, value: Any) -> None:
        raise NotImplementedError

    def __or__(self, default: Any) -> Any:
        return read(self._hp_find_level(), self._hp_key, default)

    def __call__(self, default: Any = REQUIRED) -> Any:
        return read(self._hp_find_level(), self._hp_key, default)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        child = self._hp_make_child(self._hp_key + "." + name)
        children = self.__dict__
        if len(children) < CHILD_LIMIT:
            children[name] = child
        return child

    def __getitem__(self, name: str) -> Any:
        return self._hp_make_child(check_key(self._hp_key + "." + name))

    def __setattr__(self, name: str, value: Any) -> None:
        self._hp_write(check_key(self._hp_key + "." + name), value)

    def __setitem__(self, name: str, value: Any) -> None:
        self._hp_write(check_key(self._hp_key + "." + name), value)

    def __bool__(self) -> bool:
        raise TypeError(
            f"A hyperparameter accessor has no truth value; read {self._hp_key!r} "
            f"with a default (hp.scope.{self._hp_key} | False) or with () for a required value."
        )

    def __repr__(self) -> str:
        try:
            return f"<hyperparameter {self._hp_key!r} = {self()!r}>"
        except KeyError:
            return f"<hyperparameter {self._hp_key!r} (not set)>"


class CurrentKey(_Key):
    """``hp.scope.a.b``: key ``a.b`` in the calling thread's or task's current scope.

    >>> import hyperparameter as hp
    >>> with hp.scope(**{"train.lr": 0.01}):
    ...     hp.scope.train.lr | 0.001
    0.01
    """

    __slots__ = ()

    def _hp_make_child(self, key: str) -> CurrentKey:
        return CurrentKey(key)

    def _hp_find_level(self) -> Level:
        return _get_current()

    def _hp_write(self, key: str, value: Any) -> None:
        write(key, value)

    def __call__(self, default: Any = REQUIRED) -> Any:
        # The hot path of every read: the generic version inlined.
        level = _get_current()
        value = level[self._hp_key]
        if value is ABSENT:
            if default is REQUIRED:
                raise MissingParameterError(self._hp_key)
            if default.__class__ is dict:  # a dict-valued key: gather the keys under it (see _mappings)
                return gathered(level, self._hp_key, default)
            return default
        if type(value) is type(default) or default is None or default is REQUIRED:
            return value
        return convert_once(level, self._hp_key, value, default)

    __or__ = __call__


#: The Python read, which the compiled one (see ``_acceleration``) hands its harder cases to.
read_current = CurrentKey.__call__


class ScopeKey(_Key):
    """``ps.a.b``: key ``a.b`` as seen by the scope object ``ps``."""

    __slots__ = ("_hp_scope",)
    _hp_scope: Any

    def __init__(self, scope: Any, key: str) -> None:
        super().__init__(key)
        _init(self, "_hp_scope", scope)

    def _hp_make_child(self, key: str) -> ScopeKey:
        return ScopeKey(self._hp_scope, key)

    def _hp_find_level(self) -> Level:
        return self._hp_scope._find_level()  # type: ignore[no-any-return]

    def _hp_write(self, key: str, value: Any) -> None:
        self._hp_scope._write(assignment(key, value))
