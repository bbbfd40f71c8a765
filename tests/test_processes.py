"""Values across process boundaries: every start method, processes, pools, pickled scopes."""

from __future__ import annotations

import functools
import multiprocessing
import pickle
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
WAIT = 120.0  # seconds a child may take (a loaded machine starts spawn children slowly)

BASELINE = {"mp.base": "frozen"}
BARE = {"mp.bare": "bare write"}
OPEN = {"mp.open": "open block"}


def visible() -> dict[str, Any]:
    """Return the values of the test's keys the calling code sees."""
    return {key: value for key, value in hp.scope.storage().storage().items() if key.startswith("mp.")}


def write_then_read() -> dict[str, Any]:
    """Write without a block, then report what this task sees."""
    hp.scope["mp.task"] = "written by a task"
    return visible()


def put_visible(queue: Any, bound: Any = None) -> None:
    """Put, as a Process target, what the child sees (or what ``bound`` returns) on ``queue``."""
    queue.put(bound() if bound is not None else visible())


@pytest.fixture
def parent_state() -> Iterator[None]:
    """Give the parent a frozen baseline, a bare write and an open block, as a launched program has."""
    with hp.scope(**BASELINE):
        hp.scope.frozen()
    hp.scope.init()  # the test's own context starts from the baseline too, as a new thread would
    hp.scope.update(BARE)
    with hp.scope(**OPEN):
        yield


EVERYTHING = {**BASELINE, **BARE, **OPEN}


@pytest.mark.usefixtures("parent_state")
@pytest.mark.parametrize("method", METHODS)
class TestStartMethods:
    def test_process_starts_from_the_baseline_and_a_bound_target_gets_the_callers_values(
        self, method: str
    ) -> None:
        """A Process sees only the frozen baseline; a bound target sees what its caller saw."""
        context = multiprocessing.get_context(method)
        queue = context.SimpleQueue()
        seen = []
        for bound in (None, hp.bind_scope(visible)):
            process = context.Process(target=put_visible, args=(queue, bound))
            process.start()
            seen.append(queue.get())
            process.join(WAIT)
            assert process.exitcode == 0
        assert seen == [BASELINE, EVERYTHING]

    def test_pool_workers_start_from_the_baseline_and_keep_nothing_of_bound_tasks(self, method: str) -> None:
        """Pool tasks see the baseline; bound tasks see the caller's values and leave nothing behind."""
        with multiprocessing.get_context(method).Pool(1) as pool:
            run = functools.partial(_pool_call, pool)
            assert run(visible) == BASELINE
            assert run(hp.bind_scope(write_then_read)) == {**EVERYTHING, "mp.task": "written by a task"}
            assert run(visible) == BASELINE
            with hp.scope(**{"mp.open": "later block"}):
                assert run(visible) == BASELINE
                assert run(hp.bind_scope(visible)) == {**EVERYTHING, "mp.open": "later block"}

    def test_executor_workers_start_from_the_baseline_and_keep_nothing_of_bound_tasks(
        self, method: str
    ) -> None:
        """ProcessPoolExecutor tasks see the baseline; bound tasks see the caller's and leave nothing."""
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method)) as pool:

            def run(func: Any) -> Any:
                return pool.submit(func).result(WAIT)

            assert run(visible) == BASELINE
            assert run(hp.bind_scope(write_then_read)) == {**EVERYTHING, "mp.task": "written by a task"}
            assert run(visible) == BASELINE
            assert list(pool.map(hp.bind_scope(_add_offset), [1, 2], timeout=WAIT)) == [11, 12]

    def test_init_as_a_pool_initializer_starts_each_worker_from_the_baseline_plus_params(
        self, method: str
    ) -> None:
        """hp.scope.init works as a Pool initializer under every start method."""
        context = multiprocessing.get_context(method)
        with context.Pool(1, initializer=hp.scope.init, initargs=({"mp.init": 1},)) as pool:
            assert _pool_call(pool, visible) == {**BASELINE, "mp.init": 1}


