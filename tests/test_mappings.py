"""Dict-valued hyperparameters: a dict given for a key reaches a read of that key (review finding 2)."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hyperparameter as hp
from hyperparameter._engine import innermost

OPT = {"m": 1, "betas": {"b1": 0.9, "b2": 0.99}, "name": "sgd"}


# -- plain reads ---------------------------------------------------------------------------------


def test_a_dict_given_for_a_key_is_merged_into_the_default_of_a_read() -> None:
    """A dict given for a key changes the entries it names and keeps the default's others, nested too."""
    with hp.scope(**{"train.opt": {"m": 2, "betas": {"b2": 0.9}}}):
        assert hp.scope.train.opt | OPT == {"m": 2, "betas": {"b1": 0.9, "b2": 0.9}, "name": "sgd"}
        assert hp.scope.train.opt(OPT) == {"m": 2, "betas": {"b1": 0.9, "b2": 0.9}, "name": "sgd"}


def test_a_key_under_a_dict_valued_key_changes_one_entry() -> None:
    """A dotted key under the read key (``-D train.opt.m=2``) changes that entry,
    converted to the default's type."""
    with hp.scope("train.opt.m=2", "train.opt.betas.b1=0.5"):
        assert hp.scope.train.opt | OPT == {"m": 2, "betas": {"b1": 0.5, "b2": 0.99}, "name": "sgd"}


def test_a_read_with_nothing_under_its_key_gets_the_default_itself() -> None:
    """With nothing set under the key, the read returns its default object, as any read does."""
    with hp.scope(**{"train.lr": 0.1}):
        assert hp.scope.train.opt | OPT is OPT


def test_the_default_is_never_changed() -> None:
    """Gathering builds a new dict: the default and its nested dicts keep their entries."""
    default = {"m": 1, "betas": {"b1": 0.9}}
    with hp.scope(**{"train.opt.betas.b1": 0.1, "train.opt.m": 3}):
        assert hp.scope.train.opt | default == {"m": 3, "betas": {"b1": 0.1}}
    assert default == {"m": 1, "betas": {"b1": 0.9}}


def test_entries_the_default_lacks_are_added_as_given() -> None:
    """An entry the default does not name is added with the value as set (text stays text)."""
    with hp.scope("train.opt.extra=0.5", **{"train.opt.tag": 3}):
        assert hp.scope.train.opt | {"m": 1} == {"m": 1, "extra": "0.5", "tag": 3}


def test_an_empty_dict_default_gathers_a_whole_namespace() -> None:
    """``hp.scope.model | {}`` is every key under ``model`` as a nested dict."""
    with hp.scope(**{"model": {"width": 64, "enc": {"layers": 4}}, "train.lr": 0.1}):
        assert hp.scope.model | {} == {"width": 64, "enc": {"layers": 4}}


def test_inner_scopes_win_over_outer_ones_entry_by_entry() -> None:
    """Sub-keys from nested scopes merge; the innermost value of an entry wins."""
    with hp.scope(**{"train.opt": {"m": 2, "name": "adam"}}):
        with hp.scope(**{"train.opt.m": 5}):
            assert hp.scope.train.opt | OPT == {**OPT, "m": 5, "name": "adam"}
        assert hp.scope.train.opt | OPT == {**OPT, "m": 2, "name": "adam"}


def test_a_json_object_given_as_text_is_merged_into_the_default() -> None:
    """``-D 'train.opt={"m": 2}'`` text merges into the default like a dict does."""
    with hp.scope('train.opt={"m": 2, "betas": {"b1": 0.1}}'):
        assert hp.scope.train.opt | OPT == {"m": 2, "betas": {"b1": 0.1, "b2": 0.99}, "name": "sgd"}


