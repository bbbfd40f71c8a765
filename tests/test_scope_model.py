"""Random sequences of scope operations checked against a plain reference model."""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import hyperparameter as hp

KEYS = st.sampled_from(["a", "b", "a.b", "a.c", "x.y.z"])
VALUES = st.one_of(
    st.integers(-3, 3), st.none(), st.booleans(), st.text(max_size=2), st.integers(-99, 99).map(str)
)
OVERRIDES = st.dictionaries(KEYS, VALUES, max_size=3)


class Boom(Exception):
    """Raised inside a block to check rollback on error."""


@dataclass
class Frame:
    """The model of one entered block: the object entered and the values it holds."""

    obj: hp.Scope
    values: dict[str, Any]
    inherit: bool


@dataclass
class Model:
    """What every read should see, computed the simple way."""

    frames: list[Frame] = field(default_factory=list)
    objects: dict[int, dict[str, Any]] = field(default_factory=dict)  # id(obj) -> stored values

    def visible(self, frames: list[Frame] | None = None) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for frame in reversed(self.frames if frames is None else frames):
            for key, value in frame.values.items():
                seen.setdefault(key, value)
            if not frame.inherit:
                break
        return seen

    def innermost_entry(self, obj: hp.Scope) -> int | None:
        """Return the index of the innermost frame that entered ``obj``, if it is active."""
        return next((i for i in reversed(range(len(self.frames))) if self.frames[i].obj is obj), None)

    def seen_by(self, obj: hp.Scope) -> dict[str, Any]:
        """Return what the scope object ``obj`` reads: its innermost active entry,
        else its values over the current ones."""
        index = self.innermost_entry(obj)
        if index is not None:
            return self.visible(self.frames[: index + 1])
        around = self.visible() if obj._inherit else {}
        return {**around, **self.objects.get(id(obj), dict(obj._values))}


def _paused_in(values: dict[str, Any]) -> Generator[dict[str, Any], tuple[str, Any], None]:
    """Pause in a block of its own, as a generator: each resume sends a write,
    and it answers what it saw before it."""
    with hp.scope(**values):
        key, value = yield {}
        while True:
            seen = dict(hp.scope.current())
            hp.scope[key] = value
            key, value = yield seen


def _in_a_thread(step: Callable[[], Any]) -> Any:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(step()))
    thread.start()
    thread.join()
    return result[0]


RESUMERS: dict[str, Callable[[Callable[[], Any]], Any]] = {
    "here": lambda step: step(),
    "another thread": _in_a_thread,
    "a fresh context": lambda step: contextvars.Context().run(step),
    "a copied context": lambda step: contextvars.copy_context().run(step),
}


class ScopeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.created: list[hp.Scope] = []
        # Generators paused in their own block, with what each should see when resumed.
        self.generators: list[tuple[Generator[dict[str, Any], tuple[str, Any], None], dict[str, Any]]] = []

    @initialize()
    def start_isolated(self) -> None:
        # An empty outermost block stands for the context's base, so writes
        # with no other active block stay inside this example.
        self.enter_object(hp.scope.empty(), inherit=False)

    def enter_object(self, obj: hp.Scope, inherit: bool) -> None:
        obj.__enter__()
        stored = self.model.objects.setdefault(id(obj), dict(obj._values))
        self.model.frames.append(Frame(obj, dict(stored), inherit))

    @rule(values=OVERRIDES, empty=st.booleans())
    def enter_new(self, values: dict[str, Any], empty: bool) -> None:
        obj = hp.scope.empty(**values) if empty else hp.scope(**values)
        self.created.append(obj)
        self.enter_object(obj, inherit=not empty)

    @precondition(lambda self: self.created)
    @rule(data=st.data())
    def reenter_existing(self, data: st.DataObject) -> None:
        obj = data.draw(st.sampled_from(self.created))
        self.enter_object(obj, inherit=obj._inherit)

    @precondition(lambda self: len(self.model.frames) > 1)
    @rule()
    def exit_innermost(self) -> None:
        frame = self.model.frames.pop()
        frame.obj.__exit__(None, None, None)

    @rule(key=KEYS, value=VALUES)
    def write_current(self, key: str, value: Any) -> None:
        hp.scope[key] = value
        self.model.frames[-1].values[key] = value

    @rule(values=OVERRIDES)
    def update_current(self, values: dict[str, Any]) -> None:
        # Writes through hp.scope change the innermost block only, never its scope object.
        assert hp.scope.update(values) is self.model.frames[-1].obj
        self.model.frames[-1].values.update(values)

    @rule()
    def clear_current(self) -> None:
        assert hp.scope.clear() is self.model.frames[-1].obj
        self.model.frames[-1].values.clear()
        self.model.frames[-1].inherit = False

    @rule(data=st.data(), values=OVERRIDES)
    def update_object(self, data: st.DataObject, values: dict[str, Any]) -> None:
        frame = self.model.frames[data.draw(st.integers(0, len(self.model.frames) - 1))]
        frame.obj.update(values)
        self.model.objects[id(frame.obj)].update(values)
        self.model.frames[self.model.innermost_entry(frame.obj)].values.update(values)  # type: ignore[index]

    @rule(data=st.data())
    def clear_object(self, data: st.DataObject) -> None:
        frame = self.model.frames[data.draw(st.integers(0, len(self.model.frames) - 1))]
        frame.obj.clear()
        self.model.objects[id(frame.obj)] = {}
        entry = self.model.frames[self.model.innermost_entry(frame.obj)]  # type: ignore[index]
        entry.values.clear()
        entry.inherit = False

    @precondition(lambda self: len(self.model.frames) > 2)
    @rule()
    def exit_out_of_order(self) -> None:
        outer, inner = self.model.frames[-2], self.model.frames[-1]
        if outer.obj is inner.obj:
            return
        before = self.model.visible()
        with pytest.raises(hp.ScopeError):
            outer.obj.__exit__(None, None, None)
        assert dict(hp.scope.current()) == before

    @precondition(lambda self: self.created)
    @rule(data=st.data(), key=KEYS)
    def read_through_object(self, data: st.DataObject, key: str) -> None:
        obj = data.draw(st.sampled_from(self.created))
        assert (obj[key] | None) == self.model.seen_by(obj).get(key)

    @rule()
    def call_injected(self) -> None:
        expected = self.model.visible()
        assert _injected() == (expected.get("a.b"), expected.get("a.c"))

    @rule(key=KEYS)
    def read_in_a_copied_context(self, key: str) -> None:
        expected = self.model.visible().get(key)
        assert contextvars.copy_context().run(lambda: hp.scope[key] | None) == expected

    @rule(data=st.data(), key=KEYS, value=VALUES)
    def write_through_object(self, data: st.DataObject, key: str, value: Any) -> None:
        index = data.draw(st.integers(0, len(self.model.frames) - 1))
        frame = self.model.frames[index]
        frame.obj[key] = value
        self.model.objects[id(frame.obj)][key] = value
        innermost_entry = next(each for each in reversed(self.model.frames) if each.obj is frame.obj)
        innermost_entry.values[key] = value

    @rule(values=OVERRIDES, key=KEYS, value=VALUES)
    def block_that_raises(self, values: dict[str, Any], key: str, value: Any) -> None:
        before = self.model.visible()
        with pytest.raises(Boom), hp.scope(**values):
            hp.scope[key] = value
            raise Boom
        assert dict(hp.scope.current()) == before

    @rule(key=KEYS)
    def read(self, key: str) -> None:
        expected = self.model.visible()
        if key in expected:
            assert hp.scope[key]() == expected[key]
            assert (hp.scope[key] | None) == expected[key]
            if isinstance(expected[key], str) and expected[key].lstrip("-").isdecimal():
                assert (hp.scope[key] | 0) == int(expected[key])
        else:
            with pytest.raises(KeyError):
                hp.scope[key]()
            assert (hp.scope[key] | "default") == "default"

    @precondition(lambda self: len(self.generators) < 3)
    @rule(values=OVERRIDES)
    def pause_a_generator_in_its_block(self, values: dict[str, Any]) -> None:
        paused = _paused_in(values)
        next(paused)
        self.generators.append((paused, {**self.model.visible(), **values}))

    @precondition(lambda self: self.generators)
    @rule(data=st.data(), where=st.sampled_from(sorted(RESUMERS)), key=KEYS, value=VALUES)
    def resume_a_generator_elsewhere(self, data: st.DataObject, where: str, key: str, value: Any) -> None:
        paused, expected = data.draw(st.sampled_from(self.generators))
        assert RESUMERS[where](lambda: paused.send((key, value))) == expected
        expected[key] = value

    @precondition(lambda self: self.generators)
    @rule(data=st.data())
    def finish_a_generator(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(0, len(self.generators) - 1))
        self.generators.pop(index)[0].close()

    @invariant()
    def everything_visible_matches(self) -> None:
        if self.model.frames:
            assert dict(hp.scope.current()) == self.model.visible()

    def teardown(self) -> None:
        for paused, _ in self.generators:
            paused.close()
        while self.model.frames:
            self.model.frames.pop().obj.__exit__(None, None, None)
        assert dict(hp.scope.current()) == {}


@hp.param("a")
def _injected(b: Any = None, c: Any = None) -> tuple[Any, Any]:
    return b, c


# CI runs this file once more with HYPERPARAMETER_MODEL_EXAMPLES set (see .ci/run) for a longer search.
EXAMPLES = int(os.environ.get("HYPERPARAMETER_MODEL_EXAMPLES", "150"))
ScopeMachine.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None)
TestScopeAgainstModel = ScopeMachine.TestCase
