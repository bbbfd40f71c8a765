"""TensorFlow 1.x compatibility: ``hp.parse_values`` and ``hp.HParams`` behave like ``tf.contrib.training``'s.

Every expected value and error message below is TensorFlow's reference behaviour (the last
``tensorflow/contrib/training/python/training/hparam.py``, protocol buffers excluded), so code
and tests written against TensorFlow keep passing unchanged.
"""

import json
import math
import pathlib
import re
from fractions import Fraction

import pytest

import hyperparameter as hp


def _exact(message):
    """Build a ``pytest.raises(match=...)`` pattern accepting exactly ``message``."""
    return "^" + re.escape(message) + "$"


def _typed(value):
    """``value`` with the exact type of every element and the order of every mapping made visible."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_typed(v) for v in value])
    return (type(value).__name__, value)


def _relu(x):
    return x


class _Context:
    """A hyperparameter value of a type TensorFlow knows nothing about."""

    def __init__(self, a):
        self.a = a


def _my_hparams(**kwargs):
    """Make an instance of a subclass of HParams, whose name repr shows."""

    class _MyHParams(hp.HParams):
        pass

    return _MyHParams(**kwargs)


# --------------------------------------------------------------------------- parse_values: results

PARSED = [
    # ints
    ("x=1", {"x": int}, {"x": 1}),
    ("x=-12", {"x": int}, {"x": -12}),
    ("x=+3", {"x": int}, {"x": 3}),
    ("x=007", {"x": int}, {"x": 7}),
    ("x=1_000", {"x": int}, {"x": 1000}),
    ("x = 5", {"x": int}, {"x": 5}),
    ("x=5 ,y=6", {"x": int, "y": int}, {"x": 5, "y": 6}),
    # floats
    ("lr=0.1", {"lr": float}, {"lr": 0.1}),
    ("lr=1", {"lr": float}, {"lr": 1.0}),
    ("lr=-.54e89", {"lr": float}, {"lr": -0.54e89}),
    ("lr=-2.0e10", {"lr": float}, {"lr": -2.0e10}),
    ("lr=inf", {"lr": float}, {"lr": math.inf}),
    # strings
    ("act=relu6", {"act": str}, {"act": "relu6"}),
    ("act=", {"act": str}, {"act": ""}),
    ("act=,x=0,", {"act": str, "x": int}, {"act": "", "x": 0}),
    ("d=/a=b/c/d", {"d": str}, {"d": "/a=b/c/d"}),
    ('s=2.3"', {"s": str}, {"s": '2.3"'}),
    ("s='x'", {"s": str}, {"s": "'x'"}),
    ("s=hello world", {"s": str}, {"s": "hello world"}),
    ("s=foo ,t=bar", {"s": str, "t": str}, {"s": "foo ", "t": "bar"}),
    ("s=a]b", {"s": str}, {"s": "a]b"}),
    ("s=1;t=2", {"s": str}, {"s": "1;t=2"}),
    # lists
    ("x=[1,2,3]", {"x": int}, {"x": [1, 2, 3]}),
    ("x=[1, 2 ,3]", {"x": int}, {"x": [1, 2, 3]}),
    ("x=[1 2  3]", {"x": int}, {"x": [1, 2, 3]}),
    ("x=[,1,,2,]", {"x": int}, {"x": [1, 2]}),
    ("x=[]", {"x": int}, {"x": []}),
    ("x=[ ]", {"x": int}, {"x": []}),
    ("x=[12]", {"x": int}, {"x": [12]}),
    ("x=[-34,+3]", {"x": int}, {"x": [-34, 3]}),
    ("x=[1,1e-12]", {"x": float}, {"x": [1.0, 1e-12]}),
    ("x=[high,low]", {"x": str}, {"x": ["high", "low"]}),
    ("x=[_12,3'4\"]", {"x": str}, {"x": ["_12", "3'4\""]}),
    ("x=[a=b]", {"x": str}, {"x": ["a=b"]}),
    ("x=[true,0,False,7]", {"x": bool}, {"x": [True, False, False, True]}),
    ("x = [1,2],  y=3", {"x": int, "y": int}, {"x": [1, 2], "y": 3}),
    # index assignment
    ("arr[1]=10", {"arr": int}, {"arr": {1: 10}}),
    ("arr[0]=10,arr[5]=20", {"arr": int}, {"arr": {0: 10, 5: 20}}),
    ("arr[ 2 ]=5", {"arr": int}, {"arr": {2: 5}}),
    ("arr[007]=1", {"arr": int}, {"arr": {7: 1}}),
    ("arr[1]=", {"arr": str}, {"arr": {1: ""}}),
    (
        "arr[0]=10,arr[1]=20,L[5]=100,L[10]=200",
        {"arr": int, "L": int},
        {"arr": {0: 10, 1: 20}, "L": {5: 100, 10: 200}},
    ),
    ("x=10,arr[1]=20,y=30", {"x": int, "y": int, "arr": int}, {"x": 10, "arr": {1: 20}, "y": 30}),
    (
        "a[0]=5,b[1]=true,c[2]=abc,d[3]=3.14",
        {"a": int, "b": bool, "c": str, "d": float},
        {"a": {0: 5}, "b": {1: True}, "c": {2: "abc"}, "d": {3: 3.14}},
    ),
    # dotted and other legal names
    ("a.b=1.0", {"a.b": float}, {"a.b": 1.0}),
    ("d..=10.0", {"d..": float}, {"d..": 10.0}),
    ("a.b[0]=1", {"a.b": int}, {"a.b": {0: 1}}),
    ("X_1=1,a1.b_2=2", {"X_1": int, "a1.b_2": int}, {"X_1": 1, "a1.b_2": 2}),
    # separators and order of first appearance
    ("", {"x": int}, {}),
    ("a=1,", {"a": int}, {"a": 1}),
    ("a=1,   b=2", {"a": int, "b": int}, {"a": 1, "b": 2}),
    ("b=2,a=1,c=3", {"a": int, "b": int, "c": int}, {"b": 2, "a": 1, "c": 3}),
    ("arr[5]=1,x=2,arr[0]=3", {"arr": int, "x": int}, {"arr": {5: 1, 0: 3}, "x": 2}),
]


@pytest.mark.parametrize(
    ("values", "type_map", "expected"), PARSED, ids=[case[0] or "<empty>" for case in PARSED]
)
def test_parse_values_result(values, type_map, expected):
    """A well-formed string parses to TensorFlow's map:
    same keys in first-appearance order, same values, same types."""
    result = hp.parse_values(values, type_map)
    assert type(result) is dict
    assert _typed(result) == _typed(expected)


BOOLS = [
    ("true", True),
    ("True", True),
    ("false", False),
    ("False", False),
    ("1", True),
    ("0", False),
    ("2", True),
    ("-1", True),
    ("00", False),
    ("+1", True),
]


@pytest.mark.parametrize(("text", "expected"), BOOLS, ids=[case[0] for case in BOOLS])
def test_parse_values_bool(text, expected):
    """A bool accepts true/True/false/False, and otherwise any integer text read as ``bool(int(text))``."""
    result = hp.parse_values("flag=" + text, {"flag": bool})
    assert _typed(result) == _typed({"flag": expected})


# --------------------------------------------------------------------------- parse_values: errors

MALFORMED = [
    (",a=1", ",a=1"),
    (" a=1", " a=1"),
    ("a=1,,b=2", ",b=2"),
    ("a=1,=2", "=2"),
    ("1a=2", "1a=2"),
    ("_a=2", "_a=2"),
    ("a-b=1", "a-b=1"),
    ("a", "a"),
    ("a=1,b", "b"),
    ("a=1,??", "??"),
    ("x=a[1]", "x=a[1]"),
    ("x=[1,2]junk", "x=[1,2]junk"),
    ("x=[1]y=2", "x=[1]y=2"),
    ("x=[1,2] ,y=3", "x=[1,2] ,y=3"),
    ("x=[[1]]", "x=[[1]]"),
    ("x=[1,2", "x=[1,2"),
    ("arr[-1]=1", "arr[-1]=1"),
    ("arr[x]=1", "arr[x]=1"),
    ("arr [1]=1", "arr [1]=1"),
]


@pytest.mark.parametrize(("values", "rest"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_parse_values_malformed(values, rest):
    """Text that is not a ``name=value`` clause
    raises ``Malformed hyperparameter value:`` with the unparsed rest."""
    type_map = dict.fromkeys(("a", "b", "x", "y", "arr"), str)
    with pytest.raises(ValueError, match=_exact("Malformed hyperparameter value: " + rest)):
        hp.parse_values(values, type_map)


UNKNOWN = [
    ("x=1", {}, "x"),
    ("a=1,zzz=2", {"a": int}, "zzz"),
    ("x=[1]", {}, "x"),
    ("arr[1]=5", {}, "arr"),
    ("arr[1]=1", {"arr[1]": int}, "arr"),
    ("a.b=1", {"a": int}, "a.b"),
    ("arr[1]=[1,2]", {}, "arr"),
    ("zzz=1,a=bad", {"a": int}, "zzz"),
]


@pytest.mark.parametrize(("values", "type_map", "name"), UNKNOWN, ids=[case[0] for case in UNKNOWN])
def test_parse_values_unknown_name(values, type_map, name):
    """A name (the part before any index) missing from type_map
    raises ``Unknown hyperparameter type for <name>``."""
    with pytest.raises(ValueError, match=_exact("Unknown hyperparameter type for " + name)):
        hp.parse_values(values, type_map)


UNPARSABLE = [
    ("aaa=poipoi", {"aaa": int}, "aaa", "int", "poipoi"),
    ("aaa=1.0", {"aaa": int}, "aaa", "int", "1.0"),
    ("aaa=0x10", {"aaa": int}, "aaa", "int", "0x10"),
    ("aaa=", {"aaa": int}, "aaa", "int", ""),
    ("aaa=1;b=2", {"aaa": int}, "aaa", "int", "1;b=2"),
    ("aaa=1 b=2", {"aaa": int}, "aaa", "int", "1 b=2"),
    ("b=12x", {"b": float}, "b", "float", "12x"),
    ("b=relu", {"b": float}, "b", "float", "relu"),
    ("b=", {"b": float}, "b", "float", ""),
    ("use_gpu=yep", {"use_gpu": bool}, "use_gpu", "bool", "yep"),
    ("use_gpu=TRUE", {"use_gpu": bool}, "use_gpu", "bool", "TRUE"),
    ("use_gpu=1.0", {"use_gpu": bool}, "use_gpu", "bool", "1.0"),
    ("use_gpu=", {"use_gpu": bool}, "use_gpu", "bool", ""),
    ("use_gpu=true ", {"use_gpu": bool}, "use_gpu", "bool", "true "),
    ("aaa=[poipoi]", {"aaa": int}, "aaa", "int", "poipoi"),
    ("aaa=[1.0]", {"aaa": int}, "aaa", "int", "1.0"),
    ("aaa=[1,x]", {"aaa": int}, "aaa", "int", "1,x"),
    ("aaa=[1, 2.5]", {"aaa": int}, "aaa", "int", "1, 2.5"),
    ("b=[12x]", {"b": float}, "b", "float", "12x"),
    ("flags=[true,maybe]", {"flags": bool}, "flags", "bool", "true,maybe"),
    ("arr[0]=x", {"arr": int}, "arr", "int", "x"),
    ("a=1,b=oops,c=3", {"a": int, "b": int, "c": int}, "b", "int", "oops"),
    ("a=bad,zzz=1", {"a": int}, "a", "int", "bad"),
    ("x=1,x=bad", {"x": int}, "x", "int", "bad"),
    ("arr[0]=1,arr[0]=bad", {"arr": int}, "arr", "int", "bad"),
]


@pytest.mark.parametrize(
    ("values", "type_map", "name", "type_name", "value"), UNPARSABLE, ids=[case[0] for case in UNPARSABLE]
)
def test_parse_values_unparsable(values, type_map, name, type_name, value):
    """A value its type rejects raises ``Could not parse hparam`` naming the hparam, the type,
    the raw text and the whole input."""
    message = f"Could not parse hparam '{name}' of type '{type_name}' with value '{value}' in {values}"
    with pytest.raises(ValueError, match=_exact(message)):
        hp.parse_values(values, type_map)


LIST_TO_INDEX = [
    ("arr[1]=[1,2,3]", {"arr": int}),
    ("arr[1]=[]", {"arr": int}),
    ("arr[0]=1,arr[1]=[2]", {"arr": int}),
    ("x=1,x[0]=[2]", {"x": int}),
]


@pytest.mark.parametrize(("values", "type_map"), LIST_TO_INDEX, ids=[case[0] for case in LIST_TO_INDEX])
def test_parse_values_list_to_index(values, type_map):
    """A list assigned to an index raises ``Assignment of a list to a list index.``
    (checked before any repetition)."""
    with pytest.raises(ValueError, match=_exact("Assignment of a list to a list index.")):
        hp.parse_values(values, type_map)


REPEATED = [
    ("x=1,x=1", "x"),
    ("x=1,x=2", "x"),
    ("x=[1],x=[2]", "x"),
    ("x=1,x=[1]", "x"),
    ("x=[1],x=1", "x"),
    ("x=1,x=[bad]", "x"),
    ("arr=[100,200],arr[0]=10", "arr"),
    ("arr[0]=10,arr=[100]", "arr"),
    ("arr[0]=10,arr=5", "arr"),
    ("x=1,x[0]=2", "x"),
    ("arr[0]=10,arr[0]=20", "arr[0]"),
    ("arr[0]=1,arr[00]=2", "arr[0]"),
    ("arr[1]=1,arr[ 1 ]=1", "arr[1]"),
]


@pytest.mark.parametrize(("values", "target"), REPEATED, ids=[case[0] for case in REPEATED])
def test_parse_values_repeated_assignment(values, target):
    """Assigning a name, or one index of it, twice
    raises ``Multiple assignments to variable '<target>' in <values>``."""
    with pytest.raises(ValueError, match=_exact(f"Multiple assignments to variable '{target}' in {values}")):
        hp.parse_values(values, {"x": int, "arr": int})


IGNORED = [
    ("arr[1]=10,b=5", {"arr": int}, {"arr": {1: 10}}),
    ("arr[0]=10,arr[5]=20,foo=bar", {"arr": int}, {"arr": {0: 10, 5: 20}}),
    (
        "arr[0]=10,C=5,arr[1]=20,B[0]=kkk,L[5]=100,L[10]=200",
        {"arr": int, "L": int},
        {"arr": {0: 10, 1: 20}, "L": {5: 100, 10: 200}},
    ),
    (
        "x=10,foo[0]=bar,arr[1]=20,zzz=78,y=30",
        {"x": int, "y": int, "arr": int},
        {"x": 10, "arr": {1: 20}, "y": 30},
    ),
    (
        "a[0]=5,cc=4,b[1]=true,c[2]=abc,mm=2,d[3]=3.14",
        {"a": int, "b": bool, "c": str, "d": float},
        {"a": {0: 5}, "b": {1: True}, "c": {2: "abc"}, "d": {3: 3.14}},
    ),
    ("arr[1]=5", {}, {}),
    ("arr[1]=1", {"arr[1]": int}, {}),
    ("z=1,z=2", {}, {}),
    ("z[0]=[1,2]", {}, {}),
    ("z=notanumber,a=1", {"a": int}, {"a": 1}),
]


@pytest.mark.parametrize(("values", "type_map", "expected"), IGNORED, ids=[case[0] for case in IGNORED])
def test_parse_values_ignore_unknown(values, type_map, expected):
    """With ignore_unknown=True a clause whose name is not in type_map is skipped entirely, never checked."""
    result = hp.parse_values(values, type_map, ignore_unknown=True)
    assert _typed(result) == _typed(expected)


def test_parse_values_ignore_unknown_positional():
    """ignore_unknown is also the third positional parameter."""
    assert hp.parse_values("a=1,b=2", {"a": int}, True) == {"a": 1}


STILL_RAISED = [
    ("a=1,??", {"a": int}, "Malformed hyperparameter value: ??"),
    ("zzz=1,??", {}, "Malformed hyperparameter value: ??"),
    ("arr[1]=[1,2,3],c=8", {"arr": int}, "Assignment of a list to a list index."),
    ("a=x,zzz=1", {"a": int}, "Could not parse hparam 'a' of type 'int' with value 'x' in a=x,zzz=1"),
    ("a=1,zzz=1,a=2", {"a": int}, "Multiple assignments to variable 'a' in a=1,zzz=1,a=2"),
]


@pytest.mark.parametrize(
    ("values", "type_map", "message"), STILL_RAISED, ids=[case[0] for case in STILL_RAISED]
)
def test_parse_values_ignore_unknown_keeps_other_errors(values, type_map, message):
    """ignore_unknown=True silences only unknown names: malformed text and bad known clauses still raise."""
    with pytest.raises(ValueError, match=_exact(message)):
        hp.parse_values(values, type_map, ignore_unknown=True)


# --------------------------------------------------------------------------- HParams: construction


def test_hparams_constructor_and_attributes():
    """Keyword arguments become hyperparameters readable as attributes and through values(),
    in the given order."""
    hparams = hp.HParams(aaa=1, b=2.0, c_c="relu6", d="/a/b=c/d")
    assert _typed(hparams.values()) == _typed({"aaa": 1, "b": 2.0, "c_c": "relu6", "d": "/a/b=c/d"})
    assert (hparams.aaa, hparams.b, hparams.c_c, hparams.d) == (1, 2.0, "relu6", "/a/b=c/d")


def test_hparams_values_is_a_fresh_dict():
    """values() returns a new plain dict each time; changing it does not change the hyperparameters."""
    hparams = hp.HParams(a=1)
    values = hparams.values()
    values["a"] = 2
    values["z"] = 3
    assert type(values) is dict
    assert hparams.values() == {"a": 1}


def test_hparams_empty():
    """An empty HParams has no values, accepts an empty parse, and rejects any name."""
    hparams = hp.HParams()
    assert hparams.values() == {}
    assert hparams.parse("") is hparams
    assert hparams.values() == {}
    with pytest.raises(ValueError, match=_exact("Unknown hyperparameter type for xyz")):
        hparams.parse("xyz=123")


RESERVED = [
    "parse",
    "values",
    "get",
    "add_hparam",
    "set_hparam",
    "del_hparam",
    "override_from_dict",
    "parse_json",
    "to_json",
    "set_model_structure",
    "get_model_structure",
    "_hparam_types",
    "__class__",
]


@pytest.mark.parametrize("name", RESERVED)
def test_hparams_reserved_name_in_constructor(name):
    """A constructor keyword naming an existing attribute
    raises ``Hyperparameter name is reserved: <name>``."""
    with pytest.raises(ValueError, match=_exact("Hyperparameter name is reserved: " + name)):
        hp.HParams(**{name: 1})


@pytest.mark.parametrize("name", RESERVED)
def test_hparams_reserved_name_in_add_hparam(name):
    """add_hparam with the name of an existing attribute
    raises ``Hyperparameter name is reserved: <name>``."""
    hparams = hp.HParams()
    with pytest.raises(ValueError, match=_exact("Hyperparameter name is reserved: " + name)):
        hparams.add_hparam(name, 1)


def test_hparams_add_existing_name():
    """add_hparam with the name of a hyperparameter that holds a value raises the reserved-name error."""
    hparams = hp.HParams(aaa=1, b=2.0)
    with pytest.raises(ValueError, match=_exact("Hyperparameter name is reserved: aaa")):
        hparams.add_hparam("aaa", "will fail")
    assert hparams.aaa == 1


def test_hparams_add_over_none_value():
    """A hyperparameter whose value is None can be added again, and then takes the new value's type."""
    hparams = hp.HParams(x=None)
    hparams.add_hparam("x", 5)
    assert hparams.x == 5
    with pytest.raises(
        ValueError, match=_exact("Could not cast hparam 'x' of type '<class 'int'>' from value 'a'")
    ):
        hparams.set_hparam("x", "a")


