"""Behaviour of hp.config when loading: formats, paths, merging, use in scopes, and every loading error."""

from __future__ import annotations

import datetime
import os
import pathlib
import pickle
import re
import sys
from typing import Any, Callable

import pytest

import hyperparameter as hp


def _write(folder: pathlib.Path, name: str, text: str) -> pathlib.Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- formats and paths -------------------------------------------------------------------------------------

SAME_CONFIG = {
    "exp.json": '{"train": {"lr": 0.001, "dims": [64, 128]}, "name": "base", "debug": false}',
    "exp.toml": 'name = "base"\ndebug = false\n\n[train]\nlr = 0.001\ndims = [64, 128]\n',
    "exp.yaml": "name: base\ndebug: false\ntrain:\n  lr: 1e-3\n  dims: [64, 128]\n",
    "exp.yml": "name: base\ndebug: false\ntrain:\n  lr: 0.001\n  dims:\n    - 64\n    - 128\n",
    "EXP.JSON": '{"train.lr": 0.001, "train.dims": [64, 128], "name": "base", "debug": false}',
}


@pytest.mark.parametrize("name", SAME_CONFIG)
def test_each_format_is_chosen_by_its_suffix(tmp_path: pathlib.Path, name: str) -> None:
    """.json, .toml, .yaml and .yml files (suffix in any case) load to the same nested dict."""
    path = _write(tmp_path, name, SAME_CONFIG[name])
    assert hp.config(path) == {"train": {"lr": 0.001, "dims": [64, 128]}, "name": "base", "debug": False}


def test_str_and_pathlib_paths_load_the_same(tmp_path: pathlib.Path) -> None:
    """A path may be given as a str or as a pathlib.Path."""
    path = _write(tmp_path, "exp.toml", "a = 1\n")
    assert hp.config(str(path)) == hp.config(path) == {"a": 1}


@pytest.mark.parametrize(
    ("text", "value"), [("._", "._"), ("._5", "._5"), (".5", 0.5), ("._e", "._e"), ("1._", 1.0)]
)
def test_yaml_dot_words_are_floats_only_with_a_digit(
    tmp_path: pathlib.Path, text: str, value: object
) -> None:
    """A YAML word that starts with a dot is a float only when a digit follows the dot,
    never a raw ValueError."""
    assert hp.config(_write(tmp_path, "dots.yaml", f"a: {text}\n")) == {"a": value}


def test_yaml_reads_exponent_floats_without_a_dot_as_floats(tmp_path: pathlib.Path) -> None:
    """In YAML, 1e-3 and 5E+2 are floats (plain YAML 1.1 would read them as text); quoted, they stay text."""
    path = _write(tmp_path, "exp.yaml", "lr: 1e-3\nsteps: 5E+2\ntag: '1e-3'\n")
    assert hp.config(path) == {"lr": 0.001, "steps": 500.0, "tag": "1e-3"}


def test_toml_dates_are_kept_as_dates(tmp_path: pathlib.Path) -> None:
    """TOML dates and times load as datetime objects."""
    path = _write(tmp_path, "exp.toml", "day = 2024-05-01\nat = 09:30:00\n")
    assert hp.config(path) == {"day": datetime.date(2024, 5, 1), "at": datetime.time(9, 30)}


@pytest.mark.parametrize(
    ("name", "text"), [("empty.yaml", ""), ("empty.toml", ""), ("comment.yaml", "# none\n")]
)
def test_an_empty_file_is_an_empty_config(tmp_path: pathlib.Path, name: str, text: str) -> None:
    """An empty TOML or YAML file (comments only included) loads as {}."""
    assert hp.config(_write(tmp_path, name, text)) == {}


def test_a_utf8_byte_order_mark_is_ignored(tmp_path: pathlib.Path) -> None:
    """A file saved with a UTF-8 byte order mark loads like one without."""
    path = tmp_path / "exp.json"
    path.write_bytes(b'\xef\xbb\xbf{"name": "\xc3\xa9"}')
    assert hp.config(path) == {"name": "é"}


