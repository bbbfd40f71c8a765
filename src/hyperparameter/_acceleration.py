"""Compiled fast paths: switched on when the ``_speedups`` extension is built.

``pip install`` compiles ``_speedups.c`` when a C compiler and the Python
headers are at hand. The compiled functions take the common case of the hot
operations: building a scope (``hp.scope(**values)``), entering and leaving
its ``with`` block, naming a key (``hp.scope.a.b``) and reading it
(``hp.scope.a.b | 1``, ``hp.scope.a.b(1)``, ``hp.scope.a.b()``); and they join the dotted keys of a
config file the launcher loads with ``-C``. Every other case they hand to the
Python code they stand in for, which stays the definition of the behaviour:
without a compiler, or with the environment variable
``HYPERPARAMETER_PURE_PYTHON=1`` set before the import, the library runs on
that Python code alone and behaves the same, only slower. ``ACTIVE`` says
which code runs, for diagnostics; the answers are the same either way:

>>> import hyperparameter as hp
>>> with hp.scope(**{"train.lr": "0.01"}):
...     hp.scope.train.lr | 0.001, hp.scope.train.lr(), hp.scope.train.epochs | 10
(0.01, '0.01', 10)
"""

from __future__ import annotations

import inspect
import os
import sys
from types import ModuleType
from typing import Any, Callable, Optional

from . import _accessor, _engine, _generators, _keys, _levels, _scope

DISABLE_VARIABLE = "HYPERPARAMETER_PURE_PYTHON"
# The version of the contract between this module and _speedups.c; a build of
# another version (a stale build in a source tree) is not used.
_INTERFACE = 7


def _load_compiled() -> Optional[ModuleType]:
    """Return the extension module, or None when it is not built, is stale or is switched off."""
    if os.environ.get(DISABLE_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    return _speedups if getattr(_speedups, "INTERFACE", None) == _INTERFACE else None


def configuration() -> dict[str, Any]:
    """Return what ``_speedups.configure`` is handed: the Python objects the compiled code works with."""
    return {
        "current": _levels.current,
        "Level": _levels.Level,
        "Scope": _scope.Scope,
        "DetachedScope": _scope._DetachedScope,
        "Key": _accessor._Key,
        "UNPINNED": _levels.UNPINNED,
        "ABSENT": _levels.ABSENT,
        "contextlib_globals": sys.modules["contextlib"].__dict__,
        "checked_keys": _keys._checked,
        "plain_types": _keys._PLAIN_TYPES,
        "REQUIRED": _accessor.REQUIRED,
        "enter": _engine.enter,
        "leave": _engine.leave,
        "collect": _keys.collect,
        "read": _accessor.read_current,
        "forget": _levels.forget,
    }


def _install(speedups: ModuleType) -> bool:
    """Hand the Python objects to the compiled code and switch it on; False if it refuses.

    Its state is per process: it serves the first interpreter that imports the
    package and refuses any other (a subinterpreter), which then runs on the
    Python code.
    """
    current_key = _accessor.CurrentKey
    try:
        speedups.configure(**configuration())
    except ImportError:
        return False
    speedups.configure_record(
        RecordLevel=_levels.RecordLevel, first_read=_levels.first_read, RECORDS=_levels.RECORDS
    )
    _generators.use_compiled(speedups.visible, speedups.use_generator_blocks)
    _keys._join_into = speedups.join_into
    _scope.Scope.__enter__ = speedups.method("__enter__", _scope.Scope)
    _scope.Scope.__exit__ = speedups.method("__exit__", _scope.Scope)
    python_call = _scope.ScopeRoot.__dict__["__call__"]
    if inspect.isfunction(python_call):  # not yet replaced (this module may be reloaded)
        # The builder is a builtin, not a method: it takes the arguments without self.
        # inspect cannot see through it, so hp.scope keeps the Python one's signature.
        signature = inspect.signature(python_call)
        _scope.scope.__dict__["__signature__"] = signature.replace(
            parameters=list(signature.parameters.values())[1:]
        )
    _scope.ScopeRoot.__call__ = speedups.build_scope  # type: ignore[method-assign]
    current_key.__or__ = speedups.method("__or__", current_key)  # type: ignore[method-assign]
    current_key.__call__ = speedups.method("__call__", current_key)  # type: ignore[method-assign]
    speedups.direct_call(current_key)  # after the assignment, which resets the call slot
    speedups.direct_getattr(current_key)
    speedups.direct_getattr(_scope.ScopeRoot)
    return True


_speedups = _load_compiled()
#: Whether the compiled fast paths are in use.
ACTIVE = _speedups is not None and _install(_speedups)


def compiled(name: str) -> Optional[Callable[..., Any]]:
    """Return the compiled function ``name`` when the fast paths are in use, else None.

    For the modules that load after this one (reading config files): each takes
    its compiled stand-in as it loads, and keeps its Python function otherwise.

    >>> compiled("no_such_function") is None
    True
    >>> compiled("deeper_than") is (_speedups.deeper_than if ACTIVE else None)
    True
    """
    return getattr(_speedups, name, None) if ACTIVE else None