EMPTY_MULTI = [[], ()]


@pytest.mark.parametrize("empty", EMPTY_MULTI, ids=["list", "tuple"])
def test_hparams_empty_multi_valued(empty):
    """An empty list or tuple raises ``Multi-valued hyperparameters cannot be empty: <name>``,
    in add_hparam and the constructor."""
    message = _exact("Multi-valued hyperparameters cannot be empty: x")
    with pytest.raises(ValueError, match=message):
        hp.HParams().add_hparam("x", empty)
    with pytest.raises(ValueError, match=message):
        hp.HParams(x=empty)


def test_hparams_add_hparam_dotted_names():
    """A dotted name is stored as is, read with getattr, and set with parse."""
    hparams = hp.HParams()
    hparams.add_hparam("a.b", 0.0)
    hparams.add_hparam("e.f", "")
    hparams.add_hparam("d..", 0.0)
    hparams.parse("a.b=1.0,e.f=abc,d..=10.0")
    assert (getattr(hparams, "a.b"), getattr(hparams, "e.f"), getattr(hparams, "d..")) == (1.0, "abc", 10.0)
    with pytest.raises(
        ValueError, match=_exact("Could not parse hparam 'a.b' of type 'float' with value 'abc' in a.b=abc")
    ):
        hparams.parse("a.b=abc")


