"""The compiled fast paths: used when built, switchable off, same behaviour, no leaks.

The whole suite runs once with them and once without (``.ci/run`` sets
HYPERPARAMETER_PURE_PYTHON=1 for the second run); these tests cover what only
the compiled code can get wrong.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import importlib.util
import inspect
import os
import subprocess
import sys
import threading
import types
from collections.abc import Iterator, Mapping
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter import _acceleration, _keys

BUILT = importlib.util.find_spec("hyperparameter._speedups") is not None
SWITCHED_OFF = os.environ.get(_acceleration.DISABLE_VARIABLE, "") not in ("", "0")
compiled_only = pytest.mark.skipif(not _acceleration.ACTIVE, reason="compiled fast paths not in use")


def test_the_compiled_paths_are_used_whenever_they_are_built_and_not_switched_off() -> None:
    """A built extension is never silently left unused."""
    assert _acceleration.ACTIVE is (BUILT and not SWITCHED_OFF), (
        "the built extension is not in use: a stale build? run `pip install -e .` again"
    )


@pytest.mark.skipif(not BUILT, reason="the extension is not built here")
@pytest.mark.parametrize(("setting", "active"), [("1", False), ("0", True), ("", True)])
def test_the_environment_variable_switches_them_off(setting: str, active: bool) -> None:
    """HYPERPARAMETER_PURE_PYTHON=1 runs the pure-Python code, with the same results."""
    script = (
        "import hyperparameter as hp\n"
        "from hyperparameter import _acceleration\n"
        "with hp.scope(**{'a.b': '2'}):\n"
        "    print(_acceleration.ACTIVE, hp.scope.a.b | 0, hp.scope.a.c | 'x')\n"
    )
    env = {**os.environ, _acceleration.DISABLE_VARIABLE: setting}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout == f"{active} 2 x\n"


@compiled_only
def test_the_hot_operations_are_compiled() -> None:
    """Internals: building, entering, leaving and reading run the compiled code when it is in use."""
    assert type(hp.Scope.__enter__).__name__ == "method_descriptor"
    assert type(hp.Scope.__exit__).__name__ == "method_descriptor"
    assert type(type(hp.scope).__call__).__name__ == "builtin_function_or_method"
    assert type(type(hp.scope.a).__or__).__name__ == "method_descriptor"
    assert type(type(hp.scope.a).__call__).__name__ == "method_descriptor"


def test_many_blocks_and_reads_keep_no_references() -> None:
    """Every object a block or a read touches is released again: no reference leaks."""
    value, default, key = object(), object(), "leak.check"
    counts = [sys.getrefcount(value), sys.getrefcount(default)]
    for _ in range(1000):
        with hp.scope(**{key: value}) as ps:
            assert hp.scope.leak.check | default is value
            assert hp.scope.leak.other | default is default
        assert hp.scope.leak.check | default is default
    del ps
    gc.collect()
    assert [sys.getrefcount(value), sys.getrefcount(default)] == counts


def test_a_read_converts_through_the_python_conversion() -> None:
    """Values of another type than the default take the one conversion path."""
    with hp.scope(**{"a.n": "7", "a.flag": "off", "a.none": None}):
        assert hp.scope.a.n | 0 == 7
        assert hp.scope.a.flag | True is False
        assert hp.scope.a.none | 5 is None
        assert hp.scope.a.n | None == "7"
        with pytest.raises(hp.ConversionError, match=r"'a\.flag'"):
            hp.scope.a.flag | 1.5


def test_scopes_the_fast_path_hands_over_still_work() -> None:
    """Empty scopes, the base scope, ExitStack and generators take the Python paths."""
    with hp.scope(outer=1), hp.scope.empty(inner=2):
        assert (hp.scope.outer | 0, hp.scope.inner | 0) == (0, 2)
    with contextlib.ExitStack() as stack:
        stack.enter_context(hp.scope(stacked=3))
        assert hp.scope.stacked | 0 == 3
    assert hp.scope.stacked | 0 == 0

    def generator() -> object:
        with hp.scope(inside=4):
            yield hp.scope.inside | 0

    running = generator()
    assert next(running) == 4
    assert hp.scope.inside | 0 == 0
    running.close()


def test_exit_out_of_order_and_with_wrong_arguments_raise() -> None:
    """Leaving a block that is not innermost is a ScopeError; __exit__ takes three arguments."""
    outer, inner = hp.scope(a=1), hp.scope(b=2)
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(hp.ScopeError, match="out of order"):
        outer.__exit__(None, None, None)
    with pytest.raises(TypeError):
        inner.__exit__(None, None, None, None)
    inner.__exit__(None, None, None)
    outer.__exit__(None, None, None)
    assert hp.scope.a | 0 == 0


def test_a_new_thread_reads_through_the_compiled_path_from_the_baseline() -> None:
    """A thread's first read pins it to the frozen baseline, as in pure Python."""
    seen = []
    with hp.scope(**{"thread.local": 1}):
        worker = threading.Thread(target=lambda: seen.append(hp.scope.thread.local | 0))
        worker.start()
        worker.join()
    assert seen == [0]