def test_a_mapping_is_a_config_too(tmp_path: pathlib.Path) -> None:
    """hp.config(dict) checks, nests and interpolates the mapping like a file's contents."""
    assert hp.config({"train.lr": 0.1, "tag": "lr=${train.lr}"}) == {"train": {"lr": 0.1}, "tag": "lr=0.1"}


def test_loading_does_not_change_the_mappings_given() -> None:
    """The mappings given to hp.config are copied, never modified."""
    base = {"train": {"lr": 0.1, "dims": [1]}}
    loaded = hp.config(base, {"train": {"lr": 0.2}})
    loaded["train"]["dims"].append(2)
    assert base == {"train": {"lr": 0.1, "dims": [1]}}


# -- merging -----------------------------------------------------------------------------------------------


def test_later_files_win_and_mappings_merge_deep(tmp_path: pathlib.Path) -> None:
    """Files load in order: a later file's values replace earlier ones key by key, at any depth."""
    base = _write(
        tmp_path, "base.toml", '[train]\nlr = 0.1\nepochs = 10\n[train.opt]\nkind = "sgd"\nm = 0.9\n'
    )
    fast = _write(tmp_path, "fast.yaml", "train:\n  epochs: 2\n  opt:\n    kind: adam\n")
    assert hp.config([base, fast]) == {"train": {"lr": 0.1, "epochs": 2, "opt": {"kind": "adam", "m": 0.9}}}


def test_sources_may_be_a_list_or_several_arguments(tmp_path: pathlib.Path) -> None:
    """hp.config([a, b]), hp.config(a, b) and hp.config((a, b)) are the same,
    and may mix files and mappings."""
    path = _write(tmp_path, "base.json", '{"a": 1, "b": 1}')
    expected = {"a": 1, "b": 2}
    assert hp.config([path, {"b": 2}]) == hp.config(path, {"b": 2}) == hp.config((path, {"b": 2})) == expected


def test_lists_are_replaced_whole_not_merged() -> None:
    """A later list replaces the earlier one entirely, whatever their lengths."""
    assert hp.config({"dims": [64, 128, 256], "x": [{"a": 1}]}, {"dims": [32], "x": [{"b": 2}]}) == {
        "dims": [32],
        "x": [{"b": 2}],
    }


@pytest.mark.parametrize(
    ("earlier", "later", "merged"),
    [
        ({"a": {"b": 1}}, {"a": 5}, {"a": 5}),
        ({"a": 5}, {"a": {"b": 1}}, {"a": {"b": 1}}),
        ({"a": {"b": 1}}, {"a.c": 2}, {"a": {"b": 1, "c": 2}}),
        ({"a.b.c": 1}, {"a": {"b": {"d": 2}}}, {"a": {"b": {"c": 1, "d": 2}}}),
        ({"a": None}, {"a.b": 1}, {"a": {"b": 1}}),
        ({"a": {"b": 1}}, {"a": {}}, {"a": {"b": 1}}),
    ],
)
def test_a_later_value_replaces_a_table_and_a_later_table_replaces_a_value(
    earlier: dict[str, Any], later: dict[str, Any], merged: dict[str, Any]
) -> None:
    """Across sources, mappings merge; anything else in a later source replaces what was there."""
    assert hp.config(earlier, later) == merged


def test_dotted_keys_equal_nested_keys(tmp_path: pathlib.Path) -> None:
    """'train.lr' in a file is the same as train: {lr: ...}, and both spellings merge in one file."""
    path = _write(tmp_path, "exp.json", '{"train.lr": 0.1, "train": {"epochs": 3}, "model.depth.max": 4}')
    assert hp.config(path) == {"train": {"lr": 0.1, "epochs": 3}, "model": {"depth": {"max": 4}}}