def test_hparams_model_structure():
    """The model structure is kept apart from the hyperparameters: given to the constructor or set,
    and read back."""
    structure = object()
    other = object()
    assert hp.HParams().get_model_structure() is None
    hparams = hp.HParams(model_structure=structure, a=1)
    assert hparams.get_model_structure() is structure
    assert "model_structure" not in hparams
    assert hparams.values() == {"a": 1}
    assert hparams.set_model_structure(other) is None
    assert hparams.get_model_structure() is other


# --------------------------------------------------------------------------- HParams: set_hparam

SET_OK = [
    ("int", 1, 12, 12),
    ("float-from-float", 1.5, 3.0, 3.0),
    ("float-from-int", 1.5, 1, 1.0),
    ("float-from-fraction", 1.5, Fraction(1, 2), 0.5),
    ("str", "relu6", "relu4", "relu4"),
    ("str-from-bytes", "relu6", b"ab", "b'ab'"),
    ("bool", True, False, False),
    ("none-takes-str", None, "1", "1"),
    ("none-takes-int", None, 5, 5),
    ("path-built-from-str", pathlib.PurePosixPath("/a"), "/b", pathlib.PurePosixPath("/b")),
    ("float-list-from-ints", [2.0, 3.0], [1, 2], [1.0, 2.0]),
    ("int-list-emptied", [1, 2], [], []),
    ("str-list", ["a"], ["b", "c"], ["b", "c"]),
    ("tuple-declared-takes-list", (1, 2), [3, 4], [3, 4]),
    ("none-list-takes-anything", [None], [1, "a"], [1, "a"]),
]


