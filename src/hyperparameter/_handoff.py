"""Hand the caller's scope to code that runs in another thread, pool task or process.

A new thread starts from the frozen baseline, and a pool worker runs each task
in its own thread's context, so values set around a hand-off do not follow the
work. :func:`bind_scope` captures them where the work is handed off; the
result pickles, so the values also reach a process pool, Dask or Ray worker.
"""

from __future__ import annotations

import contextvars
import types
from collections.abc import AsyncGenerator, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar

from ._engine import innermost
from ._levels import Level, chain_values, current, forget, make_level
from ._origins import sources_of
from ._processes import InheritedSources, find_reporters, open_records, pack, unpack
from ._scope import SourcedScope, make_scope

if TYPE_CHECKING:
    from typing import ParamSpec

    P = ParamSpec("P")

R = TypeVar("R")


def bind_scope(func: Callable[P, R]) -> Callable[P, R]:
    """Return ``func`` bound to the values visible now, for another thread, pool or process.

    Each call runs in a fresh copy of the calling thread's context with those
    values current, so what the call sets (inside ``with`` blocks or not) is
    dropped when it returns: nothing leaks back, and a pool worker keeps
    nothing from one task to the next.

    >>> import concurrent.futures, hyperparameter as hp
    >>> def rerank():
    ...     return hp.scope.rerank.threshold | 0.8
    >>> with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    ...     with hp.scope(**{"rerank.threshold": 0.5}):
    ...         future = pool.submit(hp.bind_scope(rerank))
    ...     future.result()
    0.5

    A coroutine, generator or async generator function bound this way runs its
    body with those values at every step, wherever it is awaited or iterated.

    The result pickles whenever ``func`` does, carrying a snapshot of the
    values (taken once, when it is first pickled), so it crosses to a process
    pool, Dask or Ray: ``pool.submit(hp.bind_scope(work), x)``. A value that
    cannot be pickled raises :class:`~hyperparameter.UnpicklableValueError`
    naming its key.
    """
    return BoundCall(func, innermost(), None)


class BoundCall(Generic[R]):
    """``func`` with the values to run it in: what :func:`bind_scope` returns.

    ``_level`` holds the values; ``_payload`` is their pickle, made when the
    call is first pickled and kept, so pickling it again (each retry, each
    worker) does not take a new snapshot.
    """

    __wrapped__: Callable[..., R]
    _level: Level
    _payload: Optional[bytes]

    def __init__(self, func: Callable[..., R], level: Level, payload: Optional[bytes]) -> None:
        # What functools.update_wrapper would copy, but only the two attributes the
        # class itself defines: the others come from __getattr__ when asked, which
        # keeps handing off cheap (a process pool round trip is a few hundred µs).
        self.__wrapped__ = func
        self.__doc__ = getattr(func, "__doc__", None)
        self.__module__ = getattr(func, "__module__", None)  # type: ignore[assignment]
        self._level = level
        self._payload = payload

    def __getattr__(self, name: str) -> Any:
        # __name__, __qualname__ and the function's own attributes, as on a wrapper.
        if name in _OWN:
            raise AttributeError(name)
        return getattr(self.__wrapped__, name)

    def __call__(self, *args: Any, **kwargs: Any) -> R:
        context = contextvars.copy_context()
        return context.run(_run_at, context, self._level, self.__wrapped__, args, kwargs)

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        # Bound as a method when stored on a class, as the function it wraps would be.
        return self if instance is None else types.MethodType(self, instance)

    def __repr__(self) -> str:
        return f"hp.bind_scope({self.__wrapped__!r})"

    def _pack_once(self) -> bytes:
        """Pickle the values and their sources (once, then return the same bytes)."""
        if self._payload is None:
            self._payload = pack(chain_values(self._level), sources_of(self._level))
        return self._payload

    def __reduce__(self) -> tuple[Any, ...]:
        # Inside a record, the other process reports its reads to it (see _record_processes).
        return unpickle_bound, (self.__wrapped__, self._pack_once(), find_reporters(self._level))

    def __dask_tokenize__(self) -> tuple[Any, ...]:
        # Dask names a task by hashing what it runs: two calls bound to different
        # values must not share a name, or Dask would run one and reuse its result.
        return (self.__wrapped__, self._pack_once())


# Attributes a BoundCall sets itself: never looked up on the function (pickle and
# copy probe for some of them before __init__ has run).
_OWN = frozenset({"__wrapped__", "_level", "_payload", "__getstate__", "__setstate__"})


def unpickle_bound(func: Callable[..., R], payload: bytes, reporters: tuple[Any, ...] = ()) -> BoundCall[R]:
    """Unpickle a :class:`BoundCall`: its values become a level of their own.

    The level's owner is a scope of those values that says they came from the
    parent process, for :func:`~hyperparameter._origins.source_of`; with
    ``reporters`` the level records for the records open where it was bound.
    """
    values, sources = unpack(payload)
    owner = make_scope(SourcedScope, values, InheritedSources(values, sources))
    level = make_level(Level, values, None, owner, None, None, open_records(reporters))
    return BoundCall(func, level, payload)


def _run_at(
    context: contextvars.Context,
    level: Level,
    func: Callable[..., R],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> R:
    current.set(level)
    try:
        result = func(*args, **kwargs)
    except BaseException:
        forget(level)
        raise
    # A coroutine, generator or async generator runs its body later, step by step:
    # each step runs in the call's context, so the body sees the bound values.
    if isinstance(result, types.GeneratorType):
        return _run_generator_in(context, level, result)  # type: ignore[return-value]
    if isinstance(result, types.CoroutineType):
        return _run_coroutine_in(context, level, result)  # type: ignore[return-value]
    if isinstance(result, types.AsyncGeneratorType):
        return _run_async_generator_in(context, level, result)  # type: ignore[return-value]
    # The block the level belongs to may have ended before this call: what
    # the call remembered for the level must not keep it alive.
    forget(level)
    return result


def _run_steps_in(context: contextvars.Context, steps: Any) -> Generator[Any, Any, Any]:
    """Drive ``steps`` (a generator or an awaitable's iterator), running each step in ``context``.

    What is sent or thrown in is passed on, and what ``steps`` returns is returned.
    """
    advance, value = steps.send, None
    while True:
        try:
            item = context.run(advance, value)
        except StopIteration as stop:
            return stop.value
        try:
            value = yield item
            advance = steps.send
        except GeneratorExit:
            context.run(steps.close)
            raise
        except BaseException as error:
            advance, value = steps.throw, error


_await_in = types.coroutine(_run_steps_in)


def _run_generator_in(
    context: contextvars.Context, level: Level, generator: Generator[Any, Any, R]
) -> Generator[Any, Any, R]:
    try:
        return (yield from _run_steps_in(context, generator))  # type: ignore[no-any-return]
    finally:
        forget(level)


async def _run_coroutine_in(
    context: contextvars.Context, level: Level, coroutine: Coroutine[Any, Any, R]
) -> R:
    try:
        return await _await_in(context, coroutine)  # type: ignore[no-any-return]
    finally:
        forget(level)


async def _run_async_generator_in(
    context: contextvars.Context, level: Level, generator: AsyncGenerator[Any, Any]
) -> AsyncGenerator[Any, Any]:
    step = generator.asend(None)
    try:
        while True:
            try:
                item = await _await_in(context, step)
            except StopAsyncIteration:
                return
            try:
                step = generator.asend((yield item))
            except GeneratorExit:
                await _await_in(context, generator.aclose())
                raise
            except BaseException as error:
                step = generator.athrow(error)
    finally:
        forget(level)
