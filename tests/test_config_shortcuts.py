"""hp.config takes shortcuts on big files only where the answer is the same as the long way's."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter import _config, _config_formats, _config_json
from hyperparameter._keys import are_plain_segments, check_key

yaml = pytest.importorskip("yaml")

# Keys a file may hold: mostly plain, some dotted, some invalid in each way a key can be.
KEYS = st.one_of(
    st.sampled_from(["lr", "epochs", "train", "model", "a", "b"]),
    st.sampled_from(["train.lr", "a.b", "", "a b", "a=b", "a[0]", "a,b", "a..b", ".a", "\u2028x", "é"]),
    st.text(alphabet="ab.= [],\t", min_size=1, max_size=4),
)
LEAVES = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.text(max_size=5))
TREES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _outcome(call: Any) -> Any:
    """Return what ``call()`` gives: its value, or the type and message of what it raises."""
    try:
        return call()
    except (hp.ConfigError, hp.InvalidKeyError, ValueError) as error:
        # ValueError: PyYAML's own float rule takes "._" for a float, then cannot convert it.
        return type(error), str(error)


def _the_long_way(path: pathlib.Path) -> Any:
    """Return what loading ``path`` gives when every value is copied, checked key by key and resolved."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            _config,
            "_adopt",
            lambda value, at, label, seen, depth: _config._normalize(value, at, label, depth=depth),
        )
        read = _config_formats.read
        patch.setattr(_config_formats, "read", lambda *args: read(*args)._replace(dollar=True, normal=False))
        return _outcome(lambda: hp.config(path))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(KEYS, TREES, max_size=5), suffix=st.sampled_from([".json", ".yaml"]))
def test_a_file_loads_as_the_long_way_loads_it(
    tmp_path: pathlib.Path, data: dict[str, Any], suffix: str
) -> None:
    """A JSON or YAML file gives the same values, or the same error, with the shortcuts as without."""
    path = tmp_path / f"c{suffix}"
    path.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data))
    assert _outcome(lambda: hp.config(path)) == _the_long_way(path)


@pytest.mark.parametrize("depth", [1, 99, 100, 101, 150])
def test_deep_files_load_whole(tmp_path: pathlib.Path, depth: int) -> None:
    """A file nested deeper than the shortcut goes gives the same values as a shallow one would."""
    data: dict[str, Any] = {"leaf": [1, {"x": 2}]}
    for level in range(depth):
        data = {f"k{level}": data, "list": [[level]]}
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(data))
    assert hp.config(path) == data


def test_yaml_aliases_load_as_separate_copies(tmp_path: pathlib.Path) -> None:
    """Two places a YAML alias fills are separate values: a later file merged into one leaves the other."""
    first = tmp_path / "base.yaml"
    first.write_text("base: &b {lr: 1, dims: &d [1, 2]}\ntrain: *b\neval: {dims: *d}\n")
    later = tmp_path / "more.json"
    later.write_text('{"train": {"lr": 5, "epochs": 3}}')
    values = hp.config(first, later)
    assert values == {
        "base": {"lr": 1, "dims": [1, 2]},
        "train": {"lr": 5, "dims": [1, 2], "epochs": 3},
        "eval": {"dims": [1, 2]},
    }
    values["base"]["dims"].append(3)
    assert values["train"]["dims"] == values["eval"]["dims"] == [1, 2]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("c.json", '{"a": 1, "b": "\\u0024{a}", "c": "$\\u007ba}"}'),
        ("c.toml", 'a = 1\nb = "\\u0024{a}"\nc = "\\U00000024{a}"\n'),
        ("c.yaml", 'a: 1\nb: "\\x24{a}"\nc: "\\u0024{a}"\n'),
    ],
)
def test_an_escaped_dollar_still_interpolates(tmp_path: pathlib.Path, name: str, text: str) -> None:
    """``${`` written with a format's escapes is an interpolation as much as when written plainly."""
    path = tmp_path / name
    path.write_text(text)
    assert hp.config(path) == {"a": 1, "b": 1, "c": 1}


