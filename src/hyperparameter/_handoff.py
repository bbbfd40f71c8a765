"""Hand the caller's scope to code that runs in another thread or pool task.

A new thread starts from the frozen baseline, and a pool worker runs each task
in its own thread's context, so values set around a hand-off do not follow the
work. :func:`bind_scope` captures them where the work is handed off.
"""

from __future__ import annotations

import contextvars
import functools
from typing import Any, Callable, TypeVar

from ._engine import innermost
from ._levels import Level, current

R = TypeVar("R")


def bind_scope(func: Callable[..., R]) -> Callable[..., R]:
    """Return ``func`` bound to the values visible now, for another thread or pool.

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
    """
    level = innermost()

    @functools.wraps(func)
    def run_bound(*args: Any, **kwargs: Any) -> R:
        return contextvars.copy_context().run(_run_at, level, func, args, kwargs)

    return run_bound


def _run_at(level: Level, func: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
    current.set(level)
    return func(*args, **kwargs)