@pytest.mark.parametrize(
    ("initial", "new", "expected"), [case[1:] for case in SET_OK], ids=[case[0] for case in SET_OK]
)
def test_hparams_set_hparam_casts(initial, new, expected):
    """set_hparam stores the new value cast to the declared type when TensorFlow allows the cast
    (int to float, anything to None)."""
    hparams = hp.HParams(p=initial)
    assert hparams.set_hparam("p", new) is None
    assert _typed(hparams.p) == _typed(expected)


def test_hparams_set_hparam_exact_type_kept():
    """A value of exactly the declared type is stored as is, without calling the type."""
    hparams = hp.HParams(x=_Context(a=1))
    replacement = _Context(a=100)
    hparams.set_hparam("x", replacement)
    assert hparams.x is replacement


SET_FAIL = [
    ("str-from-float", "str", 2.2, "Could not cast hparam 'p' of type '<class 'str'>' from value 2.2"),
    ("str-from-bool", "str", True, "Could not cast hparam 'p' of type '<class 'str'>' from value True"),
    ("str-from-int", "str", 1, "Could not cast hparam 'p' of type '<class 'str'>' from value 1"),
    ("int-from-bool", 1, False, "Could not cast hparam 'p' of type '<class 'int'>' from value False"),
    ("int-from-float", 1, 2.2, "Could not cast hparam 'p' of type '<class 'int'>' from value 2.2"),
    ("int-from-integral-float", 1, 2.0, "Could not cast hparam 'p' of type '<class 'int'>' from value 2.0"),
    ("int-from-str", 1, "2", "Could not cast hparam 'p' of type '<class 'int'>' from value '2'"),
    ("int-from-dict", 1, {0: 5}, "Could not cast hparam 'p' of type '<class 'int'>' from value {0: 5}"),
    ("bool-from-int", True, 1, "Could not cast hparam 'p' of type '<class 'bool'>' from value 1"),
    ("bool-from-str", True, "true", "Could not cast hparam 'p' of type '<class 'bool'>' from value 'true'"),
    ("float-from-bool", 1.1, True, "Could not cast hparam 'p' of type '<class 'float'>' from value True"),
    ("float-from-str", 1.1, "1.0", "Could not cast hparam 'p' of type '<class 'float'>' from value '1.0'"),
    ("float-from-none", 1.1, None, "Could not cast hparam 'p' of type '<class 'float'>' from value None"),
    (
        "int-list-element",
        [1, 2],
        [2, 3.3],
        "Could not cast hparam 'p' of type '<class 'int'>' from value 3.3",
    ),
    (
        "mixed-list-typed-by-first",
        [1, 2.5],
        [1, 2.5],
        "Could not cast hparam 'p' of type '<class 'int'>' from value 2.5",
    ),
    ("list-for-scalar", 1, [1], "Must not pass a list for single-valued parameter: p"),
    ("list-for-none", None, [1], "Must not pass a list for single-valued parameter: p"),
    ("scalar-for-list", [2.0, 3.0], 1.0, "Must pass a list for multi-valued parameter: p."),
    ("tuple-for-list", [2.0, 3.0], (1.0,), "Must pass a list for multi-valued parameter: p."),
    ("tuple-for-tuple", (1, 2), (3, 4), "Must pass a list for multi-valued parameter: p."),
    ("dict-for-list", [1], {0: 5}, "Must pass a list for multi-valued parameter: p."),
]