def _pool_call(pool: Any, func: Any) -> Any:
    return pool.apply_async(func).get(WAIT)


def _add_offset(x: int) -> int:
    return x + (hp.scope.mp.offset | 10)


def test_baseline_is_the_one_in_force_when_the_process_starts() -> None:
    """A spawned process gets the baseline frozen last before it starts, not when it was created."""
    context = multiprocessing.get_context("spawn")
    queue = context.SimpleQueue()
    process = context.Process(target=put_visible, args=(queue,))
    with hp.scope(**{"mp.base": "second"}):
        hp.scope.frozen()
    process.start()
    assert queue.get() == {"mp.base": "second"}
    process.join(WAIT)


def test_unpicklable_baseline_value_fails_at_start_naming_the_key() -> None:
    """Starting a spawned process with a lambda in the baseline raises an error naming the key."""
    with hp.scope(**{"mp.hook": lambda: 0}):
        hp.scope.frozen()
    process = multiprocessing.get_context("spawn").Process(target=visible)
    with pytest.raises(hp.UnpicklableValueError, match=r"'mp\.hook' \(a function\)"):
        process.start()


def test_a_plain_fork_child_keeps_the_block_it_was_forked_in() -> None:
    """os.fork() outside multiprocessing continues the parent's code, so it keeps its open block."""
    import os

    reader, writer = os.pipe()
    with hp.scope(**{"mp.open": 1}):
        pid = os.fork()
        if pid == 0:  # the child: report, then leave without running the rest of pytest
            os.write(writer, repr(visible()).encode())
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        reported = pipe.read()
    os.waitpid(pid, 0)
    assert reported == repr({"mp.open": 1})


class _Model:
    def __init__(self, scale: int) -> None:
        self.scale = scale

    def predict(self, x: int) -> int:
        return x * self.scale + (hp.scope.mp.offset | 0)


@hp.param("mp")
def _injected(x: int, offset: int = 0) -> int:
    return x + offset


@pytest.mark.parametrize(
    "func",
    [_add_offset, functools.partial(_add_offset), _Model(2).predict, _injected, _Model],
    ids=["function", "partial", "bound method", "@hp.param function", "class"],
)
def test_bind_scope_pickles_whatever_func_pickles(func: Any) -> None:
    """A bound call unpickles to one that runs func with the values it was bound to."""
    with hp.scope(**{"mp.offset": 5}):
        bound = hp.bind_scope(func)
    copy = pickle.loads(pickle.dumps(bound))
    expected = bound(1)
    result = copy(1)
    assert type(result) is type(expected)
    assert vars(result) == vars(expected) if isinstance(result, _Model) else result == expected


def test_bind_scope_carries_the_values_of_where_it_was_called_not_of_where_it_is_pickled() -> None:
    """A bound call pickled after its block changed or ended carries the values it was bound to."""
    with hp.scope(**{"mp.offset": 1}):
        bound = hp.bind_scope(_add_offset)
        hp.scope.mp.offset = 2  # a write to the block after binding
    with hp.scope(**{"mp.offset": 3}):
        assert pickle.loads(pickle.dumps(bound))(0) == 1


def test_bind_scope_with_an_unpicklable_value_names_the_key_and_type() -> None:
    """Pickling a bound call whose values hold a lock raises an error naming the key and type."""
    import threading

    with hp.scope(**{"mp.lock": threading.Lock()}):
        bound = hp.bind_scope(visible)
    with pytest.raises(hp.UnpicklableValueError, match=r"'mp\.lock' \(a lock\)") as caught:
        pickle.dumps(bound)
    assert (caught.value.key, caught.value.type_name) == ("mp.lock", "lock")
    assert isinstance(caught.value, TypeError)


