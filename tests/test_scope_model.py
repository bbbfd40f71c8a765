"""Random sequences of scope operations checked against a plain reference model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import hyperparameter as hp

KEYS = st.sampled_from(["a", "b", "a.b", "a.c", "x.y.z"])
VALUES = st.one_of(st.integers(-3, 3), st.none(), st.booleans(), st.text(max_size=2))
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

    def visible(self) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for frame in reversed(self.frames):
            for key, value in frame.values.items():
                seen.setdefault(key, value)
            if not frame.inherit:
                break
        return seen


class ScopeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.created: list[hp.Scope] = []

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
        else:
            with pytest.raises(KeyError):
                hp.scope[key]()
            assert (hp.scope[key] | "default") == "default"

    @invariant()
    def everything_visible_matches(self) -> None:
        if self.model.frames:
            assert dict(hp.scope.current()) == self.model.visible()

    def teardown(self) -> None:
        while self.model.frames:
            self.model.frames.pop().obj.__exit__(None, None, None)
        assert dict(hp.scope.current()) == {}


ScopeMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestScopeAgainstModel = ScopeMachine.TestCase