@pytest.mark.parametrize(
    ("initial", "new", "message"), [case[1:] for case in SET_FAIL], ids=[case[0] for case in SET_FAIL]
)
def test_hparams_set_hparam_rejects(initial, new, message):
    """set_hparam refuses what TensorFlow refuses, with its exact message,
    and leaves the old value in place."""
    hparams = hp.HParams(p=initial)
    with pytest.raises(ValueError, match=_exact(message)):
        hparams.set_hparam("p", new)
    assert _typed(hparams.p) == _typed(initial)


def test_hparams_set_hparam_unknown_name():
    """set_hparam on a name that is not a hyperparameter raises KeyError carrying the name."""
    hparams = hp.HParams(a=1)
    with pytest.raises(KeyError) as info:
        hparams.set_hparam("nope", 1)
    assert info.value.args == ("nope",)


# --------------------------------------------------------------------------- HParams: del_hparam, in


def test_hparams_del_hparam():
    """del_hparam removes the hyperparameter, after which the name can be added again with another type."""
    hparams = hp.HParams(aaa=1, b=2.0)
    with pytest.raises(
        ValueError, match=_exact("Could not cast hparam 'aaa' of type '<class 'int'>' from value 'x'")
    ):
        hparams.set_hparam("aaa", "x")
    assert hparams.del_hparam("aaa") is None
    assert "aaa" not in hparams
    assert hparams.values() == {"b": 2.0}
    assert not hasattr(hparams, "aaa")
    with pytest.raises(KeyError):
        hparams.set_hparam("aaa", 2)
    hparams.add_hparam("aaa", "will work")
    hparams.set_hparam("aaa", "still works")
    assert hparams.get("aaa") == "still works"


def test_hparams_del_hparam_missing():
    """del_hparam of a name that is not there does nothing."""
    hparams = hp.HParams(a=1)
    hparams.del_hparam("nope")
    assert hparams.values() == {"a": 1}


CONTAINS = [("foo", True), ("bar", False), ("parse", False), ("values", False), ("_hparam_types", False)]


@pytest.mark.parametrize(("key", "expected"), CONTAINS, ids=[case[0] for case in CONTAINS])
def test_hparams_contains(key, expected):
    """``in`` is true for hyperparameter names only, not for methods or other attributes."""
    assert (key in hp.HParams(foo=1)) is expected


# --------------------------------------------------------------------------- HParams: parse


def _scalars():
    return hp.HParams(aaa=1, b=2.0, c_c="relu6", d="/a/b=c/d")


def _lists():
    return hp.HParams(aaa=[1], b=[2.0, 3.0], c_c=["relu6"])


PARSE_OK = [
    ("scalar-int", _scalars, "aaa=12", {"aaa": 12, "b": 2.0, "c_c": "relu6", "d": "/a/b=c/d"}),
    (
        "scalar-spaces",
        _scalars,
        "c_c=relu4, b=-2.0e10",
        {"aaa": 1, "b": -2.0e10, "c_c": "relu4", "d": "/a/b=c/d"},
    ),
    (
        "scalar-empty-str-int-for-float",
        _scalars,
        "c_c=,b=0,",
        {"aaa": 1, "b": 0.0, "c_c": "", "d": "/a/b=c/d"},
    ),
    ("scalar-quote-plus", _scalars, 'c_c=2.3",b=+2,', {"aaa": 1, "b": 2.0, "c_c": '2.3"', "d": "/a/b=c/d"}),
    (
        "scalar-equals-in-str",
        _scalars,
        "b=1.5,d=/a=b/c/d,aaa=10,",
        {"aaa": 10, "b": 1.5, "c_c": "relu6", "d": "/a=b/c/d"},
    ),
    ("list-int", _lists, "aaa=[12,34,56]", {"aaa": [12, 34, 56], "b": [2.0, 3.0], "c_c": ["relu6"]}),
    (
        "list-str-float",
        _lists,
        "c_c=[relu4,relu12],b=[1.0]",
        {"aaa": [1], "b": [1.0], "c_c": ["relu4", "relu12"]},
    ),
    ("list-empty", _lists, "c_c=[],aaa=[-34]", {"aaa": [-34], "b": [2.0, 3.0], "c_c": []}),
    (
        "list-odd-chars",
        _lists,
        "c_c=[_12,3'4\"],aaa=[+3]",
        {"aaa": [3], "b": [2.0, 3.0], "c_c": ["_12", "3'4\""]},
    ),
    ("list-int-text-for-float", _lists, "b=[1 2]", {"aaa": [1], "b": [1.0, 2.0], "c_c": ["relu6"]}),
    ("bool-list", lambda: hp.HParams(flags=[True]), "flags=[false,1]", {"flags": [False, True]}),
]


