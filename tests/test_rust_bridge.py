"""Rust code called from Python (the crate's `python` feature) reads the caller's hp.scope.

The Rust test library is built with cargo and called through ctypes: ``PyDLL`` calls hold the
GIL, as a Rust function called by a Python extension does; ``CDLL`` calls release it.
"""

from __future__ import annotations

import importlib.util
import json
import math
import pathlib
import threading
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter import _acceleration
from rust_bridge import Bridge, BridgeError, build

pytestmark = pytest.mark.rust

VECTORS = json.loads((pathlib.Path(__file__).parent / "data" / "conversion_vectors.json").read_text())[
    "vectors"
]
compiled = pytest.mark.skipif(
    not _acceleration.ACTIVE, reason="the bridge needs the compiled module; this run is pure Python"
)


@pytest.fixture(scope="module")
def bridge() -> Bridge:
    try:
        path = build()
    except RuntimeError as error:
        pytest.skip(str(error))
    return Bridge(path)


@compiled
def test_status_is_connected_with_the_compiled_module(bridge: Bridge) -> None:
    """With the compiled module in use, Rust reports that reads see the Python scope."""
    assert bridge.status() == ("connected", "")


@pytest.mark.skipif(_acceleration.ACTIVE, reason="this run uses the compiled module")
def test_without_the_compiled_module_rust_says_why_and_reads_defaults(bridge: Bridge) -> None:
    """Without the compiled module, Rust reads only Rust values and defaults, and python_status says why."""
    with hp.scope(**{"bridge.pure": 5}):
        assert bridge.read("bridge.pure", 1) == 1
    status, reason = bridge.status()
    assert status == "unavailable"
    assert "HYPERPARAMETER_PURE_PYTHON=1" in reason


@compiled
def test_rust_holding_the_gil_reads_the_scope_around_the_call(bridge: Bridge) -> None:
    """A Rust read on a thread holding the GIL sees the values the enclosing with block set."""
    assert bridge.read("bridge.lr", 0.1) == 0.1
    with hp.scope(**{"bridge.lr": 0.01, "bridge.train.lr": 0.5}):
        assert bridge.read("bridge.lr", 0.1) == 0.01
        assert bridge.held.hp_macro_lr() == 0.5
    assert bridge.read("bridge.lr", 0.1) == 0.1
    assert bridge.held.hp_macro_lr() == 0.001


@compiled
def test_rust_without_the_gil_reads_defaults(bridge: Bridge) -> None:
    """A Rust read on a thread that released the GIL never asks Python: it gets the default."""
    with hp.scope(**{"bridge.lr": 0.01, "bridge.train.lr": 0.5}):
        assert bridge.read("bridge.lr", 0.1, gil=False) == 0.1
        assert bridge.released.hp_macro_lr() == 0.001


@compiled
@pytest.mark.skipif(
    importlib.util.find_spec("_xxsubinterpreters") is None, reason="no subinterpreters module"
)
def test_rust_without_the_gil_reads_defaults_after_a_subinterpreter_ran(bridge: Bridge) -> None:
    """A second interpreter does not make Rust believe a thread without the GIL holds it."""
    import _xxsubinterpreters as interpreters  # type: ignore[import-not-found]

    interpreter = interpreters.create()
    interpreters.destroy(interpreter)
    with hp.scope(**{"bridge.lr": 0.01}):
        assert bridge.read("bridge.lr", 0.1, gil=False) == 0.1
        assert bridge.read("bridge.lr", 0.1) == 0.01


@compiled
def test_nested_scopes_are_seen_innermost_first_and_rolled_back(bridge: Bridge) -> None:
    """Rust sees the innermost block's value, and the outer one again after the inner block ends."""
    with hp.scope(**{"bridge.depth": 1, "bridge.outer": "kept"}):
        with hp.scope(**{"bridge.depth": 2}):
            assert (bridge.read("bridge.depth", 0), bridge.read("bridge.outer", "")) == (2, "kept")
        assert bridge.read("bridge.depth", 0) == 1
    assert bridge.read("bridge.depth", 0) == 0


@compiled
def test_a_value_set_in_rust_comes_before_the_python_scope(bridge: Bridge) -> None:
    """Lookup order: a value set in Rust, then the Python scope, then the default."""
    with hp.scope(**{"bridge.order": 2}):
        assert bridge.held.hp_read_i64_set_in_rust(b"bridge.order", 1, 0) == 1
        assert bridge.read("bridge.order", 0) == 2


@compiled
def test_a_thread_rust_spawns_sees_defaults_and_does_not_wait_for_the_gil(bridge: Bridge) -> None:
    """A thread Rust starts holds no GIL: while the caller holds it, that thread reads the default."""
    with hp.scope(**{"bridge.spawned": 7}):
        assert bridge.held.hp_read_i64_on_rust_thread(b"bridge.spawned", -1) == -1


