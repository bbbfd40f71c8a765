"""hp.bind_scope of coroutine and generator functions: their bodies run with the bound values."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

import hyperparameter as hp


async def fetch() -> float:
    """Read a value after a suspension, as a coroutine."""
    await asyncio.sleep(0)
    with hp.scope(**{"io.retries": 3}):
        await asyncio.sleep(0)
        retries = hp.scope.io.retries | 0
    return (hp.scope.io.timeout | 1.0) * retries


def ticks(n: int) -> Iterator[float]:
    """Read a value at every step and open a block across a yield, as a generator."""
    for _ in range(n):
        yield hp.scope.io.timeout | 1.0
    with hp.scope(**{"io.timeout": 9.0}):
        yield hp.scope.io.timeout | 1.0


async def aticks(n: int) -> AsyncIterator[float]:
    """Read a value at every step, as an async generator."""
    for _ in range(n):
        await asyncio.sleep(0)
        yield hp.scope.io.timeout | 1.0


def bound_at_five(func):  # type: ignore[no-untyped-def]
    with hp.scope(**{"io.timeout": 5.0}):
        return hp.bind_scope(func)


def test_a_bound_coroutine_runs_with_the_bound_values_wherever_it_is_awaited() -> None:
    """Awaited in another block, at top level or as a task, a bound coroutine sees the bound values."""
    bound = bound_at_five(fetch)

    async def elsewhere() -> tuple[float, float, float]:
        with hp.scope(**{"io.timeout": 2.0}):
            first = await bound()
            second = await asyncio.create_task(bound())
            return first, second, hp.scope.io.timeout | 1.0

    assert asyncio.run(elsewhere()) == (15.0, 15.0, 2.0)
    assert asyncio.run(bound()) == 15.0
    assert hp.scope.io.retries | 0 == 0


def test_a_bound_generator_runs_each_step_with_the_bound_values() -> None:
    """Iterated later and elsewhere, a bound generator sees its values; its blocks stay its own."""
    steps = bound_at_five(ticks)(2)
    seen = []
    with hp.scope(**{"io.timeout": 2.0}):
        seen.append(next(steps))
        seen.append(hp.scope.io.timeout | 1.0)
    seen += list(steps)
    assert seen == [5.0, 2.0, 5.0, 9.0]
    assert hp.scope.io.timeout | 1.0 == 1.0


def test_a_bound_generator_passes_send_throw_close_and_its_return_value() -> None:
    """send, throw and close reach the generator, and its return value ends the iteration."""

    def echo() -> Iterator[float]:
        received = yield hp.scope.io.timeout | 1.0
        try:
            yield received * (hp.scope.io.timeout | 1.0)
        except KeyError:
            yield -1.0
        return 42

    steps = bound_at_five(echo)()
    assert next(steps) == 5.0
    assert steps.send(2.0) == 10.0
    assert steps.throw(KeyError("k")) == -1.0
    with pytest.raises(StopIteration) as stop:
        next(steps)
    assert stop.value.value == 42
    closing = bound_at_five(echo)()
    next(closing)
    closing.close()
    with pytest.raises(StopIteration):
        next(closing)


def test_a_bound_async_generator_runs_each_step_with_the_bound_values() -> None:
    """Iterated in another block, a bound async generator sees the bound values at every step."""
    bound = bound_at_five(aticks)

    async def consume() -> list[float]:
        with hp.scope(**{"io.timeout": 2.0}):
            return [value async for value in bound(2)]

    assert asyncio.run(consume()) == [5.0, 5.0]


def test_a_bound_coroutine_function_keeps_what_inspect_says() -> None:
    """What a bound call returns is still a coroutine, generator or async generator."""
    import inspect

    assert inspect.iscoroutine(coroutine := bound_at_five(fetch)())
    assert asyncio.run(coroutine) == 15.0
    assert inspect.isgenerator(bound_at_five(ticks)(1))
    assert inspect.isasyncgen(bound_at_five(aticks)(1))
