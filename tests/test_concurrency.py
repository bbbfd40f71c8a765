"""Isolation of scopes across threads, thread pools, asyncio tasks and generators (processes:
test_processes)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import sys
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

import hyperparameter as hp

T = TypeVar("T")
MISSING = None  # the read default: `| None` returns a stored value as it is, unconverted
WAIT = 10.0  # seconds an event may take before a test gives up instead of hanging


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Make the interpreter switch threads as often as it can, so races show up."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


@pytest.fixture
def scoped_fixture() -> Iterator[None]:
    with hp.scope(**{"fx.v": 1}):
        yield


def visible() -> dict[str, Any]:
    """Every value the calling code sees, as a plain dict."""
    return hp.scope.storage().storage()


def in_new_thread(func: Callable[[], T]) -> T:
    """Run ``func`` in a thread started now; return its result or raise its error."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(func())
        except BaseException as error:  # handed back to the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(WAIT)
    if errors:
        raise errors[0]
    return result[0]


def set_and_read(how: str, value: object) -> object:
    """Set ``leak.v`` to ``value`` the way ``how`` names and read it back."""
    if how == "bare write":
        hp.scope.leak.v = value
    elif how == "write inside with":
        with hp.scope():
            hp.scope.leak.v = value
            return hp.scope.leak.v | MISSING
    elif how == "with block":
        with hp.scope(**{"leak.v": value}):
            return hp.scope.leak.v | MISSING
    else:  # entered and never exited, as code that forgets its with block does
        hp.scope(**{"leak.v": value}).__enter__()
    return hp.scope.leak.v | MISSING


WAYS_TO_SET = ["bare write", "write inside with", "with block", "entered, never exited"]


class TestThreads:
    @pytest.mark.parametrize("how", ["bare write", "with block"])
    def test_value_set_in_one_thread_is_not_seen_by_another(self, how: str) -> None:
        """A value one thread sets, inside a with block or not, is invisible to a thread running alongside."""
        is_set, was_read = threading.Event(), threading.Event()

        def hold() -> object:
            own = hp.scope.iso.v | MISSING
            is_set.set()
            assert was_read.wait(WAIT)
            return own

        def writer() -> object:
            if how == "with block":
                with hp.scope(**{"iso.v": "writer"}):
                    return hold()
            hp.scope.iso.v = "writer"
            return hold()

        def reader() -> object:
            assert is_set.wait(WAIT)
            try:
                return hp.scope.iso.v | MISSING
            finally:
                was_read.set()

        with ThreadPoolExecutor(max_workers=2) as pool:
            wrote, read = pool.submit(writer), pool.submit(reader)
            assert (wrote.result(WAIT), read.result(WAIT)) == ("writer", MISSING)
        assert hp.scope.iso.v | MISSING == MISSING

    def test_thread_started_inside_a_with_block_does_not_see_it(self) -> None:
        """A thread started inside a with block starts from the baseline, not from that block's values."""
        with hp.scope(**{"parent.v": 1}):
            hp.scope.parent.w = 2
            seen = in_new_thread(lambda: (hp.scope.parent.v | MISSING, hp.scope.parent.w | MISSING))
        assert seen == (MISSING, MISSING)

    def test_thread_does_not_see_its_parents_bare_writes(self) -> None:
        """Values a thread assigns outside any with block stay out of the threads it starts."""
        hp.scope.parent.v = 1
        assert in_new_thread(lambda: hp.scope.parent.v | MISSING) == MISSING

    def test_init_restarts_a_thread_from_the_baseline_plus_params(self) -> None:
        """init() in a thread drops what the thread set
        and starts over from the frozen values plus its params."""
        with hp.scope(**{"base.v": 1}):
            hp.scope.frozen()

        def restart() -> dict[str, Any]:
            hp.scope.stale.v = 1
            hp.scope.init({"extra.v": 2})
            return {key: value for key, value in visible().items() if key in ("base.v", "stale.v", "extra.v")}

        assert in_new_thread(restart) == {"base.v": 1, "extra.v": 2}


class TestFrozen:
    def test_threads_started_after_frozen_see_its_values(self) -> None:
        """Values visible where frozen() is called, set by with or by assignment,
        reach threads started later."""
        with hp.scope(**{"cfg.lr": 0.1}):
            hp.scope.cfg.seed = 7
            hp.scope.frozen()
        assert in_new_thread(lambda: (hp.scope.cfg.lr | 0.0, hp.scope.cfg.seed | 0)) == (0.1, 7)
        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(lambda _: hp.scope.cfg.lr | 0.0, range(4))) == [0.1] * 4

    def test_values_set_after_frozen_do_not_reach_new_threads(self) -> None:
        """Changes the freezing thread makes after frozen() stay out of threads started later."""
        with hp.scope(**{"cfg.lr": 0.1}):
            hp.scope.frozen()
            hp.scope.cfg.lr = 0.2
            with hp.scope(**{"cfg.extra": 1}):
                seen = in_new_thread(lambda: (hp.scope.cfg.lr | 0.0, hp.scope.cfg.extra | MISSING))
        assert seen == (0.1, MISSING)

    def test_frozen_publishes_for_new_threads_only(self) -> None:
        """Leaving the with block that called frozen() rolls its values back in the calling thread."""
        with hp.scope(**{"cfg.lr": 0.1}):
            hp.scope.frozen()
        assert hp.scope.cfg.lr | MISSING == MISSING