def test_interpolation_runs_after_merging_so_later_files_change_what_references_see(
    tmp_path: pathlib.Path,
) -> None:
    """A reference in an earlier file resolves to the value a later file set."""
    base = _write(tmp_path, "base.toml", 'lr = 0.1\nrun = "lr-${lr}"\nsame = "${lr}"\n')
    override = _write(tmp_path, "override.json", '{"lr": 0.5}')
    assert hp.config(base, override) == {"lr": 0.5, "run": "lr-0.5", "same": 0.5}


def test_a_later_file_may_refer_to_an_earlier_one(tmp_path: pathlib.Path) -> None:
    """References may cross files: the merged values are what they see."""
    base = _write(tmp_path, "base.yaml", "data:\n  root: /data\n")
    run = _write(tmp_path, "run.yaml", "data:\n  train: ${data.root}/train\n")
    assert hp.config(base, run) == {"data": {"root": "/data", "train": "/data/train"}}


# -- use in scopes -----------------------------------------------------------------------------------------


def test_a_scope_takes_the_loaded_values_directly(tmp_path: pathlib.Path) -> None:
    """with hp.scope(hp.config(path)): makes the file's values current, nested keys as dotted names."""
    path = _write(tmp_path, "exp.toml", "[train]\nlr = 0.01\ndims = [8, 16]\n")
    with hp.scope(hp.config(path)):
        assert hp.scope.train.lr | 0.0 == 0.01
        assert hp.scope.train.dims | [0] == [8, 16]
        assert hp.scope.train.epochs | 5 == 5
    assert hp.scope.train.lr | 0.0 == 0.0


def test_loaded_values_also_work_as_keywords(tmp_path: pathlib.Path) -> None:
    """hp.scope(**cfg) sets the same values as hp.scope(cfg)."""
    cfg = hp.config(_write(tmp_path, "exp.yaml", "train:\n  lr: 0.01\nseed: 3\n"))
    with hp.scope(**cfg):
        assert (hp.scope.train.lr | 0.0, hp.scope.seed | 0) == (0.01, 3)
    assert dict(hp.scope.empty(**cfg)) == dict(hp.scope.empty(cfg))


def test_param_functions_read_loaded_values(tmp_path: pathlib.Path) -> None:
    """A @hp.param function called inside the scope takes its defaults from the file."""

    @hp.param("train")
    def train(lr: float = 0.1, epochs: int = 1) -> tuple[float, int]:
        return lr, epochs

    with hp.scope(hp.config(_write(tmp_path, "exp.json", '{"train": {"epochs": 20}}'))):
        assert train() == (0.1, 20)


