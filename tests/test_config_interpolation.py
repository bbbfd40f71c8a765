"""Behaviour of ${...} interpolation in configs: references, environment variables, escapes,
cycles and errors."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._interpolation import escape, parse

# -- references --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        (0.5, 0.5),
        (True, True),
        (None, None),
        ("text", "text"),
        ([1, 2], [1, 2]),
        ({"x": 1}, {"x": 1}),
    ],
)
def test_a_whole_string_reference_keeps_the_referenced_type(value: Any, expected: Any) -> None:
    """'${a}' alone becomes the value at a, of its own type: a number stays a number, a mapping a mapping."""
    assert hp.config({"a": value, "b": "${a}"})["b"] == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "n=3"),
        (0.5, "n=0.5"),
        (True, "n=true"),
        ("text", "n=text"),
        ([1, 2], "n=[1,2]"),
    ],
)
def test_an_embedded_reference_is_formatted_into_the_text(value: Any, text: str) -> None:
    """A reference inside other text is written as on the command line (true, [1,2]); the result is a str."""
    assert hp.config({"a": value, "b": "n=${a}"})["b"] == text


def test_several_references_and_spaces_inside_braces() -> None:
    """A string may hold several references; spaces inside the braces are ignored."""
    values = hp.config(
        {"model": {"name": "vit", "size": 16}, "run": "${model.name}-${ model.size }/${model.size}"}
    )
    assert values["run"] == "vit-16/16"


def test_references_chain_through_other_references() -> None:
    """A reference to a value that is itself a reference resolves to the final value and type."""
    assert hp.config({"a": "${b}", "b": "${c}", "c": 7}) == {"a": 7, "b": 7, "c": 7}


def test_a_reference_to_a_subtree_resolves_the_references_inside_it() -> None:
    """Referring to a mapping gives it with its own references already resolved."""
    values = hp.config({"base": {"lr": "${lr}", "tag": "lr=${lr}"}, "lr": 0.1, "copy": "${base}"})
    assert values["copy"] == {"lr": 0.1, "tag": "lr=0.1"}


def test_a_reference_through_a_reference_to_a_subtree() -> None:
    """A path may pass through a value that refers to a mapping: ${alias.lr} where alias is ${real}."""
    assert hp.config({"real": {"lr": 0.1}, "alias": "${real}", "lr": "${alias.lr}"})["lr"] == 0.1


def test_copies_of_a_subtree_are_independent() -> None:
    """Each reference gets its own copy: changing one result does not change the others."""
    values = hp.config({"base": {"dims": [1]}, "a": "${base}", "b": "${base}"})
    values["a"]["dims"].append(2)
    assert values["b"] == values["base"] == {"dims": [1]}


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("${dims[0]}", 64),
        ("${dims[2]}", 256),
        ("${dims.1}", 128),
        ("${stages[1].lr}", 0.01),
        ("${grid[1][0]}", 3),
        ("x${dims[0]}", "x64"),
    ],
)
def test_list_items_are_referenced_by_index(reference: str, expected: Any) -> None:
    """${a[0]} (or ${a.0}) refers to a list item; indexes chain into nested lists and mappings."""
    values = {
        "dims": [64, 128, 256],
        "stages": [{"lr": 0.1}, {"lr": 0.01}],
        "grid": [[1, 2], [3, 4]],
        "out": reference,
    }
    assert hp.config(values)["out"] == expected


def test_references_inside_lists_resolve() -> None:
    """Strings inside lists are interpolated too, in place."""
    assert hp.config({"lr": 0.1, "sched": ["${lr}", "lr/${lr}"]})["sched"] == [0.1, "lr/0.1"]


def test_text_without_interpolation_is_left_alone() -> None:
    """A '$' or '{' that is not '${' and backslashes elsewhere are kept as written."""
    values = {"a": "$HOME {x} $ {", "b": "C:\\path\\to", "c": "price: $5"}
    assert hp.config(values) == values


# -- environment variables ---------------------------------------------------------------------------------


def test_env_gives_the_variables_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """${env:NAME} is the variable's text, a str even when it looks like a number."""
    monkeypatch.setenv("HP_TEST_LR", "0.5")
    assert hp.config({"lr": "${env:HP_TEST_LR}", "tag": "lr=${env:HP_TEST_LR}"}) == {
        "lr": "0.5",
        "tag": "lr=0.5",
    }