@compiled
def test_each_python_thread_sees_its_own_scope(bridge: Bridge) -> None:
    """Rust called from several Python threads sees each thread's own values."""
    barrier = threading.Barrier(4)
    seen: dict[int, Any] = {}

    def work(index: int) -> None:
        with hp.scope(**{"bridge.worker": index}):
            barrier.wait()  # every thread has entered its block before any reads
            seen[index] = [bridge.read("bridge.worker", -1) for _ in range(50)]

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {index: [index] * 50 for index in range(4)}


@compiled
def test_new_threads_see_the_frozen_baseline(bridge: Bridge) -> None:
    """Rust called from a thread started after hp.scope.frozen() sees the frozen values."""
    with hp.scope(**{"bridge.seed": 42}):
        hp.scope.frozen()
    seen: list[Any] = []
    thread = threading.Thread(target=lambda: seen.append(bridge.read("bridge.seed", 0)))
    thread.start()
    thread.join()
    assert seen == [42]


@compiled
@pytest.mark.parametrize(
    ("lines", "default", "expected"),
    [
        (["bridge.v=20"], 0, 20),
        (["bridge.v=20"], 0.5, 20.0),
        (["bridge.v=1e-3"], 0.5, 0.001),
        (["bridge.v=yes"], False, True),
        (["bridge.v=off"], True, False),
        (["bridge.v= spaced "], "", " spaced "),
    ],
)
def test_key_value_strings_convert_to_the_defaults_type(
    bridge: Bridge, lines: list[str], default: Any, expected: Any
) -> None:
    """-D style strings read from Rust convert with the library's table."""
    with hp.scope(*lines):
        got = bridge.read("bridge.v", default)
    assert type(got) is type(expected)
    assert got == expected


@compiled
def test_a_string_read_again_in_new_scopes_gives_each_scopes_value(bridge: Bridge) -> None:
    """Rust's parse-once cache of Python strings never returns an earlier scope's value."""
    seen = []
    for step in range(200):
        with hp.scope(f"bridge.step={step}"):
            seen.append(bridge.read("bridge.step", 0))
    assert seen == list(range(200))


@compiled
def test_python_objects_read_as_strings_by_their_str(bridge: Bridge) -> None:
    """Objects with no Rust counterpart read as String give Python's str() of them."""
    with hp.scope(**{"bridge.dims": [1, 2], "bridge.none": None, "bridge.big": 2**70}):
        assert bridge.read("bridge.dims", "") == "[1, 2]"
        assert bridge.read("bridge.none", "x") == "None"
        assert bridge.read("bridge.big", 0.5) == float(2**70)
        with pytest.raises(BridgeError, match=r"'bridge.dims' = \[1, 2\] to i64"):
            bridge.read("bridge.dims", 0)


@compiled
def test_a_bad_value_is_an_error_naming_key_value_and_type(bridge: Bridge) -> None:
    """A value that does not convert is reported, never replaced by the default."""
    with hp.scope("bridge.epochs=ten"), pytest.raises(BridgeError) as raised:
        bridge.read("bridge.epochs", 10)
    assert str(raised.value) == (
        'cannot convert hyperparameter \'bridge.epochs\' = "ten" to i64: expected an integer such as "42"'
    )


def _decode(item: Any) -> Any:
    return float(item["float"]) if isinstance(item, dict) and "float" in item else item


@compiled
@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['value']!r}-as-{type(v['default']).__name__}")
def test_shared_vectors_hold_for_values_read_from_the_python_scope(
    bridge: Bridge, vector: dict[str, Any]
) -> None:
    """Every shared conversion vector gives Rust's expected result for a value set in Python."""
    expect = _decode(vector.get("rust", vector["expect"]))
    with hp.scope(**{"vector.value": _decode(vector["value"])}):
        if isinstance(expect, dict):  # {"error": ...}
            with pytest.raises(BridgeError, match=r"cannot convert hyperparameter 'vector\.value'"):
                bridge.read("vector.value", _decode(vector["default"]))
            return
        got = bridge.read("vector.value", _decode(vector["default"]))
    if isinstance(expect, float) and math.isnan(expect):
        assert math.isnan(got)
    else:
        assert got == expect
        assert type(got) is type(expect)


_TEXT = st.text(alphabet="0123456789+-._eEinfaINFAtyTYrsulonOF \t\x1c\x85\xa0\u3000", max_size=12)


@compiled
@settings(max_examples=300, deadline=None)
@given(text=_TEXT, default=st.sampled_from([False, 0, 0.5, ""]))
@example(text="\x1cyes", default=False)  # str.strip() removes separators Rust's trim keeps
def test_rust_reads_any_string_as_the_python_library_does(bridge: Bridge, text: str, default: Any) -> None:
    """For any string, Rust gives Python's converted value, or an error where Python's has another type."""
    with hp.scope(**{"bridge.any": text}):
        try:
            expected: Any = hp.scope.bridge.any | default
        except hp.ConversionError:
            expected = BridgeError
        try:
            got: Any = bridge.read("bridge.any", default)
        except BridgeError:
            got = BridgeError
    fits = type(expected) is type(default) and not (
        isinstance(expected, int) and not -(2**63) <= expected < 2**63
    )
    if expected is BridgeError or not fits:
        assert got is BridgeError
    elif isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(got)
    else:
        assert (type(got), got) == (type(expected), expected)