class TestThreadPools:
    @pytest.mark.parametrize("outcome", ["returns", "raises"])
    def test_with_blocks_in_plain_pool_tasks_leave_nothing_for_the_next_task(self, outcome: str) -> None:
        """A pool worker's next task sees nothing of the with blocks its previous task entered."""

        def first() -> int:
            with hp.scope(**{"task.v": 1}):
                hp.scope.task.w = 2
                with hp.scope(**{"task.inner": 3}):
                    if outcome == "raises":
                        raise LookupError("task failed")
                    return threading.get_ident()

        def second() -> tuple[int, object]:
            return threading.get_ident(), [
                hp.scope[key] | MISSING for key in ("task.v", "task.w", "task.inner")
            ]

        with ThreadPoolExecutor(max_workers=1) as pool:
            done = pool.submit(first)
            with contextlib.suppress(LookupError):
                done.result(WAIT)
            worker, leftovers = pool.submit(second).result(WAIT)
        assert leftovers == [MISSING] * 3
        if outcome == "returns":
            assert done.result() == worker

    @pytest.mark.parametrize("wrap", [False, True])
    def test_a_bare_write_stays_in_a_plain_worker_and_never_in_a_bound_one(self, wrap: bool) -> None:
        """A bare write lands in the worker thread's base (docs/scopes.md); bind_scope keeps nothing."""

        def write() -> None:
            hp.scope.pool.flag = "set"

        def read() -> object:
            return hp.scope.pool.flag | MISSING

        def submit(fn: Any) -> Any:
            return pool.submit(hp.bind_scope(fn) if wrap else fn).result(WAIT)

        with ThreadPoolExecutor(max_workers=1) as pool:
            submit(write)
            seen = submit(read)
        assert seen == (MISSING if wrap else "set")
        assert hp.scope.pool.flag | MISSING == MISSING

    def test_bind_scope_hands_request_overrides_to_a_pool_task(self) -> None:
        """A task wrapped with bind_scope sees the values around the hand-off; an unwrapped one does not."""

        def rerank() -> float:
            return hp.scope.rerank.threshold | 0.8

        with ThreadPoolExecutor(max_workers=2) as pool:
            with hp.scope(**{"rerank.threshold": 0.5}):
                bound = pool.submit(hp.bind_scope(rerank))
                unbound = pool.submit(rerank)
            assert (bound.result(WAIT), unbound.result(WAIT)) == (0.5, 0.8)

    def test_bind_scope_captures_the_values_visible_when_binding(self) -> None:
        """A bound function keeps the values of the moment it was bound, whatever the caller does later."""

        def rerank() -> float:
            return hp.scope.rerank.threshold | 0.8

        with hp.scope(**{"rerank.threshold": 0.5}):
            task = hp.bind_scope(rerank)
            hp.scope.rerank.threshold = 0.6
        with ThreadPoolExecutor(max_workers=1) as pool, hp.scope(**{"rerank.threshold": 0.9}):
            assert pool.submit(task).result(WAIT) == 0.5
        assert task() == 0.5

    @pytest.mark.parametrize("how", WAYS_TO_SET)
    def test_bind_scope_task_writes_reach_neither_the_next_tasks_nor_the_submitter(self, how: str) -> None:
        """Whatever a bound task sets is gone for the next bound or plain task on the same worker
        and for the submitter."""

        def read() -> tuple[int, object]:
            return threading.get_ident(), hp.scope.leak.v | MISSING

        with hp.scope(**{"leak.v": "submitter"}):
            writer = hp.bind_scope(lambda: (threading.get_ident(), set_and_read(how, "task")))
            with ThreadPoolExecutor(max_workers=1) as pool:
                first = pool.submit(writer).result(WAIT)
                second = pool.submit(hp.bind_scope(read)).result(WAIT)
                third = pool.submit(read).result(WAIT)
            assert {first[0], second[0], third[0]} == {first[0]}
            assert (first[1], second[1], third[1]) == ("task", "submitter", MISSING)
            assert hp.scope.leak.v | MISSING == "submitter"
        assert hp.scope.leak.v | MISSING == MISSING