def test_building_refuses_bad_keys_and_flattens_mappings() -> None:
    """Only already-checked keys and plain values skip the full key rules."""
    with pytest.raises(hp.InvalidKeyError, match="'a b'"):
        hp.scope(**{"a b": 1})
    assert dict(hp.scope.empty(model={"hidden": 8})) == {"model.hidden": 8}
    assert dict(hp.scope.empty("x=1", y=2)) == {"x": "1", "y": 2}
    assert dict(hp.scope.empty(self=1)) == {"self": 1}
    assert hp.scope(self=2)["self"]() == 2
    built = {"plain.key": 1}
    ps = hp.scope(**built)
    built["plain.key"] = 2
    assert ps["plain.key"]() == 1


def test_every_form_of_a_read_answers_the_same() -> None:
    """`| d`, `(d)`, `(default=d)` and `()` read alike; their argument errors are Python's."""
    with hp.scope(**{"form.set": "5"}):
        assert hp.scope.form.set | 0 == hp.scope.form.set(0) == hp.scope.form.set(default=0) == 5
        assert hp.scope.form.set() == "5"
        assert hp.scope.form.unset | 1 == hp.scope.form.unset(1) == hp.scope.form.unset(default=1) == 1
        with pytest.raises(hp.MissingParameterError, match=r"'form\.unset'"):
            hp.scope.form.unset()
        with pytest.raises(TypeError):
            hp.scope.form.set(1, 2)
        with pytest.raises(TypeError):
            hp.scope.form.set(fallback=1)


def test_exit_takes_its_arguments_by_keyword_too() -> None:
    """`ps.__exit__(None, None, traceback=None)` leaves the block, as the Python method does."""
    ps = hp.scope(kw_exit=1)
    ps.__enter__()
    ps.__exit__(None, None, traceback=None)
    assert hp.scope.kw_exit | 0 == 0


def test_scope_keeps_the_python_signature() -> None:
    """inspect sees hp.scope's arguments whichever builder is in use."""
    assert list(inspect.signature(hp.scope).parameters) == ["args", "kwargs"]


def test_keyword_names_must_be_strings_also_from_c_callers() -> None:
    """A mapping with a non-string key passed as keywords is Python's usual TypeError."""
    call = ctypes.pythonapi.PyObject_Call
    call.restype, call.argtypes = ctypes.py_object, [ctypes.py_object] * 3
    with pytest.raises(TypeError, match="keywords must be strings"):
        call(hp.scope, (), {1: 2})


class _MutatingKey(str):
    """A key whose hashing or comparison runs code that changes what is being read."""

    action: Callable[[], None] = staticmethod(lambda: None)
    collide = False

    def __hash__(self) -> int:
        type(self).action()
        return 1 if self.collide else str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        type(self).action()
        return str.__eq__(self, other)


def test_a_c_caller_mutating_its_keywords_while_they_are_checked_changes_nothing() -> None:
    """Internals: a C caller's keywords are copied before any of their code runs, as **kwargs is."""
    given: dict[str, object] = {}
    given[_MutatingKey("a")] = value = object()
    hp.scope(a=1)  # "a" is a known key now, so the check hashes the subclass key
    _MutatingKey.action = staticmethod(given.clear)
    call = ctypes.pythonapi.PyObject_Call
    call.restype, call.argtypes = ctypes.py_object, [ctypes.py_object] * 3
    try:
        built = call(hp.scope, (), given)
    finally:
        _MutatingKey.action = staticmethod(lambda: None)
    assert built["a"]() is value


def test_entering_survives_key_code_that_replaces_the_scope_values() -> None:
    """Internals: entering holds the values it copies, whatever their keys' code does meanwhile."""

    class Colliding(_MutatingKey):
        collide = True

    own: dict[str, int] = {Colliding("a"): 1, Colliding("b"): 2, "c": 3}
    del own["c"]
    ps = hp.scope()
    set_values = hp.Scope.__dict__["_values"].__set__
    set_values(ps, own)
    del own
    hp.scope.pinned | 0
    Colliding.action = staticmethod(lambda: (set_values(ps, {}), setattr(Colliding, "action", lambda: None)))
    try:
        with ps:
            assert sorted(hp.scope.keys()) == ["a", "b"]
    finally:
        Colliding.action = staticmethod(lambda: None)