# -- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "exp.ini",
            "a = 1",
            "Cannot read config '{path}': unknown suffix '.ini'; expected .json, .toml, .yaml or .yml.",
            id="unknown-suffix",
        ),
        pytest.param(
            "exp",
            "a = 1",
            "Cannot read config '{path}': no suffix to tell its format; "
            "expected .json, .toml, .yaml or .yml.",
            id="no-suffix",
        ),
        pytest.param(
            "exp.json",
            '{"a": 1,\n "b": }',
            "Cannot parse config '{path}' as JSON: Expecting value (line 2, column 7).",
            id="json-syntax",
        ),
        pytest.param(
            "exp.json",
            '{"train": [{"opt": {"lr": 1,\n "lr": 2}}]}',
            "Cannot parse config '{path}' as JSON: "
            "the key 'train[0].opt.lr' appears twice in one object; keep one.",
            id="json-duplicate-key",
        ),
        pytest.param(
            "exp.yaml",
            "a: 1\nb: [\n",
            "Cannot parse config '{path}' as YAML: expected the node content, but found '<stream end>' "
            "(line 3, column 1).",
            id="yaml-syntax",
        ),
        pytest.param(
            "exp.yaml",
            "a: 1\ntrain:\n  lr: 1\n  lr: 2\n",
            "Cannot parse config '{path}' as YAML: "
            "the key 'lr' appears twice in one mapping (line 4, column 3).",
            id="yaml-duplicate-key",
        ),
        pytest.param(
            "exp.json",
            "[1, 2]",
            "Config '{path}' holds list [1, 2] at the top level; expected a mapping of keys to values.",
            id="json-top-level-list",
        ),
        pytest.param(
            "exp.yaml",
            "just text\n",
            "Config '{path}' holds str 'just text' at the top level; expected a mapping of keys to values.",
            id="yaml-top-level-text",
        ),
        pytest.param(
            "exp.json",
            '{"train": {"learning rate": 1}}',
            "Cannot load config '{path}': Invalid hyperparameter key 'train.learning rate': it contains "
            "whitespace; expected dotted names such as 'train.lr'.",
            id="key-with-space",
        ),
        pytest.param(
            "exp.yaml",
            "layers:\n  1: 64\n",
            "Cannot load config '{path}': Invalid hyperparameter key 1: it is an int, not a string "
            "(under 'layers'); expected dotted names such as 'train.lr'.",
            id="key-not-a-string",
        ),
        pytest.param(
            "exp.json",
            '{"stages": [{"name": "a", "lr=": 1}]}',
            "Cannot load config '{path}' at 'stages[0]': Invalid hyperparameter key 'lr=': it contains '='; "
            "expected dotted names such as 'train.lr'.",
            id="key-inside-a-list",
        ),
        pytest.param(
            "exp.json",
            '{"train..lr": 1}',
            "Cannot load config '{path}': Invalid hyperparameter key 'train..lr': it has an empty segment; "
            "expected dotted names such as 'train.lr'.",
            id="empty-segment",
        ),
        pytest.param(
            "exp.json",
            '{"train.lr": 0.1, "train": {"lr": 0.2}}',
            "Cannot load config '{path}': key 'train.lr' is set twice, to 0.1 and to 0.2; a dotted key names "
            "the same place as the nested keys it spells, so keep one.",
            id="dotted-and-nested-twice",
        ),
        pytest.param(
            "exp.yaml",
            "train: 1\ntrain.lr: 0.1\n",
            "Cannot load config '{path}': key 'train' holds 1, "
            "so it cannot also hold keys such as 'train.lr'; a key is either a value or a table.",
            id="value-and-table",
        ),
    ],
)
def test_a_file_that_cannot_load_is_a_config_error_naming_it(
    tmp_path: pathlib.Path, name: str, text: str, message: str
) -> None:
    """Each loading problem raises ConfigError (a ValueError) naming the file, the key path,
    and the line where the parser gives one."""
    path = _write(tmp_path, name, text)
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(path)
    assert str(caught.value) == message.format(path=path)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a = 1\nb = \n", "(at line 2, column 5)"),
        ("a = 1\na = 2\n", "(at line 2, column 6)"),
        ("[train]\nlr = 1\n[train]\nlr = 2\n", "(at line 3, column"),
    ],
)
def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: pathlib.Path, text: str, where: str) -> None:
    """A TOML syntax error (a repeated key or table included) names the file and the line and column."""
    path = _write(tmp_path, "exp.toml", text)
    with pytest.raises(hp.ConfigError, match=r"^Cannot parse config .* as TOML: ") as caught:
        hp.config(path)
    assert f"'{path}'" in str(caught.value)
    assert where in str(caught.value)


def test_invalid_utf8_is_a_config_error_naming_the_byte(tmp_path: pathlib.Path) -> None:
    """A file that is not UTF-8 text is refused with the offending byte's position."""
    path = tmp_path / "exp.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(path)
    assert (
        str(caught.value)
        == f"Cannot read config '{path}': it is not UTF-8 text (invalid continuation byte at byte 11)."
    )


def test_a_missing_file_is_a_file_not_found_error_naming_it(tmp_path: pathlib.Path) -> None:
    """A path to no file raises FileNotFoundError (an OSError) whose message names the path."""
    path = tmp_path / "missing.toml"
    with pytest.raises(FileNotFoundError) as caught:
        hp.config(path)
    assert str(path) in str(caught.value)


