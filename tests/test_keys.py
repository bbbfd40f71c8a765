"""Behaviour of key rules: which keys are accepted, how "k=v" strings and nested mappings become keys."""

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._keys import check_key

WHITESPACE = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


# Each setter sets ``key`` in one way and returns the scope object that now holds it.
def _set_by_keywords(ps, key, value):
    return hp.scope(**{key: value})


def _set_by_string(ps, key, value):
    return hp.scope(f"{key}={value}")


def _set_by_mapping(ps, key, value):
    return hp.scope({key: value})


def _set_by_empty(ps, key, value):
    return hp.scope.empty(**{key: value})


def _set_on_scope_item(ps, key, value):
    ps[key] = value
    return ps


def _set_on_scope_attribute(ps, key, value):
    setattr(ps, key, value)
    return ps


def _set_on_root_item(ps, key, value):
    hp.scope[key] = value
    return hp.scope.current()


def _set_by_update(ps, key, value):
    return ps.update({key: value})


SETTERS = [
    _set_by_keywords,
    _set_by_string,
    _set_by_mapping,
    _set_by_empty,
    _set_on_scope_item,
    _set_on_scope_attribute,
    _set_on_root_item,
    _set_by_update,
]
SETTER_IDS = ["keywords", "k=v", "mapping", "empty", "ps[key]", "setattr", "hp.scope[key]", "update"]

# Rejected everywhere a value is set.
INVALID_KEYS = [
    "",
    ".",
    "a..b",
    ".a",
    "a.",
    "train..lr",
    "a b",
    "a\tb",
    "a\nb",
    "a\u00a0b",
    "a.\u3000b",
    "a[x]",
    "a[0].b",
    "a]",
    "a,b",
    "[",
]
# Rejected everywhere but in a "k=v" string, which splits on '=', strips the key, and reads
# "a[0]=v" as an index assignment.
INVALID_KEYS_NOT_AS_STRING = ["a=b", "=", "a =b", " a", "a ", "\ta", "a[0]"]


def _snapshot():
    return hp.scope.storage().storage(), hp.scope.current()


# -- valid keys ---------------------------------------------------------------------------------------


VALID_KEYS = ["a", "lr", "a.b", "train.optimizer.lr", "A_1.b-2.C3", "x.y.z.w.v", "9.8", "a._private"]


@pytest.mark.parametrize(("setter"), SETTERS, ids=SETTER_IDS)
@pytest.mark.parametrize(("key"), VALID_KEYS)
def test_valid_dotted_keys_are_accepted(setter, key: str) -> None:
    """A key of non-empty dot-separated names can be set in every way and read back."""
    assert check_key(key) == key
    with hp.scope() as ps:
        holder = setter(ps, key, "v")
        assert holder[key]() == "v"
        with holder:
            assert hp.scope[key]() == "v"


@pytest.mark.parametrize(
    ("setter"),
    [s for s in SETTERS if s is not _set_on_scope_attribute],
    ids=[i for i in SETTER_IDS if i != "setattr"],
)
def test_key_whose_first_segment_starts_with_underscore_is_accepted(setter) -> None:
    """A key such as '_private.x' is valid wherever it is not an attribute name."""
    with hp.scope() as ps:
        holder = setter(ps, "_private.x", "v")
        assert holder["_private.x"]() == "v"


# -- invalid keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("setter"), SETTERS, ids=SETTER_IDS)
@pytest.mark.parametrize(("key"), INVALID_KEYS)
def test_invalid_key_is_rejected_when_set(setter, key: str) -> None:
    """An empty key, an empty segment, whitespace or one of '=[],' raises InvalidKeyError naming the key."""
    with hp.scope(kept=1) as ps:
        before = _snapshot()
        with pytest.raises(hp.InvalidKeyError) as raised:
            setter(ps, key, 1)
        assert _snapshot() == before
    assert raised.value.key == key
    assert repr(key) in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("setter"), [s for s in SETTERS if s is not _set_by_string], ids=[i for i in SETTER_IDS if i != "k=v"]
)
@pytest.mark.parametrize(("key"), INVALID_KEYS_NOT_AS_STRING)
def test_key_with_equals_or_outer_whitespace_is_rejected_when_set(setter, key: str) -> None:
    """A key holding '=' or surrounding whitespace is rejected wherever it is given as a key."""
    with hp.scope() as ps, pytest.raises(hp.InvalidKeyError) as raised:
        setter(ps, key, 1)
    assert raised.value.key == key
    assert repr(key) in str(raised.value)