class TestAsyncio:
    def test_task_starts_from_the_scope_it_was_created_in(self) -> None:
        """A task sees the values around its create_task call, even after that block has ended."""

        async def read() -> object:
            await asyncio.sleep(0)
            return hp.scope.req.id | MISSING

        async def main() -> list[object]:
            with hp.scope(**{"req.id": "a"}):
                first = asyncio.create_task(read())
            with hp.scope(**{"req.id": "b"}):
                second = asyncio.create_task(read())
            outside = asyncio.create_task(read())
            return await asyncio.gather(first, second, outside)

        assert asyncio.run(main()) == ["a", "b", MISSING]

    @pytest.mark.parametrize("how", WAYS_TO_SET)
    def test_task_values_reach_neither_its_parent_nor_its_siblings(self, how: str) -> None:
        """Whatever a task sets, entered or not, stays in that task."""

        async def main() -> tuple[object, object, object]:
            is_set, was_read = asyncio.Event(), asyncio.Event()

            async def writer() -> object:
                wrote = set_and_read(how, "task")
                is_set.set()
                await was_read.wait()
                return wrote

            async def sibling() -> object:
                await is_set.wait()
                was_read.set()
                return hp.scope.leak.v | MISSING

            with hp.scope(**{"leak.v": "parent"}):
                wrote, seen = await asyncio.gather(writer(), sibling())
                return wrote, seen, hp.scope.leak.v | MISSING

        assert asyncio.run(asyncio.wait_for(main(), WAIT)) == ("task", "parent", "parent")
        assert hp.scope.leak.v | MISSING == MISSING

    def test_concurrent_tasks_with_nested_scopes_each_read_their_own_values(self) -> None:
        """Tasks that are all inside their own nested scopes at once each read only their own values."""
        count = 20

        async def main() -> list[list[tuple[object, ...]]]:
            all_inside = asyncio.Event()
            inside = 0

            async def worker(i: int) -> list[tuple[object, ...]]:
                nonlocal inside
                reads = []
                with hp.scope(**{"t.id": i}):
                    await asyncio.sleep(0)
                    with hp.scope(**{"t.inner": i * 10}):
                        hp.scope.t.note = -i
                        inside += 1
                        if inside == count:
                            all_inside.set()
                        await all_inside.wait()
                        for _ in range(3):
                            await asyncio.sleep(0)
                            reads.append(
                                (hp.scope.t.id | MISSING, hp.scope.t.inner | MISSING, hp.scope.t.note | 0)
                            )
                    await asyncio.sleep(0)
                    reads.append((hp.scope.t.id | MISSING, hp.scope.t.inner | MISSING, hp.scope.t.note | 0))
                return reads

            return await asyncio.gather(*(worker(i) for i in range(count)))

        results = asyncio.run(asyncio.wait_for(main(), WAIT))
        assert results == [[(i, i * 10, -i)] * 3 + [(i, MISSING, 0)] for i in range(count)]

    def test_to_thread_carries_the_current_scope(self) -> None:
        """asyncio.to_thread runs the function with the values visible where it is awaited."""

        async def main() -> tuple[object, object]:
            with hp.scope(**{"io.v": 1}):
                inside = await asyncio.to_thread(lambda: hp.scope.io.v | MISSING)
            outside = await asyncio.to_thread(lambda: hp.scope.io.v | MISSING)
            return inside, outside

        assert asyncio.run(main()) == (1, MISSING)

    @pytest.mark.parametrize("how", WAYS_TO_SET)
    def test_to_thread_writes_do_not_come_back(self, how: str) -> None:
        """What a function run by asyncio.to_thread sets stays out of the awaiting task."""

        async def main() -> tuple[object, object]:
            with hp.scope(**{"leak.v": "task"}):
                wrote = await asyncio.to_thread(set_and_read, how, "thread")
                return wrote, hp.scope.leak.v | MISSING

        assert asyncio.run(main()) == ("thread", "task")


async def _as_task(step: Callable[[], T]) -> T:
    """Run ``step`` in a new asyncio task (which copies the awaiting task's context)."""

    async def run() -> T:
        return step()

    return await asyncio.create_task(run())


def _gen_with_block() -> Iterator[object]:
    with hp.scope(**{"gen.v": 1}):
        yield hp.scope.gen.v | MISSING
        yield hp.scope.gen.v | MISSING


@contextlib.contextmanager
def _config(**values: Any) -> Iterator[None]:
    with hp.scope(**values):
        yield


def _gen_with_helper() -> Iterator[object]:
    with _config(**{"gen.v": 1}):
        yield hp.scope.gen.v | MISSING
        yield hp.scope.gen.v | MISSING


def _gen_with_exit_stack() -> Iterator[object]:
    with contextlib.ExitStack() as stack:
        stack.enter_context(hp.scope(**{"gen.v": 1}))
        yield hp.scope.gen.v | MISSING
        yield hp.scope.gen.v | MISSING


GENERATOR_STYLES = [
    pytest.param(_gen_with_block, id="with block"),
    pytest.param(_gen_with_helper, id="contextmanager helper"),
    pytest.param(_gen_with_exit_stack, id="ExitStack"),
]