def test_files_without_references_are_not_shared_with_the_result(tmp_path: pathlib.Path) -> None:
    """Changing what one hp.config call returned changes nothing another call returns."""
    path = tmp_path / "c.json"
    path.write_text('{"train": {"dims": [1, 2]}}')
    first = hp.config(path)
    first["train"]["dims"].append(3)
    assert hp.config(path) == {"train": {"dims": [1, 2]}}


def test_a_schema_error_names_the_file_that_set_the_key_after_merging(tmp_path: pathlib.Path) -> None:
    """With several files merged into one table, a schema problem names the file each key came from."""
    import dataclasses

    @dataclasses.dataclass
    class Train:
        lr: float = 0.1
        epochs: int = 1
        name: str = ""

    files = []
    for index, text in enumerate(['{"lr": "fast", "name": "a"}', '{"epochs": "many"}', '{"name": "b"}']):
        files.append(tmp_path / f"{index}.json")
        files[-1].write_text(text)
    with pytest.raises(hp.SchemaError) as caught:
        hp.config(*files, schema=Train)
    message = str(caught.value)
    assert f"'lr' (from {str(files[0])!r})" in message
    assert f"'epochs' (from {str(files[1])!r})" in message


def test_a_repeated_key_deep_in_a_list_is_found(tmp_path: pathlib.Path) -> None:
    """A JSON key repeated in an object inside a list is an error naming its key path."""
    path = tmp_path / "c.json"
    path.write_text('{"a": [{"x": 1}, {"y": 1, "y": 2}]}')
    with pytest.raises(hp.ConfigError, match=r"the key 'a\[1\]\.y' appears twice in one object"):
        hp.config(path)


# JSON text written pair by pair, so that an object may hold a key twice, with colons in
# strings (plain and escaped) that a count of the text's colons has to account for.
JSON_KEYS = st.sampled_from(["a", "b", "a:b", "url", "\\u003a", "x\\u003Ay", "\\\\u003a"])
JSON_LEAVES = st.sampled_from(
    ["1", '"x"', '"http://h:80"', '"a\\u003ab"', '":"', '"\\\\u003a"', "null", "[]"]
)
JSON_TEXTS = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
        | st.lists(st.tuples(JSON_KEYS, inner), max_size=4).map(
            lambda pairs: "{" + ", ".join(f'"{key}": {value}' for key, value in pairs) + "}"
        )
    ),
    max_leaves=12,
)


@settings(max_examples=400)
@given(pairs=st.lists(st.tuples(JSON_KEYS, JSON_TEXTS), max_size=5))
def test_json_keys_set_twice_are_found_as_checking_every_pair_finds_them(
    pairs: list[tuple[str, str]],
) -> None:
    """A JSON text loads to the values, or fails with the error, that checking each object's pairs gives."""
    text = "{" + ", ".join(f'"{key}": {value}' for key, value in pairs) + "}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_config_json, "_keys_all_kept", lambda *args: False)
        expected = _outcome(lambda: _config_json.read_json(text, "c.json", 200))
    assert _outcome(lambda: _config_json.read_json(text, "c.json", 200)) == expected
    repeats = any(len(set(keys)) < len(keys) for keys in _objects_keys(text))
    assert (
        isinstance(expected, tuple) and expected[0] is hp.ConfigError
        if repeats
        else expected[0] == json.loads(text)
    )


def _objects_keys(text: str) -> list[list[str]]:
    """Return the keys of every object in a JSON text, repeats kept."""
    found: list[list[str]] = []
    json.loads(text, object_pairs_hook=lambda pairs: found.append([key for key, _ in pairs]))
    return found


@pytest.mark.parametrize(("depth", "deep"), [(200, False), (201, True)])
@pytest.mark.parametrize("inner", ["list", "dict"])
def test_the_depth_limit_is_exact_for_wide_json_files(
    tmp_path: pathlib.Path, depth: int, deep: bool, inner: str
) -> None:
    """A wide JSON file nested to the limit loads; one level more is a ConfigError naming the file."""
    data: Any = 1
    for level in range(depth):
        data = [data, 2] if inner == "list" and level % 2 else {"k": data, "n": 3}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps({"top": data, **{f"s{i}": [i, [i]] for i in range(300)}}))
    if deep:
        with pytest.raises(hp.ConfigError, match=r"wide\.json' nests values more than 200 levels deep"):
            hp.config(path)
    else:
        assert hp.config(path)["top"] == data


