"""``@hp.param``: fill a function's defaulted arguments from the current scope.

Priority: arguments passed explicitly (positionally or by keyword) > values in
the current scope under ``<namespace>.<parameter>`` (converted to the
default's type, or read by the annotation when it names another type, such as
``Optional[int] = None``) > the signature's defaults.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import linecache
import types
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union, cast, overload

from . import _inject_code
from ._annotations import evaluate_annotations
from ._convert import convert, convert_declared, reads_by_annotation, type_name
from ._generators import follow_reader
from ._inject_code import writable, write
from ._keys import check_key
from ._levels import ABSENT, Level, is_lasting, remember_at
from ._mappings import gathered

if TYPE_CHECKING:
    from ._description import Description

F = TypeVar("F", bound=Callable[..., Any])
EMPTY = inspect.Parameter.empty
_get_current = follow_reader(globals())  # see _generators: current.get while no generator has a block open
_KEYWORD_ONLY = 1 << 30  # a position no call reaches: the argument is never positional
_UNIONS = (typing.Union, getattr(types, "UnionType", typing.Union))  # Optional[X] and X | None
# How a call is completed: positional arguments after the given ones, keyword arguments.
_Plan = tuple[tuple[Any, ...], dict[str, Any]]
_Signature = collections.abc.Mapping[str, inspect.Parameter]


# What one level supplies to a decorated function (see _Binder.remember), a plain
# tuple because the hot path indexes it faster than it reads a named tuple's fields:
# (level, converted values by parameter name, plans by number of positional
# arguments, then the positional and keyword arguments of a call without any).
_Supply = tuple[Any, dict[str, Any], dict[int, _Plan], tuple[Any, ...], dict[str, Any]]
_NO_SUPPLY: _Supply = (None, {}, {}, (), {})


@dataclass(frozen=True)
class InjectedParameter:
    """One injectable parameter of a decorated function.

    >>> import hyperparameter as hp
    >>> @hp.param("train")
    ... def train(lr=0.001):
    ...     return lr
    >>> [(each.name, each.key, each.default) for each in train.__hyperparameter__.parameters]
    [('lr', 'train.lr', 0.001)]
    """

    name: str
    key: str
    default: Any
    annotation: Any = inspect.Parameter.empty


@dataclass(frozen=True)
class ParamInfo:
    """What ``@hp.param`` recorded on a decorated object, as ``obj.__hyperparameter__``.

    >>> import hyperparameter as hp
    >>> @hp.param("train")
    ... def train(data, lr=0.001, epochs=10):
    ...     pass
    >>> info = train.__hyperparameter__
    >>> info.namespace, [p.key for p in info.parameters]
    ('train', ['train.lr', 'train.epochs'])
    """

    namespace: str
    function: Callable[..., Any]
    parameters: tuple[InjectedParameter, ...] = field(default=())

    def describe(self) -> list[Description]:
        """Describe each injected parameter: key, default, type, docstring text and place.

        Built when asked (``-lps``, ``-ep``, the launcher's checks), never when decorating.

        >>> import hyperparameter as hp
        >>> @hp.param("train")
        ... def train(lr: float = 0.001, epochs=10):
        ...     '''Train.
        ...
        ...     Args:
        ...         lr: Learning rate.
        ...     '''
        >>> [
        ...     (d.key, d.default, d.type_name, d.description, d.function)
        ...     for d in train.__hyperparameter__.describe()
        ... ]
        [('train.lr', '0.001', 'float', 'Learning rate.', 'train'), ('train.epochs', '10', 'int', '', 'train')]
        """  # noqa: E501
        from ._description import Description
        from ._docstrings import parse_docstring

        func = inspect.unwrap(self.function)
        doc = parse_docstring(func.__doc__)
        code = getattr(func, "__code__", None)
        path, line = (code.co_filename, _def_line(code)) if code else ("?", 0)
        name = getattr(func, "__qualname__", self.namespace)
        if name.endswith(".__init__"):  # a decorated class: its parameters are the class's
            name = name[: -len(".__init__")]
        annotations = evaluate_annotations(func)
        return [
            Description(
                p.key,
                repr(p.default),
                type_name(annotations[p.name]) if p.name in annotations else _type_of(p.default),
                self.namespace,
                name,
                path,
                line,
                doc.params.get(p.name, ""),
                "param",
            )
            for p in self.parameters
        ]


def holds_dict(annotation: Any) -> bool:
    """Whether an annotation names a dict (``dict``, ``Dict[str, int]``, ``Mapping``, ``Optional[dict]``).

    >>> holds_dict(dict), holds_dict(typing.Optional[typing.Dict[str, int]]), holds_dict(int)
    (True, True, False)
    """
    origin = typing.get_origin(annotation) or annotation
    if origin in _UNIONS:
        return any(holds_dict(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return isinstance(origin, type) and issubclass(origin, collections.abc.Mapping)


def _type_of(default: Any) -> str:
    return type(default).__name__ if default is not None else ""


def _def_line(code: types.CodeType) -> int:
    """Return the line of the ``def`` itself: a decorated function's code starts at its first decorator."""
    for line in range(code.co_firstlineno, code.co_firstlineno + 100):
        text = linecache.getline(code.co_filename, line)
        if not text:
            break
        if text.lstrip().startswith(("def ", "async def ")):
            return line
    return code.co_firstlineno


def _parameters(signature: _Signature, namespace: str) -> tuple[InjectedParameter, ...]:
    found = []
    for name, parameter in signature.items():
        if parameter.default is not parameter.empty:
            key = check_key(f"{namespace}.{name}")
            found.append(InjectedParameter(name, key, parameter.default, parameter.annotation))
    return tuple(found)


def _positions(signature: _Signature) -> dict[str, int]:
    """Where each parameter sits in a positional call; keyword-only ones never do."""
    positions = {}
    for index, parameter in enumerate(signature.values()):
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            positions[parameter.name] = index
    return positions


class _Binder:
    """Completes one decorated function's calls with values from the scope.

    What a level supplies is computed once per level and remembered: levels
    never change once published, so a call in a hot loop inside one scope
    costs one identity check. It is forgotten when the level's block ends,
    so that nothing of an ended block stays alive. A call that passes only positional arguments
    gets the values right after its own positionally, the cheapest call Python
    has, and the others by keyword (a plan remembered per number of
    arguments); a call with keywords gets them merged with its own.
    """

    def __init__(
        self, func: Callable[..., Any], signature: _Signature, parameters: tuple[InjectedParameter, ...]
    ) -> None:
        positions = _positions(signature)
        self.positional_only = tuple(
            (positions[p.name], p)
            for p in parameters
            if signature[p.name].kind is inspect.Parameter.POSITIONAL_ONLY
        )
        self.by_name = tuple(
            (p.name, p.key, p.default)
            for p in parameters
            if signature[p.name].kind is not inspect.Parameter.POSITIONAL_ONLY
        )
        self.position = {p.name: positions.get(p.name, _KEYWORD_ONLY) for p in parameters}
        #: The names of the positional parameters, in order.
        self.positional_names = tuple(positions)
        self.func = func
        self.parameters = parameters
        #: The parameters a level's supply holds values for: those passable by keyword.
        self.supplied = self.by_name
        self.remembered: Any = _NO_SUPPLY
        self._dict_valued: Optional[frozenset[str]] = None
        self._declared: Optional[dict[str, Any]] = None

    def dict_valued(self) -> frozenset[str]:
        """Return the names of the parameters that hold a dict (by default or annotation), worked out once.

        An unset one gathers the keys under its key (see ``_mappings``). Asked
        on a miss only, so a decorated function evaluates its annotations when
        a call first misses, not when it is decorated.
        """
        if self._dict_valued is None:
            annotations = evaluate_annotations(self.func)
            self._dict_valued = frozenset(
                p.name
                for p in self.parameters
                if isinstance(p.default, dict) or holds_dict(annotations.get(p.name, EMPTY))
            )
        return self._dict_valued

    def declared(self) -> dict[str, Any]:
        """Return the annotations of the parameters that read by them, by name, worked out once.

        Those whose annotation names another type than their default's
        (``Optional[int] = None``, ``Union[int, Literal["auto"]] = "auto"``):
        a value reaches them as the command line's options give it. Asked when
        a level first sets one of the function's keys, never when decorating.
        """
        if self._declared is None:
            self._declared = {}
            if any(p.annotation is not EMPTY for p in self.parameters):
                annotations = evaluate_annotations(self.func)
                self._declared = {
                    p.name: annotations[p.name]
                    for p in self.parameters
                    if p.name in annotations and reads_by_annotation(annotations[p.name], p.default)
                }
        return self._declared

    def read(self, key: str, name: str, value: Any, default: Any) -> Any:
        """Return a scope's ``value`` for parameter ``name``, by its annotation or its default's type."""
        annotation = self.declared().get(name, EMPTY)
        if annotation is EMPTY:
            return convert(key, value, default)
        return convert_declared(key, value, default, annotation)

    def supply_at(self, level: Level) -> Any:
        """Return what ``level`` supplies: remembered, or worked out now."""
        supply = self.remembered
        return supply if supply[0] is level else self.remember(level)

    def remember(self, level: Level) -> Any:
        """Work out what ``level`` supplies, and remember it for the next call when it can be shared."""
        values = {}
        shareable = is_lasting(level)
        for name, key, default in self.supplied:
            value = level[key]
            if value is not ABSENT:
                annotation = (self._declared if self._declared is not None else self.declared()).get(
                    name, EMPTY
                )
                if annotation is EMPTY:
                    converted = values[name] = convert(key, value, default)
                else:
                    converted = values[name] = convert_declared(key, value, default, annotation)
                if converted is not value and isinstance(converted, (list, dict, set)):
                    shareable = False  # each call gets its own freshly parsed container
            elif name in self.dict_valued():
                merged = gathered(level, key, default)
                if merged is not default:
                    values[name] = merged
                    shareable = False  # each call gets its own dict
        supply = self.package(level, values)
        if shareable:
            self.remembered = supply
            remember_at(level, self)
        return supply

    def package(self, level: Level, values: dict[str, Any]) -> _Supply:
        """Return what the general wrapper keeps for ``level``: the values, and how a call passes them."""
        plans: dict[int, _Plan] = {}
        return (level, values, plans, *self.plan(values, plans, 0))

    def _hp_forget(self, level: Level) -> None:
        """Drop what ``level`` supplied: its block has ended."""
        if self.remembered[0] is level:
            self.remembered = _NO_SUPPLY

    def __reduce__(self) -> tuple[Any, ...]:
        # A decorated function sent by value (cloudpickle) gets a fresh binder: no level travels.
        return (_rebuild_binder, (type(self), self.func, self.parameters))

    def plan(self, values: dict[str, Any], plans: dict[int, _Plan], given: int) -> _Plan:
        """How a call passing ``given`` positional arguments, no keywords, gets the scope's values.

        The values of the positional parameters right after the given ones go
        positionally, as far as the scope sets them without a gap; the others go
        by keyword. A parameter the scope leaves alone is never passed, so
        the function fills it with its own default, as without the scope.
        """
        plan = plans.get(given)
        if plan is None:
            names = self.positional_names
            stop = given
            while stop < len(names) and names[stop] in values:
                stop += 1
            passed = set(names[:stop])
            plan = plans[given] = (
                tuple(values[name] for name in names[given:stop]),
                {name: value for name, value in values.items() if name not in passed},
            )
        return plan

    def merge(self, values: dict[str, Any], given: int, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Scope values for the parameters the call left out, then the call's keywords."""
        position = self.position
        merged = {
            name: value for name, value in values.items() if position[name] >= given and name not in kwargs
        }
        merged.update(kwargs)
        return merged

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Complete a call's arguments: explicit ones win, then the scope, then defaults."""
        level = _get_current()
        if self.positional_only:
            args = self._fill_positional(level, args)
        return args, self.merge(self.supply_at(level)[1], len(args), kwargs)

    def _fill_positional(self, level: Level, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """Append positional-only parameters the call left out (they have no keyword)."""
        first, last = self.positional_only[0][0], self.positional_only[-1][0]
        if not first <= len(args) <= last:
            return args  # either all given, or a required one is missing: Python will say so
        extra = []
        for position, parameter in self.positional_only:
            if position >= len(args):
                value = level[parameter.key]
                if value is not ABSENT:
                    extra.append(self.read(parameter.key, parameter.name, value, parameter.default))
                elif parameter.name in self.dict_valued():
                    extra.append(gathered(level, parameter.key, parameter.default))
                else:
                    extra.append(parameter.default)
        return args + tuple(extra)


def _rebuild_binder(
    cls: type[_Binder], func: Callable[..., Any], parameters: tuple[InjectedParameter, ...]
) -> _Binder:
    """Make ``func``'s binder again where a decorated function was unpickled."""
    return cls(func, inspect.signature(func).parameters, parameters)


class _FillingBinder(_Binder):
    """The binder of a written wrapper (see ``_inject_code``): a level supplies a value for every
    parameter with a default, the scope's or else the function's own, as ``(level, *values)``."""

    def __init__(
        self, func: Callable[..., Any], signature: _Signature, parameters: tuple[InjectedParameter, ...]
    ) -> None:
        super().__init__(func, signature, parameters)
        self.supplied = tuple((p.name, p.key, p.default) for p in parameters)

    def package(self, level: Level, values: dict[str, Any]) -> tuple[Any, ...]:
        """Return ``(level, *values)``: each parameter's value in the scope, else its default as held now."""
        func: Any = self.func
        names = self.positional_names
        defaults = dict(zip(names[len(names) - len(func.__defaults__ or ()) :], func.__defaults__ or ()))
        defaults.update(func.__kwdefaults__ or {})
        return (level, *[values[p.name] if p.name in values else defaults[p.name] for p in self.parameters])


class _CallBound(functools.partial):  # type: ignore[type-arg]
    """A decorated generator, coroutine or async generator function.

    Its arguments are completed when it is called, like any Python call binds
    its arguments, not when its body first runs. Being a ``functools.partial``
    with nothing bound, it stays a generator (or coroutine) function for
    ``inspect`` and ``asyncio`` on every Python version, and ``send``,
    ``throw``, ``close`` and the return value are the wrapped object's own.
    """

    _hp_bind: Callable[..., tuple[tuple[Any, ...], dict[str, Any]]]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = self._hp_bind(args, kwargs)
        return self.func(*args, **kwargs)

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def __repr__(self) -> str:
        return f"<@hp.param {self.func!r}>"


def _wrap_function(func: Callable[..., Any], namespace: str) -> Callable[..., Any]:
    signature = inspect.signature(func).parameters
    parameters = _parameters(signature, namespace)
    wrapper: Any
    if (
        inspect.iscoroutinefunction(func)
        or inspect.isgeneratorfunction(func)
        or inspect.isasyncgenfunction(func)
    ):
        wrapper = _CallBound(func)
        wrapper._hp_bind = _Binder(func, signature, parameters).bind
    elif writable(func):
        binder = _FillingBinder(func, signature, parameters)
        wrapper = write(cast(types.FunctionType, func), signature, binder)
    else:
        wrapper = _general_wrapper(func, _Binder(func, signature, parameters))
    functools.update_wrapper(wrapper, func)
    wrapper.__hyperparameter__ = ParamInfo(namespace, func, parameters)
    return wrapper  # type: ignore[no-any-return]


def _general_wrapper(func: Callable[..., Any], binder: _Binder) -> Callable[..., Any]:
    """Wrap any callable: its arguments are completed by ``binder``, whatever its signature shows."""
    if binder.positional_only:
        bind = binder.bind

        def binding(*args: Any, **kwargs: Any) -> Any:
            args, kwargs = bind(args, kwargs)
            return func(*args, **kwargs)

        return binding
    remember, plan_for, merge = binder.remember, binder.plan, binder.merge

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # The hot path of every injected call: supply_at and the plan lookup, inlined. The
        # reader is looked up on its module, which a copy made by cloudpickle refers to by name.
        level = _inject_code._get_current()
        supply = binder.remembered
        if supply[0] is not level:
            supply = remember(level)
        if not args and not kwargs:
            if supply[4]:
                return func(*supply[3], **supply[4])
            return func(*supply[3])
        if kwargs:
            return func(*args, **merge(supply[1], len(args), kwargs))
        positional, keywords = supply[2].get(len(args)) or plan_for(supply[1], supply[2], len(args))
        return func(*args, *positional, **keywords) if keywords else func(*args, *positional)

    return wrapper


def _wrap_class(cls: type, namespace: str) -> type:
    init = cls.__init__  # type: ignore[misc]
    wrapped = _wrap_function(init, namespace)
    cls.__init__ = wrapped  # type: ignore[misc]
    cls.__hyperparameter__ = ParamInfo(namespace, init, wrapped.__hyperparameter__.parameters)  # type: ignore[attr-defined]
    return cls


def _decorate(target: Any, namespace: Optional[str]) -> Any:
    if isinstance(target, (staticmethod, classmethod)):
        return type(target)(_decorate(target.__func__, namespace))
    if not callable(target):
        raise TypeError(f"@hp.param decorates functions and classes, not {target!r}.")
    name = check_key(namespace if namespace is not None else target.__name__)
    if isinstance(target, type):
        return _wrap_class(target, name)
    return _wrap_function(target, name)


@overload
def param(target: F) -> F: ...
@overload
def param(target: Optional[str] = None) -> Callable[[F], F]: ...


def param(target: Union[F, str, None] = None) -> Union[F, Callable[[F], F]]:
    """Fill a function's (or class's) defaulted parameters from the current scope.

    The values live under ``<namespace>.<parameter>``; the namespace is the
    given string (dotted names allowed), else the function's or class's name.

    >>> import hyperparameter as hp
    >>> @hp.param("train")
    ... def train(lr=1e-3, batch_size=32, epochs=10):
    ...     return lr, batch_size, epochs
    >>> train()
    (0.001, 32, 10)
    >>> with hp.scope(**{"train.lr": 5e-4, "train.batch_size": "64"}):
    ...     train()
    (0.0005, 64, 10)
    >>> with hp.scope(**{"train.lr": 5e-4}):
    ...     train(1e-2)
    (0.01, 32, 10)

    Classes stay classes; their ``__init__`` parameters are injected:

    >>> @hp.param
    ... class Model:
    ...     def __init__(self, hidden_size=256, dropout=0.1):
    ...         self.hidden_size = hidden_size
    >>> with hp.scope(**{"Model.hidden_size": 512}):
    ...     Model().hidden_size
    512
    """
    if target is None or isinstance(target, str):
        namespace = target
        return lambda decorated: _decorate(decorated, namespace)
    return _decorate(target, None)  # type: ignore[no-any-return]