class TestGenerators:
    @pytest.mark.parametrize("make", GENERATOR_STYLES)
    def test_suspended_generator_does_not_leak_into_its_caller(
        self, make: Callable[[], Iterator[object]]
    ) -> None:
        """While a generator is paused inside its scope, its caller does not see the generator's values."""
        with contextlib.closing(make()) as it:
            assert next(it) == 1
            assert hp.scope.gen.v | MISSING == MISSING

    @pytest.mark.parametrize("make", GENERATOR_STYLES)
    def test_resumed_generator_sees_its_own_values_inside_the_callers_block(
        self, make: Callable[[], Iterator[object]]
    ) -> None:
        """A generator resumed inside its caller's own with block still reads its own values."""
        with contextlib.closing(make()) as it:
            next(it)
            with hp.scope(**{"caller.v": 2}):
                assert (next(it), hp.scope.caller.v | MISSING) == (1, 2)

    def test_loop_over_batches_sees_each_step_and_rolls_everything_back(self) -> None:
        """The for-batch/with-step loop sees each step, not the generator's values;
        it leaves nothing behind."""

        def batches() -> Iterator[tuple[int, object]]:
            with hp.scope(**{"data.shard": 3}):
                for step in range(3):
                    yield step, hp.scope.data.shard | MISSING

        before = visible()
        seen = []
        with hp.scope(**{"train.lr": 0.1}):
            for step, shard in batches():
                with hp.scope(step=step):
                    hp.scope.loss = step * 2
                    seen.append(
                        (
                            shard,
                            hp.scope.step | MISSING,
                            hp.scope.loss | MISSING,
                            hp.scope.data.shard | MISSING,
                            hp.scope.train.lr | 0.0,
                        )
                    )
            assert (hp.scope.step | MISSING, hp.scope.loss | MISSING) == (MISSING, MISSING)
        assert seen == [(3, step, step * 2, MISSING, 0.1) for step in range(3)]
        assert visible() == before

    @pytest.mark.parametrize(
        ("make", "finish"),
        [
            pytest.param(_gen_with_block, "exhausted", id="with block-exhausted"),
            pytest.param(_gen_with_block, "closed", id="with block-closed"),
            pytest.param(_gen_with_block, "garbage-collected", id="with block-garbage-collected"),
            pytest.param(_gen_with_helper, "exhausted", id="contextmanager helper-exhausted"),
            pytest.param(_gen_with_exit_stack, "exhausted", id="ExitStack-exhausted"),
        ],
    )
    def test_generator_block_ending_inside_the_callers_block_leaves_the_callers_values(
        self, make: Callable[[], Iterator[object]], finish: str
    ) -> None:
        """A generator's scope that ends while its caller is in a with block
        raises nothing and keeps the caller's values."""
        before = visible()
        it = make()
        next(it)
        with hp.scope(**{"caller.v": 2}):
            if finish == "exhausted":
                assert list(it) == [1]
            elif finish == "closed":
                it.close()
            else:
                collected = weakref.ref(it)
                del it
                assert collected() is None
            assert (hp.scope.caller.v | MISSING, hp.scope.gen.v | MISSING) == (2, MISSING)
        assert visible() == before

    def test_callers_block_may_end_while_the_generator_is_paused(self) -> None:
        """A caller's block that ends while a generator is paused inside its own scope rolls back cleanly."""
        before = visible()
        it = _gen_with_block()
        with hp.scope(**{"caller.v": 2}):
            assert next(it) == 1
        assert visible() == before
        assert list(it) == [1]
        assert visible() == before

    @pytest.mark.parametrize(
        "resume",
        [
            pytest.param(lambda step: contextvars.copy_context().run(step), id="copied context"),
            pytest.param(lambda step: asyncio.run(asyncio.to_thread(step)), id="asyncio.to_thread"),
            pytest.param(lambda step: asyncio.run(_as_task(step)), id="another task"),
        ],
    )
    def test_generator_resumed_in_a_copied_context_sees_its_values_and_leaks_nothing_when_done(
        self, resume: Callable[[Callable[[], Any]], Any]
    ) -> None:
        """A generator resumed and finished in a copy of its caller's context reads its own values there
        and leaves nothing in the caller."""
        before = visible()
        it = _gen_with_block()
        assert next(it) == 1
        assert resume(lambda: next(it)) == 1
        assert resume(lambda: (list(it), hp.scope.gen.v | MISSING)) == ([], MISSING)
        assert (hp.scope.gen.v | MISSING, visible()) == (MISSING, before)
        with hp.scope(**{"caller.v": 2}):
            assert visible() == {**before, "caller.v": 2}

    @pytest.mark.parametrize("finish", ["exhausted", "closed"])
    def test_generator_whose_block_ends_in_another_thread_ends_cleanly_and_leaks_nothing(
        self, finish: str
    ) -> None:
        """A generator paused in its block and finished in another thread
        raises nothing and leaves no value in either thread."""
        before = visible()
        it = _gen_with_block()
        assert next(it) == 1

        def finish_here() -> dict[str, Any]:
            inside = visible()
            if finish == "exhausted":
                list(it)
            else:
                it.close()
            assert visible() == inside
            return inside

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(finish_here).result(timeout=WAIT)
        assert (hp.scope.gen.v | MISSING, visible()) == (MISSING, before)

    def test_generator_running_in_another_thread_is_invisible_to_the_thread_that_started_it(self) -> None:
        """While a generator runs inside its block in another thread,
        the thread that advanced it first does not see its values."""
        running, release = threading.Event(), threading.Event()

        def paused_inside() -> Iterator[object]:
            with hp.scope(**{"gen.v": 1}):
                yield None
                running.set()
                release.wait(WAIT)
                yield None

        it = paused_inside()
        next(it)
        with ThreadPoolExecutor(max_workers=1) as pool:
            resumed = pool.submit(next, it)
            assert running.wait(WAIT)
            try:
                seen = hp.scope.gen.v | MISSING
            finally:
                release.set()
            resumed.result(timeout=WAIT)
        it.close()
        assert seen == MISSING

    def test_interleaved_generators_that_write_keep_their_own_values(self) -> None:
        """Two paused generators that each write in their own scope never see or leak each other's values."""

        def worker(name: str) -> Iterator[object]:
            with hp.scope(**{"gen.name": name}):
                yield None
                hp.scope.gen.note = name
                yield hp.scope.gen.name | MISSING, hp.scope.gen.note | MISSING

        before = visible()
        with contextlib.closing(worker("a")) as first, contextlib.closing(worker("b")) as second:
            next(first)
            next(second)
            assert (next(first), next(second), visible()) == (("a", "a"), ("b", "b"), before)
            assert (list(first), list(second), visible()) == ([], [], before)

    def test_contextmanager_around_a_scope_shows_its_values_in_the_body(self) -> None:
        """A contextlib.contextmanager that yields in a scope makes the values visible in its with body."""
        with _config(**{"cm.lr": 0.5}):
            assert hp.scope.cm.lr | 0.0 == 0.5

    @pytest.mark.parametrize("outcome", ["returns", "raises"])
    def test_contextmanager_around_a_scope_rolls_back_after_the_body(self, outcome: str) -> None:
        """A contextmanager's scope is rolled back when its with body ends, also when the body raises."""
        before = visible()
        with contextlib.suppress(LookupError), _config(**{"cm.lr": 0.5}):
            hp.scope.cm.note = 1
            if outcome == "raises":
                raise LookupError("body failed")
        assert visible() == before

    @pytest.mark.parametrize("how", ["yield from a helper", "@hp.param generator"])
    def test_contextmanager_built_on_another_generator_shows_its_values(self, how: str) -> None:
        """A contextmanager whose scope a delegated or decorated generator enters still shows the values."""

        def enter_lr(lr: float) -> Iterator[None]:
            with hp.scope(**{"cm.lr": lr}):
                yield

        @contextlib.contextmanager
        def delegating() -> Iterator[None]:
            yield from enter_lr(0.5)

        @contextlib.contextmanager
        @hp.param("cm.cfg")
        def injected(lr: float = 0.1) -> Iterator[None]:
            with hp.scope(**{"cm.lr": lr}):
                yield

        before = visible()
        with hp.scope(**{"cm.cfg.lr": 0.5}), delegating() if how == "yield from a helper" else injected():
            seen = hp.scope.cm.lr | 0.0
        assert (seen, visible()) == (0.5, before)

    @pytest.mark.usefixtures("scoped_fixture")
    def test_yield_fixture_scope_is_visible_in_the_test(self) -> None:
        """A pytest fixture that yields inside a scope makes its values visible in the test using it."""
        assert hp.scope.fx.v | 0 == 1