def test_an_empty_dict_given_for_a_key_empties_it() -> None:
    """``{}`` (a dict or the text ``{}``) is the one way to read an empty dict: it replaces the default."""
    with hp.scope(**{"train.opt": {}}):
        assert hp.scope.train.opt | OPT == {}
    with hp.scope("train.opt={}"):
        assert hp.scope.train.opt | OPT == {}


@pytest.mark.parametrize(
    ("how", "where"),
    [
        ("hp.scope attribute", lambda ps, v: setattr(hp.scope.train, "opt", v)),
        ("hp.scope item", lambda ps, v: hp.scope.__setitem__("train.opt", v)),
        ("scope attribute", lambda ps, v: setattr(ps.train, "opt", v)),
        ("scope item", lambda ps, v: ps.__setitem__("train.opt", v)),
    ],
)
def test_a_dict_written_sets_the_keys_under_its_key(how: str, where: Any) -> None:
    """A dict written through ``hp.scope`` or a scope object merges like one given to ``hp.scope(...)``."""
    with hp.scope() as ps:
        where(ps, {"m": 2, "betas": {"b1": 0.5}})
        assert "train.opt.betas.b1" in hp.scope.current()
        assert hp.scope.train.opt | OPT == {**OPT, "m": 2, "betas": {"b1": 0.5, "b2": 0.99}}


def test_a_bad_entry_names_its_own_key() -> None:
    """An entry that cannot take the default's type is an error naming the dotted key of the entry."""
    with hp.scope("train.opt.m=fast"), pytest.raises(hp.ConversionError, match=r"'train\.opt\.m'"):
        hp.scope.train.opt | OPT


def test_reads_through_a_scope_object_gather_too() -> None:
    """``ps.train.opt | {...}`` gathers the keys the scope object sees."""
    with hp.scope(**{"train.opt.m": 4}) as ps:
        pass
    assert ps.train.opt | {"m": 1} == {"m": 4}


def test_gathering_sees_each_level_alone() -> None:
    """What one block gathered is not what a later block with other values reads."""
    for m in range(3):
        with hp.scope(**{"train.opt.m": m}):
            assert hp.scope.train.opt | {"m": -1} == {"m": m}