@pytest.mark.parametrize(
    ("build"),
    [
        lambda: hp.scope(**{"a": {1: 2}}),
        lambda: hp.scope({1: 2}),
        lambda: hp.scope({"a": {"b": {None: 2}}}),
        lambda: hp.scope.empty({(1, 2): 3}),
        lambda: hp.scope.current().update({"a": {2.5: 1}}),
        lambda: hp.scope(42),
        lambda: hp.scope(b"a=1"),
    ],
    ids=["nested-int", "mapping-int", "deep-none", "empty-tuple", "update-float", "positional-int", "bytes"],
)
def test_non_string_key_raises_invalid_key_type_error(build) -> None:
    """A key that is not a string raises InvalidKeyTypeError, both an InvalidKeyError and a TypeError."""
    with hp.scope(kept=1):
        before = _snapshot()
        with pytest.raises(TypeError) as raised:
            build()
        assert _snapshot() == before
    assert isinstance(raised.value, hp.InvalidKeyTypeError)
    assert isinstance(raised.value, hp.InvalidKeyError)
    assert isinstance(raised.value, hp.HyperparameterError)


@pytest.mark.parametrize(("key"), [1, None, 2.5, ("a",)])
def test_non_string_item_key_raises_invalid_key_type_error(key: object) -> None:
    """Setting ps[key] or hp.scope[key] with a non-string key raises InvalidKeyTypeError naming it."""
    with hp.scope() as ps:
        with pytest.raises(hp.InvalidKeyTypeError) as on_scope:
            ps[key] = 1
        with pytest.raises(hp.InvalidKeyTypeError) as on_root:
            hp.scope[key] = 1
    assert on_scope.value.key == key
    assert on_root.value.key == key
    assert isinstance(on_root.value, TypeError)


# -- "k=v" strings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("a=1", "a", "1"),
        (" a =1", "a", "1"),
        ("\ttrain.lr\t=0.1", "train.lr", "0.1"),
        ("a= 1 ", "a", " 1 "),
        ("expr=x=y", "expr", "x=y"),
        ("empty=", "empty", ""),
    ],
)
def test_string_assignment_strips_only_the_key(text: str, key: str, value: str) -> None:
    """A 'k=v' string splits on the first '='; the key loses surrounding whitespace, the value is kept."""
    with hp.scope(text):
        assert hp.scope[key]() == value
        assert list(hp.scope.keys()) == [key]


@pytest.mark.parametrize(
    ("text"), ["a b=1", "a. b=1", "a .b=1", "a\tb=1", "a..b=1", "a[x]=1", "a[0].b=1", "a,b=1", "=1"]
)
def test_string_assignment_with_a_bad_key_is_rejected(text: str) -> None:
    """A 'k=v' string whose stripped key is invalid raises InvalidKeyError naming that key."""
    key = text.partition("=")[0].strip()
    with pytest.raises(hp.InvalidKeyError) as raised:
        hp.scope(text)
    assert raised.value.key == key
    assert repr(key) in str(raised.value)


@pytest.mark.parametrize(("text"), ["abc", "", "train.lr", "a b"])
def test_positional_string_without_equals_is_rejected(text: str) -> None:
    """A positional string with no '=' raises InvalidKeyError saying a 'key=value' string is expected."""
    with pytest.raises(hp.InvalidKeyError, match="=") as raised:
        hp.scope(text)
    assert not isinstance(raised.value, TypeError)
    assert repr(text) in str(raised.value)


# -- nested mappings --------------------------------------------------------------------------------------

NESTED = {"model": {"hidden": 256, "enc": {"layers": 4, "kind.name": "gru"}}, "lr": 0.1}
FLAT = {"model.hidden": 256, "model.enc.layers": 4, "model.enc.kind.name": "gru", "lr": 0.1}