@pytest.mark.parametrize(
    ("make", "text", "expected"), [case[1:] for case in PARSE_OK], ids=[case[0] for case in PARSE_OK]
)
def test_hparams_parse(make, text, expected):
    """parse reads the text with each hyperparameter's declared (element) type,
    sets the values and returns the HParams."""
    hparams = make()
    assert hparams.parse(text) is hparams
    assert _typed(hparams.values()) == _typed(expected)


@pytest.mark.parametrize("initial", [False, True])
@pytest.mark.parametrize(("text", "expected"), BOOLS, ids=[case[0] for case in BOOLS])
def test_hparams_parse_bool(initial, text, expected):
    """A bool hyperparameter parses like parse_values' bool whatever its current value, and stays a bool."""
    hparams = hp.HParams(use_gpu=initial)
    hparams.parse("use_gpu=" + text)
    assert hparams.use_gpu is expected


PARSE_FAIL = [
    ("unknown", _scalars, "x=123", "Unknown hyperparameter type for x"),
    ("unknown-list", _lists, "x=[123]", "Unknown hyperparameter type for x"),
    (
        "bad-int",
        _scalars,
        "aaa=poipoi",
        "Could not parse hparam 'aaa' of type 'int' with value 'poipoi' in aaa=poipoi",
    ),
    (
        "float-text-for-int",
        _scalars,
        "aaa=1.0",
        "Could not parse hparam 'aaa' of type 'int' with value '1.0' in aaa=1.0",
    ),
    ("bad-float", _scalars, "b=12x", "Could not parse hparam 'b' of type 'float' with value '12x' in b=12x"),
    (
        "word-for-float",
        _scalars,
        "b=relu",
        "Could not parse hparam 'b' of type 'float' with value 'relu' in b=relu",
    ),
    (
        "bad-bool",
        lambda: hp.HParams(use_gpu=True),
        "use_gpu=yep",
        "Could not parse hparam 'use_gpu' of type 'bool' with value 'yep' in use_gpu=yep",
    ),
    (
        "bad-int-list",
        _lists,
        "aaa=[poipoi]",
        "Could not parse hparam 'aaa' of type 'int' with value 'poipoi' in aaa=[poipoi]",
    ),
    (
        "float-in-int-list",
        _lists,
        "aaa=[1.0]",
        "Could not parse hparam 'aaa' of type 'int' with value '1.0' in aaa=[1.0]",
    ),
    (
        "bad-float-list",
        _lists,
        "b=[1.0,x]",
        "Could not parse hparam 'b' of type 'float' with value '1.0,x' in b=[1.0,x]",
    ),
    ("list-for-scalar", _scalars, "aaa=[123]", "Must not pass a list for single-valued parameter: aaa"),
    ("list-for-str", _scalars, "c_c=[a]", "Must not pass a list for single-valued parameter: c_c"),
    ("scalar-for-list", _lists, "aaa=123", "Must pass a list for multi-valued parameter: aaa."),
    ("index-for-list", _lists, "aaa[0]=5", "Must pass a list for multi-valued parameter: aaa."),
    (
        "index-for-scalar",
        _scalars,
        "aaa[0]=5",
        "Could not cast hparam 'aaa' of type '<class 'int'>' from value {0: 5}",
    ),
    ("repeated", _scalars, "aaa=1,aaa=2", "Multiple assignments to variable 'aaa' in aaa=1,aaa=2"),
    ("malformed", _scalars, "aaa=1,,b=2", "Malformed hyperparameter value: ,b=2"),
]


@pytest.mark.parametrize(
    ("make", "text", "message"), [case[1:] for case in PARSE_FAIL], ids=[case[0] for case in PARSE_FAIL]
)
def test_hparams_parse_rejects(make, text, message):
    """parse raises parse_values' errors, then set_hparam's list/scalar and cast errors,
    with TensorFlow's messages."""
    hparams = make()
    with pytest.raises(ValueError, match=_exact(message)):
        hparams.parse(text)


def test_hparams_parse_error_in_text_changes_nothing():
    """When the text itself is rejected no hyperparameter is changed."""
    hparams = hp.HParams(aaa=1, b=2.0)
    with pytest.raises(
        ValueError,
        match=_exact("Could not parse hparam 'b' of type 'float' with value 'oops' in aaa=5,b=oops"),
    ):
        hparams.parse("aaa=5,b=oops")
    assert hparams.values() == {"aaa": 1, "b": 2.0}


def test_hparams_parse_is_atomic():
    """When setting a parsed value fails, no value is set: a deliberate difference from TensorFlow,
    which keeps the values set before the bad one (docs/values.md)."""
    hparams = hp.HParams(aaa=1, b=2.0)
    with pytest.raises(ValueError, match=_exact("Must not pass a list for single-valued parameter: b")):
        hparams.parse("aaa=5,b=[1.0]")
    assert hparams.values() == {"aaa": 1, "b": 2.0}


def test_hparams_parse_none_typed():
    """parse of a hyperparameter whose value is None fails with TypeError,
    since its type NoneType is called on the text."""
    hparams = hp.HParams(none=None)
    with pytest.raises(TypeError):
        hparams.parse("none=1")


# --------------------------------------------------------------------------- HParams: override_from_dict