def test_a_thread_gathers_its_own_values() -> None:
    """A thread's dict read sees the thread's scope, not another thread's."""
    seen: dict[str, Any] = {}
    ready = threading.Barrier(2)

    def work(name: str, m: int) -> None:
        with hp.scope(**{"train.opt.m": m}):
            ready.wait()
            seen[name] = hp.scope.train.opt | {"m": 0}

    threads = [threading.Thread(target=work, args=(name, m)) for name, m in (("a", 1), ("b", 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"a": {"m": 1}, "b": {"m": 2}}


def test_a_suspended_generators_block_is_not_gathered_by_its_caller() -> None:
    """Keys a suspended generator's block sets stay invisible to the caller's dict read."""

    def gen() -> Any:
        with hp.scope(**{"train.opt.m": 9}):
            yield hp.scope.train.opt | {"m": 0}

    it = gen()
    assert next(it) == {"m": 9}
    assert hp.scope.train.opt | {"m": 0} == {"m": 0}
    it.close()


def _merged(default: Any, given: dict[str, Any]) -> Any:
    """Merge as the reference does: nested dicts merge entry by entry, anything else replaces."""
    result = dict(default)
    for name, value in given.items():
        inner = result.get(name)
        if isinstance(value, dict) and value and isinstance(inner, dict):
            result[name] = _merged(inner, value)
        else:
            result[name] = value
    return result


_NAMES = st.text("abcxyz", min_size=1, max_size=3)
_LEAVES = st.one_of(st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2))
_TREES = st.recursive(
    _LEAVES, lambda inner: st.dictionaries(_NAMES, inner, min_size=1, max_size=3), max_leaves=8
)


@settings(max_examples=150, deadline=None)
@given(
    default=st.dictionaries(_NAMES, _TREES, max_size=4), given_=st.dictionaries(_NAMES, _TREES, min_size=1)
)
def test_a_read_gets_the_default_merged_with_what_is_given(
    default: dict[str, Any], given_: dict[str, Any]
) -> None:
    """For any nested dicts of plain values, the read is the default merged with the given dict,
    OmegaConf-style."""
    # Values of one type on both sides: the conversion is exercised elsewhere.
    default = {name: value for name, value in default.items() if name not in given_}
    with hp.scope(**{"k": given_}):
        assert hp.scope.k | default == _merged(default, given_)
        assert hp.scope.k | {} == given_


# -- @hp.param -----------------------------------------------------------------------------------


@hp.param("train")
def fit(opt: dict = OPT, extra: Optional[dict[str, int]] = None, lr: float = 0.1) -> tuple[Any, Any, float]:
    return opt, extra, lr


@hp.param("train")
def fit_positional(data: Any, opt: Any = OPT, /) -> Any:
    return opt


def test_param_injects_a_dict_given_for_a_dict_defaulted_parameter() -> None:
    """``@hp.param`` gives a dict-defaulted parameter the default merged with the dict given for its key."""
    with hp.scope(**{"train.opt": {"m": 2}}):
        assert fit()[0] == {**OPT, "m": 2}
        assert fit_positional(None) == {**OPT, "m": 2}
    assert fit()[0] is OPT


def test_param_injects_keys_under_a_dict_annotated_parameter() -> None:
    """A parameter annotated as a dict, defaulting to None, gets the keys set under its key."""
    with hp.scope(**{"train.extra": {"k": 1}}):
        assert fit()[1] == {"k": 1}
    assert fit()[1] is None


def test_each_injected_call_gets_its_own_dict() -> None:
    """A function that changes the dict it got does not change what the next call gets."""
    with hp.scope(**{"train.opt.m": 2}):
        fit()[0]["m"] = 100
        assert fit()[0]["m"] == 2


# -- hp.Dict ---------------------------------------------------------------------------------------


class Net(hp.Params, namespace="net"):
    opt = hp.Dict({"m": 1, "name": "sgd"})
    extra = hp.Dict()


def test_a_declared_dict_gets_the_dict_given_for_its_key() -> None:
    """``hp.Dict`` reads the default merged with the dict (or the keys) set under its key."""
    with hp.scope(**{"net.opt": {"m": 2}, "net.extra.k": "v"}):
        net = Net()
        assert (net.opt, net.extra) == ({"m": 2, "name": "sgd"}, {"k": "v"})
    with hp.scope('net.opt={"name": "adam"}'):
        assert Net().opt == {"m": 1, "name": "adam"}
    assert Net().opt == {"m": 1, "name": "sgd"}


def test_a_declared_dict_checks_the_gathered_dict() -> None:
    """``value_at`` gives the gathered dict, or UNSET when nothing is set for the parameter."""
    declared = Net.param("opt")
    with hp.scope(**{"net.opt.m": "3"}):
        assert declared.value_at(innermost()) == {"m": 3, "name": "sgd"}
    with hp.scope(**{"net.other": 1}):
        assert declared.value_at(innermost()) is hp._kinds.UNSET  # type: ignore[attr-defined]


# -- hp.record -----------------------------------------------------------------------------------


def test_a_record_holds_the_gathered_dict_and_its_source() -> None:
    """A record reads the dict-valued key as the dict the code got, sourced from its parts;
    no part is unread."""
    with hp.scope(**{"train.opt.m": "2"}), hp.record() as rec:
        hp.scope.train.opt | OPT
    read = rec.reads["train.opt"]
    assert (read.value, read.source) == ({**OPT, "m": 2}, "hp.scope")
    assert rec.operative() == {"train": {"opt": {**OPT, "m": 2}}}
    assert list(rec.reads) == ["train.opt"]


def test_a_record_lists_no_part_of_a_gathered_key_as_unread() -> None:
    """Keys gathered into a dict read are read, for the record's ``unread``."""
    with hp.record() as rec, hp.scope(**{"train.opt.m": 2, "train.opt.x": 1, "train.typo": 3}):
        fit()
    assert rec.unread == ["train.typo"]


def test_a_later_read_that_gathers_more_is_a_variation() -> None:
    """A first read that got the default stays the first read; a later gathered dict is its later value."""
    with hp.record() as rec:
        hp.scope.train.opt | {"m": 1}
        with hp.scope(**{"train.opt.m": 2}):
            hp.scope.train.opt | {"m": 1}
    read = rec.reads["train.opt"]
    assert (read.value, read.varied, read.last) == ({"m": 1}, True, {"m": 2})


def test_a_saved_record_replays_the_dict(tmp_path: Path) -> None:
    """The operative config of a dict read, saved and loaded again, gives the same dict."""
    with hp.scope(**{"train.opt": {"m": 4}}), hp.record() as rec:
        first = fit()[0]
    path = tmp_path / "run.json"
    hp.save_config(rec, path)
    with hp.scope(**hp.config(str(path))):
        assert fit()[0] == first == {**OPT, "m": 4}


# -- the launcher ----------------------------------------------------------------------------------


@hp.param("app")
def main(opt: dict = {"m": 1, "name": "sgd"}, n: int = 1) -> Any:  # noqa: B006
    return {"opt": opt, "read": hp.scope.model.cfg | {"w": 1}}


def launch(argv: list[str], capsys: pytest.CaptureFixture[str], func: Any = main) -> tuple[Any, str]:
    result = hp.launch(func, argv=argv)
    return result, capsys.readouterr().err


def test_launch_takes_keys_under_a_dict_parameter_without_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``-D app.opt.m=2`` and ``-D model.cfg.w=3`` are known keys: applied, not warned about,
    accepted by --strict."""
    result, err = launch(["-D", "app.opt.m=2", "-D", "model.cfg.w=3", "--strict"], capsys)
    assert result == {"opt": {"m": 2, "name": "sgd"}, "read": {"w": 3}}
    assert err == ""


def test_launch_still_warns_about_a_typo_beside_a_dict_key(capsys: pytest.CaptureFixture[str]) -> None:
    """A key that is neither a parameter nor under a dict-valued one is still a typo."""
    result, err = launch(["-D", "app.optt.m=2"], capsys)
    assert result["opt"] == {"m": 1, "name": "sgd"}
    assert "'app.optt.m'" in err


def test_launch_refuses_a_bad_entry_of_a_dict_before_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """An entry whose default is a number, set to text no number reads, is a usage error naming the entry."""
    with pytest.raises(SystemExit) as stop:
        hp.launch(main, argv=["-D", "app.opt.m=fast"])
    assert stop.value.code == 2
    assert "-D sets 'app.opt.m' to 'fast', but main at " in capsys.readouterr().err


def test_launch_merges_a_dict_given_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``-D 'app.opt={"m": 2}'``, ``--opt '{"m": 3}'`` and a file's text merge into the default."""
    assert launch(["-D", 'app.opt={"m": 2}'], capsys)[0]["opt"] == {"m": 2, "name": "sgd"}
    assert launch(["--opt", '{"m": 3}'], capsys)[0]["opt"] == {"m": 3, "name": "sgd"}
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"app": {"opt": '{"m": 6}'}, "n": 2}))
    assert launch(["-C", str(path), "-D", "app.n=3"], capsys)[0]["opt"] == {"m": 6, "name": "sgd"}


