"""Ray tasks and actors that see the values visible where they are called.

A Ray worker is a process Ray starts and reuses, so it sees none of the
driver's values. :func:`ray_remote` is ``ray.remote`` plus one argument per
call: the values visible at the ``.remote(...)`` call, pickled once for that
call, re-entered in the worker for that call only (as :func:`hp.bind_scope
<hyperparameter.bind_scope>` does). The function or class itself is exported
to the cluster once, as ``ray.remote`` would export it; the values never go
through a ``runtime_env``, which would start a new worker for each distinct
value.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar, overload

from ._engine import innermost
from ._handoff import unpickle_bound
from ._levels import chain_values
from ._origins import sources_of
from ._processes import pack
from .exceptions import MissingDependencyError

T = TypeVar("T")
_INSTALL = "pip install 'hyperparameter[ray]'"


def _pack_payload() -> bytes:
    """Pickle the values visible here, and their sources, for another process."""
    level = innermost()
    return pack(chain_values(level), sources_of(level))


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise MissingDependencyError("ray", "hp.ray_remote", _INSTALL) from error
    return ray


@overload
def ray_remote(target: T) -> Any: ...
@overload
def ray_remote(**options: Any) -> Callable[[T], Any]: ...
def ray_remote(target: Optional[T] = None, **options: Any) -> Any:
    """Wrap ``ray.remote`` so that calls carry the caller's hyperparameters to the task or actor.

    Use it where ``ray.remote`` would go, with the same options. Each
    ``.remote(...)`` call runs with the values visible where it is made, in a
    fresh context: what the task sets is gone when it returns, and an actor's
    next call starts again from the values its caller sees::

        @hp.ray_remote
        def train(seed):
            return hp.scope.train.lr | 0.001

        @hp.ray_remote(num_cpus=1)
        class Evaluator:
            def score(self, x):
                return x * (hp.scope.eval.scale | 1.0)

        with hp.scope(**{"train.lr": 0.01}):
            ray.get(train.remote(0))                     # 0.01
            evaluator = Evaluator.remote()
            ray.get(evaluator.score.remote(2))           # 2.0 (eval.scale is not set here)

    ``.options(...)`` works on the function, on the actor class and on an
    actor's methods, as in Ray. A value that cannot be pickled raises
    :class:`~hyperparameter.UnpicklableValueError` at the call.

    Raises:
        MissingDependencyError: Ray is not installed (``pip install 'hyperparameter[ray]'``).
    """
    if target is None:
        return functools.partial(ray_remote, **options)
    ray = _import_ray()
    if isinstance(target, type):
        remote_class = (
            ray.remote(**options)(_make_scoped_class(target))
            if options
            else ray.remote(_make_scoped_class(target))
        )
        return RemoteClass(remote_class)
    function: Callable[..., Any] = target  # type: ignore[assignment]
    wrapped = (
        ray.remote(**options)(_wrap_for_ray(function)) if options else ray.remote(_wrap_for_ray(function))
    )
    return RemoteFunction(wrapped)


def _wrap_for_ray(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``func`` to take the caller's values first; Ray exports it to the cluster once."""

    def run_in_scope(payload: bytes, *args: Any, **kwargs: Any) -> Any:
        return unpickle_bound(func, payload)(*args, **kwargs)

    # The task's name in Ray's dashboard and errors (no __wrapped__: Ray checks
    # arguments against the signature, which has the payload first).
    run_in_scope.__name__ = getattr(func, "__name__", run_in_scope.__name__)
    run_in_scope.__qualname__ = getattr(func, "__qualname__", run_in_scope.__qualname__)
    run_in_scope.__module__ = getattr(func, "__module__", run_in_scope.__module__)
    return run_in_scope


class _Caller:
    """Something with ``.remote``: calls it with the values visible at each call first."""

    def __init__(self, target: Any, prefix: tuple[Any, ...] = ()) -> None:
        self._target = target
        self._prefix = prefix

    def remote(self, *args: Any, **kwargs: Any) -> Any:
        """Call like Ray's ``.remote``; the call sees the values visible here."""
        return self._target.remote(_pack_payload(), *self._prefix, *args, **kwargs)

    def options(self, **options: Any) -> _Caller:
        """Return the same call with Ray options (``num_cpus``, ``num_returns``, ...)."""
        return type(self)(self._target.options(**options), self._prefix)


class RemoteFunction(_Caller):
    """What :func:`ray_remote` returns for a function: call it with ``.remote(...)``."""


class RemoteClass(_Caller):
    """What :func:`ray_remote` returns for a class: ``.remote(...)`` starts an actor.

    The actor's ``__init__`` runs with the values visible where it is started;
    each method call with the values visible where it is called.
    """

    def remote(self, *args: Any, **kwargs: Any) -> ActorHandle:
        """Start an actor; its ``__init__`` sees the values visible here."""
        return ActorHandle(super().remote(*args, **kwargs))

    def options(self, **options: Any) -> RemoteClass:
        """Return the same class with Ray actor options (``num_cpus``, ``name``, ...)."""
        return RemoteClass(self._target.options(**options))


class ActorHandle:
    """A handle on an actor started by a :class:`RemoteClass`; ``handle.method.remote(...)``."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle  # Ray's own handle, for ray.kill and friends

    def __getattr__(self, name: str) -> _Caller:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Caller(self.handle._hp_call, (name,))

    def __reduce__(self) -> tuple[Any, ...]:
        return ActorHandle, (self.handle,)


def _make_scoped_class(cls: type) -> type:
    """Make a subclass of ``cls`` whose construction and method calls take the caller's values."""

    def __init__(self: Any, payload: bytes, *args: Any, **kwargs: Any) -> None:
        unpickle_bound(functools.partial(cls.__init__, self), payload)(*args, **kwargs)  # type: ignore[misc]

    def _hp_call(self: Any, payload: bytes, name: str, *args: Any, **kwargs: Any) -> Any:
        return unpickle_bound(getattr(self, name), payload)(*args, **kwargs)

    scoped = type(cls.__name__, (cls,), {"__init__": __init__, "_hp_call": _hp_call})
    scoped.__qualname__ = cls.__qualname__
    scoped.__module__ = cls.__module__
    return scoped
