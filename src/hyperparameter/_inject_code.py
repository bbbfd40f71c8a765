"""The wrapper ``@hp.param`` writes for a plain Python function: its own signature, compiled.

Each parameter with a default defaults to ``UNSET`` in the wrapper, so that
Python itself binds a call's arguments (and refuses a bad call with the
function's own message). The parameters the call left out then get what the
current scope supplies, else the function's own defaults, worked out once per
level by the binder (``_inject._FillingBinder``); the function is called with
every argument spelled out, the cheapest call Python has. A function whose
signature may not be its own (``__signature__``, ``__wrapped__``) gets the
general wrapper of :mod:`~hyperparameter._inject` instead.

The code is written for the shape of the parameters (their kinds, which have
a default, the names of the keyword-only ones), with the parameters numbered,
and compiled once per shape: each function's wrapper then takes its own names
for them (``code.replace``), so decorating costs no compilation for most
functions of a program, which share a few shapes.

>>> import inspect
>>> def train(data, lr=0.1, *, epochs=10):
...     pass
>>> print(source(list(inspect.signature(train).parameters.values())))
def _hp_make(_hp_binder, _hp_func, _hp_unset):
    def _hp_wrapper(_hp_p0, _hp_p1=_hp_unset, *, _hp_p2=_hp_unset):
        _hp_level = _hp_here._get_current()
        _hp_supply = _hp_binder.remembered
        if _hp_supply[0] is not _hp_level:
            _hp_supply = _hp_binder.remember(_hp_level)
        if _hp_p1 is _hp_unset:
            _hp_p1 = _hp_supply[1]
        if _hp_p2 is _hp_unset:
            _hp_p2 = _hp_supply[2]
        return _hp_func(_hp_p0, _hp_p1, epochs=_hp_p2)
    return _hp_wrapper
"""

from __future__ import annotations

import functools
import inspect
import sys
import types
from collections.abc import Mapping, Sequence
from typing import Any, Callable

from ._generators import follow_reader

_get_current = follow_reader(globals())  # see _generators: current.get while no generator has a block open
_Parameter = inspect.Parameter
_POSITIONAL_ONLY, _VAR_POSITIONAL, _KEYWORD_ONLY = (
    _Parameter.POSITIONAL_ONLY,
    _Parameter.VAR_POSITIONAL,
    _Parameter.KEYWORD_ONLY,
)
# The names the written code uses: a function with a parameter (or local) so named gets the general wrapper.
_OWN_NAMES = frozenset(
    (
        "_hp_make",
        "_hp_binder",
        "_hp_func",
        "_hp_unset",
        "_hp_wrapper",
        "_hp_level",
        "_hp_supply",
        "_hp_here",
    )
)


class _Unset:
    """The default of a written wrapper's filled parameters: the call left them out."""

    def __repr__(self) -> str:
        return "<set by @hp.param>"

    def __reduce__(self) -> str:
        return "UNSET"  # pickled by name: a wrapper sent by value gets the receiver's one


UNSET: Any = _Unset()
# What the written code calls to find the current level: this module, whose _get_current
# follows the generator switch, and which a wrapper pickled by value (cloudpickle) refers
# to by name, as it does to any module, rather than copying the bound reader.
_hp_here = sys.modules[__name__]
#: How the file name of every written wrapper's code starts: its frames are the library's.
FILE_PREFIX = "<@hp.param "


def source(parameters: Sequence[inspect.Parameter]) -> str:
    """Write the wrapper's code for a function with these parameters (those with a default are filled)."""
    kinds = [parameter.kind for parameter in parameters] + [None]
    declared: list[str] = []
    passed: list[str] = []
    fills: list[str] = []
    for index, parameter in enumerate(parameters):
        name, kind = _numbered(index), parameter.kind
        if kind is _KEYWORD_ONLY and _VAR_POSITIONAL not in kinds and kinds[index - 1] is not _KEYWORD_ONLY:
            declared.append("*")
        star = "*" if kind is _VAR_POSITIONAL else "**" if kind is _Parameter.VAR_KEYWORD else ""
        if parameter.default is _Parameter.empty:
            declared.append(star + name)
        else:
            declared.append(f"{name}=_hp_unset")
            fills.append(
                f"        if {name} is _hp_unset:\n            {name} = _hp_supply[{len(fills) + 1}]\n"
            )
        if kind is _POSITIONAL_ONLY and kinds[index + 1] is not _POSITIONAL_ONLY:
            declared.append("/")
        passed.append(f"{parameter.name}={name}" if kind is _KEYWORD_ONLY else star + name)
    return (
        "def _hp_make(_hp_binder, _hp_func, _hp_unset):\n"
        f"    def _hp_wrapper({', '.join(declared)}):\n"
        "        _hp_level = _hp_here._get_current()\n"
        "        _hp_supply = _hp_binder.remembered\n"
        "        if _hp_supply[0] is not _hp_level:\n"
        "            _hp_supply = _hp_binder.remember(_hp_level)\n"
        f"{''.join(fills)}"
        f"        return _hp_func({', '.join(passed)})\n"
        "    return _hp_wrapper"
    )


def writable(func: Callable[..., Any]) -> bool:
    """Whether ``func`` can have a written wrapper: a plain function, showing its own signature."""
    return (
        type(func) is types.FunctionType
        and "__signature__" not in func.__dict__
        and not hasattr(func, "__wrapped__")
        and not _OWN_NAMES.intersection(func.__code__.co_varnames)
    )


def write(
    func: types.FunctionType, signature: Mapping[str, inspect.Parameter], binder: Any
) -> Callable[..., Any]:
    """Return the written wrapper of ``func`` (see :func:`writable`), whose parameters are ``signature``.

    ``binder.remembered`` and ``binder.remember(level)`` are ``(level, *values)``:
    a value for each parameter with a default, in order.
    """
    parameters = list(signature.values())
    wrapper: Any = _maker(source(parameters))(binder, func, UNSET)
    code = wrapper.__code__
    own = {_numbered(index): parameter.name for index, parameter in enumerate(parameters)}
    names = {"co_name": func.__code__.co_name}
    if sys.version_info >= (3, 11):
        names["co_qualname"] = func.__code__.co_qualname
    # The parameters take the function's names (Python binds keywords and words its errors by
    # them); tracebacks name the function, and so do the errors of a bad call on Python 3.9.
    wrapper.__code__ = code.replace(
        co_varnames=tuple(own.get(name, name) for name in code.co_varnames),
        co_filename=f"{FILE_PREFIX}{func.__qualname__}>",
        **names,
    )
    if wrapper.__kwdefaults__:  # keyword-only defaults are held by name
        wrapper.__kwdefaults__ = {own[name]: value for name, value in wrapper.__kwdefaults__.items()}
    return wrapper  # type: ignore[no-any-return]


def _numbered(index: int) -> str:
    """Name the written code's parameter at ``index``, before it takes the function's own name."""
    return f"_hp_p{index}"


@functools.lru_cache(maxsize=256)
def _maker(text: str) -> Callable[..., Any]:
    """Compile a wrapper's code once for every function whose parameters have the same shape."""
    namespace: dict[str, Any] = {}
    exec(compile(text, "<@hp.param>", "exec"), globals(), namespace)
    return namespace["_hp_make"]  # type: ignore[no-any-return]