def test_an_options_dict_wins_entry_by_entry_over_a_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--opt '{"m": 3}'`` changes one entry of the dict a ``-C`` file gives, as ``-D`` does."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"app": {"opt": {"m": 2, "name": "adam"}}}))
    by_option, err = launch(["-C", str(path), "--opt", '{"m": "3"}'], capsys)
    by_define, _ = launch(["-C", str(path), "-D", 'app.opt={"m": 3}'], capsys)
    assert by_option["opt"] == by_define["opt"] == {"m": 3, "name": "adam"}
    assert err == ""


def test_launch_applies_a_config_file_dict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ``-C`` file's nested table for a dict parameter reaches it, with no unknown-key warning."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"app": {"opt": {"m": 5}}, "model": {"cfg": {"w": 2}}}))
    result, err = launch(["-C", str(path)], capsys)
    assert result == {"opt": {"m": 5, "name": "sgd"}, "read": {"w": 2}}
    assert err == ""


def test_launch_record_and_replay_give_the_same_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--record`` writes the dict a run read; ``-C`` with that file runs with the same dict."""
    record = tmp_path / "run.yaml"
    first, _ = launch(["--opt", '{"m": 4}', "-D", "model.cfg.w=7", "--record", str(record)], capsys)
    replayed, err = launch(["-C", str(record)], capsys)
    assert replayed == first == {"opt": {"m": 4, "name": "sgd"}, "read": {"w": 7}}
    assert err == ""


def test_launch_params_class_takes_keys_under_a_declared_dict(capsys: pytest.CaptureFixture[str]) -> None:
    """``hp.launch(Params)`` gives a declared dict the keys set under it."""
    net, err = launch(["-D", "net.opt.m=7"], capsys, Net)
    assert net.opt == {"m": 7, "name": "sgd"}
    assert err == ""


def test_list_params_shows_the_gathered_dict_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    """``-lps`` shows a dict-valued key's value in force and where its entries came from."""
    with pytest.raises(SystemExit):
        hp.launch(main, argv=["-lps", "-D", "app.opt.m=2"])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("app.opt "))
    assert "{'m': 2, 'name': 'sgd'}" in row
    assert row.split()[-2] == "-D"