@pytest.mark.parametrize(
    ("build"),
    [
        lambda: hp.scope(**NESTED),
        lambda: hp.scope(NESTED),
        lambda: hp.scope.empty(NESTED),
        lambda: hp.scope().update(NESTED),
        lambda: hp.scope().update(**NESTED),
    ],
    ids=["keywords", "mapping", "empty", "update-mapping", "update-keywords"],
)
def test_nested_mappings_flatten_to_dotted_keys(build) -> None:
    """Nested mappings become dotted keys, readable by attribute or by item."""
    with build():
        assert hp.scope.storage().storage() == FLAT
        assert hp.scope.model.enc.layers() == 4
        assert hp.scope["model.hidden"]() == 256
        assert hp.scope.model.enc.kind.name() == "gru"
        assert "model" not in hp.scope


@pytest.mark.parametrize(
    ("values", "key"),
    [({"model": {}}, "model"), ({"a": {"b": {}}}, "a.b"), ({"a": {"b": 1, "c": {}}}, "a.c")],
)
def test_empty_nested_mapping_is_kept_as_a_value(values: dict, key: str) -> None:
    """An empty nested mapping is stored as the value {} under its dotted key, not dropped."""
    for build in (lambda: hp.scope(**values), lambda: hp.scope(values)):
        with build():
            assert hp.scope[key]() == {}


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"model": {"bad key": 1}}, "model.bad key"),
        ({"model": {"": 1}}, "model."),
        ({"model": {"a..b": 1}}, "model.a..b"),
        ({"model": {"enc": {"x=y": 1}}}, "model.enc.x=y"),
    ],
)
def test_bad_nested_key_is_rejected_with_its_full_name(values: dict, key: str) -> None:
    """A bad key inside a nested mapping raises InvalidKeyError naming the full dotted key."""
    for build in (lambda: hp.scope(**values), lambda: hp.scope(values)):
        with pytest.raises(hp.InvalidKeyError) as raised:
            build()
        assert raised.value.key == key


# -- rollback -------------------------------------------------------------------------------------------


def test_failed_construction_or_update_leaves_every_scope_as_it_was() -> None:
    """A set that fails on any key changes nothing: no value is half-written and no scope is entered."""
    failing = [
        lambda ps: hp.scope(**{"b": 2, "c..d": 3}),
        lambda ps: hp.scope("b=2", "c d=3"),
        lambda ps: hp.scope({"b": 2, "nested": {1: 2}}),
        lambda ps: ps.update({"b": 2, "c d": 3}),
        lambda ps: ps.update({"b": 2}, **{"c,d": 3}),
        lambda ps: hp.scope.update({"b": 2, "c]": 3}),
        lambda ps: hp.scope.current().update({"b": 2, "": 3}),
    ]
    outside = _snapshot()[0]
    with hp.scope(a=1) as outer, hp.scope(x=2) as ps:
        before = _snapshot()
        for attempt in failing:
            with pytest.raises(hp.InvalidKeyError):
                attempt(ps)
            assert _snapshot() == before
            assert "b" not in hp.scope
            assert outer.storage().storage() == {"a": 1}
        assert hp.scope.current() is ps
    assert _snapshot()[0] == outside


# -- open-ended keys -----------------------------------------------------------------------------------------

SEGMENT = st.from_regex(r"[A-Za-z0-9_-]+", fullmatch=True)
KEYS = st.lists(SEGMENT, min_size=1, max_size=5).map(".".join)


@given(KEYS, st.integers())
def test_any_dotted_key_round_trips(key: str, value: int) -> None:
    """Any key of 1-5 dot-joined segments of letters, digits, '_' and '-' is set and read back unchanged."""
    with hp.scope(**{key: value}) as ps:
        assert hp.scope[key]() == value
        assert hp.scope[key] | -1 == value
        assert ps[key]() == value
        assert list(hp.scope.keys()) == [key]
    with hp.scope(f"{key}={value}"):
        assert hp.scope[key]() == str(value)
        assert hp.scope[key] | 0 == value
    with hp.scope():
        hp.scope[key] = value
        assert hp.scope[key]() == value
    assert key not in hp.scope