@pytest.mark.skipif(
    importlib.util.find_spec("_xxsubinterpreters") is None, reason="no subinterpreters module"
)
def test_a_second_interpreter_runs_on_pure_python_and_leaves_the_first_intact() -> None:
    """The compiled state serves one interpreter; another one gets the Python code."""
    import _xxsubinterpreters as interpreters  # type: ignore[import-not-found]

    script = (
        "import hyperparameter as hp\n"
        "from hyperparameter import _acceleration\n"
        "assert not _acceleration.ACTIVE\n"
        "with hp.scope(**{'sub.x': 1}):\n"
        "    assert hp.scope.sub.x | 0 == 1\n"
    )
    interpreter = interpreters.create()
    try:
        interpreters.run_string(interpreter, script)
    finally:
        interpreters.destroy(interpreter)
    with hp.scope(**{"main.x": 2}) as ps:
        assert type(ps) is hp.Scope
        assert hp.scope.main.x | 0 == 2


def test_reads_while_a_generator_holds_a_block_keep_no_references() -> None:
    """Reads inside and outside a generator paused in its block release every object they touch."""
    value, default = object(), object()

    def paused() -> Iterator[object]:
        with hp.scope(**{"leak.generator": value}):
            while True:
                yield hp.scope.leak.generator | default

    counts = [sys.getrefcount(value), sys.getrefcount(default)]
    generator = paused()
    for _ in range(1000):
        assert next(generator) is value
        assert hp.scope.leak.generator | default is default
    generator.close()
    del generator
    gc.collect()
    assert [sys.getrefcount(value), sys.getrefcount(default)] == counts