def test_an_invalid_key_in_a_mapping_source_is_an_invalid_key_error() -> None:
    """A mapping with a bad key raises hp.InvalidKeyError, as hp.scope would, naming the full key."""
    with pytest.raises(
        hp.InvalidKeyError, match=r"^Invalid hyperparameter key 'train\.bad key': it contains whitespace"
    ):
        hp.config({"train": {"bad key": 1}})


def test_a_source_that_is_neither_a_path_nor_a_mapping_is_a_type_error() -> None:
    """hp.config(3) raises TypeError saying what it takes."""
    with pytest.raises(
        TypeError, match=r"^hp.config takes paths \(str or pathlib.Path\) and mappings, not int 3\.$"
    ):
        hp.config(3)  # type: ignore[call-overload]


def test_a_failed_load_leaves_the_scope_as_it_was(tmp_path: pathlib.Path) -> None:
    """Loading is separate from scopes: a bad file changes no value."""
    path = _write(tmp_path, "exp.json", '{"a": 1, "b": "${missing}"}')
    with hp.scope(a=0):
        with pytest.raises(hp.MissingReferenceError):
            hp.scope(hp.config(path))
        assert hp.scope.a() == 0


# -- optional dependencies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["read", "write"])
def test_yaml_without_pyyaml_names_the_extra_to_install(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    """Without PyYAML, reading or writing YAML raises MissingDependencyError (an ImportError)
    naming the extra."""
    path = _write(tmp_path, "exp.yaml", "a: 1\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` fail
    with pytest.raises(hp.MissingDependencyError) as caught:
        hp.config(path) if action == "read" else hp.save_config({"a": 1}, path)
    purpose = "Reading YAML config files" if action == "read" else "Writing YAML config files"
    assert (
        str(caught.value)
        == f"{purpose} needs PyYAML, which is not installed: pip install 'hyperparameter[yaml]'."
    )
    assert isinstance(caught.value, ImportError)
    assert path.read_text() == "a: 1\n"


def test_json_and_toml_need_no_pyyaml(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without PyYAML, JSON and TOML files still load and save."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    for name in ("exp.json", "exp.toml"):
        hp.save_config({"a": 1}, tmp_path / name)
        assert hp.config(tmp_path / name) == {"a": 1}


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="Python 3.11+ reads TOML with the standard library")
def test_toml_without_tomli_before_python_311_names_the_extra_to_install(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before Python 3.11, reading TOML without tomli raises MissingDependencyError naming the toml extra."""
    path = _write(tmp_path, "exp.toml", "a = 1\n")
    monkeypatch.setitem(sys.modules, "tomli", None)
    with pytest.raises(hp.MissingDependencyError) as caught:
        hp.config(path)
    assert str(caught.value) == (
        "Reading TOML before Python 3.11 needs tomli, which is not installed: "
        "pip install 'hyperparameter[toml]'."
    )


# -- hostile inputs: deep, recursive, exponential, special files -------------------------------------------


def _nested_json(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", _nested_json(500)),
        ("deeper.json", _nested_json(5000)),
        ("deep.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
        ("deep.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n"),
    ],
)
def test_deeply_nested_config_is_a_config_error_naming_the_file(
    tmp_path: pathlib.Path, name: str, text: str
) -> None:
    """Values nested hundreds or thousands of levels deep give ConfigError naming the file,
    not RecursionError."""
    (tmp_path / name).write_text(text)
    with pytest.raises(hp.ConfigError, match=rf"{name}'.*(nested too deeply|levels deep)"):
        hp.config(tmp_path / name)


@pytest.mark.parametrize(("text", "key"), [("a: &x [*x]\n", "a[0]"), ("a: &x\n  b: *x\n", "a.b")])
def test_recursive_yaml_alias_is_a_config_error_naming_file_and_key(
    tmp_path: pathlib.Path, text: str, key: str
) -> None:
    """A YAML alias inside its own anchor gives ConfigError naming the file and the key where it recurs."""
    (tmp_path / "loop.yaml").write_text(text)
    with pytest.raises(hp.ConfigError, match=rf"loop.yaml' refers to itself at key '{re.escape(key)}'"):
        hp.config(tmp_path / "loop.yaml")


def test_nested_yaml_aliases_stop_at_the_expansion_limit(tmp_path: pathlib.Path) -> None:
    """A few hundred bytes of nested YAML aliases (a billion values) give ConfigError at once,
    naming file and key."""
    nine = lambda name: "[" + ",".join([f"*{name}"] * 9) + "]"  # noqa: E731
    text = "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
        f"a{i}: &a{i} {nine(f'a{i - 1}')}\n" for i in range(1, 10)
    )
    assert len(text) < 600
    (tmp_path / "laughs.yaml").write_text(text)
    with pytest.raises(hp.ConfigError, match=r"laughs.yaml' expands to more than 1000000 values at key 'a\d"):
        hp.config(tmp_path / "laughs.yaml")


def test_shared_yaml_aliases_below_the_limit_load_as_independent_copies(tmp_path: pathlib.Path) -> None:
    """Aliases that stay under the limit load, and each place they appear is a value of its own."""
    (tmp_path / "shared.yaml").write_text("base: &b {lr: 0.1}\nfirst: *b\nsecond: *b\n")
    values = hp.config(tmp_path / "shared.yaml")
    values["first"]["lr"] = 0.5
    assert (values["base"], values["second"]) == ({"lr": 0.1}, {"lr": 0.1})


@pytest.mark.parametrize(
    ("values", "what", "key"),
    [
        ({"l0": ["x"] * 10, **{f"l{i}": [f"${{l{i - 1}}}"] * 10 for i in range(1, 11)}}, "values", "l"),
        (
            {"s0": "x" * 10, **{f"s{i}": f"${{s{i - 1}}}${{s{i - 1}}}" for i in range(1, 40)}},
            "characters",
            "s",
        ),
    ],
    ids=["references repeating a subtree", "references doubling a string"],
)
def test_references_that_expand_exponentially_stop_at_the_limit(
    values: dict[str, Any], what: str, key: str
) -> None:
    """${} references that repeat a subtree or double a string give ConfigError naming the key,
    not exhausted memory."""
    with pytest.raises(hp.ConfigError, match=rf"expands to more than \d+ {what} at key '{key}\d"):
        hp.config(values)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("make", ["fifo", "device"])
def test_a_fifo_or_device_config_is_refused_without_reading(tmp_path: pathlib.Path, make: str) -> None:
    """A .json path naming a FIFO or /dev/zero is refused at once with ConfigError, never read."""
    path = tmp_path / "special.json"
    if make == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(hp.ConfigError, match=r"'.*special.json'.* not a regular file"):
        hp.config(path)


# -- limits set per call -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limits", "message"),
    [
        (
            '{"a": {"b": {"c": {"d": 1}}}}',
            hp.ConfigLimits(depth=2),
            r"nests values more than 2 levels deep at key 'a\.b\.c'",
        ),
        (
            '{"train": {"dims": [1, 2, 3, 4]}}',
            hp.ConfigLimits(values=4),
            r"expands to more than 4 values at key 'train\.dims\[1\]'",
        ),
        (
            '{"name": "a longer name"}',
            hp.ConfigLimits(characters=8),
            r"expands to more than 8 characters at key 'name'",
        ),
    ],
    ids=["depth", "values", "characters"],
)
def test_a_lowered_limit_refuses_a_small_file_naming_file_and_key(
    tmp_path: pathlib.Path, text: str, limits: hp.ConfigLimits, message: str
) -> None:
    """hp.config(limits=) lower than a file needs is a ConfigError naming the file and the key where it went
    over."""
    path = tmp_path / "small.json"
    path.write_text(text)
    assert hp.config(path)  # the defaults let it through
    with pytest.raises(hp.ConfigError, match=rf"Config '.*small\.json' {message}"):
        hp.config(path, limits=limits)


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".toml"])
def test_a_lowered_depth_applies_to_every_format(tmp_path: pathlib.Path, suffix: str) -> None:
    """The depth limit holds for JSON, YAML and TOML files alike, wherever the deep part sits."""
    if suffix == ".yaml":
        pytest.importorskip("yaml")
    values = {"top": 1, "a": {"b": {"c": {"d": [1]}}}}
    path = tmp_path / f"deep{suffix}"
    if suffix == ".toml":
        path.write_text("top = 1\n[a.b.c]\nd = [1]\n")
    else:
        hp.save_config(values, path)
    with pytest.raises(hp.ConfigError, match=r"nests values more than 3 levels deep at key 'a\.b\.c\.d'"):
        hp.config(path, limits=hp.ConfigLimits(depth=3))
    assert hp.config(path, limits=hp.ConfigLimits(depth=4)) == values


def test_a_lowered_limit_holds_for_mappings_and_references() -> None:
    """Limits apply to mappings passed in and to what ${} references copy, not only to files."""
    with pytest.raises(hp.ConfigError, match=r"The config expands to more than 3 values"):
        hp.config({"a": [1, 2, 3]}, limits=hp.ConfigLimits(values=3))
    values = {"a": [1, 2], "b": "${a}", "c": "${a}"}
    assert hp.config(values, limits=hp.ConfigLimits(values=8)) == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    with pytest.raises(hp.ConfigError, match=r"expands to more than 8 values at key 'd\[1\]'"):
        hp.config({**values, "d": "${a}"}, limits=hp.ConfigLimits(values=8))


def test_a_raised_limit_lets_a_bigger_config_through(tmp_path: pathlib.Path) -> None:
    """A file past a default limit loads when the call raises that limit."""
    path = tmp_path / "deep.json"
    path.write_text(_nested_json(250))
    with pytest.raises(hp.ConfigError, match=r"more than 200 levels deep"):
        hp.config(path)
    loaded = hp.config(path, limits=hp.ConfigLimits(depth=300))
    for _ in range(250):
        loaded = loaded["a"]
    assert loaded == 1


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: hp.ConfigLimits(depth=0), ValueError, r"ConfigLimits\(depth=0\) is below 1"),
        (lambda: hp.ConfigLimits(values=-5), ValueError, r"ConfigLimits\(values=-5\) is below 1"),
        (
            lambda: hp.ConfigLimits(values="10"),
            TypeError,
            r"ConfigLimits\(values='10'\) is str; expected a whole number such as 1000000",
        ),
        (lambda: hp.ConfigLimits(depth=True), TypeError, r"ConfigLimits\(depth=True\) is bool"),
        (
            lambda: hp.ConfigLimits(characters=1e6),
            TypeError,
            r"ConfigLimits\(characters=1000000\.0\) is float",
        ),
        (
            lambda: hp.config({}, limits={"depth": 3}),
            TypeError,
            r"limits=\.\.\.\) takes an hp\.ConfigLimits, not dict",
        ),
        (
            lambda: hp.config({}, limits=hp.ConfigLimits(depth=10**6)),
            ValueError,
            r"deeper than Python's recursion limit",
        ),
    ],
    ids=["zero", "negative", "text", "bool", "float", "not limits", "past recursion"],
)
def test_bad_limits_are_refused_with_what_is_expected(
    make: Callable[[], Any], error: type, message: str
) -> None:
    """A limit that is not a whole number of at least 1, or limits= that is not ConfigLimits,
    is refused at once."""
    with pytest.raises(error, match=message):
        make()


def test_limits_are_a_read_only_value() -> None:
    """ConfigLimits compare by value, hash, pickle and cannot be changed in place."""
    limits = hp.ConfigLimits(depth=50)
    assert limits == hp.ConfigLimits(50) != hp.ConfigLimits()
    assert hash(limits) == hash(hp.ConfigLimits(depth=50))
    assert pickle.loads(pickle.dumps(limits)) == limits
    assert repr(limits) == "ConfigLimits(depth=50, values=1000000, characters=100000000)"
    with pytest.raises(AttributeError, match=r"make another, e\.g\. hp\.ConfigLimits\(depth=60\)"):
        limits.depth = 60  # type: ignore[misc]