def _in_pool(step: Callable[[], T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(step).result(timeout=WAIT)


ELSEWHERE = [
    pytest.param(in_new_thread, id="another thread"),
    pytest.param(_in_pool, id="thread pool"),
    pytest.param(lambda step: contextvars.Context().run(step), id="fresh Context"),
]


def _there(step: Callable[[], T]) -> Callable[[], tuple[T, dict[str, Any], dict[str, Any]]]:
    """Wrap ``step`` to run inside a block of the resuming code: its result,
    and what that code sees in and after."""

    def run() -> tuple[T, dict[str, Any], dict[str, Any]]:
        with hp.scope(**{"there.v": 2}):
            result = step()
            inside = visible()
        return result, inside, visible()

    return run


class TestGeneratorsResumedElsewhere:
    @pytest.mark.parametrize("elsewhere", ELSEWHERE)
    def test_generator_resumed_elsewhere_reads_its_own_values_and_leaves_nothing(
        self, elsewhere: Callable[[Callable[[], Any]], Any]
    ) -> None:
        """A generator paused in its block and resumed in another thread or a fresh context reads its own
        values there, not the resumer's, and its block ends cleanly."""

        def reader() -> Iterator[object]:
            with hp.scope(**{"gen.v": 1}):
                yield hp.scope.gen.v | MISSING, hp.scope.there.v | MISSING
                yield hp.scope.gen.v | MISSING, hp.scope.there.v | MISSING
            yield hp.scope.gen.v | MISSING, hp.scope.there.v | MISSING

        before = visible()
        it = reader()
        assert next(it) == (1, MISSING)
        assert hp.scope.gen.v | MISSING == MISSING
        resumed, inside, after = elsewhere(_there(lambda: next(it)))
        assert (resumed, inside["there.v"], "gen.v" in inside) == ((1, MISSING), 2, False)
        finished, inside, after = elsewhere(_there(lambda: list(it)))
        assert (finished, "gen.v" in inside, "there.v" in after, "gen.v" in after) == (
            [(MISSING, 2)],
            False,
            False,
            False,
        )
        assert visible() == before

    @pytest.mark.parametrize("elsewhere", ELSEWHERE)
    def test_blocks_and_writes_of_a_generator_resumed_elsewhere_stack_on_its_own_values(
        self, elsewhere: Callable[[Callable[[], Any]], Any]
    ) -> None:
        """Blocks a resumed generator enters elsewhere (itself or through a helper) stack on its values,
        its writes follow it, and each ends with its block."""

        def helper() -> object:
            with hp.scope(**{"helper.v": 4}):
                return hp.scope.gen.v | MISSING, hp.scope.gen.inner | MISSING, hp.scope.helper.v | MISSING

        def worker() -> Iterator[object]:
            with hp.scope(**{"gen.v": 1}):
                yield None
                hp.scope.gen.note = 3
                with hp.scope(**{"gen.inner": 2}):
                    hp.scope.gen.inner_note = 5
                    yield (
                        hp.scope.gen.v | MISSING,
                        hp.scope.gen.inner | MISSING,
                        hp.scope.gen.note | MISSING,
                        hp.scope.gen.inner_note | MISSING,
                        hp.scope.there.v | MISSING,
                        helper(),
                    )
                yield (
                    hp.scope.gen.inner | MISSING,
                    hp.scope.gen.inner_note | MISSING,
                    hp.scope.gen.note | MISSING,
                )

        before = visible()
        it = worker()
        next(it)
        resumed, inside, after = elsewhere(_there(lambda: next(it)))
        assert resumed == (1, 2, 3, 5, MISSING, (1, 2, 4))
        assert (inside, after) == ({**after, "there.v": 2}, after)
        assert "gen.v" not in after
        assert next(it) == (MISSING, MISSING, 3)
        assert (list(it), visible()) == ([], before)

    def test_generator_handed_between_threads_sees_its_values_in_each(self) -> None:
        """A generator advanced in turn by several threads reads its own values in each,
        and none of them keeps any."""

        def counter() -> Iterator[object]:
            with hp.scope(**{"gen.v": 1}):
                for step in range(4):
                    hp.scope.gen.step = step
                    yield hp.scope.gen.v | MISSING, hp.scope.gen.step | MISSING, hp.scope.there.v | MISSING

        it = counter()
        seen = [next(it)]
        seen += [in_new_thread(_there(lambda: next(it)))[0] for _ in range(2)]
        seen.append(_in_pool(lambda: (next(it), visible())))
        assert seen[:3] == [(1, 0, MISSING), (1, 1, MISSING), (1, 2, MISSING)]
        assert (seen[3][0], "gen.v" in seen[3][1]) == ((1, 3, MISSING), False)
        it.close()
        assert hp.scope.gen.v | MISSING == MISSING

    def test_caller_does_not_see_a_generator_resumed_elsewhere_while_it_is_paused(self) -> None:
        """After a generator was resumed and paused again in another thread,
        the thread that started it still does not see its values."""
        it = _gen_with_block()
        next(it)
        assert in_new_thread(lambda: next(it)) == 1
        assert hp.scope.gen.v | MISSING == MISSING
        it.close()

    def test_injected_function_called_by_a_generator_resumed_elsewhere_gets_its_values(self) -> None:
        """An @hp.param function called by a generator resumed in another thread is filled from the
        generator's values."""

        @hp.param("gen")
        def configured(v: int = 0) -> int:
            return v

        def caller() -> Iterator[int]:
            with hp.scope(**{"gen.v": 1}):
                yield configured()
                yield configured()

        it = caller()
        assert next(it) == 1
        assert in_new_thread(lambda: (next(it), configured())) == (1, 0)
        assert configured() == 0
        it.close()

    def test_async_generator_resumed_in_another_event_loop_and_thread_reads_its_values(self) -> None:
        """An async generator paused in its block and resumed by another event loop in another thread reads
        its own values."""

        async def numbers() -> AsyncIterator[object]:
            with hp.scope(**{"agen.v": 1}):
                yield hp.scope.agen.v | MISSING
                await asyncio.sleep(0)
                yield hp.scope.agen.v | MISSING, hp.scope.there.v | MISSING

        it = numbers()
        assert asyncio.run(it.__anext__()) == 1
        resumed, inside, after = in_new_thread(_there(lambda: asyncio.run(it.__anext__())))
        assert (resumed, "agen.v" in inside, "agen.v" in after) == ((1, MISSING), False, False)
        asyncio.run(it.aclose())
        assert hp.scope.agen.v | MISSING == MISSING


class TestAsyncGenerators:
    def test_suspended_async_generator_does_not_leak_and_sees_its_own_values(self) -> None:
        """A paused async generator hides its values from its caller and sees them again when resumed."""

        async def numbers() -> AsyncIterator[object]:
            with hp.scope(**{"agen.v": 1}):
                yield hp.scope.agen.v | MISSING
                await asyncio.sleep(0)
                yield hp.scope.agen.v | MISSING, hp.scope.caller.v | MISSING
            yield hp.scope.agen.v | MISSING

        async def main() -> list[object]:
            it = numbers()
            seen = [await it.__anext__(), hp.scope.agen.v | MISSING]
            with hp.scope(**{"caller.v": 2}):
                seen += [await it.__anext__(), hp.scope.agen.v | MISSING]
                seen += [await it.__anext__(), hp.scope.caller.v | MISSING]
            seen.append(visible())
            return seen

        before = visible()
        assert asyncio.run(main()) == [1, MISSING, (1, MISSING), MISSING, MISSING, 2, before]

    def test_async_for_loop_sees_each_step_and_rolls_everything_back(self) -> None:
        """The async for-batch/with-step loop sees each step, not the generator's values,
        and leaves nothing behind."""

        async def batches() -> AsyncIterator[tuple[int, object]]:
            with hp.scope(**{"data.shard": 3}):
                for step in range(3):
                    await asyncio.sleep(0)
                    yield step, hp.scope.data.shard | MISSING

        async def main() -> tuple[list[object], dict[str, Any]]:
            seen: list[object] = []
            async for step, shard in batches():
                with hp.scope(step=step):
                    await asyncio.sleep(0)
                    seen.append((shard, hp.scope.step | MISSING, hp.scope.data.shard | MISSING))
            return seen, visible()

        before = visible()
        assert asyncio.run(main()) == ([(3, step, MISSING) for step in range(3)], before)

    @pytest.mark.parametrize("outcome", ["returns", "raises"])
    def test_asynccontextmanager_around_a_scope_shows_its_values_and_rolls_back(self, outcome: str) -> None:
        """An asynccontextmanager that yields in a scope shows its values in the body and rolls them back."""

        @contextlib.asynccontextmanager
        async def config() -> AsyncIterator[None]:
            with hp.scope(**{"acm.v": 1}):
                await asyncio.sleep(0)
                yield

        async def main() -> tuple[object, dict[str, Any]]:
            seen: object = MISSING
            with contextlib.suppress(LookupError):
                async with config():
                    await asyncio.sleep(0)
                    seen = hp.scope.acm.v | MISSING
                    if outcome == "raises":
                        raise LookupError("body failed")
            return seen, visible()

        before = visible()
        assert asyncio.run(main()) == (1, before)


@hp.param("job")
def _generator_job(n: int = 0) -> Iterator[int]:
    yield n


@hp.param("job")
async def _coroutine_job(n: int = 0) -> int:
    await asyncio.sleep(0)
    return n


@hp.param("job")
async def _async_generator_job(n: int = 0) -> AsyncIterator[int]:
    await asyncio.sleep(0)
    yield n


def _consume(made: Any) -> list[int]:
    """Run a generator, coroutine or async generator to the end and list what it produced."""
    if isinstance(made, Iterator):
        return list(made)

    async def drain() -> list[int]:
        if asyncio.iscoroutine(made):
            return [await made]
        return [each async for each in made]

    return asyncio.run(drain())


class TestInjection:
    def test_injected_coroutines_in_tasks_read_their_tasks_values(self) -> None:
        """An @hp.param coroutine run in several tasks gets each task's own values."""

        async def main() -> list[int]:
            tasks = []
            for n in (1, 2):
                with hp.scope(**{"job.n": n}):
                    tasks.append(asyncio.create_task(_coroutine_job()))
            return await asyncio.gather(*tasks, asyncio.create_task(_coroutine_job()))

        assert asyncio.run(main()) == [1, 2, 0]

    def test_injected_async_generators_in_tasks_read_their_tasks_values(self) -> None:
        """An @hp.param async generator iterated in several tasks gets each task's own values."""

        async def run(n: int) -> list[int]:
            with hp.scope(**{"job.n": n}):
                await asyncio.sleep(0)
                return [each async for each in _async_generator_job()]

        async def main() -> list[list[int]]:
            return await asyncio.gather(run(1), run(2))

        assert asyncio.run(main()) == [[1], [2]]

    def test_injected_generators_in_threads_read_their_threads_values(self) -> None:
        """An @hp.param generator iterated in several threads gets each thread's own values."""

        @hp.param("job")
        def steps(n: int = 0, size: int = 1) -> Iterator[int]:
            for i in range(n):
                time.sleep(0)
                yield i * size

        def run(n: int) -> list[int]:
            with hp.scope(**{"job.n": n, "job.size": "10"}):
                return list(steps())

        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(run, [2, 3])) == [[0, 10], [0, 10, 20]]

    @pytest.mark.parametrize(
        "job",
        [_generator_job, _coroutine_job, _async_generator_job],
        ids=["generator", "coroutine", "async generator"],
    )
    def test_injected_values_are_taken_where_the_function_is_called(self, job: Callable[[], Any]) -> None:
        """A decorated generator or coroutine gets the values of the scope it is called in,
        not of where it is consumed."""
        made = []
        for n in (1, 2):
            with hp.scope(**{"job.n": n}):
                made.append(job())
        assert [_consume(each) for each in made] == [[1], [2]]


class TestStress:
    @pytest.mark.usefixtures("fast_switching")
    @pytest.mark.parametrize("bind", [False, True], ids=["plain pool", "bind_scope"])
    def test_many_pool_tasks_never_lose_or_share_values(self, bind: bool) -> None:
        """Hundreds of pool tasks in nested scopes each read back exactly what they set,
        and the submitter is untouched."""

        def task(i: int) -> list[tuple[object, ...]]:
            wrong: list[tuple[object, ...]] = []
            inherited = hp.scope.main.v | MISSING
            with hp.scope(**{"stress.id": i}):
                for round_ in range(20):
                    with hp.scope(**{"stress.inner": round_}):
                        hp.scope.stress.note = -i
                        hp.scope.main.v = i
                        time.sleep(0)
                        got = (
                            hp.scope.stress.id | MISSING,
                            hp.scope.stress.inner | MISSING,
                            hp.scope.stress.note | MISSING,
                            hp.scope.main.v | MISSING,
                        )
                        if got != (i, round_, -i, i):
                            wrong.append(got)
                    got = (
                        hp.scope.stress.inner | MISSING,
                        hp.scope.stress.note | MISSING,
                        hp.scope.main.v | MISSING,
                    )
                    if got != (MISSING, MISSING, inherited):
                        wrong.append(got)
            if hp.scope.stress.id | MISSING != MISSING:
                wrong.append(("stress.id left behind", i))
            return wrong

        with hp.scope(**{"main.v": "main"}):
            hp.scope.main.w = "main"
            before = visible()
            with ThreadPoolExecutor(max_workers=16) as pool:
                results = list(pool.map(hp.bind_scope(task) if bind else task, range(200)))
            after = visible()
        assert {i: wrong for i, wrong in enumerate(results) if wrong} == {}
        assert after == before

    def test_many_asyncio_tasks_never_lose_or_share_values(self) -> None:
        """Hundreds of tasks interleaving in nested scopes each read back exactly what they set,
        and the parent is untouched."""

        async def task(i: int) -> list[tuple[object, ...]]:
            wrong: list[tuple[object, ...]] = []
            hp.scope.stress.base = i
            with hp.scope(**{"stress.id": i}):
                for round_ in range(10):
                    with hp.scope(**{"stress.inner": round_}):
                        hp.scope.stress.note = -i
                        hp.scope.main.v = i
                        await asyncio.sleep(0)
                        got = (
                            hp.scope.stress.base | MISSING,
                            hp.scope.stress.id | MISSING,
                            hp.scope.stress.inner | MISSING,
                            hp.scope.stress.note | MISSING,
                            hp.scope.main.v | MISSING,
                        )
                        if got != (i, i, round_, -i, i):
                            wrong.append(got)
                    await asyncio.sleep(0)
                    got = (
                        hp.scope.stress.inner | MISSING,
                        hp.scope.stress.note | MISSING,
                        hp.scope.main.v | MISSING,
                    )
                    if got != (MISSING, MISSING, "main"):
                        wrong.append(got)
            return wrong

        async def main() -> tuple[dict[str, Any], dict[str, Any], list[list[tuple[object, ...]]]]:
            with hp.scope(**{"main.v": "main"}):
                before = visible()
                results = await asyncio.gather(*(task(i) for i in range(500)))
                return before, visible(), results

        outside = visible()
        before, after, results = asyncio.run(main())
        assert {i: wrong for i, wrong in enumerate(results) if wrong} == {}
        assert (after, visible()) == (before, outside)