def _joined_as_specified(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Join the dotted keys of a loaded tree by the rule: every non-empty dict is descended into."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if type(value) is dict and value:
            flat.update(_joined_as_specified(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


_LEAVES = st.one_of(st.none(), st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2))
_TREES = st.recursive(
    st.dictionaries(st.text(min_size=1, max_size=4), _LEAVES, max_size=4),
    lambda inner: st.dictionaries(st.text(min_size=1, max_size=4), inner | _LEAVES | st.just({}), max_size=4),
    max_leaves=30,
)


@given(tree=_TREES, prefix=st.sampled_from(["", "run."]))
def test_a_loaded_files_keys_are_joined_the_same_compiled_or_not(tree: dict[str, Any], prefix: str) -> None:
    """The launcher's -C keys (compiled when built) are the tree's dotted keys, in the file's order."""
    joined = _keys.join_keys(tree, prefix)
    expected = _joined_as_specified(tree, prefix)
    assert joined == expected
    assert list(joined) == list(expected)


def test_joining_reads_any_mapping_and_keeps_no_references() -> None:
    """A read-only mapping at the top is joined too; joining holds on to no key or value."""
    value = object()
    tree = types.MappingProxyType({"train": {"lr": value, "opt": {}}, "seed": 1})
    before = sys.getrefcount(value)
    for _ in range(100):
        assert _keys.join_keys(tree) == {"train.lr": value, "train.opt": {}, "seed": 1}
    assert sys.getrefcount(value) == before
    with pytest.raises(TypeError):
        _keys.join_keys({"a": {1: 2}})


_NESTED = st.recursive(
    st.none() | st.integers() | st.text(max_size=2) | st.tuples(st.integers()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=20,
)


@compiled_only
@given(data=_NESTED, limit=st.integers(-1, 6))
def test_a_files_nesting_is_measured_the_same_compiled_or_not(data: Any, limit: int) -> None:
    """The depth limit of a JSON file (compiled when built) says what the Python walk says, for any tree."""
    from hyperparameter import _config_json, _speedups

    assert _speedups.deeper_than(data, limit) is _config_json._deeper_than(data, limit)


@compiled_only
def test_measuring_nesting_is_compiled_and_refuses_a_bad_limit() -> None:
    """Internals: JSON files are measured by the compiled walk; a limit that is no integer is a TypeError."""
    from hyperparameter import _config_json, _speedups

    assert _config_json._measure_deeper_than is _speedups.deeper_than
    deep: list[Any] = []
    for _ in range(50):
        deep = [deep]
    assert _speedups.deeper_than(deep, 49)
    assert not _speedups.deeper_than(deep, 50)
    with pytest.raises(TypeError):
        _speedups.deeper_than({}, "3")


@compiled_only
def test_joining_a_files_keys_is_compiled() -> None:
    """Internals: the launcher's joining of a -C file's keys runs the compiled code when it is in use."""
    assert type(_keys._join_into).__name__ == "builtin_function_or_method"


def test_naming_keys_follows_pythons_attribute_rules() -> None:
    """`hp.scope.a.b` names a cached child, class attributes win, `_` names are refused."""
    child = hp.scope.naming.child
    assert hp.scope.naming.child is child
    assert child._hp_key == "naming.child"
    assert type(child).__name__ == "CurrentKey"
    assert child.__class__ is type(child)
    with pytest.raises(AttributeError, match="_private"):
        child._private  # noqa: B018
    with pytest.raises(AttributeError, match="_private"):
        hp.scope._private  # noqa: B018
    assert getattr(hp.scope.naming, "_absent", "fallback") == "fallback"
    assert not hasattr(child, "_absent")


def test_naming_more_keys_than_an_accessor_caches_names_fresh_ones() -> None:
    """Past the cache's limit a child is built on each access, names its key and holds nothing."""
    from hyperparameter._accessor import CHILD_LIMIT

    parent = hp.scope.many_children
    for index in range(CHILD_LIMIT):
        getattr(parent, f"k{index}")
    first, second = parent.uncached, parent.uncached
    assert first is not second
    count = sys.getrefcount(parent)
    for _ in range(1000):
        assert parent.uncached._hp_key == "many_children.uncached"
    assert sys.getrefcount(parent) == count
    with hp.scope(**{"many_children.uncached": 3}):
        assert first | 0 == second(0) == 3


def test_calls_with_keywords_and_errors_keep_no_references() -> None:
    """Call-form reads, by position, keyword or failing, release every object they touch."""
    value, default = object(), object()
    counts = [sys.getrefcount(value), sys.getrefcount(default)]
    with hp.scope(**{"leak.call": value}):
        for _ in range(1000):
            assert hp.scope.leak.call(default) is value
            assert hp.scope.leak.call(default=default) is value
            assert hp.scope.leak.unset(default) is default
            with pytest.raises(TypeError):
                hp.scope.leak.call(default, default)
            with pytest.raises(hp.MissingParameterError):
                hp.scope.leak.unset()
    gc.collect()
    assert [sys.getrefcount(value), sys.getrefcount(default)] == counts


@compiled_only
def test_reassigning_call_or_getattr_on_a_class_takes_effect() -> None:
    """Internals: a class given the direct slots obeys a later `cls.__call__ =` or `cls.__getattr__ =`."""
    speedups = _acceleration._speedups

    class Key(type(hp.scope.a)):  # type: ignore[misc]
        __slots__ = ()

        def __getattr__(self, name: str) -> Any:
            return f"child {name}"

    Key.__call__ = speedups.method("__call__", Key)  # type: ignore[method-assign]
    speedups.direct_call(Key)
    speedups.direct_getattr(Key)
    key = Key("direct.key")
    with hp.scope(**{"direct.key": 4}):
        assert key(0) == 4
        assert key.other == "child other"
        Key.__call__ = lambda self, default=None: "python call"  # type: ignore[method-assign]
        Key.__getattr__ = lambda self, name: f"python {name}"  # type: ignore[method-assign]
        assert key(0) == "python call"
        assert key.other == "python other"


@compiled_only
@pytest.mark.parametrize(
    ("install", "cls", "message"),
    [
        ("direct_call", int, "accessor class"),
        ("direct_call", type("Key", (type(hp.scope.a),), {"__slots__": ()}), "not the compiled read"),
        ("direct_getattr", int, "defined in Python"),
        ("direct_getattr", type("Plain", (), {}), "Python __getattr__"),
        (
            "direct_getattr",
            type("Own", (), {"__getattr__": lambda self, name: 1, "__getattribute__": lambda self, name: 2}),
            "object's __getattribute__",
        ),
    ],
)
def test_the_direct_slots_refuse_a_class_they_do_not_fit(install: str, cls: type, message: str) -> None:
    """Internals: direct_call and direct_getattr refuse, with a TypeError, a class whose methods differ."""
    with pytest.raises(TypeError, match=message):
        getattr(_acceleration._speedups, install)(cls)


@compiled_only
def test_configuring_with_a_level_whose_lookup_is_not_dicts_is_refused_and_changes_nothing() -> None:
    """Internals: configure() refuses a Level class overriding [] and the compiled paths keep working."""

    class Overriding(dict):  # type: ignore[type-arg]
        def __getitem__(self, key: Any) -> Any:
            return 0

    with pytest.raises(TypeError, match=r"\[\] is dict's"):
        _acceleration._speedups.configure(**{**_acceleration.configuration(), "Level": Overriding})
    with hp.scope(**{"still.works": 5}):
        assert hp.scope.still.works | 0 == 5
