"""``hp.scope``: read, override and roll back hyperparameters.

``hp.scope`` reads and writes the calling context's current values
(``hp.scope.train.lr | 0.001``); calling it builds a :class:`Scope`, a set of
overrides that a ``with`` block makes current and rolls back on exit.

Keys whose first segment is one of the method names (``keys``, ``update``,
``clear``, ``storage``, ``current``, ``empty``, ``frozen``, ``init``) or starts
with ``_`` are read with ``hp.scope["keys.x"]`` instead of attribute access.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Callable, Optional, Union

from ._accessor import CHILD_LIMIT, CurrentKey, ScopeKey, read
from ._engine import amend, enter, find_level, freeze, innermost, leave, make_detached, start, write
from ._keys import are_plain_keywords, assignment, check_key, collect
from ._levels import Level, chain_values
from ._processes import pack, unpack

_init = object.__setattr__
_KEY_CACHE_LIMIT = 4096
_item_accessors: dict[str, CurrentKey] = {}


class StoredKey(str):
    """A key handed out by ``keys()``: indexing a scope with it gives the value.

    This is what makes ``dict(ps)`` and ``{**ps}`` plain dicts of values, while
    ``ps["a.b"]`` with an ordinary string gives an accessor.
    """

    __slots__ = ()


class Storage(Mapping[str, Any]):
    """A read-only snapshot of every value a scope sees.

    >>> import hyperparameter as hp
    >>> with hp.scope(**{"a": 1, "b": 2}) as ps:
    ...     ps.storage().storage()
    {'a': 1, 'b': 2}
    """

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def storage(self) -> dict[str, Any]:
        """Return the values as a new plain dict."""
        return dict(self._values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Storage({self._values!r})"


class Scope:
    """A set of hyperparameter overrides, current inside its ``with`` block.

    Built by ``hp.scope(...)`` from keywords, ``"key=value"`` strings or (nested)
    mappings. ``with`` makes its values current, inheriting everything visible,
    and restores exactly what was there on exit, also when the block raises.

    >>> import hyperparameter as hp
    >>> hp.scope.model.dropout | 0.1
    0.1
    >>> with hp.scope(**{"model.dropout": 0.3}) as ps:
    ...     hp.scope.model.dropout | 0.1, ps.model.dropout()
    (0.3, 0.3)
    >>> hp.scope.model.dropout | 0.1
    0.1

    Values given as strings are converted when read with a default:

    >>> with hp.scope("train.lr=0.1", "train.debug=yes"):
    ...     hp.scope.train.lr | 0.001, hp.scope.train.debug | False
    (0.1, True)
    """

    __slots__ = ("_values",)
    _values: dict[str, Any]
    #: Whether entering sees the values around it; see :class:`_DetachedScope`.
    _inherit = True
    #: Where the values came from (see :class:`SourcedScope`); a plain scope does not say.
    #: (A class attribute, so that asking a plain scope costs no failed lookup.)
    _sources: Optional[Mapping[str, str]] = None
    #: The class a cleared scope becomes (same layout, does not inherit).
    _cleared: type[Scope]

    def __init__(self, /, *args: Union[str, Mapping[str, Any]], **kwargs: Any) -> None:
        if args or not are_plain_keywords(kwargs):
            kwargs = collect(args, kwargs)
        _set_values(self, kwargs)

    # The with block: entering makes the values current, leaving restores
    # exactly what was there before, also when the block raises.
    __enter__: Callable[[Scope], Scope] = enter
    __exit__: Callable[..., None] = leave

    # -- reading ----------------------------------------------------------
    def _find_level(self) -> Level:
        """Return the level this object's reads see in the calling context."""
        level = find_level(self)
        return level if level is not None else make_detached(self._values, self._inherit, self)

    def __getattr__(self, name: str) -> ScopeKey:
        if name.startswith("_"):
            raise AttributeError(name)
        return ScopeKey(self, name)

    def __getitem__(self, key: str) -> Any:
        if type(key) is StoredKey:
            return read(self._find_level(), key, None)
        return ScopeKey(self, check_key(key))

    def __contains__(self, key: object) -> bool:
        return key in chain_values(self._find_level())

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(chain_values(self._find_level()))

    def __repr__(self) -> str:
        return f"hp.scope({chain_values(self._find_level())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # A scope pickles as its own values (a scope object is a set of overrides),
        # each checked so that one that cannot cross is named.
        return _unpickle_scope, (type(self), pack(self._values))

    def keys(self) -> list[str]:
        """Return every key this scope sees.

        >>> import hyperparameter as hp
        >>> hp.scope.empty(a=1, b=2).keys()
        ['a', 'b']
        """
        return [StoredKey(key) for key in chain_values(self._find_level())]

    def storage(self) -> Storage:
        """Return a snapshot of every value this scope sees."""
        return Storage(chain_values(self._find_level()))

    # -- writing ------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            raise AttributeError(f"Cannot set {name!r}: write such keys as ps[{name!r}] = value.")
        self._write(assignment(check_key(name), value))

    def __setitem__(self, key: str, value: Any) -> None:
        self._write(assignment(check_key(key), value))

    def _write(self, updates: dict[str, Any], clear: bool = False) -> None:
        values = {} if clear else dict(self._values)
        values.update(updates)
        _set_values(self, values)
        if clear:
            _init(self, "__class__", self._cleared)
        amend(self, updates, clear)

    def update(self, values: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Scope:
        """Set several values at once (every key is checked first); return the scope.

        >>> import hyperparameter as hp
        >>> hp.scope.empty().update({"a": 1}, b=2).storage().storage()
        {'a': 1, 'b': 2}
        """
        self._write(collect([values] if values is not None else [], kwargs))
        return self

    def clear(self) -> Scope:
        """Remove every value, inherited ones included; return the scope.

        >>> import hyperparameter as hp
        >>> with hp.scope(a=1):
        ...     hp.scope(b=2).clear().keys()
        []
        """
        self._write({}, clear=True)
        return self


def _unpickle_scope(cls: type[Scope], payload: bytes) -> Scope:
    """Rebuild a pickled scope (with its sources, for a :class:`SourcedScope`), not entered."""
    return make_scope(cls, *unpack(payload))


def make_scope(
    cls: type[Scope], values: dict[str, Any], sources: Optional[Mapping[str, str]] = None
) -> Scope:
    """Make a scope of class ``cls`` holding ``values`` as they are (checked already: no flattening)."""
    built = _new_scope(cls)
    _set_values(built, values)
    if sources is not None:
        _init(built, "_sources", sources)
    return built


_set_values = Scope.__dict__["_values"].__set__  # faster than object.__setattr__
_new_scope = object.__new__


class _DetachedScope(Scope):
    """A scope that does not inherit: built by ``hp.scope.empty()`` or cleared."""

    __slots__ = ()
    _inherit = False


class SourcedScope(Scope):
    """A scope whose values say where they came from (``-D``, ``--epochs``, ``-C fast.toml``).

    ``sources`` maps keys to a short text; :func:`~hyperparameter._origins.source_of`
    answers with it while the scope is in force. A key written later through
    the scope object (``ps.x = 1``) no longer claims the source it had.

    >>> import hyperparameter as hp
    >>> from hyperparameter._origins import source_of
    >>> with SourcedScope({"train": {"lr": 0.1}}, {"train.lr": "-C fast.toml"}):
    ...     hp.scope.train.lr | 0.001, source_of("train.lr")
    (0.1, '-C fast.toml')
    """

    __slots__ = ("_sources",)
    _sources: Mapping[str, str]

    def __init__(self, values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
        super().__init__(values)
        _init(self, "_sources", dict(sources))  # consulted only for keys the scope holds

    @classmethod
    def of_checked(cls, values: dict[str, Any], sources: dict[str, str]) -> SourcedScope:
        """Make a sourced scope that owns ``values`` (dotted keys, all valid) and ``sources`` as given.

        The launcher builds one from ten thousand keys of a file it has checked
        already; checking and copying them again would double the cost.
        """
        built = _new_scope(cls)
        _set_values(built, values)
        _init(built, "_sources", sources)
        return built

    def _write(self, updates: dict[str, Any], clear: bool = False) -> None:
        _init(self, "_sources", {} if clear else {k: v for k, v in self._sources.items() if k not in updates})
        super()._write(updates, clear)

    def __reduce__(self) -> tuple[Any, ...]:
        return _unpickle_scope, (type(self), pack(self._values, self._sources))


class _ClearedSourcedScope(SourcedScope):
    """A sourced scope that was cleared: it no longer inherits."""

    __slots__ = ()
    _inherit = False


Scope._cleared = _DetachedScope
SourcedScope._cleared = _ClearedSourcedScope


class _BaseScope(Scope):
    """``hp.scope.current()`` at top level: the calling context's base values."""

    __slots__ = ()

    def _find_level(self) -> Level:
        level: Optional[Level] = find_level(None)
        return level if level is not None else innermost()

    def _write(self, updates: dict[str, Any], clear: bool = False) -> None:
        amend(None, updates, clear)

    def __reduce__(self) -> tuple[Any, ...]:
        # The base is the context's own: it crosses as a scope of the values it holds.
        return _unpickle_scope, (Scope, pack(chain_values(self._find_level())))


class ScopeRoot:
    """The type of ``hp.scope``: reads and writes the current values, builds scopes.

    >>> import hyperparameter as hp
    >>> with hp.scope(x=1):
    ...     hp.scope.x(2), hp.scope.y(2), hp.scope.y | 2
    (1, 2, 2)
    >>> with hp.scope():
    ...     hp.scope.z = 3
    ...     hp.scope.z | 0, hp.scope["z"] | 0
    (3, 3)
    """

    __slots__ = ("__dict__",)

    def __call__(self, /, *args: Union[str, Mapping[str, Any]], **kwargs: Any) -> Scope:
        # Builds the Scope without type.__call__ and __init__: entering a
        # fresh scope in a hot loop is a documented speed target.
        if args or not are_plain_keywords(kwargs):
            kwargs = collect(args, kwargs)
        built = _new_scope(Scope)
        _set_values(built, kwargs)
        return built

    def __getattr__(self, name: str) -> CurrentKey:
        if name.startswith("_"):
            raise AttributeError(name)
        accessor = CurrentKey(name)
        cached = self.__dict__
        if len(cached) < CHILD_LIMIT:
            cached[name] = accessor
        return accessor

    def __setattr__(self, name: str, value: Any) -> None:
        write(check_key(name), value)

    def __getitem__(self, key: str) -> CurrentKey:
        # A cache of its own: the instance dict holds attribute names only, and
        # an item key such as "current" must not hide the method of that name.
        accessor = _item_accessors.get(key) if type(key) is str else None
        if accessor is None:
            accessor = CurrentKey(check_key(key))
            if len(_item_accessors) >= _KEY_CACHE_LIMIT:
                _item_accessors.clear()
            _item_accessors[key] = accessor
        return accessor

    def __setitem__(self, key: str, value: Any) -> None:
        write(check_key(key), value)

    def __contains__(self, key: object) -> bool:
        return key in chain_values(innermost())

    def __instancecheck__(self, instance: object) -> bool:
        return isinstance(instance, Scope)

    def __repr__(self) -> str:
        return f"<hp.scope {chain_values(innermost())!r}>"

    def keys(self) -> list[str]:
        """Return every key visible in the calling context."""
        return self.current().keys()

    def storage(self) -> Storage:
        """Return a snapshot of every value visible in the calling context."""
        return self.current().storage()

    # Writes through hp.scope change the innermost active block, and end with it, as
    # hp.scope.a = 1 does; writes through a scope object (ps.update, ps.clear) change it.
    def update(self, values: Optional[Mapping[str, Any]] = None, **kwargs: Any) -> Scope:
        """Set several values in the innermost active block (every key checked first); return its scope.

        Like ``hp.scope.a = 1``, the values end with the block: the scope
        object is not changed, so its next ``with`` starts from its own values.

        >>> import hyperparameter as hp
        >>> ps = hp.scope(a=1)
        >>> with ps:
        ...     _ = hp.scope.update(b=2)
        ...     hp.scope.b | 0
        2
        >>> with ps:
        ...     hp.scope.b | 0
        0
        """
        amend(innermost().owner, collect([values] if values is not None else [], kwargs))
        return self.current()

    def clear(self) -> Scope:
        """Hide every value, inherited ones included, until the innermost active block ends; return its scope.

        >>> import hyperparameter as hp
        >>> ps = hp.scope(a=1)
        >>> with ps:
        ...     _ = hp.scope.clear()
        ...     hp.scope.a | 0
        0
        >>> with ps:
        ...     hp.scope.a | 0
        1
        """
        amend(innermost().owner, {}, clear=True)
        return self.current()

    @staticmethod
    def empty(*args: Union[str, Mapping[str, Any]], **kwargs: Any) -> Scope:
        """Return a scope that does not inherit the values around it.

        >>> import hyperparameter as hp
        >>> with hp.scope(inherited=1):
        ...     with hp.scope.empty(fresh=2) as ps:
        ...         ps.inherited("missing"), ps.fresh()
        ('missing', 2)
        """
        return _DetachedScope(*args, **kwargs)

    @staticmethod
    def current() -> Scope:
        """Return the innermost active scope of the calling thread or task.

        At top level that is the context's base: values written to it stay
        until the thread (or task) ends, and no other thread or task sees them.
        """
        owner = innermost().owner
        return owner if isinstance(owner, Scope) else _BaseScope()

    @staticmethod
    def frozen() -> None:
        """Publish the values visible here as the starting point of every new thread.

        Processes that :mod:`multiprocessing` starts from then on (pools
        included, whatever the start method) start from them too.

        >>> import hyperparameter as hp, threading
        >>> with hp.scope(**{"global_config": 42}):
        ...     hp.scope.frozen()
        >>> seen = []
        >>> worker = threading.Thread(target=lambda: seen.append(hp.scope.global_config()))
        >>> worker.start(); worker.join()
        >>> seen
        [42]
        """
        freeze()

    @staticmethod
    def init(params: Optional[Mapping[str, Any]] = None) -> None:
        """Start the calling thread (or task) afresh: the frozen baseline plus ``params``.

        Call it first thing in a thread; inside an active scope it raises ScopeError.
        """
        start(collect([params] if params is not None else [], {}))


scope = ScopeRoot()