def test_hparams_override_from_dict():
    """override_from_dict sets each value through set_hparam and returns the HParams."""
    hparams = hp.HParams(a=1, b=2.0, c="tanh")
    assert hparams.override_from_dict({"a": -2, "c": "identity"}) is hparams
    assert hparams.values() == {"a": -2, "b": 2.0, "c": "identity"}
    hparams = hp.HParams(x=1, b=2.0, d=[0.5])
    hparams.override_from_dict({"d": [0.1, 0.2, 0.3], "b": 7})
    assert _typed(hparams.values()) == _typed({"x": 1, "b": 7.0, "d": [0.1, 0.2, 0.3]})


OVERRIDE_FAIL = [
    (
        "float-for-int",
        {"a": 1.5},
        ValueError,
        _exact("Could not cast hparam 'a' of type '<class 'int'>' from value 1.5"),
    ),
    (
        "list-for-scalar",
        {"a": [1]},
        ValueError,
        _exact("Must not pass a list for single-valued parameter: a"),
    ),
    ("scalar-for-list", {"d": 0.5}, ValueError, _exact("Must pass a list for multi-valued parameter: d.")),
    ("unknown", {"zzz": 1}, KeyError, "zzz"),
]


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [case[1:] for case in OVERRIDE_FAIL],
    ids=[case[0] for case in OVERRIDE_FAIL],
)
def test_hparams_override_from_dict_rejects(values, error, match):
    """override_from_dict raises set_hparam's errors: ValueError for a bad value,
    KeyError for an unknown name."""
    hparams = hp.HParams(a=1, d=[0.5])
    with pytest.raises(error, match=match):
        hparams.override_from_dict(values)


# --------------------------------------------------------------------------- HParams: JSON


def test_hparams_parse_json():
    """parse_json overrides values from a JSON object through set_hparam and returns the HParams."""
    hparams = hp.HParams(aaa=1, b=2.0, c_c="relu6", d=True)
    assert hparams.parse_json('{"aaa": 12, "b": 3.0, "c_c": "relu4", "d": false}') is hparams
    assert _typed(hparams.values()) == _typed({"aaa": 12, "b": 3.0, "c_c": "relu4", "d": False})
    hparams.parse_json('{"b": 4}')
    assert _typed(hparams.b) == _typed(4.0)


PARSE_JSON_FAIL = [
    (
        "float-for-int",
        '{"aaa": 1.5}',
        ValueError,
        _exact("Could not cast hparam 'aaa' of type '<class 'int'>' from value 1.5"),
    ),
    (
        "null-for-int",
        '{"aaa": null}',
        ValueError,
        _exact("Could not cast hparam 'aaa' of type '<class 'int'>' from value None"),
    ),
    (
        "int-for-bool",
        '{"d": 1}',
        ValueError,
        _exact("Could not cast hparam 'd' of type '<class 'bool'>' from value 1"),
    ),
    ("unknown", '{"zzz": 1}', KeyError, "zzz"),
]


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [case[1:] for case in PARSE_JSON_FAIL],
    ids=[case[0] for case in PARSE_JSON_FAIL],
)
def test_hparams_parse_json_rejects(text, error, match):
    """parse_json raises set_hparam's errors for values JSON decodes to an incompatible type
    or unknown names."""
    hparams = hp.HParams(aaa=1, d=True)
    with pytest.raises(error, match=match):
        hparams.parse_json(text)


def test_hparams_json_round_trip():
    """to_json output read back by parse_json restores the values in an HParams of the same types."""
    source = hp.HParams(aaa=12, b=3.0, c_c="relu4", d=False, e=[1.0, 2.0])
    target = hp.HParams(aaa=10, b=20.0, c_c="hello", d=True, e=[0.0])
    target.parse_json(source.to_json())
    assert _typed(target.values()) == _typed(source.values())


TO_JSON = [
    ("default", lambda: hp.HParams(aaa=123), {}, '{"aaa": 123}'),
    ("indent", lambda: hp.HParams(aaa=123), {"indent": 2}, '{\n  "aaa": 123\n}'),
    ("separators", lambda: hp.HParams(aaa=123), {"separators": (";", "=")}, '{"aaa"=123}'),
    (
        "insertion-order",
        lambda: hp.HParams(c_c=False, aaa=123, b="hello"),
        {},
        '{"c_c": false, "aaa": 123, "b": "hello"}',
    ),
    (
        "sort-keys",
        lambda: hp.HParams(c_c=False, aaa=123, b="hello"),
        {"sort_keys": True},
        '{"aaa": 123, "b": "hello", "c_c": false}',
    ),
    ("function-dropped", lambda: hp.HParams(function=_relu), {}, "{}"),
    ("callables-dropped", lambda: hp.HParams(a=1, act=_relu, cls=_Context), {}, '{"a": 1}'),
    ("callables-in-list-dropped", lambda: hp.HParams(acts=["x", _relu, "y"]), {}, '{"acts": ["x", "y"]}'),
    (
        "callables-in-dict-dropped",
        lambda: hp.HParams(cfg={"f": _relu, "n": [1, _relu]}),
        {},
        '{"cfg": {"n": [1]}}',
    ),
]


@pytest.mark.parametrize(
    ("make", "kwargs", "expected"), [case[1:] for case in TO_JSON], ids=[case[0] for case in TO_JSON]
)
def test_hparams_to_json(make, kwargs, expected):
    """to_json is json.dumps of values() with its indent/separators/sort_keys options,
    callables omitted at any depth."""
    assert make().to_json(**kwargs) == expected


def test_hparams_to_json_keeps_callables_in_place():
    """Omitting callables from the JSON leaves the hyperparameters themselves untouched."""
    hparams = hp.HParams(function=_relu)
    hparams.to_json()
    assert hparams.function is _relu
    assert json.loads(hparams.to_json()) == {}


# --------------------------------------------------------------------------- HParams: get


def _for_get():
    return hp.HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[5.0, 6.0])