# -- sweeps ----------------------------------------------------------------------------------------


def test_a_sweep_over_dicts_gives_each_trial_its_dict() -> None:
    """``hp.sweep`` over dict values gives each trial the default merged with its dict."""
    result = hp.sweep(lambda: fit()[0], {"train.opt": [{"m": 2}, {"m": 3}]}, progress=False)
    assert [trial.result for trial in result] == [{**OPT, "m": 2}, {**OPT, "m": 3}]


def test_a_launched_sweep_keeps_an_unswept_dict(tmp_path: Path) -> None:
    """Under ``--sweep``, an unswept ``-D app.opt={...}`` reaches every trial."""
    argv = ["--sweep", "-D", 'app.opt={"m": 2}', "-D", "app.n=1,2", "--runs", str(tmp_path / "runs")]
    result = hp.launch(main, argv=argv)
    assert [trial.result["opt"] for trial in result] == [{"m": 2, "name": "sgd"}] * 2


# -- worker processes ------------------------------------------------------------------------------


def read_opt(x: int) -> Any:
    """Read, in a worker, a dict under a key the parent never reads."""
    return hp.scope.train.opt | {"m": 1, "name": "sgd"}


def opt_in_pool() -> list[Any]:
    """Run a launched program whose dict-valued key only a pool worker reads."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.map(read_opt, [1])


def test_a_dict_read_in_a_worker_reaches_the_launch_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker's gathered dict counts its parts as read and is what ``--record`` writes for replay."""
    path = tmp_path / "run.json"
    assert hp.launch(opt_in_pool, argv=["-D", "train.opt.m=2"]) == [{"m": 2, "name": "sgd"}]
    assert "never read" not in capsys.readouterr().err
    hp.launch(opt_in_pool, argv=["-D", "train.opt.m=3", "--record", str(path)])
    assert json.loads(path.read_text())["train"]["opt"] == {"m": 3, "name": "sgd"}
    assert hp.launch(opt_in_pool, argv=["-C", str(path)]) == [{"m": 3, "name": "sgd"}]
    assert "never read" not in capsys.readouterr().err