# -- YAML: libyaml's loader where PyYAML has it, with the pure loader's answers -----------------------------

# Characters and pieces that YAML gives a meaning to, the odd ones included.
YAML_PIECES = st.sampled_from(
    [
        *"ab1 :-\n[]{},#&*|>'\"\\.?%@`~=_\r\t\x85\u2028!é",
        "!!str ",
        "  ",
        "\n  ",
        "\n- ",
        "- ",
        ": ",
        "&x ",
        "*x",
        "<<: ",
        "---",
        "...",
        "null",
        "1e3",
        "0x1F",
        "|-",
        ">+",
        "${a}",
        "[1, 2]",
    ]
)


def _pure_only(path: pathlib.Path) -> Any:
    """Return what loading the YAML file at ``path`` gives with PyYAML's pure loader alone."""
    classes = _config_formats._yaml_classes(yaml)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_config_formats, "_yaml_classes", lambda module: (classes[0], None, classes[2]))
        return _outcome(lambda: hp.config(path))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(KEYS, TREES, max_size=5), flow=st.sampled_from([None, False, True]))
def test_a_yaml_file_loads_as_with_the_pure_loader(
    tmp_path: pathlib.Path, data: dict[str, Any], flow: Any
) -> None:
    """A YAML file of any values and layout loads to what PyYAML's pure loader gives."""
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert _outcome(lambda: hp.config(path)) == _pure_only(path)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(YAML_PIECES, max_size=25))
def test_odd_yaml_text_loads_or_fails_as_with_the_pure_loader(
    tmp_path: pathlib.Path, pieces: list[str]
) -> None:
    """Any text, even where libyaml and the pure loader disagree, gives the pure loader's value or error."""
    text = "".join(pieces)
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    assert _outcome(lambda: hp.config(path)) == _pure_only(path)


def test_yaml_errors_keep_the_pure_loaders_words_and_line(tmp_path: pathlib.Path) -> None:
    """A YAML syntax error names the file, the problem and its line as PyYAML's pure loader words them."""
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(path)
    assert caught.value.args[0] == _pure_only(path)[1]
    assert "(line 3, column 2)" in str(caught.value)


def test_yaml_refuses_a_repeated_key_with_its_line(tmp_path: pathlib.Path) -> None:
    """A key twice in one YAML mapping is refused, naming the key and the line of the second."""
    path = tmp_path / "c.yaml"
    path.write_text("train:\n  lr: 1\n  lr: 2\n")
    with pytest.raises(
        hp.ConfigError, match=r"the key 'lr' appears twice in one mapping \(line 3, column 3\)"
    ):
        hp.config(path)


def test_yaml_loads_without_libyaml(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PyYAML built without libyaml (no CSafeLoader) reads the same values with its pure loader."""
    path = tmp_path / "c.yaml"
    path.write_text("train:\n  lr: 1e-3\n  dims: [1, 2]\n")
    expected = hp.config(path)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    _config_formats._yaml_classes.cache_clear()
    try:
        assert _config_formats._yaml_classes(yaml)[1] is None
        assert hp.config(path) == expected == {"train": {"lr": 0.001, "dims": [1, 2]}}
    finally:
        monkeypatch.undo()
        _config_formats._yaml_classes.cache_clear()


@given(keys=st.lists(st.one_of(KEYS, st.text(max_size=6)), max_size=6), split=st.integers(0, 6))
def test_the_quick_key_test_agrees_with_the_key_rules(keys: list[str], split: int) -> None:
    """Tables pass the all-at-once key test exactly when each key is a valid key without a dot."""

    def valid(key: str) -> bool:
        try:
            check_key(key)
        except hp.InvalidKeyError:
            return False
        return "." not in key

    assert are_plain_segments(dict.fromkeys(keys)) == all(valid(key) for key in keys)
    tables = [dict.fromkeys(keys[:split]), dict.fromkeys(keys[split:])]
    assert are_plain_segments(*tables) == all(valid(key) for key in keys)
