"""Behaviour of hp.save_config: files that load back to the values saved, in every format, and its errors."""

from __future__ import annotations

import datetime
import enum
import json
import pathlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperparameter as hp

FORMATS = ["json", "toml", "yaml"]

# -- round trips -------------------------------------------------------------------------------------------

# A key segment is any text without whitespace, '.', '=', '[', ']' or ',' (the key rules); plain
# names are drawn often because they are what configs hold, odd ones to exercise quoting.
SEGMENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,7}", fullmatch=True) | st.text(
    st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters=".=[],\x85"),
    min_size=1,
    max_size=6,
)
# Text values: anything but lone surrogates, which no UTF-8 file can hold.
TEXT = st.text(st.characters(blacklist_categories=("Cs",))) | st.sampled_from(
    [
        "${a.b}",
        "\\${a}",
        "\\\\${a}",
        "x${",
        "yes",
        "null",
        "1e3",
        "0x10",
        "~",
        "2020-01-02",
        "<<",
        "=",
        "a\x85b",
        "a\u2028b",
    ]
)
FLOATS = st.floats(allow_nan=False)
OFFSETS = st.sampled_from(
    [
        None,
        datetime.timezone.utc,
        datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
        datetime.timezone(-datetime.timedelta(hours=8)),
    ]
)
DATES = st.dates() | st.datetimes(timezones=OFFSETS)
COMMON = st.booleans() | FLOATS | TEXT
# What each format can hold: JSON has no dates, TOML no null and only 64-bit integers, YAML no time of day.
SCALARS = {
    "json": COMMON | st.none() | st.integers(),
    "toml": COMMON | st.integers(-(2**63), 2**63 - 1) | DATES | st.times(),
    "yaml": COMMON | st.none() | st.integers() | DATES,
}