GET_OK = [
    ("int", "aaa", None, 1),
    ("float", "b", None, 2.0),
    ("str", "c_c", None, "relu6"),
    ("bool", "d", None, True),
    ("list", "e", None, [5.0, 6.0]),
    ("int-default-int", "aaa", 2, 1),
    ("float-default-float", "b", 3.0, 2.0),
    ("float-default-int", "b", 3, 2.0),
    ("str-default-str", "c_c", "default", "relu6"),
    ("bool-default-bool", "d", False, True),
    ("list-default-list", "e", [1.0, 2.0, 3.0], [5.0, 6.0]),
    ("list-default-int-list", "e", [1, 2, 3], [5.0, 6.0]),
    ("list-default-empty-list", "e", [], [5.0, 6.0]),
    ("missing", "unknown", None, None),
    ("missing-int-default", "unknown", 123, 123),
    ("missing-list-default", "unknown", [1, 2, 3], [1, 2, 3]),
    ("method-name-is-missing", "parse", "fallback", "fallback"),
]


@pytest.mark.parametrize(
    ("key", "default", "expected"), [case[1:] for case in GET_OK], ids=[case[0] for case in GET_OK]
)
def test_hparams_get(key, default, expected):
    """get returns the value of an existing hyperparameter (the default being only type-checked)
    and the default otherwise."""
    assert _typed(_for_get().get(key, default)) == _typed(expected)


def test_hparams_get_default_is_none():
    """get's default defaults to None."""
    hparams = _for_get()
    assert hparams.get("aaa") == 1
    assert hparams.get("unknown") is None


GET_FAIL = [
    (
        "int-default-float",
        "aaa",
        2.0,
        "Hparam 'aaa' of type '<class 'int'>' is incompatible with default=2.0. "
        "Could not cast hparam 'aaa' of type '<class 'int'>' from value 2.0",
    ),
    (
        "int-default-false",
        "aaa",
        False,
        "Hparam 'aaa' of type '<class 'int'>' is incompatible with default=False. "
        "Could not cast hparam 'aaa' of type '<class 'int'>' from value False",
    ),
    (
        "float-default-bool",
        "b",
        False,
        "Hparam 'b' of type '<class 'float'>' is incompatible with default=False. "
        "Could not cast hparam 'b' of type '<class 'float'>' from value False",
    ),
    (
        "str-default-list",
        "c_c",
        [1, 2, 3],
        "Hparam 'c_c' of type '<class 'str'>' is incompatible with default=[1, 2, 3]",
    ),
    (
        "str-default-empty-list",
        "c_c",
        [],
        "Hparam 'c_c' of type '<class 'str'>' is incompatible with default=[]",
    ),
    (
        "bool-default-str",
        "d",
        "relu",
        "Hparam 'd' of type '<class 'bool'>' is incompatible with default=relu. "
        "Could not cast hparam 'd' of type '<class 'bool'>' from value 'relu'",
    ),
    (
        "list-default-scalar",
        "e",
        123.0,
        "Hparam 'e' of type 'list<<class 'float'>>' is incompatible with default=123.0",
    ),
    (
        "list-default-tuple",
        "e",
        (1.0,),
        "Hparam 'e' of type 'list<<class 'float'>>' is incompatible with default=(1.0,)",
    ),
    (
        "list-default-str-list",
        "e",
        ["a", "b", "c"],
        "Hparam 'e' of type 'list<<class 'float'>>' is incompatible with default=['a', 'b', 'c']. "
        "Could not cast hparam 'e' of type '<class 'float'>' from value 'a'",
    ),
]


@pytest.mark.parametrize(
    ("key", "default", "message"), [case[1:] for case in GET_FAIL], ids=[case[0] for case in GET_FAIL]
)
def test_hparams_get_incompatible_default(key, default, message):
    """A non-None default incompatible with an existing hyperparameter
    raises ``Hparam ... is incompatible with default=...``."""
    with pytest.raises(ValueError, match=_exact(message)):
        _for_get().get(key, default)


# --------------------------------------------------------------------------- HParams: str and repr

STR_REPR = [
    (
        "scalars",
        lambda: hp.HParams(aaa=1, b=2.0, c_c="relu6", d="/a/b=c/d"),
        "aaa=1,b=2.0,c_c=relu6,d=/a/b=c/d",
        "HParams([('aaa', 1), ('b', 2.0), ('c_c', 'relu6'), ('d', '/a/b=c/d')])",
    ),
    (
        "list",
        lambda: hp.HParams(a=1, b=[2.0, 3.0], c="relu6"),
        "a=1,b=[2.0, 3.0],c=relu6",
        "HParams([('a', 1), ('b', [2.0, 3.0]), ('c', 'relu6')])",
    ),
    (
        "insertion-order-vs-sorted",
        lambda: hp.HParams(b=2.0, a=1),
        "b=2.0,a=1",
        "HParams([('a', 1), ('b', 2.0)])",
    ),
    ("empty", lambda: hp.HParams(), "", "HParams([])"),
    ("subclass", lambda: _my_hparams(x=True), "x=True", "_MyHParams([('x', True)])"),
]


@pytest.mark.parametrize(
    ("make", "expected_str", "expected_repr"),
    [case[1:] for case in STR_REPR],
    ids=[case[0] for case in STR_REPR],
)
def test_hparams_str_and_repr(make, expected_str, expected_repr):
    """str joins ``name=value`` in insertion order with commas;
    repr is the class name around the name-sorted items."""
    hparams = make()
    assert str(hparams) == expected_str
    assert repr(hparams) == expected_repr


def test_hparams_str_parses_back():
    """The str of an HParams is accepted by parse on an HParams of the same types, restoring its values."""
    source = hp.HParams(a=1, b=[2.0, 3.0], c="relu6", d=False)
    target = hp.HParams(a=4, b=[5.0, 6.0], c="relu10", d=True)
    target.parse(str(source))
    assert _typed(target.values()) == _typed(source.values())


def test_hparams_str_of_string_list_keeps_quotes_when_parsed_back():
    """A string list prints with Python quotes, which parse keeps as part of each string."""
    source = hp.HParams(c=["x", "y"])
    assert str(source) == "c=['x', 'y']"
    target = hp.HParams(c=["z"])
    target.parse(str(source))
    assert target.c == ["'x'", "'y'"]
