"""One conversion table: every entry point gives the same answer for the same (text, type) pair."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Callable

import pytest

import hyperparameter as hp


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


ERROR: Any = type("Error", (), {"__repr__": lambda self: "<error>"})()
SAMPLES: dict[Any, Any] = {int: 0, float: 0.0, bool: False, str: "", list[int]: [0], Level: Level.LOW}
KINDS: dict[Any, Callable[[], Any]] = {
    int: lambda: hp.Int(0),
    float: lambda: hp.Float(0.0),
    bool: lambda: hp.Bool(False),
    str: lambda: hp.Str(""),
    list[int]: lambda: hp.List([0], item_type=int),
}


def answer(compute: Callable[[], Any]) -> Any:
    """Return what an entry point gives, or ERROR when it refuses the value."""
    try:
        return compute()
    except (hp.HyperparameterError, TypeError, ValueError, SystemExit):
        return ERROR


def via_read(text: str, tp: Any) -> Any:
    with hp.scope(**{"x.v": text}):
        return answer(lambda: hp.scope.x.v | SAMPLES[tp])


def via_param(text: str, tp: Any) -> Any:
    @hp.param("x")
    def read(v: Any = SAMPLES[tp]) -> Any:
        return v

    with hp.scope(**{"x.v": text}):
        return answer(read)


def via_kind(text: str, tp: Any) -> Any:
    if tp not in KINDS:
        return "n/a"
    declared = type("Declared", (hp.Params,), {"v": KINDS[tp]()}, namespace="x")
    with hp.scope(**{"x.v": text}):
        return answer(lambda: declared().v)


def launched(tp: Any) -> Callable[..., Any]:
    def main(v=SAMPLES[tp]):  # type: ignore[no-untyped-def]
        return v

    main.__annotations__ = {"v": tp}
    return hp.param("x")(main)


def via_option(text: str, tp: Any) -> Any:
    return answer(lambda: hp.launch(launched(tp), argv=[f"--v={text}"]))


def via_define(text: str, tp: Any) -> Any:
    return answer(lambda: hp.launch(launched(tp), argv=["-D", f"x.v={text}"]))


def via_schema(text: str, tp: Any) -> Any:
    schema = dataclasses.make_dataclass("Schema", [("v", tp)])
    return answer(lambda: hp.config({"v": text}, schema=schema).v)


LENIENT = {"scope read": via_read, "@hp.param": via_param}
STRICT = {
    "declared kind": via_kind,
    "CLI option": via_option,
    "-D check": via_define,
    "config schema": via_schema,
}

# (text, type, what every entry point gives, what the lenient mode gives when it differs)
CASES = [
    ("42", int, 42, None),
    (" 7 ", int, 7, None),
    ("-1_000", int, -1000, None),
    ("3.14", int, ERROR, 3.14),  # documented: a read with the default 0 keeps the seed's rule
    ("1e3", int, ERROR, 1000.0),
    ("ten", int, ERROR, None),
    ("1e-3", float, 0.001, None),
    ("2", float, 2.0, None),
    ("fast", float, ERROR, None),
    ("yes", bool, True, None),
    ("OFF", bool, False, None),
    ("maybe", bool, ERROR, None),
    ("abc", str, "abc", None),
    ("[1, 2]", list[int], [1, 2], None),
    ("[1, x]", list[int], ERROR, None),
    ("2", Level, Level.HIGH, None),
    ("HIGH", Level, Level.HIGH, None),
    ("3", Level, ERROR, None),
]


@pytest.mark.parametrize(("text", "tp", "expected", "lenient"), CASES)
def test_every_entry_point_gives_the_same_answer(
    text: str, tp: Any, expected: Any, lenient: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scope reads, @hp.param, kinds, options, -D checks and schemas agree,
    but for the documented lenient rule."""
    answers = {name: entry(text, tp) for name, entry in {**LENIENT, **STRICT}.items()}
    capsys.readouterr()
    wanted = dict.fromkeys(STRICT, expected)
    wanted.update(dict.fromkeys(LENIENT, expected if lenient is None else lenient))
    if tp not in KINDS:
        wanted["declared kind"] = "n/a"
    assert answers == wanted
    for name, value in answers.items():
        if value is not ERROR and value != "n/a":
            assert type(value) is type(wanted[name]), name