def _trees(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    values = st.recursive(
        SCALARS[kind],
        lambda children: st.lists(children, max_size=3) | st.dictionaries(SEGMENT, children, max_size=3),
        max_leaves=12,
    )
    return st.dictionaries(SEGMENT, values, max_size=5)


def _dotted(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Return the same values with nested (non-empty) mappings spelled as dotted keys."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict) and value:
            flat.update(_dotted(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _round_trip(folder: pathlib.Path, kind: str, values: Any) -> dict[str, Any]:
    path = folder / f"values.{kind}"
    hp.save_config(values, path)
    return hp.config(path)


# Each example writes and reads files twice, whose time varies with the machine's load.
SLOW_IO = settings(deadline=None)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return tmp_path_factory.mktemp("round-trips")


@SLOW_IO
@given(tree=_trees("json"))
def test_json_round_trips_any_values_it_can_hold(folder: pathlib.Path, tree: dict[str, Any]) -> None:
    """Nested values JSON can hold (no dates) load back equal, whether saved nested or with dotted keys."""
    assert _round_trip(folder, "json", tree) == tree
    assert _round_trip(folder, "json", _dotted(tree)) == tree


@SLOW_IO
@given(tree=_trees("toml"))
def test_toml_round_trips_any_values_it_can_hold(folder: pathlib.Path, tree: dict[str, Any]) -> None:
    """Nested values TOML can hold (no null, 64-bit integers, dates and times) load back equal."""
    assert _round_trip(folder, "toml", tree) == tree
    assert _round_trip(folder, "toml", _dotted(tree)) == tree


@SLOW_IO
@given(tree=_trees("yaml"))
def test_yaml_round_trips_any_values_it_can_hold(folder: pathlib.Path, tree: dict[str, Any]) -> None:
    """Nested values YAML can hold (no time of day) load back equal, text that looks like numbers included."""
    assert _round_trip(folder, "yaml", tree) == tree
    assert _round_trip(folder, "yaml", _dotted(tree)) == tree


@SLOW_IO
@given(text=TEXT)
def test_text_with_interpolation_syntax_is_saved_escaped_and_loads_as_written(
    folder: pathlib.Path, text: str
) -> None:
    """A saved string is never interpolated on loading:
    '${' and backslashes before it come back as they were."""
    for kind in FORMATS:
        assert _round_trip(folder, kind, {"k": text, "ref": "${k}"}) == {"k": text, "ref": "${k}"}


@pytest.mark.parametrize("kind", FORMATS)
def test_the_same_values_load_from_every_format(tmp_path: pathlib.Path, kind: str) -> None:
    """Values saved as .json, .toml or .yaml load back to the same nested dict."""
    values = {"train.lr": 0.001, "train.dims": [64, 128], "name": "run ${1}", "model": {"layers": 3}}
    expected = {"train": {"lr": 0.001, "dims": [64, 128]}, "name": "run ${1}", "model": {"layers": 3}}
    assert _round_trip(tmp_path, kind, values) == expected


def test_a_yml_suffix_is_yaml(tmp_path: pathlib.Path) -> None:
    """A .yml file is written and read as YAML."""
    hp.save_config({"a.b": 1}, tmp_path / "run.yml")
    assert (tmp_path / "run.yml").read_text() == "a:\n  b: 1\n"
    assert hp.config(tmp_path / "run.yml") == {"a": {"b": 1}}


def test_toml_output_puts_plain_keys_before_tables(tmp_path: pathlib.Path) -> None:
    """A TOML file holds the top-level values first, then one [table] per nested mapping."""
    hp.save_config(
        {"train.lr": 0.1, "name": "a", "train.opt.kind": "sgd", "empty": {}}, tmp_path / "run.toml"
    )
    assert (tmp_path / "run.toml").read_text() == (
        'name = "a"\nempty = {}\n\n[train]\nlr = 0.1\n\n[train.opt]\nkind = "sgd"\n'
    )


def test_json_output_is_indented_utf8(tmp_path: pathlib.Path) -> None:
    """A JSON file is indented and keeps non-ASCII text as it is."""
    hp.save_config({"name": "é"}, tmp_path / "run.json")
    assert (tmp_path / "run.json").read_text(encoding="utf-8") == '{\n  "name": "é"\n}\n'


# -- what is saved -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FORMATS)
def test_saving_hp_scope_writes_the_values_in_force(tmp_path: pathlib.Path, kind: str) -> None:
    """hp.save_config(hp.scope, path) writes every value visible here, inherited ones included."""
    with hp.scope(**{"train.lr": 0.1}), hp.scope(**{"train.epochs": 3, "name": "x"}):
        hp.save_config(hp.scope, tmp_path / f"run.{kind}")
    assert hp.config(tmp_path / f"run.{kind}") == {"train": {"lr": 0.1, "epochs": 3}, "name": "x"}


def test_saving_a_scope_object_writes_what_it_sees(tmp_path: pathlib.Path) -> None:
    """A scope object, entered or not, saves the values entering it would show."""
    with hp.scope(outer=1):
        ps = hp.scope(**{"inner.value": 2})
        hp.save_config(ps, tmp_path / "run.toml")
    assert hp.config(tmp_path / "run.toml") == {"outer": 1, "inner": {"value": 2}}


def test_an_experiment_reruns_from_its_saved_file(tmp_path: pathlib.Path) -> None:
    """Values saved during a run, loaded into a scope later, are read back as the run read them."""
    with hp.scope(hp.config({"train": {"lr": 0.01, "dims": [8, 16]}, "tag": "a-${train.lr}"})):
        hp.save_config(hp.scope, tmp_path / "run.yaml")
    with hp.scope(hp.config(tmp_path / "run.yaml")):
        assert hp.scope.train.lr | 0.0 == 0.01
        assert hp.scope.train.dims | [0] == [8, 16]
        assert hp.scope.tag | "" == "a-0.01"


class Optimizer(enum.Enum):
    SGD = "sgd"
    ADAM = "adam"


def test_tuples_enums_and_paths_are_saved_as_what_reads_convert_back(tmp_path: pathlib.Path) -> None:
    """A tuple is saved as a list, an Enum as its member name and a path as text;
    reads with such defaults convert back."""
    values = {"shape": (2, 3), "opt": Optimizer.ADAM, "out": pathlib.PurePosixPath("/runs/a")}
    hp.save_config(values, tmp_path / "run.json")
    loaded = hp.config(tmp_path / "run.json")
    assert loaded == {"shape": [2, 3], "opt": "ADAM", "out": "/runs/a"}
    with hp.scope(loaded):
        assert hp.scope.opt | Optimizer.SGD is Optimizer.ADAM
        assert hp.scope.out | pathlib.PurePosixPath(".") == pathlib.PurePosixPath("/runs/a")


def test_saving_leaves_the_values_unchanged(tmp_path: pathlib.Path) -> None:
    """save_config does not modify the mapping it saves."""
    values = {"a.b": "${x}", "c": {"d": [1, (2, 3)]}}
    hp.save_config(values, tmp_path / "run.toml")
    assert values == {"a.b": "${x}", "c": {"d": [1, (2, 3)]}}


def test_a_str_path_is_accepted(tmp_path: pathlib.Path) -> None:
    """The path may be a str as well as a pathlib.Path."""
    hp.save_config({"a": 1}, str(tmp_path / "run.json"))
    assert json.loads((tmp_path / "run.json").read_text()) == {"a": 1}


# -- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "name", "message"),
    [
        pytest.param(
            {"train": {"seed": None}},
            "run.toml",
            "Cannot save config '{path}': key 'train.seed' is None, and TOML has no null; "
            "remove the key or save as .json or .yaml.",
            id="toml-null",
        ),
        pytest.param(
            {"dims": [1, None]},
            "run.toml",
            "Cannot save config '{path}': key 'dims[1]' is None, and TOML has no null; "
            "remove the key or save as .json or .yaml.",
            id="toml-null-in-list",
        ),
        pytest.param(
            {"big": 2**64},
            "run.toml",
            "Cannot save config '{path}': key 'big' is 18446744073709551616, but TOML integers are 64-bit; "
            "save as .json or .yaml, or store the number as a string.",
            id="toml-big-integer",
        ),
        pytest.param(
            {"at": datetime.time(9, 30, tzinfo=datetime.timezone.utc)},
            "run.toml",
            "Cannot save config '{path}': key 'at' is datetime.time(9, 30, tzinfo=datetime.timezone.utc), "
            "but a TOML time of day has no UTC offset.",
            id="toml-time-with-offset",
        ),
        pytest.param(
            {"day": datetime.date(2024, 5, 1)},
            "run.json",
            "Cannot save config '{path}': key 'day' is datetime.date(2024, 5, 1), "
            "and JSON has no dates or times; save as .toml or .yaml, or store the value as a string.",
            id="json-date",
        ),
        pytest.param(
            {"at": [datetime.time(9, 30)]},
            "run.yaml",
            "Cannot save config '{path}': key 'at[0]' is datetime.time(9, 30), and YAML has no time of day; "
            "save as .toml, or store the value as a string.",
            id="yaml-time",
        ),
        pytest.param(
            {"a": 1, "a.b": 2},
            "run.json",
            "Cannot save config '{path}': key 'a' holds 1, so it cannot also hold keys such as 'a.b'; "
            "a key is either a value or a table.",
            id="value-then-table",
        ),
        pytest.param(
            {"a.b": 2, "a": 1},
            "run.json",
            "Cannot save config '{path}': key 'a' holds 1, so it cannot also hold keys such as 'a.b'; "
            "a key is either a value or a table.",
            id="table-then-value",
        ),
        pytest.param(
            {"a.b": 1, "a": {"b": 2}},
            "run.json",
            "Cannot save config '{path}': key 'a.b' is set twice, to 1 and to 2; "
            "a dotted key names the same place as the nested keys it spells, so keep one.",
            id="same-key-twice",
        ),
        pytest.param(
            {"model": {"act": ...}},
            "run.yaml",
            "Cannot save config '{path}': key 'model.act' is Ellipsis, an ellipsis, which a config file "
            "cannot hold; expected str, int, float, bool, None, a list or a mapping.",
            id="unsupported-type",
        ),
        pytest.param(
            {"train lr": 1},
            "run.json",
            "Cannot save config '{path}': Invalid hyperparameter key 'train lr': it contains whitespace; "
            "expected dotted names such as 'train.lr'.",
            id="invalid-key",
        ),
        pytest.param(
            {"layers": {1: "a"}},
            "run.json",
            "Cannot save config '{path}': Invalid hyperparameter key 1: it is an int, not a string "
            "(under 'layers'); expected dotted names such as 'train.lr'.",
            id="non-string-key",
        ),
        pytest.param(
            {
                "start": datetime.datetime(
                    2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(seconds=30))
                )
            },
            "run.yaml",
            "Cannot save config '{path}': key 'start' is datetime.datetime(2024, 1, 1, 0, 0, "
            "tzinfo=datetime.timezone(datetime.timedelta(seconds=30))), "
            "whose UTC offset 0:00:30 is not a whole number of minutes, "
            "which config files cannot write; round the offset or store the value as a string.",
            id="offset-in-seconds",
        ),
        pytest.param(
            {"a": 1},
            "run.ini",
            "Cannot save config '{path}': unknown suffix '.ini'; expected .json, .toml, .yaml or .yml.",
            id="unknown-suffix",
        ),
    ],
)
def test_values_a_file_cannot_hold_are_refused_naming_the_file_and_key(
    tmp_path: pathlib.Path, values: dict[str, Any], name: str, message: str
) -> None:
    """save_config raises ConfigError (a ValueError) naming the file, the key and the value,
    and writes nothing."""
    path = tmp_path / name
    with pytest.raises(hp.ConfigError) as caught:
        hp.save_config(values, path)
    assert str(caught.value) == message.format(path=path)
    assert isinstance(caught.value, ValueError)
    assert not path.exists()


def test_a_failed_save_leaves_an_existing_file_as_it_was(tmp_path: pathlib.Path) -> None:
    """A save that fails does not truncate or change the file already at the path."""
    path = tmp_path / "run.toml"
    path.write_text("a = 1\n")
    with pytest.raises(hp.ConfigError):
        hp.save_config({"a": None}, path)
    assert path.read_text() == "a = 1\n"


def test_saving_something_that_is_not_a_mapping_is_a_type_error(tmp_path: pathlib.Path) -> None:
    """save_config takes a mapping or a scope; anything else is a TypeError naming what it got."""
    with pytest.raises(TypeError, match=r"^hp.save_config takes a mapping or a scope, not list \[1, 2\]\.$"):
        hp.save_config([1, 2], tmp_path / "run.json")  # type: ignore[arg-type]


def test_numpy_scalars_are_saved_as_their_numbers(tmp_path: pathlib.Path) -> None:
    """NumPy scalars, np.bool_ included, are saved as the bool, int or float they hold."""
    numpy = pytest.importorskip("numpy")
    path = tmp_path / "np.toml"
    hp.save_config({"flag": numpy.bool_(True), "steps": numpy.int64(3), "lr": numpy.float32(0.5)}, path)
    assert hp.config(path) == {"flag": True, "steps": 3, "lr": 0.5}


@pytest.mark.parametrize("suffix", [".json", ".toml", ".yaml"])
def test_sets_complex_and_importable_objects_are_written_as_text_that_reads_back(
    tmp_path: pathlib.Path, suffix: str
) -> None:
    """A set is a sorted list, a complex number its text and a function or class its import path."""
    import math
    from collections import OrderedDict

    path = tmp_path / f"run{suffix}"
    hp.save_config({"s": {3, 1, 2}, "z": 1 + 2j, "fn": math.sqrt, "cls": OrderedDict}, path)
    assert hp.config(path) == {
        "s": [1, 2, 3],
        "z": "(1+2j)",
        "fn": "math:sqrt",
        "cls": "collections:OrderedDict",
    }
    with hp.scope(hp.config(path)):
        assert hp.scope.z | 0j == 1 + 2j