@given(st.text(), st.sampled_from(WHITESPACE), st.text())
def test_any_key_containing_whitespace_is_rejected(before: str, space: str, after: str) -> None:
    """Any string holding a whitespace character anywhere is rejected as a key."""
    key = before + space + after
    with pytest.raises(hp.InvalidKeyError):
        check_key(key)
    with pytest.raises(hp.InvalidKeyError):
        hp.scope(**{key: 1})
    with hp.scope() as ps:
        with pytest.raises(hp.InvalidKeyError):
            ps[key] = 1
        with pytest.raises(hp.InvalidKeyError):
            hp.scope[key] = 1
        assert key not in hp.scope


# -- keys that are str subclasses ------------------------------------------------------------------------


class _LyingKey(str):
    """A str whose hash and equality claim to match the key ``'bad key'``."""

    def __hash__(self) -> int:
        return hash("bad key")

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False


class _DisguisedKey(str):
    """A str whose own methods hide the whitespace and '=' it holds."""

    def split(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return ["fine"]

    def __iter__(self):  # type: ignore[no-untyped-def, override]
        return iter("fine")

    def partition(self, separator):  # type: ignore[no-untyped-def, override]
        return ("fine", "=", "1")


def test_lying_str_subclass_key_cannot_poison_the_checked_keys() -> None:
    """A valid key given as a str subclass with a lying hash and equality leaves invalid keys invalid."""
    assert check_key(_LyingKey("ok")) == "ok"
    with pytest.raises(hp.InvalidKeyError):
        hp.scope(**{"bad key": 1})
    with pytest.raises(hp.InvalidKeyError):
        hp.scope["bad key"]
    with pytest.raises(hp.InvalidKeyError):
        check_key("bad key")


@pytest.mark.parametrize(
    "build",
    [
        lambda key: hp.scope(**{key: 1}),
        lambda key: hp.scope({key: 1}),
        lambda key: hp.scope(_DisguisedKey(key + "=1")),
        lambda key: hp.scope.empty().update({key: 1}),
    ],
)
def test_str_subclass_key_is_checked_as_the_plain_string_it_holds(build) -> None:
    """A str subclass key is checked by its characters, whatever its own methods answer."""
    with pytest.raises(hp.InvalidKeyError):
        build(_DisguisedKey("bad key="))


def test_checked_str_subclass_key_is_stored_as_a_plain_string() -> None:
    """A scope built from str subclass keys holds plain str keys, which are read back as usual."""
    ps = hp.scope(**{_LyingKey("train.lr"): 1}, **{"x": 2})
    keys = ps.keys()
    assert [type(key) for key in keys] == [hp._scope.StoredKey] * 2
    assert {str.__str__(key) for key in keys} == {"train.lr", "x"}
    with ps:
        assert hp.scope.train.lr | 0 == 1


# -- index assignments -----------------------------------------------------------------------------------


def test_many_index_assignments_to_one_key_build_one_assignment(monkeypatch) -> None:
    """Assigning n items of one list builds one assignment holding them,
    not one copy per item (linear cost)."""
    from hyperparameter import _grammar, _keys

    built = []

    class Counting(_grammar.IndexAssignment):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            built.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(_keys, "IndexAssignment", Counting)
    ps = hp.scope(*[f"dims[{i}]={i}" for i in range(2000)], "dims[1]=7")
    assert len(built) == 1
    with ps:
        assert hp.scope.dims | [0] * 2000 == [0, 7, *range(2, 2000)]


def test_index_assignment_after_a_mapping_leaves_the_given_assignment_unchanged() -> None:
    """An index assignment added to one given in a mapping makes a new one;
    the given object stays as it was."""
    given_assignment = hp.IndexAssignment({0: "5"}, "[1, 2, 3]")
    ps = hp.scope({"dims": given_assignment}, "dims[2]=9")
    assert given_assignment.items == {0: "5"}
    with ps:
        assert hp.scope.dims | [0] == [5, 2, 9]


@pytest.mark.parametrize("text", ["dims[" + "1" * 5000 + "]=1", "dims[" + "0" * 19 + "]=1"])
def test_index_with_too_many_digits_is_an_invalid_key(text: str) -> None:
    """An index longer than 18 digits is refused with InvalidKeyError naming the key, not int()'s error."""
    with pytest.raises(hp.InvalidKeyError, match=r"'dims\[.*digits"):
        hp.scope(text)