def test_bind_scope_keeps_the_signature_and_name() -> None:
    """A bound call looks like the function it wraps."""
    import inspect

    bound = hp.bind_scope(_injected)
    assert (bound.__name__, inspect.signature(bound)) == ("_injected", inspect.signature(_injected))
    assert pickle.loads(pickle.dumps(bound)).__name__ == "_injected"


def test_bind_scope_on_a_class_attribute_binds_like_a_method() -> None:
    """A bound call stored on a class receives the instance, as the function would."""

    class Holder:
        read = hp.bind_scope(lambda self: (type(self).__name__, hp.scope.mp.v | 0))

    with hp.scope(**{"mp.v": 1}):
        pass
    assert Holder().read() == ("Holder", 0)


scope_values = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,5}(\.[a-z][a-z0-9_]{0,5}){0,2}", fullmatch=True),
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.lists(st.integers()),
    max_size=6,
)


@given(values=scope_values, detached=st.booleans())
def test_scope_pickles_as_an_equal_unentered_scope(values: dict[str, Any], detached: bool) -> None:
    """A scope unpickles to a scope of the same class and values, not entered."""
    original = hp.scope.empty(values) if detached else hp.scope(values)
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is type(original)
    assert dict(copy) == dict(original) == values
    assert hp.scope.current() is not copy
    with copy:
        assert visible() == {key: value for key, value in values.items() if key.startswith("mp.")}


def test_scope_current_pickles_as_the_values_it_holds() -> None:
    """hp.scope.current() at top level crosses as a scope of its values."""
    hp.scope["mp.bare"] = 1
    copy = pickle.loads(pickle.dumps(hp.scope.current()))
    assert type(copy) is hp.Scope
    assert dict(copy)["mp.bare"] == 1


def test_scope_with_an_unpicklable_value_names_the_key() -> None:
    """Pickling a scope holding a lambda raises an error naming the key, not a bare PicklingError."""
    with pytest.raises(hp.UnpicklableValueError, match=r"'mp\.f' \(a function\)"):
        pickle.dumps(hp.scope(**{"mp.f": lambda: 0}))


def test_a_pool_forked_inside_a_block_does_not_keep_it() -> None:
    """The issue's case: a pool forked inside lr=0.5 reads the baseline later, not 0.5."""
    if "fork" not in METHODS:
        pytest.skip("no fork start method on this platform")
    with hp.scope(**{"mp.lr": 0.5}):
        pool = multiprocessing.get_context("fork").Pool(1)
    with pool, hp.scope(**{"mp.lr": 0.7}):
        assert _pool_call(pool, visible) == {}


def test_pure_python_children_behave_the_same(tmp_path: Any) -> None:
    """Under HYPERPARAMETER_PURE_PYTHON=1 a spawned child also starts from the baseline."""
    import os
    import subprocess

    script = (
        "import multiprocessing as mp, hyperparameter as hp\n"
        "from hyperparameter import _acceleration\n"
        "def work(): return hp.scope.storage().storage(), _acceleration.ACTIVE\n"
        "if __name__ == '__main__':\n"
        "    with hp.scope(a=1): hp.scope.frozen()\n"
        "    with hp.scope(b=2), mp.get_context('spawn').Pool(1) as pool:\n"
        "        print(pool.apply(work), pool.apply(hp.bind_scope(work)))\n"
    )
    program = tmp_path / "program.py"
    program.write_text(script)
    env = {**os.environ, "HYPERPARAMETER_PURE_PYTHON": "1"}
    result = subprocess.run(
        [sys.executable, str(program)], env=env, capture_output=True, text=True, timeout=WAIT, check=True
    )
    assert result.stdout.strip() == "({'a': 1}, False) ({'b': 2}, False)"