def test_env_default_is_used_only_when_the_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """${env:NAME,default} gives the default when NAME is unset and the variable (even empty) when set."""
    monkeypatch.delenv("HP_TEST_UNSET", raising=False)
    monkeypatch.setenv("HP_TEST_EMPTY", "")
    values = hp.config(
        {"a": "${env:HP_TEST_UNSET,/tmp/data}", "b": "${env:HP_TEST_EMPTY,x}", "c": "${env:HP_TEST_UNSET,}"}
    )
    assert values == {"a": "/tmp/data", "b": "", "c": ""}


def test_env_default_may_hold_commas_and_references(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default is everything after the first comma, and may itself hold references."""
    monkeypatch.delenv("HP_TEST_UNSET", raising=False)
    values = hp.config(
        {
            "root": "/data",
            "workers": 4,
            "list": "${env:HP_TEST_UNSET,a,b}",
            "path": "${env:HP_TEST_UNSET,${root}/train}",
            "n": "${env:HP_TEST_UNSET,${workers}}",
        }
    )
    assert (values["list"], values["path"], values["n"]) == ("a,b", "/data/train", 4)


def test_a_set_variable_is_not_interpolated_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment variable's text is taken as it is, '${' included."""
    monkeypatch.setenv("HP_TEST_RAW", "${secret}")
    assert hp.config({"a": "${env:HP_TEST_RAW}"}) == {"a": "${secret}"}


def test_an_unset_variable_without_default_is_a_missing_reference_error(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """${env:NAME} with NAME unset raises MissingReferenceError (a KeyError) naming the key,
    file and variable."""
    monkeypatch.delenv("HP_TEST_UNSET", raising=False)
    path = tmp_path / "exp.toml"
    path.write_text('[data]\nroot = "${env:HP_TEST_UNSET}"\n')
    with pytest.raises(hp.MissingReferenceError) as caught:
        hp.config(path)
    assert str(caught.value) == (
        f"The key 'data.root' in '{path}' refers to '${{env:HP_TEST_UNSET}}', but the environment variable "
        f"'HP_TEST_UNSET' is not set; set it or give a default as '${{env:HP_TEST_UNSET,default}}'."
    )
    assert isinstance(caught.value, KeyError)
    assert (caught.value.key, caught.value.reference) == ("data.root", "${env:HP_TEST_UNSET}")


# -- escapes -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "loaded"),
    [
        ("\\${a}", "${a}"),
        ("cost: \\${5}", "cost: ${5}"),
        ("\\\\${a}", "\\1"),
        ("\\\\\\${a}", "\\${a}"),
        ("\\${", "${"),
        ("a\\b ${a}", "a\\b 1"),
    ],
)
def test_a_backslash_escapes_a_literal_dollar_brace(written: str, loaded: str) -> None:
    """'\\${' is a literal '${'; '\\\\${' is a literal backslash before a reference;
    other backslashes stay."""
    assert hp.config({"a": 1, "b": written})["b"] == loaded


def test_an_escaped_reference_can_be_a_whole_value_in_a_file(tmp_path: pathlib.Path) -> None:
    """In a YAML file, \\${...} reads back as the literal text."""
    path = tmp_path / "exp.yaml"
    path.write_text("template: \\${name}.txt\n")
    assert hp.config(path) == {"template": "${name}.txt"}


@given(st.text())
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    """Any text, escaped, is read back by interpolation unchanged: escape is what save_config uses."""
    assert "".join(part for part in parse(escape(text)) if isinstance(part, str)) == text
    assert all(isinstance(part, str) for part in parse(escape(text)))


# -- cycles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "cycle"),
    [
        ({"a": "${a}"}, "a -> a"),
        ({"a": "x${a}"}, "a -> a"),
        ({"a": "${b}", "b": "${a}"}, "a -> b -> a"),
        ({"a": "${b}", "b": "${c}", "c": "${a}"}, "a -> b -> c -> a"),
        ({"a": "${b}", "b": {"c": "${a}"}}, "a -> b -> b.c -> a"),
        ({"b": {"c": "${b}"}}, "b.c -> b -> b.c"),
        ({"a": ["${a[0]}"]}, "a[0] -> a[0]"),
        ({"a": "${env:HP_TEST_UNSET,${a}}"}, "a -> a"),
    ],
)
def test_a_cycle_is_a_config_error_printing_the_cycle(
    values: dict[str, Any], cycle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference that comes back to itself raises ConfigError (a ValueError)
    showing the path round the cycle."""
    monkeypatch.delenv("HP_TEST_UNSET", raising=False)
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(values)
    assert str(caught.value) == f"Interpolation cycle: {cycle}; a value cannot refer to itself."
    assert isinstance(caught.value, ValueError)


def test_a_cycle_across_files_names_each_file(tmp_path: pathlib.Path) -> None:
    """A cycle running through two files names both."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('a = "${b}"\n')
    second.write_text('b = "${a}"\n')
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(first, second)
    assert (
        str(caught.value)
        == f"Interpolation cycle in '{first}', '{second}': a -> b -> a; a value cannot refer to itself."
    )


# -- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(
            {"train": {"lr": 0.1}, "a": "${trian.lr}"},
            "The key 'a' refers to '${trian.lr}', but 'trian' is not set. Did you mean 'train'?",
            id="missing-with-hint",
        ),
        pytest.param(
            {"train": {"lr": 0.1}, "a": "${train.lrr}"},
            "The key 'a' refers to '${train.lrr}', but 'train.lrr' is not set. Did you mean 'train.lr'?",
            id="missing-nested-with-hint",
        ),
        pytest.param(
            {"a": "${zzz}"},
            "The key 'a' refers to '${zzz}', but 'zzz' is not set.",
            id="missing-no-hint",
        ),
        pytest.param(
            {"dims": [1, 2], "a": "${dims[2]}"},
            "The key 'a' refers to '${dims[2]}', but 'dims' has 2 items.",
            id="index-out-of-range",
        ),
        pytest.param(
            {"lr": 0.1, "a": {"b": "${lr.value}"}},
            "The key 'a.b' refers to '${lr.value}', but 'lr' is 0.1, which has no keys.",
            id="key-of-a-scalar",
        ),
    ],
)
def test_a_reference_to_nothing_is_a_missing_reference_error(values: dict[str, Any], message: str) -> None:
    """A reference to a key that is not set raises MissingReferenceError (a KeyError) naming both keys."""
    with pytest.raises(hp.MissingReferenceError) as caught:
        hp.config(values)
    assert str(caught.value) == message
    assert isinstance(caught.value, KeyError)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            "${foo:bar}",
            "unknown resolver 'foo' in '${foo:bar}'; expected '${env:NAME}' or a key such as '${train.lr}'",
            id="unknown-resolver",
        ),
        pytest.param(
            "lr=${train.lr",
            "unterminated '${' in 'lr=${train.lr'; write '\\${' for a literal '${'",
            id="unterminated",
        ),
        pytest.param(
            "${}",
            "'${}' is not a reference; expected a key such as '${train.lr}' or '${env:NAME}'",
            id="empty",
        ),
        pytest.param(
            "${a b}",
            "'${a b}' is not a reference; expected a key such as '${train.lr}' or '${env:NAME}'",
            id="space-in-key",
        ),
        pytest.param(
            "${env:}",
            "'${env:}' names no environment variable; expected '${env:NAME}'",
            id="env-without-name",
        ),
    ],
)
def test_text_that_is_not_a_valid_interpolation_is_a_config_error(
    tmp_path: pathlib.Path, text: str, problem: str
) -> None:
    """A malformed ${...} raises ConfigError naming the key, the file and what was expected."""
    path = tmp_path / "exp.json"
    path.write_text(json.dumps({"run": {"tag": text}}))
    with pytest.raises(hp.ConfigError) as caught:
        hp.config(path)
    assert str(caught.value) == f"Cannot interpolate key 'run.tag' in '{path}': {problem}."


def test_a_mapping_cannot_be_embedded_in_text() -> None:
    """A reference to a mapping inside other text is a ConfigError telling to make it the whole value."""
    with pytest.raises(hp.ConfigError) as caught:
        hp.config({"model": {"depth": 4}, "name": "net-${model}"})
    assert str(caught.value) == (
        "Cannot interpolate key 'name': '${model}' is a mapping, which cannot be embedded in text; "
        "make the reference the whole value."
    )


def test_the_error_names_the_file_the_reference_came_from(tmp_path: pathlib.Path) -> None:
    """With several files, the message names the one holding the broken reference."""
    base, run = tmp_path / "base.yaml", tmp_path / "run.yaml"
    base.write_text("lr: 0.1\n")
    run.write_text("tag: ${lr}-${seed}\n")
    with pytest.raises(hp.MissingReferenceError) as caught:
        hp.config(base, run)
    assert str(caught.value) == f"The key 'tag' in '{run}' refers to '${{seed}}', but 'seed' is not set."