def test_joblib_loky_workers_start_from_the_baseline_and_bound_tasks_get_the_callers_values() -> None:
    """joblib's loky workers see the baseline; delayed(hp.bind_scope(f)) sees the caller's values."""
    joblib = pytest.importorskip("joblib", reason="joblib is not installed (pip install -e '.[test]')")
    from joblib.externals.loky import get_reusable_executor

    try:
        with hp.scope(**BASELINE):
            hp.scope.frozen()
            with hp.scope(**OPEN):
                parallel = joblib.Parallel(n_jobs=2, backend="loky")
                plain = parallel(joblib.delayed(_add_offset_and_report)(i) for i in range(2))
                with hp.scope(**{"mp.offset": 100}):
                    bound = parallel(
                        joblib.delayed(hp.bind_scope(_add_offset_and_report))(i) for i in range(2)
                    )
    finally:  # loky keeps its workers for the next call: none may outlive the test
        get_reusable_executor().shutdown(wait=True)
    assert plain == [(10, BASELINE), (11, BASELINE)]
    assert bound == [(100 + i, {**BASELINE, **OPEN, "mp.offset": 100}) for i in range(2)]


def _read_x(_: int) -> object:
    return hp.scope.mp.x | 0


def test_loky_workers_kept_between_parallel_calls_get_later_values_only_through_bind_scope() -> None:
    """loky reuses its workers: later frozen() values reach them through hp.bind_scope or new workers."""
    joblib = pytest.importorskip("joblib", reason="joblib is not installed (pip install -e '.[test]')")
    from joblib.externals.loky import get_reusable_executor

    def run(work: Any) -> list[object]:
        return joblib.Parallel(n_jobs=2)(joblib.delayed(work)(i) for i in range(2))  # type: ignore[no-any-return]

    get_reusable_executor().shutdown(wait=True)
    try:
        with hp.scope(**{"mp.x": 1}):
            hp.scope.frozen()
        first = run(_read_x)
        with hp.scope(**{"mp.x": 2}):
            hp.scope.frozen()
            kept, bound = run(_read_x), run(hp.bind_scope(_read_x))
        get_reusable_executor().shutdown(wait=True)
        fresh = run(_read_x)
    finally:  # loky keeps its workers for the next call: none may outlive the test
        get_reusable_executor().shutdown(wait=True)
    assert (first, kept, bound, fresh) == ([1, 1], [1, 1], [2, 2], [2, 2])


def _add_offset_and_report(x: int) -> tuple[int, dict[str, Any]]:
    return _add_offset(x), visible()


def sources_seen() -> dict[str, Any]:
    """Where the child's values of the test's keys came from."""
    from hyperparameter._origins import sources_of

    return {key: source for key, source in sources_of().items() if key.startswith("mp.")}


def test_values_from_the_parent_say_so_in_their_source() -> None:
    """A spawned child's baseline and a bound call's values report 'parent process' as their source."""
    from hyperparameter._scope import SourcedScope

    with SourcedScope({"mp.lr": "0.1", "mp.plain": 1}, {"mp.lr": "-D"}):
        hp.scope.frozen()
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            baseline = pool.submit(sources_seen).result(WAIT)
            bound = pool.submit(hp.bind_scope(sources_seen)).result(WAIT)
    expected = {"mp.lr": "parent process (-D)", "mp.plain": "parent process"}
    assert baseline == bound == expected


def test_ray_remote_without_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """hp.ray_remote without Ray installed raises MissingDependencyError naming the extra to install."""
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(hp.MissingDependencyError, match=re.escape("pip install 'hyperparameter[ray]'")):
        hp.ray_remote(visible)


class _Loss(hp.Params, namespace="mploss"):
    reduce = hp.Callable(sum)


def _reduce(values: list[int]) -> int:
    return int(_Loss().reduce(values))


def test_declared_callable_values_travel_by_import_path() -> None:
    """A function set for an hp.Callable parameter pickles as its import path, and works there."""
    with hp.scope(**{"mploss.reduce": max}):
        payload = pickle.dumps(hp.bind_scope(_reduce))
    assert b"builtins" in payload
    assert b"max" in payload
    assert pickle.loads(payload)([1, 3, 2]) == 3
